"""Plan time of the module at N scheduled jobs vs a flat hand-written config of the same resources.

Both configs are planned offline (fake credentials, no endpoint) by the same Terraform. The
module config calls the module with N jobs, one daily schedule each and the default monitoring
(missed-run alarms on). The flat config declares the same kinds of resources directly, one
`for_each` resource block per kind, with no submodules and no validations: the cost Terraform
itself charges per resource. Plan time is divided by the number of planned resources, so the
ratio says what the module adds per resource.
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from batch_harness.terraform.runner import TerraformRunner

REPO = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"
KMS_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/tool:1.0"

PROVIDERS = """\
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.60, < 6.0" }
  }
}

provider "aws" {
  region = "us-east-1"
}
"""

MODULE_ROOT = """\
module "batch" {
  source = "%(module)s"

  name        = "bench"
  vpc_id      = "vpc-0a1b2c3d"
  subnet_ids  = ["subnet-0a1b2c3d", "subnet-1a2b3c4d"]
  kms_key_arn = "%(kms)s"
  jobs        = local.jobs
}
"""

# What the module creates for N jobs with one schedule each, written out by hand. Per-job
# resources refer to each other by name, never as `resource[each.key]`: such a reference makes
# Terraform evaluate every instance of the resource for every instance that refers to it.
FLAT_ROOT = """\
locals {
  prefix = "arn:aws:batch:us-east-1:%(account)s"
  role   = "arn:aws:iam::%(account)s:role"
}

resource "aws_security_group" "batch" {
  name   = "bench-batch"
  vpc_id = "vpc-0a1b2c3d"
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_batch_compute_environment" "this" {
  for_each                 = toset(["FARGATE_SPOT", "FARGATE"])
  compute_environment_name = "bench-${lower(each.key)}"
  type                     = "MANAGED"
  compute_resources {
    type               = each.key
    max_vcpus          = 16
    subnets            = ["subnet-0a1b2c3d", "subnet-1a2b3c4d"]
    security_group_ids = [aws_security_group.batch.id]
  }
}

resource "aws_batch_job_queue" "default" {
  name     = "bench-default"
  state    = "ENABLED"
  priority = 1
  compute_environment_order {
    order               = 0
    compute_environment = aws_batch_compute_environment.this["FARGATE_SPOT"].arn
  }
  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.this["FARGATE"].arn
  }
}

resource "aws_sqs_queue" "dlq" {
  name              = "bench-schedule-dlq"
  kms_master_key_id = "%(kms)s"
}

resource "aws_scheduler_schedule_group" "this" {
  name = "bench"
}

resource "aws_cloudwatch_log_group" "history" {
  name       = "/aws/events/bench/job-history"
  kms_key_id = "%(kms)s"
}

resource "aws_cloudwatch_log_metric_filter" "succeeded" {
  name           = "bench-jobs-succeeded"
  log_group_name = aws_cloudwatch_log_group.history.name
  pattern        = "{ ($.source = \\"aws.batch\\") && ($.detail.status = \\"SUCCEEDED\\") }"
  metric_transformation {
    namespace  = "ScheduledBatch/bench"
    name       = "Succeeded"
    value      = "1"
    dimensions = { JobName = "$.detail.jobName" }
  }
}

resource "aws_cloudwatch_log_group" "job" {
  for_each          = local.jobs
  name              = "/aws/batch/bench/${each.key}"
  retention_in_days = 30
  kms_key_id        = "%(kms)s"
}

resource "aws_iam_role" "job" {
  for_each = local.jobs
  name     = "bench-${each.key}-job"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role" "execution" {
  for_each = local.jobs
  name     = "bench-${each.key}-exec"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "execution" {
  for_each = local.jobs
  name     = "execution"
  role     = "bench-${each.key}-exec"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = ["arn:aws:logs:us-east-1:%(account)s:log-group:/aws/batch/bench/${each.key}:log-stream:*"]
    }]
  })
}

resource "aws_batch_job_definition" "this" {
  for_each              = local.jobs
  name                  = "bench-${each.key}"
  type                  = "container"
  platform_capabilities = ["FARGATE"]
  container_properties = jsonencode({
    image            = each.value.image
    command          = each.value.command
    jobRoleArn       = "${local.role}/bench-${each.key}-job"
    executionRoleArn = "${local.role}/bench-${each.key}-exec"
    resourceRequirements = [{ type = "VCPU", value = "1" }, { type = "MEMORY", value = "2048" }]
    networkConfiguration = { assignPublicIp = "DISABLED" }
  })
  timeout {
    attempt_duration_seconds = 3600
  }
}

resource "aws_iam_role" "schedule" {
  for_each = local.jobs
  name     = "bench-${each.key}-daily-sched"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "scheduler.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "schedule" {
  for_each = local.jobs
  name     = "target"
  role     = "bench-${each.key}-daily-sched"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["batch:SubmitJob"]
      Resource = [aws_batch_job_queue.default.arn, "${local.prefix}:job-definition/bench-${each.key}"]
    }]
  })
}

resource "aws_scheduler_schedule" "this" {
  for_each            = local.jobs
  name                = "bench-${each.key}-daily"
  group_name          = aws_scheduler_schedule_group.this.name
  schedule_expression = each.value.schedules.daily.expression
  flexible_time_window {
    mode = "OFF"
  }
  target {
    arn      = "arn:aws:scheduler:::aws-sdk:batch:submitJob"
    role_arn = "${local.role}/bench-${each.key}-daily-sched"
    input = jsonencode({
      JobName       = "bench-${each.key}-daily"
      JobQueue      = aws_batch_job_queue.default.arn
      JobDefinition = "${local.prefix}:job-definition/bench-${each.key}"
    })
    dead_letter_config {
      arn = aws_sqs_queue.dlq.arn
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "missed_run" {
  for_each            = local.jobs
  alarm_name          = "bench-missed-run-job-${each.key}-daily"
  namespace           = "ScheduledBatch/bench"
  metric_name         = "Succeeded"
  dimensions          = { JobName = "bench-${each.key}-daily" }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 27
  datapoints_to_alarm = 27
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
}
"""


def jobs(n: int) -> dict[str, dict[str, object]]:
    """N jobs, one daily schedule each, spread over the day so expressions differ."""
    return {
        f"j{i:04d}": {
            "image": IMAGE,
            "command": ["run", str(i)],
            "schedules": {"daily": {"expression": f"cron({i % 60} {i // 60 % 24} * * ? *)"}},
        }
        for i in range(n)
    }


def write_config(root: Path, n: int, flat: bool, module: Path = REPO) -> Path:
    """The module config (calling ``module``) or the flat one, with N jobs, in ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    if flat:
        body = FLAT_ROOT % {"account": ACCOUNT, "kms": KMS_KEY}
    else:
        body = MODULE_ROOT % {"module": module, "kms": KMS_KEY}
    (root / "main.tf").write_text(PROVIDERS + body)
    (root / "jobs.tf.json").write_text(json.dumps({"locals": {"jobs": jobs(n)}}))
    return root


@dataclass(frozen=True)
class PlanTiming:
    seconds: float
    cpu_seconds: float  # Terraform's and the provider's, robust to a busy shared machine
    resources: int

    @property
    def per_resource_ms(self) -> float:
        return self.seconds * 1000 / max(self.resources, 1)

    @property
    def cpu_per_resource_ms(self) -> float:
        return self.cpu_seconds * 1000 / max(self.resources, 1)


def children_cpu_seconds() -> float:
    """CPU time of every finished child process (and theirs: the provider under Terraform)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_plan(root: Path, env: dict[str, str]) -> PlanTiming:
    """Wall time of `terraform plan` (and `show -json`, to count what it planned)."""
    runner = TerraformRunner(root, env=env, offline_provider=True)
    runner.init()
    started, cpu_started = time.perf_counter(), children_cpu_seconds()
    plan = runner.plan()
    seconds, cpu_seconds = time.perf_counter() - started, children_cpu_seconds() - cpu_started
    return PlanTiming(seconds, cpu_seconds, len(plan.planned_resources))


def compare(n: int, env: dict[str, str], module: Path = REPO) -> dict[str, PlanTiming]:
    """Plan both configs for N jobs in one run, module first."""
    with tempfile.TemporaryDirectory(prefix=f"plan-scale-{n}-") as tmp:
        return {
            "module": time_plan(write_config(Path(tmp) / "module", n, flat=False, module=module), env),
            "flat": time_plan(write_config(Path(tmp) / "flat", n, flat=True), env),
        }
