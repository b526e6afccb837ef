output "arn" {
  description = "Compute environment ARN."
  value       = aws_batch_compute_environment.this.arn
}

output "name" {
  description = "Compute environment name (prefix plus generated suffix)."
  value       = aws_batch_compute_environment.this.compute_environment_name
}

output "type" {
  description = "FARGATE, FARGATE_SPOT, EC2 or SPOT."
  value       = var.type
}

output "instance_role_arn" {
  description = "EC2/SPOT: ARN of the container instance role."
  value       = one(aws_iam_role.instance[*].arn)
}

output "instance_profile_arn" {
  description = "EC2/SPOT: ARN of the instance profile."
  value       = one(aws_iam_instance_profile.instance[*].arn)
}
