output "job_definition_arn" {
  description = "ARN of the current job definition revision."
  value       = aws_batch_job_definition.this.arn
}

output "job_definition_arn_prefix" {
  description = "Job definition ARN without revision (submits the latest active revision)."
  value       = aws_batch_job_definition.this.arn_prefix
}

output "job_definition_name" {
  description = "Job definition name."
  value       = aws_batch_job_definition.this.name
}

output "job_role_arn" {
  description = "ARN of the job role (created, or job_role_arn)."
  value       = local.create_job_role ? aws_iam_role.job[0].arn : var.job_role_arn
}

output "execution_role_arn" {
  description = "ARN of the execution role (created, or execution_role_arn)."
  value       = local.create_execution_role ? aws_iam_role.execution[0].arn : var.execution_role_arn
}

output "log_group_name" {
  description = "Name of the job's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the job's log group."
  value       = aws_cloudwatch_log_group.this.arn
}
