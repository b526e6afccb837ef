# The state machine's role: exactly the queues and job definitions of its steps.

locals {
  batch_arn_prefix = "arn:${local.partition}:batch:${local.region}:${var.account_id}"
  # Job definition ARNs without revision: the name (SubmitJob by name) and every revision of it.
  job_definition_arns = distinct([for st in values(var.steps) : replace(st.job_definition_arn, "/:[0-9]+$/", "")])
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

data "aws_iam_policy_document" "this" {
  statement {
    sid     = "SubmitTheStepsJobs"
    actions = ["batch:SubmitJob"]
    # SubmitJob is authorised on the queue, the job definition and the new job.
    resources = concat(
      sort(distinct([for st in values(var.steps) : st.job_queue_arn])),
      sort(local.job_definition_arns),
      sort([for arn in local.job_definition_arns : "${arn}:*"]),
      ["${local.batch_arn_prefix}:job/*"],
    )
  }

  statement {
    sid       = "WatchJobs"
    actions   = ["batch:DescribeJobs"]
    resources = ["*"] # DescribeJobs has no resource-level permissions.
  }

  statement {
    sid       = "StopJobsOfStoppedExecutions"
    actions   = ["batch:TerminateJob"]
    resources = ["${local.batch_arn_prefix}:job/*"]
  }

  statement {
    sid       = "ManagedRuleForSubmitJobSync"
    actions   = ["events:PutTargets", "events:PutRule", "events:DescribeRule"]
    resources = ["arn:${local.partition}:events:${local.region}:${var.account_id}:rule/StepFunctionsGetEventsForBatchJobsRule"]
  }

  statement {
    sid = "DeliverExecutionLogs"
    # CloudWatch Logs log delivery has no resource-level permissions.
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = var.tracing_enabled ? [1] : []
    content {
      sid       = "SendTraces"
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.role_name
  description          = "Step Functions: runs the jobs of pipeline ${var.pipeline}"
  path                 = var.iam_role_path
  permissions_boundary = var.iam_role_permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "run-pipeline"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}
