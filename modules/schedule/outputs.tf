output "arn" {
  description = "ARN of the schedule (Scheduler) or rule (EventBridge)."
  value       = local.scheduler ? one(aws_scheduler_schedule.this[*].arn) : one(aws_cloudwatch_event_rule.this[*].arn)
}

output "name" {
  description = "Name of the schedule or rule."
  value       = var.name
}

output "backend" {
  description = "\"scheduler\" or \"rules\"."
  value       = var.backend
}

output "expression" {
  description = "Schedule expression."
  value       = var.expression
}

output "role_arn" {
  description = "ARN of the schedule's role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the schedule's role."
  value       = aws_iam_role.this.name
}

output "target_arn" {
  description = "ARN the schedule invokes (universal SubmitJob target, job queue, or state machine)."
  value       = local.target_arn
}

output "target_input" {
  description = "Input the schedule sends with every invocation."
  value       = local.target_input
}
