output "group_name" {
  description = "Name of the schedule group."
  value       = aws_scheduler_schedule_group.this.name
}

output "group_arn" {
  description = "ARN of the schedule group."
  value       = aws_scheduler_schedule_group.this.arn
}

output "targets" {
  description = "By job: target_arn, role_arn, dead_letter_queue_arn, retry_policy, input_template (the SubmitJob request without JobName and Parameters), parameters (the declared ones and their defaults) and max_per_user."
  value = {
    for k, t in var.targets : k => {
      target_arn            = local.scheduler_target
      role_arn              = local.role_arns[k]
      dead_letter_queue_arn = var.dead_letter_queue_arn
      retry_policy = {
        maximum_retry_attempts       = t.retry_policy.maximum_retry_attempts
        maximum_event_age_in_seconds = t.retry_policy.maximum_event_age_seconds
      }
      input_template = merge(
        { JobQueue = t.job_queue_arn, JobDefinition = t.job_definition_arn },
        t.share_identifier == null ? {} : { ShareIdentifier = t.share_identifier },
      )
      parameters   = t.parameters
      max_per_user = t.max_per_user
    }
  }
  # A schedule created before its role's policy exists would fail its first invocations.
  depends_on = [aws_iam_role_policy.target]
}

output "manager_policy_json" {
  description = "The least-privilege policy document for the application's role."
  value       = jsonencode({ Version = "2012-10-17", Statement = local.manager_statements })
}

output "manager_policy_arn" {
  description = "ARN of the managed policy holding manager_policy_json."
  value       = aws_iam_policy.manager.arn
}
