################################################################################
# Compute environments and job queues
################################################################################

output "compute_environment_arns" {
  description = "Compute environment ARNs by key; copies for network-isolated jobs are keyed \"<job>/<compute environment>\"."
  value       = { for k, m in merge(module.compute_environment, module.isolated_compute_environment) : k => m.arn }
}

output "job_queue_arns" {
  description = "Job queue ARNs by key; a network-isolated job's own queue is keyed \"<job>/<queue>\"."
  value       = { for k, m in module.job_queue : k => m.arn }
}

output "job_queue_names" {
  description = "Job queue names by key (same keys as job_queue_arns)."
  value       = { for k, m in module.job_queue : k => m.name }
}

output "job_queue_compute_environments" {
  description = "Compute environment keys of each queue, in order of preference (same keys as compute_environment_arns)."
  value       = { for k, q in local.queues : k => q.compute_environments }
}

output "security_group_ids" {
  description = "Security group ids: \"default\" (jobs without network rules) and one per network-isolated job."
  value       = merge({ for m in module.default_security_group : "default" => m.id }, { for k, m in module.job_security_group : k => m.id })
}

################################################################################
# Jobs
################################################################################

output "job_definition_arns" {
  description = "Current job definition revision ARN by job."
  value       = { for k, m in module.job : k => m.job_definition_arn }
}

output "job_definition_names" {
  description = "Job definition name by job (submitting the name runs the latest active revision)."
  value       = { for k, m in module.job : k => m.job_definition_name }
}

output "job_role_arns" {
  description = "Job role ARN by job."
  value       = { for k, m in module.job : k => m.job_role_arn }
}

output "execution_role_arns" {
  description = "Execution role ARN by job."
  value       = { for k, m in module.job : k => m.execution_role_arn }
}

output "log_group_names" {
  description = "Log group name by job."
  value       = { for k, m in module.job : k => m.log_group_name }
}

output "job_queue_arn_by_job" {
  description = "ARN of the queue each job is submitted to (its own queue when network-isolated)."
  value       = { for k, m in module.job : k => local.job_targets[k].job_queue_key == null ? local.job_targets[k].job_queue_arn : module.job_queue[local.job_targets[k].job_queue_key].arn }
}

################################################################################
# Schedules and delivery
################################################################################

output "schedule_arns" {
  description = "Schedule (Scheduler) or rule (EventBridge) ARN of every job and pipeline schedule, by \"<job>/<schedule>\" or \"<pipeline>/<schedule>\"."
  value       = { for k, m in module.schedule : k => m.arn }
}

output "schedule_role_arns" {
  description = "ARN of each schedule's own role (keys as schedule_arns)."
  value       = { for k, m in module.schedule : k => m.role_arn }
}

output "schedules" {
  description = "Every schedule (keys as schedule_arns): kind (job or pipeline), job or pipeline, name, backend, expression, timezone, enabled, expected_interval_minutes."
  value = {
    for k, c in local.schedule_calls : k => {
      kind                      = c.target_type == "batch" ? "job" : "pipeline"
      job                       = try(c.spec.job, null)
      pipeline                  = try(c.spec.pipeline, null)
      name                      = c.spec.name
      backend                   = var.schedule_backend
      expression                = c.spec.expression
      timezone                  = c.spec.timezone
      enabled                   = c.spec.enabled
      expected_interval_minutes = c.spec.expected_interval_minutes
    }
  }
}

output "schedule_group_name" {
  description = "EventBridge Scheduler schedule group (null with schedule_backend = \"rules\")."
  value       = one(module.schedule_group[*].name)
}

output "dead_letter_queue_arn" {
  description = "ARN of the SQS queue receiving schedule events that could not be delivered."
  value       = one(module.dead_letter_queue[*].arn)
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = one(module.dead_letter_queue[*].url)
}

output "dead_letter_queue_name" {
  description = "Name of the dead-letter queue."
  value       = one(module.dead_letter_queue[*].name)
}

################################################################################
# Encryption and account
################################################################################

output "kms_key_arn" {
  description = "KMS key encrypting the log groups and the dead-letter queue."
  value       = local.kms_key_arn
}

output "account_id" {
  description = "AWS account id of every ARN the module builds (the caller's, or account_id)."
  value       = local.account_id
}

################################################################################
# Monitoring (owner: monitoring helper)
################################################################################

output "sns_topic_arn" {
  description = "SNS topic receiving failed-job notifications and every alarm (created, or notifications.sns_topic_arn); null when monitoring is disabled."
  value       = one(module.monitoring[*].sns_topic_arn)
}

output "missed_run_alarms" {
  description = "Missed-run alarm of every schedule (keys as schedule_arns): name, arn, mode (window: no success within interval + slack; heartbeat: a due run did not succeed within the slack), interval_minutes, window_minutes, metric_name, dimensions."
  value = {
    for k, alarm in try(module.monitoring[0].missed_run_alarms, {}) : replace(k, "/^(job|pipeline)[/]/", "") => alarm
  }
}

output "dead_letter_alarm_arns" {
  description = "Dead-letter queue (\"schedules\", \"monitoring\") => its alarm ARN."
  value       = try(module.monitoring[0].dead_letter_alarm_arns, {})
}

output "pipeline_alarm_arns" {
  description = "\"<pipeline>/<failed|timed_out|aborted>\" => alarm ARN (executions that failed, timed out or were aborted)."
  value       = try(module.monitoring[0].pipeline_alarm_arns, {})
}

output "job_history_log_group_name" {
  description = "Log group with every state change of the stack's jobs (and pipeline executions): what ran last night is one Logs Insights query away."
  value       = one(module.monitoring[*].job_history_log_group_name)
}

output "job_failed_rule_arn" {
  description = "EventBridge rule that notifies the topic of job state changes in notifications.notify_on."
  value       = one(module.monitoring[*].job_failed_rule_arn)
}

output "monitoring_dead_letter_queue_arn" {
  description = "Dead-letter queue of the monitoring's own deliveries (notifications, history, heartbeats)."
  value       = one(module.monitoring[*].dead_letter_queue_arn)
}

output "dashboard_name" {
  description = "CloudWatch dashboard name, or null (create_dashboard)."
  value       = one(module.monitoring[*].dashboard_name)
}

################################################################################
# Pipelines
################################################################################

output "state_machine_arns" {
  description = "Step Functions state machine ARN by pipeline."
  value       = { for k, m in module.pipeline : k => m.arn }
}

output "pipelines" {
  description = "Every pipeline by key: state_machine_name, role_arn, log_group_name and steps (step => job, Batch job name, after). Its ARN is in state_machine_arns, its schedules in schedule_arns and schedules."
  value = {
    for p, m in module.pipeline : p => {
      state_machine_name = m.name
      role_arn           = m.role_arn
      log_group_name     = m.log_group_name
      steps = {
        for s, st in local.pipelines[p].steps : s => { job = st.job, job_name = st.job_name, after = st.after }
      }
    }
  }
}

output "dynamic_schedule_group_name" {
  description = "Schedule group of the schedules an application creates at run time (null when no job enables dynamic_schedules)."
  value       = one(module.dynamic_schedules[*].group_name)
}

output "dynamic_schedule_targets" {
  description = "By job with dynamic_schedules enabled: target_arn, role_arn, dead_letter_queue_arn, retry_policy, input_template (the SubmitJob request without JobName and Parameters), parameters (the job's declared parameters and defaults: the only ones a schedule may set) and max_per_user."
  value       = try(module.dynamic_schedules[0].targets, {})
}

output "dynamic_schedule_manager_policy_json" {
  description = "Least-privilege IAM policy for the application's role: Create/Update/Delete/GetSchedule on the dynamic group's schedules, ListSchedules, iam:PassRole on exactly the target roles (to scheduler.amazonaws.com). Null when no job enables dynamic_schedules."
  value       = one(module.dynamic_schedules[*].manager_policy_json)
}

output "dynamic_schedule_manager_policy_arn" {
  description = "ARN of the managed policy holding dynamic_schedule_manager_policy_json (null when no job enables dynamic_schedules)."
  value       = one(module.dynamic_schedules[*].manager_policy_arn)
}
