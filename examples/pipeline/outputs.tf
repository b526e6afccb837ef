output "state_machine_arns" {
  description = "State machine ARN by pipeline."
  value       = module.batch.state_machine_arns
}

output "pipelines" {
  description = "Each pipeline's state machine, role, log group, steps and schedules."
  value       = module.batch.pipelines
}

output "schedule_arns" {
  description = "Job and pipeline schedule ARNs by \"<job>/<schedule>\" or \"<pipeline>/<schedule>\"."
  value       = module.batch.schedule_arns
}

output "job_definition_arns" {
  description = "Job definition ARNs by job."
  value       = module.batch.job_definition_arns
}
