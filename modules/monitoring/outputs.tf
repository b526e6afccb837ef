output "sns_topic_arn" {
  description = "ARN of the notification topic (created, or the one given)."
  value       = local.topic_arn
}

output "sns_topic_created" {
  description = "Whether the module created the topic."
  value       = local.create_topic
}

output "job_history_log_group_name" {
  description = "Log group holding every Batch job state change (and pipeline execution status change) of the stack."
  value       = aws_cloudwatch_log_group.history.name
}

output "job_history_log_group_arn" {
  description = "ARN of the job-history log group."
  value       = aws_cloudwatch_log_group.history.arn
}

output "job_failed_rule_arn" {
  description = "ARN of the EventBridge rule notifying job state changes in notifications.notify_on."
  value       = aws_cloudwatch_event_rule.job_failed.arn
}

output "job_failed_rule_name" {
  description = "Name of that rule."
  value       = aws_cloudwatch_event_rule.job_failed.name
}

output "job_history_rule_arn" {
  description = "ARN of the EventBridge rule feeding the job history."
  value       = aws_cloudwatch_event_rule.job_history.arn
}

output "missed_run_alarms" {
  description = "Schedule (\"job/<job>/<schedule>\" or \"pipeline/<pipeline>/<schedule>\") => its missed-run alarm: name, arn, mode (window or heartbeat), interval_minutes (-1 when not derived), window_minutes (-1 likewise), metric_name and dimensions (the success metric it watches)."
  value = {
    for key, alarm in aws_cloudwatch_metric_alarm.missed_run : key => merge(local.missed_run_summary[key], { arn = alarm.arn })
  }
}

output "missed_run_schedules" {
  description = "The same without ARNs: known at plan time (what each schedule's alarm will watch)."
  value       = local.missed_run_summary
}

output "dead_letter_alarm_arns" {
  description = "Dead-letter queue label => alarm ARN."
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.dead_letters : key => alarm.arn }
}

output "pipeline_alarm_arns" {
  description = "\"<pipeline>/<failed|timed_out|aborted>\" => alarm ARN."
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.pipeline : key => alarm.arn }
}

output "alarm_names" {
  description = "Names of every alarm of the monitoring."
  value = sort(concat(
    [for alarm in aws_cloudwatch_metric_alarm.missed_run : alarm.alarm_name],
    [for alarm in aws_cloudwatch_metric_alarm.dead_letters : alarm.alarm_name],
    [for alarm in aws_cloudwatch_metric_alarm.pipeline : alarm.alarm_name],
  ))
}

output "alarm_arns" {
  description = "ARNs of every alarm of the monitoring."
  value       = local.all_alarm_arns
}

output "dead_letter_queue_arn" {
  description = "ARN of the monitoring's own dead-letter queue (undeliverable notifications, history events, heartbeats)."
  value       = aws_sqs_queue.dead_letters.arn
}

output "metric_namespace" {
  description = "CloudWatch namespace of the success metrics."
  value       = local.metric_namespace
}

output "dashboard_name" {
  description = "Name of the dashboard, or null."
  value       = one(aws_cloudwatch_dashboard.this[*].dashboard_name)
}
