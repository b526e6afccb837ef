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
  description = "ARN of the job role."
  value       = aws_iam_role.job.arn
}

output "job_role_name" {
  description = "Name of the job role."
  value       = aws_iam_role.job.name
}

output "execution_role_arn" {
  description = "ARN of the execution role."
  value       = aws_iam_role.execution.arn
}

output "log_group_name" {
  description = "Name of the job's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the job's log group."
  value       = aws_cloudwatch_log_group.this.arn
}
