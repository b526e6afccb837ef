locals {
  # `Batch Job State Change` events of this stack's own queues, in this account. Batch emits one
  # per state change of a submitted job (none for the submission itself), at least once.
  batch_job_events = {
    source        = ["aws.batch"]
    "detail-type" = ["Batch Job State Change"]
    account       = [var.account_id]
  }

  job_failed_pattern = merge(local.batch_job_events, {
    detail = {
      status   = distinct(var.notifications.notify_on)
      jobQueue = distinct(var.job_queue_arns)
    }
  })

  job_history_pattern = merge(local.batch_job_events, {
    detail = { jobQueue = distinct(var.job_queue_arns) }
  })

  history_log_group_name = coalesce(var.log_group_name, "/aws/events/${var.name}/job-history")
  # The console addresses a log group by its name with "/" escaped twice ($252F).
  history_console_path = replace(local.history_log_group_name, "/", "$252F")

  pipeline_history_pattern = {
    source        = ["aws.states"]
    "detail-type" = ["Step Functions Execution Status Change"]
    account       = [var.account_id]
    detail        = { stateMachineArn = sort(distinct(values(var.state_machine_arns))) }
  }

  # What a person needs to act on a failed job. Event fields absent from an event (e.g. no
  # container yet) render empty. The detail is DescribeJobs' JobDetail.
  job_failed_input_paths = {
    job            = "$.detail.jobName"
    job_id         = "$.detail.jobId"
    status         = "$.detail.status"
    status_reason  = "$.detail.statusReason"
    queue          = "$.detail.jobQueue"
    job_definition = "$.detail.jobDefinition"
    attempts       = "$.detail.retryStrategy.attempts"
    exit_code      = "$.detail.container.exitCode"
    exit_reason    = "$.detail.container.reason"
    log_group      = "$.detail.container.logConfiguration.options.awslogs-group"
    log_stream     = "$.detail.container.logStreamName"
    time           = "$.time"
    region         = "$.region"
    account        = "$.account"
  }
  # One quoted string per line: EventBridge sends text (not JSON) to SNS, which mails it as is.
  job_failed_input_template = <<-EOT
    "Batch job <job> is <status> (${var.name})."
    "Reason: <status_reason>"
    "Exit code of the last attempt: <exit_code>"
    "Container reason: <exit_reason>"
    "Attempts allowed: <attempts>"
    "Queue: <queue>"
    "Job definition: <job_definition>"
    "Log group: <log_group>"
    "Log stream: <log_stream>"
    "Job details and logs: https://${local.console_host}/batch/home?region=<region>#jobs/detail/<job_id>"
    "Job history: https://${local.console_host}/cloudwatch/home?region=<region>#logsV2:log-groups/log-group/${local.history_console_path}"
    "Account <account>, event time <time>"
  EOT
}

################################################################################
# Failed job -> notification
################################################################################

resource "aws_cloudwatch_event_rule" "job_failed" {
  name          = "${var.name}-job-failed"
  description   = "${var.name}: Batch jobs of this stack's queues entering ${join("/", var.notifications.notify_on)} -> SNS"
  event_pattern = jsonencode(local.job_failed_pattern)
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "job_failed" {
  rule      = aws_cloudwatch_event_rule.job_failed.name
  target_id = "notify"
  arn       = local.topic_arn

  input_transformer {
    input_paths    = local.job_failed_input_paths
    input_template = local.job_failed_input_template
  }

  retry_policy {
    maximum_retry_attempts       = var.event_delivery.maximum_retry_attempts
    maximum_event_age_in_seconds = var.event_delivery.maximum_event_age_in_seconds
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letters.arn
  }
}

################################################################################
# Job history: every state change of this stack's jobs (and pipeline executions), kept in one
# log group so that "what ran last night" is one Logs Insights query. The success metrics of the
# missed-run alarms are metric filters on this group.
################################################################################

resource "aws_cloudwatch_log_group" "history" {
  name              = local.history_log_group_name
  retention_in_days = var.history_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_cloudwatch_event_rule" "job_history" {
  name          = "${var.name}-job-history"
  description   = "${var.name}: every Batch job state change of this stack's queues -> job-history log group"
  event_pattern = jsonencode(local.job_history_pattern)
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "job_history" {
  rule      = aws_cloudwatch_event_rule.job_history.name
  target_id = "history"
  arn       = aws_cloudwatch_log_group.history.arn

  retry_policy {
    maximum_retry_attempts       = var.event_delivery.maximum_retry_attempts
    maximum_event_age_in_seconds = var.event_delivery.maximum_event_age_in_seconds
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letters.arn
  }

  depends_on = [aws_cloudwatch_log_resource_policy.history]
}

resource "aws_cloudwatch_event_rule" "pipeline_history" {
  count = length(var.state_machine_arns) > 0 ? 1 : 0

  name          = "${var.name}-pipeline-history"
  description   = "${var.name}: every execution status change of this stack's pipelines -> job-history log group"
  event_pattern = jsonencode(local.pipeline_history_pattern)
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "pipeline_history" {
  count = length(var.state_machine_arns) > 0 ? 1 : 0

  rule      = aws_cloudwatch_event_rule.pipeline_history[0].name
  target_id = "history"
  arn       = aws_cloudwatch_log_group.history.arn

  retry_policy {
    maximum_retry_attempts       = var.event_delivery.maximum_retry_attempts
    maximum_event_age_in_seconds = var.event_delivery.maximum_event_age_in_seconds
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letters.arn
  }

  depends_on = [aws_cloudwatch_log_resource_policy.history]
}

# EventBridge writes to CloudWatch Logs as a service: the log group needs a resource policy.
# Those are account-wide and at most 10 per Region, so "stack" (one per stack, naming its own
# rules) fits few stacks; "shared" creates one policy for every stack's /aws/events/ groups in
# this account, which the other stacks reuse with "existing" (any number of stacks).
locals {
  shared_log_resource_policy_name = "scheduled-batch-events-to-logs"
  log_writers = {
    Effect    = "Allow"
    Principal = { Service = ["events.amazonaws.com", "delivery.logs.amazonaws.com"] }
    Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
  }
  stack_log_resource_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [merge(local.log_writers, {
      Sid      = "EventBridgeRulesOfThisStack"
      Resource = "${aws_cloudwatch_log_group.history.arn}:*"
      Condition = {
        ArnEquals = {
          "aws:SourceArn" = concat(
            [aws_cloudwatch_event_rule.job_history.arn],
            aws_cloudwatch_event_rule.pipeline_history[*].arn,
          )
        }
      }
    })]
  })
  shared_log_resource_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [merge(local.log_writers, {
      Sid       = "EventBridgeRulesOfThisAccount"
      Resource  = "arn:${local.partition}:logs:${local.region}:${var.account_id}:log-group:/aws/events/*:*"
      Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
    })]
  })
}

resource "aws_cloudwatch_log_resource_policy" "history" {
  count = var.log_resource_policy == "existing" ? 0 : 1

  policy_name     = var.log_resource_policy == "stack" ? "${var.name}-job-history" : local.shared_log_resource_policy_name
  policy_document = var.log_resource_policy == "stack" ? local.stack_log_resource_policy : local.shared_log_resource_policy
}
