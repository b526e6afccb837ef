# Partition and Region are inputs, not data sources: this module has one instance per job, and
# two data sources per instance are two provider reads per job at every plan.
locals {
  partition = var.partition
  region    = var.region
  fargate   = var.platform == "FARGATE"

  # Retried: infrastructure and capacity losses, which say nothing about the job itself
  # (EC2 instance terminated or Spot-reclaimed, Fargate Spot interruption, task never started,
  # ECS agent failure). Everything else exits: when no rule matches Batch *retries*, so the
  # catch-all EXIT must come last.
  default_retry_rules = [
    { action = "RETRY", on_status_reason = "Host EC2*", on_reason = tostring(null), on_exit_code = tostring(null) },
    { action = "RETRY", on_status_reason = "Your Spot Task was interrupted*", on_reason = tostring(null), on_exit_code = tostring(null) },
    { action = "RETRY", on_status_reason = "Task failed to start*", on_reason = tostring(null), on_exit_code = tostring(null) },
    { action = "RETRY", on_status_reason = tostring(null), on_reason = "AGENT*", on_exit_code = tostring(null) },
    { action = "EXIT", on_status_reason = tostring(null), on_reason = "*", on_exit_code = tostring(null) },
  ]
  retry_rules = var.retry_rules == null ? local.default_retry_rules : var.retry_rules

  # Existing roles as given; created ones from their path and name (IAM role ARNs are
  # deterministic), so the container properties are known at plan time whenever the account is;
  # depends_on below keeps the order.
  create_job_role       = var.job_role_arn == null
  create_execution_role = var.execution_role_arn == null
  job_role_arn = coalesce(
    var.job_role_arn, "arn:${local.partition}:iam::${var.account_id}:role${var.iam_role_path}${var.job_role_name}",
  )
  execution_role_arn = coalesce(
    var.execution_role_arn, "arn:${local.partition}:iam::${var.account_id}:role${var.iam_role_path}${var.execution_role_name}",
  )

  log_group_arn = "arn:${local.partition}:logs:${local.region}:${var.account_id}:log-group:${var.log_group_name}"

  # Private ECR image -> the repository ARN the execution role may pull from.
  ecr = regex(
    "^(?:(?P<account>[0-9]{12})\\.dkr\\.ecr\\.(?P<region>[a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/(?P<repository>[^:@]+))?",
    var.image,
  )
  ecr_repository_arn = local.ecr.account == null ? null : "arn:${local.partition}:ecr:${local.ecr.region}:${local.ecr.account}:repository/${local.ecr.repository}"

  # Secrets Manager ARNs may carry a JSON key / version suffix; IAM needs the secret ARN, and a
  # partial ARN (no random 6-character suffix) matches via "-??????".
  secret_arns = [
    for arn in values(var.secrets) : join(":", slice(split(":", arn), 0, min(7, length(split(":", arn)))))
    if try(split(":", arn)[2], "") == "secretsmanager"
  ]
  parameter_arns = [for arn in values(var.secrets) : arn if try(split(":", arn)[2], "") == "ssm"]

  execution_statements = concat(
    local.ecr_repository_arn == null ? [] : [
      {
        Sid      = "EcrAuth"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = ["*"] # the action has no resource-level permissions
      },
      {
        Sid      = "EcrPull"
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
        Resource = [local.ecr_repository_arn]
      },
    ],
    [
      {
        Sid      = "OwnLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = [local.log_group_arn, "${local.log_group_arn}:log-stream:*"]
      },
    ],
    length(local.secret_arns) == 0 ? [] : [
      {
        Sid      = "OwnSecrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = distinct(flatten([for arn in local.secret_arns : [arn, "${arn}-??????"]]))
      },
    ],
    length(local.parameter_arns) == 0 ? [] : [
      {
        Sid      = "OwnParameters"
        Effect   = "Allow"
        Action   = ["ssm:GetParameters"]
        Resource = distinct(local.parameter_arns)
      },
    ],
    length(var.secrets_kms_key_arns) == 0 ? [] : [
      {
        Sid      = "DecryptSecrets"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.secrets_kms_key_arns
      },
    ],
  )

  job_statements = [
    for s in var.iam_policy_statements : merge(
      {
        Effect   = title(lower(s.effect))
        Action   = s.actions
        Resource = s.resources
      },
      s.sid == null ? {} : { Sid = s.sid },
      length(s.conditions) == 0 ? {} : {
        Condition = {
          for test in distinct([for c in s.conditions : c.test]) : test => {
            for c in s.conditions : c.variable => c.values if c.test == test
          }
        }
      },
    )
  ]

  resource_requirements = concat(
    [
      { type = "VCPU", value = tostring(var.vcpu) },
      { type = "MEMORY", value = tostring(var.memory) },
    ],
    var.gpu == null || local.fargate ? [] : [{ type = "GPU", value = tostring(var.gpu) }],
  )

  container_properties = merge(
    {
      image                  = var.image
      jobRoleArn             = local.job_role_arn
      executionRoleArn       = local.execution_role_arn
      resourceRequirements   = local.resource_requirements
      readonlyRootFilesystem = var.readonly_root_filesystem
      privileged             = false
      environment            = [for k in sort(keys(var.environment)) : { name = k, value = var.environment[k] }]
      secrets                = [for k in sort(keys(var.secrets)) : { name = k, valueFrom = var.secrets[k] }]
      volumes                = [for i, path in var.writable_paths : { name = "writable-${i}" }]
      mountPoints            = [for i, path in var.writable_paths : { sourceVolume = "writable-${i}", containerPath = path, readOnly = false }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group"         = var.log_group_name
          "awslogs-region"        = local.region
          "awslogs-stream-prefix" = "batch"
        }
      }
    },
    length(var.command) == 0 ? {} : { command = var.command },
    var.user == null ? {} : { user = var.user },
    !local.fargate ? {} : {
      # Fargate tasks never get a public IP: they reach AWS through NAT or VPC endpoints.
      networkConfiguration         = { assignPublicIp = "DISABLED" }
      fargatePlatformConfiguration = { platformVersion = "LATEST" }
      runtimePlatform              = { cpuArchitecture = var.architecture, operatingSystemFamily = "LINUX" }
    },
    local.fargate && var.ephemeral_storage_gib != null ? { ephemeralStorage = { sizeInGiB = var.ephemeral_storage_gib } } : {},
  )
}

################################################################################
# Log group
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is an input (jobs.<key>.log_retention_days, default 30 days); a year of job logs is an opt-in cost, not a default. CKV_SBATCH_6 still requires a bounded retention and a KMS key.
  name              = var.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

################################################################################
# Job role: only the statements given for this job
################################################################################

resource "aws_iam_role" "job" {
  count = local.create_job_role ? 1 : 0

  name                  = var.job_role_name
  description           = "Batch job ${var.name}: what the container may do"
  force_detach_policies = true
  path                  = var.iam_role_path
  permissions_boundary  = var.iam_role_permissions_boundary
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "job" {
  count = local.create_job_role && length(var.iam_policy_statements) > 0 ? 1 : 0

  name   = "job"
  role   = aws_iam_role.job[0].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.job_statements })
}

# Keyed by the caller's names, so ARNs known only after apply can be attached.
resource "aws_iam_role_policy_attachment" "job" {
  for_each = local.create_job_role ? var.iam_policy_arns : {}

  role       = aws_iam_role.job[0].name
  policy_arn = each.value
}

################################################################################
# Execution role: image pull, own log group, own secrets
################################################################################

resource "aws_iam_role" "execution" {
  count = local.create_execution_role ? 1 : 0

  name                  = var.execution_role_name
  description           = "Batch job ${var.name}: image pull, its log group, its secrets"
  force_detach_policies = true
  path                  = var.iam_role_path
  permissions_boundary  = var.iam_role_permissions_boundary
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "execution" {
  count = local.create_execution_role ? 1 : 0

  name   = "execution"
  role   = aws_iam_role.execution[0].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.execution_statements })
}

################################################################################
# Job definition
################################################################################

resource "aws_batch_job_definition" "this" {
  name                  = var.name
  type                  = "container"
  platform_capabilities = [var.platform]
  propagate_tags        = var.propagate_tags
  parameters            = var.parameters
  scheduling_priority   = var.scheduling_priority
  container_properties  = jsonencode(local.container_properties)

  retry_strategy {
    attempts = var.retry_attempts

    # A list, so the rules keep the order they are written in (Batch evaluates them in order).
    dynamic "evaluate_on_exit" {
      for_each = local.retry_rules
      content {
        action           = upper(evaluate_on_exit.value.action)
        on_status_reason = evaluate_on_exit.value.on_status_reason
        on_reason        = evaluate_on_exit.value.on_reason
        on_exit_code     = evaluate_on_exit.value.on_exit_code
      }
    }
  }

  timeout {
    attempt_duration_seconds = var.timeout_seconds
  }

  tags = var.tags

  # Roles, their policies and the log group exist before the first job can run.
  depends_on = [
    aws_iam_role.job,
    aws_iam_role_policy.job,
    aws_iam_role_policy_attachment.job,
    aws_iam_role.execution,
    aws_iam_role_policy.execution,
    aws_cloudwatch_log_group.this,
  ]
}
