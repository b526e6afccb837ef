# Partition and Region are inputs (the root reads them once for every module).
locals {
  arn = "arn:${var.partition}:sqs:${var.region}:${var.account_id}:${var.name}"
}

# One standard SQS queue per module instance: EventBridge Scheduler and EventBridge rules only
# deliver to standard queues. Scheduler sends with each schedule's role (identity policy);
# rules send as the EventBridge service, which needs the queue policy below.
resource "aws_sqs_queue" "this" {
  name                              = var.name
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  message_retention_seconds         = var.message_retention_seconds
  tags                              = var.tags
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid       = "DenyInsecureTransport"
          Effect    = "Deny"
          Principal = "*"
          Action    = "sqs:*"
          Resource  = local.arn
          Condition = { Bool = { "aws:SecureTransport" = "false" } }
        },
      ],
      var.allow_eventbridge_rules ? [
        {
          Sid       = "EventBridgeRuleDeadLetters"
          Effect    = "Allow"
          Principal = { Service = "events.amazonaws.com" }
          Action    = "sqs:SendMessage"
          Resource  = local.arn
          Condition = { ArnLike = { "aws:SourceArn" = var.eventbridge_rule_arn_patterns } }
        },
      ] : [],
    )
  })
}
