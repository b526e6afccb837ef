output "compute_environment_arns" {
  description = "Compute environment ARNs by key (network-isolated copies keyed \"<job>/<environment>\")."
  value       = module.batch.compute_environment_arns
}

output "job_queue_arns" {
  description = "Job queue ARNs by key (network-isolated copies keyed \"<job>/<queue>\")."
  value       = module.batch.job_queue_arns
}

output "job_definition_arns" {
  description = "Job definition ARNs by job."
  value       = module.batch.job_definition_arns
}

output "job_role_arns" {
  description = "Job role ARNs by job."
  value       = module.batch.job_role_arns
}

output "schedule_arns" {
  description = "Schedule ARNs by \"<job>/<schedule>\" (and \"<pipeline>/<schedule>\")."
  value       = module.batch.schedule_arns
}

output "security_group_ids" {
  description = "Security groups: default and one per network-isolated job."
  value       = module.batch.security_group_ids
}

output "dead_letter_queue_arn" {
  description = "Dead-letter queue of the schedules."
  value       = module.batch.dead_letter_queue_arn
}

output "log_group_names" {
  description = "Log group of each job."
  value       = module.batch.log_group_names
}

output "db_password_secret_arn" {
  description = "Secret to fill with the database password."
  value       = aws_secretsmanager_secret.db_password.arn
}
