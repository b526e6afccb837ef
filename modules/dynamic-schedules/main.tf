# Schedules an application creates at run time (EventBridge Scheduler), one group for all of
# them. Terraform owns only what makes such a schedule safe: the group, one target role per job
# (it can submit exactly that job and write dead letters), and the policy the application's role
# attaches. The schedules themselves are never in Terraform state.
locals {
  group_arn        = "arn:${var.partition}:scheduler:${var.region}:${var.account_id}:schedule-group/${var.group_name}"
  group_schedules  = "arn:${var.partition}:scheduler:${var.region}:${var.account_id}:schedule/${var.group_name}/*"
  role_arn_prefix  = "arn:${var.partition}:iam::${var.account_id}:role${var.iam_role_path}"
  scheduler_target = "arn:${var.partition}:scheduler:::aws-sdk:batch:submitJob"

  # Built from names, so the manager policy and the outputs are known when the account is.
  role_arns = { for k, t in var.targets : k => "${local.role_arn_prefix}${t.role_name}" }

  manager_statements = [
    {
      Sid      = "ManageOwnGroupSchedules"
      Effect   = "Allow"
      Action   = ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule"]
      Resource = [local.group_schedules]
    },
    {
      # ListSchedules has no resource type in the Service Authorization Reference: AWS only
      # accepts "*" for it. It reads names and states, never targets; the client always filters
      # by this group.
      Sid      = "ListSchedules"
      Effect   = "Allow"
      Action   = ["scheduler:ListSchedules"]
      Resource = ["*"]
    },
    {
      Sid      = "PassTargetRolesToScheduler"
      Effect   = "Allow"
      Action   = ["iam:PassRole"]
      Resource = sort(values(local.role_arns))
      Condition = {
        StringEquals = { "iam:PassedToService" = "scheduler.amazonaws.com" }
      }
    },
  ]
}

resource "aws_scheduler_schedule_group" "this" {
  name = var.group_name
  tags = var.tags
}

################################################################################
# Target roles: one per job, assumable only by this group's schedules
################################################################################

resource "aws_iam_role" "target" {
  for_each = var.targets

  name                  = each.value.role_name
  path                  = var.iam_role_path
  permissions_boundary  = var.iam_role_permissions_boundary
  description           = "EventBridge Scheduler: dynamic schedules of ${var.group_name} submitting job ${each.key}"
  force_detach_policies = true
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        # Scheduler sends the schedule group's ARN as aws:SourceArn.
        StringEquals = {
          "aws:SourceAccount" = var.account_id
          "aws:SourceArn"     = local.group_arn
        }
      }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "target" {
  for_each = var.targets

  name = "target"
  role = aws_iam_role.target[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid    = "SubmitOwnJob"
          Effect = "Allow"
          Action = ["batch:SubmitJob"]
          # Authorised against both the queue and the definition (with and without revision).
          Resource = [each.value.job_queue_arn, each.value.job_definition_arn, "${each.value.job_definition_arn}:*"]
        },
        {
          Sid      = "DeadLetters"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = [var.dead_letter_queue_arn]
        },
      ],
      var.dead_letter_queue_kms_key_arn == null ? [] : [
        {
          Sid      = "DeadLetterEncryption"
          Effect   = "Allow"
          Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
          Resource = [var.dead_letter_queue_kms_key_arn]
        },
      ],
    )
  })
}

################################################################################
# What the application's role attaches
################################################################################

resource "aws_iam_policy" "manager" {
  name        = var.manager_policy_name
  path        = var.iam_role_path
  description = "Create, update, delete, get and list the schedules of group ${var.group_name}; pass only its target roles to Scheduler."
  policy      = jsonencode({ Version = "2012-10-17", Statement = local.manager_statements })
  tags        = var.tags
}
