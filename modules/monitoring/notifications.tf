locals {
  create_topic       = var.notifications.sns_topic_arn == null
  topic_name         = "${var.name}-notifications"
  created_topic_arn  = "arn:${local.partition}:sns:${local.region}:${var.account_id}:${local.topic_name}"
  topic_arn          = local.create_topic ? aws_sns_topic.this[0].arn : var.notifications.sns_topic_arn
  topic_arn_for_docs = local.create_topic ? local.created_topic_arn : var.notifications.sns_topic_arn
}

resource "aws_sns_topic" "this" {
  count = local.create_topic ? 1 : 0

  name              = local.topic_name
  display_name      = "${var.name} scheduled batch"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

# Only this stack's EventBridge rules and CloudWatch alarms, in this account, may publish.
resource "aws_sns_topic_policy" "this" {
  count = local.create_topic ? 1 : 0

  arn = aws_sns_topic.this[0].arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EventBridgeRulesOfThisStack"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = local.created_topic_arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = var.account_id }
          ArnLike      = { "aws:SourceArn" = "${local.rule_arn_prefix}*" }
        }
      },
      {
        Sid       = "CloudWatchAlarmsOfThisStack"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = local.created_topic_arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = var.account_id }
          ArnLike      = { "aws:SourceArn" = "${local.alarm_arn_prefix}*" }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = local.created_topic_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

# Email subscriptions stay "pending confirmation" until each recipient confirms the email AWS
# sends; SNS deletes unconfirmed ones after three days.
resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.notifications.email_addresses)

  topic_arn = local.topic_arn
  protocol  = "email"
  endpoint  = each.value
}
