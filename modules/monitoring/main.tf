# Monitoring of one scheduled-batch stack, AWS-native only (no Lambda to maintain):
#   notifications.tf  SNS topic (or a given one), its policy, email subscriptions
#   events.tf         failed job -> SNS (input transformer), every state change -> job history
#   missed_run.tf     dead man's switch per schedule (success metric + alarm)
#   alarms.tf         dead-letter queues, pipeline executions
#   dashboard.tf      optional CloudWatch dashboard

data "aws_partition" "current" {}
# Read as .id: provider 6 deprecates .name for .region, which 5.x does not have.
data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.id
  # The console host of each partition, for links in notifications.
  console_host = lookup({
    "aws"        = "console.aws.amazon.com"
    "aws-cn"     = "console.amazonaws.cn"
    "aws-us-gov" = "console.amazonaws-us-gov.com"
  }, local.partition, "console.aws.amazon.com")

  # Custom metrics of this stack (success counts of scheduled jobs and pipelines).
  metric_namespace = "ScheduledBatch/${var.name}"

  # Every rule and alarm is named "<name>-..." so that the topic policy can allow exactly them.
  # ARNs are spelled out from names so that policies and the dashboard are known at plan time.
  rule_arn_prefix  = "arn:${local.partition}:events:${local.region}:${var.account_id}:rule/${var.name}-"
  alarm_arn_prefix = "arn:${local.partition}:cloudwatch:${local.region}:${var.account_id}:alarm:${var.name}-"

  dead_letter_queue_name = "${var.name}-monitoring-dlq"
  monitoring_rule_arns = concat(
    ["${local.rule_arn_prefix}job-failed", "${local.rule_arn_prefix}job-history"],
    length(var.state_machine_arns) > 0 ? ["${local.rule_arn_prefix}pipeline-history"] : [],
  )
  dead_letter_queue_arn = "arn:${local.partition}:sqs:${local.region}:${var.account_id}:${local.dead_letter_queue_name}"
}

################################################################################
# Dead-letter queue of the monitoring itself: events the failure and history rules could not
# deliver, and heartbeats the Scheduler could not publish. It is alarmed like the schedules' DLQ.
################################################################################

resource "aws_sqs_queue" "dead_letters" {
  name                              = local.dead_letter_queue_name
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  message_retention_seconds         = 1209600
  tags                              = var.tags
}

# EventBridge writes a rule's dead letters as the service (queue policy); the Scheduler writes
# heartbeat dead letters with the heartbeat role (identity policy).
resource "aws_sqs_queue_policy" "dead_letters" {
  queue_url = aws_sqs_queue.dead_letters.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = local.dead_letter_queue_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "MonitoringRuleDeadLetters"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = local.dead_letter_queue_arn
        Condition = { ArnEquals = { "aws:SourceArn" = local.monitoring_rule_arns } }
      },
    ]
  })
}
