locals {
  dead_letter_queues = merge(var.dead_letter_queues, { monitoring = aws_sqs_queue.dead_letters.name })

  # Each pipeline: executions that failed, timed out or were aborted (AWS/States, per state machine).
  pipeline_outcomes = {
    failed    = { metric = "ExecutionsFailed", text = "failed" }
    timed_out = { metric = "ExecutionsTimedOut", text = "timed out" }
    aborted   = { metric = "ExecutionsAborted", text = "were aborted" }
  }
  pipeline_alarms = merge([
    for pipeline, arn in var.state_machine_arns : {
      for outcome, spec in local.pipeline_outcomes : "${pipeline}/${outcome}" => merge(spec, {
        pipeline          = pipeline
        state_machine_arn = arn
        slug              = replace("${pipeline}-${replace(outcome, "_", "-")}", "/[^0-9A-Za-z_.-]+/", "-")
      })
    }
  ]...)
}

################################################################################
# Dead letters: a schedule (or a monitoring rule) could not deliver -> alarm
################################################################################

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  for_each = local.dead_letter_queues

  alarm_name        = "${var.name}-dead-letters-${replace(each.key, "/[^0-9A-Za-z_.-]+/", "-")}"
  alarm_description = "Messages are waiting in dead-letter queue ${each.value}: events that could not be delivered to their target (a missed run or a lost notification). Inspect them, fix the cause, then purge or redrive."

  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  # SQS stops publishing metrics for a queue that stays idle; no data means no dead letters.
  treat_missing_data = "notBreaching"

  alarm_actions = [local.topic_arn]
  ok_actions    = var.notifications.notify_on_recovery ? [local.topic_arn] : null

  tags = var.tags
}

################################################################################
# Pipelines: failed / timed-out / aborted executions
################################################################################

resource "aws_cloudwatch_metric_alarm" "pipeline" {
  for_each = local.pipeline_alarms

  alarm_name        = "${var.name}-pipeline-${each.value.slug}"
  alarm_description = "Executions of pipeline ${each.value.pipeline} (${each.value.state_machine_arn}) ${each.value.text}. Open the state machine's executions in the Step Functions console; failed jobs also notify on their own."

  namespace           = "AWS/States"
  metric_name         = each.value.metric
  dimensions          = { StateMachineArn = each.value.state_machine_arn }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  # Step Functions publishes these only when executions end; quiet periods are not failures.
  treat_missing_data = "notBreaching"

  alarm_actions = [local.topic_arn]

  tags = var.tags
}
