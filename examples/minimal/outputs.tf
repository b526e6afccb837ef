output "job_queue_arns" {
  description = "Job queue ARNs by key."
  value       = module.batch.job_queue_arns
}

output "job_definition_arns" {
  description = "Job definition ARNs by job."
  value       = module.batch.job_definition_arns
}

output "schedule_arns" {
  description = "Schedule ARNs by \"<job>/<schedule>\" (and \"<pipeline>/<schedule>\")."
  value       = module.batch.schedule_arns
}

output "dead_letter_queue_arn" {
  description = "Dead-letter queue of the schedules."
  value       = module.batch.dead_letter_queue_arn
}

output "log_group_names" {
  description = "Log group of each job."
  value       = module.batch.log_group_names
}
