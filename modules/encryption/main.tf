# Partition and Region are inputs (the root reads them once for every module).
locals {
  create    = var.kms_key_arn == null
  key_arn   = local.create ? aws_kms_key.this[0].arn : var.kms_key_arn
  partition = var.partition
  region    = var.region
}

resource "aws_kms_key" "this" {
  count = local.create ? 1 : 0

  description             = "${var.name}: scheduled batch jobs (logs, dead-letter queue)"
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  count = local.create ? 1 : 0

  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this[0].key_id
}

resource "aws_kms_key_policy" "this" {
  count = local.create ? 1 : 0

  key_id = aws_kms_key.this[0].key_id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # Delegates access to IAM policies of this account (job execution roles, schedule roles).
          Sid       = "AccountAdministration"
          Effect    = "Allow"
          Principal = { AWS = "arn:${local.partition}:iam::${var.account_id}:root" }
          Action    = "kms:*"
          Resource  = "*"
        },
        {
          Sid       = "CloudWatchLogs"
          Effect    = "Allow"
          Principal = { Service = "logs.${local.region}.amazonaws.com" }
          Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
          Resource  = "*"
          Condition = {
            ArnLike = {
              "kms:EncryptionContext:aws:logs:arn" = [
                for pattern in var.log_group_arn_patterns : replace(pattern, "<account>", var.account_id)
              ]
            }
          }
        },
      ],
      length(var.service_principals) == 0 ? [] : [
        {
          Sid       = "ServiceDelivery"
          Effect    = "Allow"
          Principal = { Service = var.service_principals }
          Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
          Resource  = "*"
          Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
        },
      ],
    )
  })
}
