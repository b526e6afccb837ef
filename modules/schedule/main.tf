# Partition and Region are inputs, not data sources: callers may put this module behind
# depends_on, which would defer data sources (and with them every policy) to apply time.
locals {
  partition = var.partition
  region    = var.region
  scheduler = var.backend == "scheduler"
  batch     = var.target_type == "batch"

  # The principal's aws:SourceArn: Scheduler reports the schedule group, EventBridge the rule.
  source_arn = local.scheduler ? (
    "arn:${local.partition}:scheduler:${local.region}:${var.account_id}:schedule-group/${var.group_name}"
  ) : "arn:${local.partition}:events:${local.region}:${var.account_id}:rule/${var.name}"

  overrides = merge(
    length(var.parameters) == 0 ? {} : { Parameters = var.parameters },
    var.command == null ? {} : { ContainerOverrides = { Command = var.command } },
  )
  # Scheduler universal target: the SubmitJob request itself, PascalCase.
  submit_job_input = merge(
    {
      JobName       = var.job_name
      JobQueue      = var.job_queue_arn
      JobDefinition = var.job_definition_arn
    },
    local.overrides,
    var.share_identifier == null ? {} : { ShareIdentifier = var.share_identifier },
    var.scheduling_priority_override == null ? {} : { SchedulingPriorityOverride = var.scheduling_priority_override },
  )

  target_arn = local.batch ? (
    local.scheduler ? "arn:${local.partition}:scheduler:::aws-sdk:batch:submitJob" : var.job_queue_arn
  ) : var.state_machine_arn
  # Rules pass the job queue and definition in batch_target; the input only carries overrides.
  target_input = local.batch ? (local.scheduler ? jsonencode(local.submit_job_input) : jsonencode(local.overrides)) : var.execution_input

  # A rule starting a state machine fills in what Scheduler's context attributes give a Scheduler
  # target: the time the run was due (the scheduled event's time), the rule and the event id.
  # Keys the caller's execution_input sets win. jsonencode escapes < and >, which EventBridge
  # needs literally around the placeholders.
  rule_execution_input_paths = {
    scheduled_time = "$.time"
    schedule_arn   = "$.resources[0]"
    execution_id   = "$.id"
  }
  rule_execution_input_template = local.batch || local.scheduler ? null : replace(replace(
    jsonencode(merge(
      { for key in keys(local.rule_execution_input_paths) : key => "<${key}>" },
      jsondecode(var.execution_input),
    )),
  "\\u003c", "<"), "\\u003e", ">")

  statements = concat(
    local.batch ? [
      {
        Sid    = "SubmitOwnJob"
        Effect = "Allow"
        Action = ["batch:SubmitJob"]
        # SubmitJob is authorised against both the queue and the job definition; the definition
        # is matched with and without a revision.
        Resource = [var.job_queue_arn, var.job_definition_arn, "${var.job_definition_arn}:*"]
      },
      ] : [
      {
        Sid      = "StartOwnStateMachine"
        Effect   = "Allow"
        Action   = ["states:StartExecution"]
        Resource = [var.state_machine_arn]
      },
    ],
    # Scheduler writes dead letters with the schedule's role; rules write as the EventBridge
    # service through the queue policy, so their role needs nothing for it.
    local.scheduler ? [
      {
        Sid      = "DeadLetters"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = [var.dead_letter_queue_arn]
      },
    ] : [],
    local.scheduler && var.dead_letter_queue_kms_key_arn != null ? [
      {
        Sid      = "DeadLetterEncryption"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = [var.dead_letter_queue_kms_key_arn]
      },
    ] : [],
  )
}

################################################################################
# Role: may only start its own target and write dead letters
################################################################################

resource "aws_iam_role" "this" {
  name                  = var.role_name
  description           = "${local.scheduler ? "EventBridge Scheduler schedule" : "EventBridge rule"} ${var.name}"
  force_detach_policies = true
  path                  = var.iam_role_path
  permissions_boundary  = var.iam_role_permissions_boundary
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = local.scheduler ? "scheduler.amazonaws.com" : "events.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = {
          "aws:SourceAccount" = var.account_id
          "aws:SourceArn"     = local.source_arn
        }
      }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "target"
  role   = aws_iam_role.this.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.statements })
}

################################################################################
# EventBridge Scheduler
################################################################################

resource "aws_scheduler_schedule" "this" {
  #checkov:skip=CKV_AWS_297:The schedule holds only job names, queue and definition ARNs and parameters (never secrets: those are job secrets); Scheduler encrypts it at rest with an AWS owned key.
  count = local.scheduler ? 1 : 0

  name                         = var.name
  group_name                   = var.group_name
  description                  = var.description
  schedule_expression          = var.expression
  schedule_expression_timezone = var.timezone
  start_date                   = var.start_date
  end_date                     = var.end_date
  state                        = var.enabled ? "ENABLED" : "DISABLED"

  flexible_time_window {
    mode                      = var.flexible_window_minutes == null ? "OFF" : "FLEXIBLE"
    maximum_window_in_minutes = var.flexible_window_minutes
  }

  target {
    arn      = local.target_arn
    role_arn = aws_iam_role.this.arn
    input    = local.target_input

    retry_policy {
      maximum_retry_attempts       = var.retry_maximum_attempts
      maximum_event_age_in_seconds = var.retry_maximum_event_age_seconds
    }

    dead_letter_config {
      arn = var.dead_letter_queue_arn
    }
  }

  # The role's policy must be in place before the first invocation.
  depends_on = [aws_iam_role_policy.this]
}

################################################################################
# EventBridge scheduled rule (default bus, UTC)
################################################################################

resource "aws_cloudwatch_event_rule" "this" {
  count = local.scheduler ? 0 : 1

  name                = var.name
  description         = var.description
  schedule_expression = var.expression
  state               = var.enabled ? "ENABLED" : "DISABLED"
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  count = local.scheduler ? 0 : 1

  rule      = aws_cloudwatch_event_rule.this[0].name
  target_id = local.batch ? "batch-job" : "state-machine"
  arn       = local.target_arn
  role_arn  = aws_iam_role.this.arn
  input     = local.rule_execution_input_template == null ? local.target_input : null

  dynamic "input_transformer" {
    for_each = local.rule_execution_input_template == null ? [] : [1]
    content {
      input_paths    = local.rule_execution_input_paths
      input_template = local.rule_execution_input_template
    }
  }

  dynamic "batch_target" {
    for_each = local.batch ? [1] : []
    content {
      job_definition = var.job_definition_arn
      job_name       = var.job_name
    }
  }

  retry_policy {
    maximum_retry_attempts       = var.retry_maximum_attempts
    maximum_event_age_in_seconds = var.retry_maximum_event_age_seconds
  }

  dead_letter_config {
    arn = var.dead_letter_queue_arn
  }

  depends_on = [aws_iam_role_policy.this]
}
