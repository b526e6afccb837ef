output "dynamic_schedule_group_name" {
  description = "Schedule group the application creates its users' schedules in."
  value       = module.batch.dynamic_schedule_group_name
}

output "dynamic_schedule_targets" {
  description = "By job: the target, role, dead-letter queue, retry policy, input template and parameters a schedule may set."
  value       = module.batch.dynamic_schedule_targets
}

output "dynamic_schedule_manager_policy_json" {
  description = "The policy the application's role needs (and nothing more)."
  value       = module.batch.dynamic_schedule_manager_policy_json
}

output "dynamic_schedule_manager_policy_arn" {
  description = "The same policy as a managed policy to attach."
  value       = module.batch.dynamic_schedule_manager_policy_arn
}
