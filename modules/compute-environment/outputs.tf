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
  description = "EC2/SPOT: ARN of the instance profile in use (created, or instance_profile_arn)."
  value       = local.ec2 ? coalesce(var.instance_profile_arn, one(aws_iam_instance_profile.instance[*].arn)) : null
}

output "launch_template" {
  description = "EC2/SPOT: the launch template in use (id or name, and version), for copies of this environment; null on Fargate."
  value = !local.ec2 ? null : local.own_launch_template ? {
    id      = aws_launch_template.this[0].id
    name    = null
    version = tostring(aws_launch_template.this[0].latest_version)
  } : var.launch_template
}
