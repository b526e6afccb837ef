"""Plan time of the module at N scheduled jobs vs a flat hand-written config of the same resources.

Both configs are planned offline (fake credentials, no endpoint) by the same Terraform. The
module config calls the module with N jobs, one daily schedule each and the default monitoring
(missed-run alarms on). The flat config declares the same resources directly, one `for_each`
resource block per kind, with no submodules and no validations: the same kinds and counts, and
for every job the same planned values (`--check` verifies both). Plan time is divided by the
number of planned resources, so the ratio says what the module adds per resource.

    .venv/bin/python benchmarks/plan_scale.py 100 1000 --check
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from batch_harness.terraform.addresses import resource_type
from batch_harness.terraform.runner import TerraformError, TerraformRunner, plugin_cache_env

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
  account_id  = "%(account)s"
  jobs        = local.jobs
}
"""

# What the module creates for N jobs with one schedule each, written out by hand: the same
# resource kinds and counts, and for every per-job resource the same planned values (same
# policies, container properties, retry rules, descriptions, alarm shape), so the comparison
# measures what the module's structure costs, not a lighter payload.
#
# It waits for what AWS needs and the module orders explicitly, so that it applies as reliably: a
# role policy waits for the roles (PutRolePolicy on a role that does not exist yet fails with
# NoSuchEntity; the provider does not retry), a schedule for the roles, their policies, the job
# definitions and the queue (CreateSchedule refuses a role Scheduler cannot assume), a job
# definition for the roles, their policy and the log groups. (The module also makes a schedule's
# role wait for the job definitions, through its inputs: the flat config is spared that.) It
# names what it waits for and lists it in `depends_on`, never as `resource[each.key]`: such a
# reference makes Terraform evaluate every instance of the resource for every instance that refers
# to it, which costs more (73 against 65 CPU-s at 300 jobs). Without the `depends_on` lists the
# same resources plan about 3x faster, but Terraform may create a policy before its role, so that
# config does not apply reliably and is no baseline for a module that must.
FLAT_ROOT = """\
locals {
  account = "%(account)s"
  kms     = "%(kms)s"
  prefix  = "arn:aws:batch:us-east-1:${local.account}"
  role    = "arn:aws:iam::${local.account}:role"
  dlq_arn = "arn:aws:sqs:us-east-1:${local.account}:bench-schedule-dlq"
  queues  = ["arn:aws:batch:us-east-1:${local.account}:job-queue/bench-default"]
  ecs_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
    }]
  })
  scheduler_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = {
          "aws:SourceAccount" = local.account
          "aws:SourceArn"     = "arn:aws:scheduler:us-east-1:${local.account}:schedule-group/bench"
        }
      }
    }]
  })
  retry_rules = [
    { action = "RETRY", on_status_reason = "Host EC2*", on_reason = null },
    { action = "RETRY", on_status_reason = "Your Spot Task was interrupted*", on_reason = null },
    { action = "RETRY", on_status_reason = "Task failed to start*", on_reason = null },
    { action = "RETRY", on_status_reason = null, on_reason = "AGENT*" },
    { action = "EXIT", on_status_reason = null, on_reason = "*" },
  ]
}

resource "aws_security_group" "batch" {
  name_prefix = "bench-batch-"
  description = "bench: Batch jobs without their own network rules"
  vpc_id      = "vpc-0a1b2c3d"
  tags        = { Name = "bench-batch" }
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.batch.id
  description       = "HTTPS to AWS APIs and registries"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_batch_compute_environment" "this" {
  for_each                        = { fargate = "FARGATE", fargate_spot = "FARGATE_SPOT" }
  compute_environment_name_prefix = "bench-${each.key}-"
  type                            = "MANAGED"
  tags                            = { Name = "bench-${each.key}" }
  compute_resources {
    type               = each.value
    max_vcpus          = each.value == "FARGATE" ? 16 : 64
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
    compute_environment = aws_batch_compute_environment.this["fargate_spot"].arn
  }
  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.this["fargate"].arn
  }
}

resource "aws_sqs_queue" "dlq" {
  for_each                          = toset(["bench-schedule-dlq", "bench-monitoring-dlq"])
  name                              = each.key
  kms_master_key_id                 = local.kms
  kms_data_key_reuse_period_seconds = 300
  message_retention_seconds         = 1209600
}

resource "aws_sqs_queue_policy" "dlq" {
  for_each  = aws_sqs_queue.dlq
  queue_url = each.value.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = "arn:aws:sqs:us-east-1:${local.account}:${each.key}"
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_sns_topic" "notifications" {
  name              = "bench-notifications"
  display_name      = "bench scheduled batch"
  kms_master_key_id = local.kms
}

resource "aws_sns_topic_policy" "notifications" {
  arn = aws_sns_topic.notifications.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EventBridgeRulesOfThisStack"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = "arn:aws:sns:us-east-1:${local.account}:bench-notifications"
      Condition = { ArnLike = { "aws:SourceArn" = "arn:aws:events:us-east-1:${local.account}:rule/bench-*" } }
    }]
  })
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each = { job-failed = ["FAILED"], job-history = null }
  name     = "bench-${each.key}"
  event_pattern = jsonencode({
    source        = ["aws.batch"]
    "detail-type" = ["Batch Job State Change"]
    account       = [local.account]
    detail        = merge({ jobQueue = local.queues }, each.value == null ? {} : { status = each.value })
  })
}

resource "aws_cloudwatch_event_target" "this" {
  for_each  = aws_cloudwatch_event_rule.this
  rule      = each.value.name
  target_id = each.key
  arn       = each.key == "job-failed" ? aws_sns_topic.notifications.arn : aws_cloudwatch_log_group.history.arn
  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }
  dead_letter_config {
    arn = aws_sqs_queue.dlq["bench-monitoring-dlq"].arn
  }
}

resource "aws_cloudwatch_log_resource_policy" "history" {
  policy_name = "bench-job-history"
  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = ["events.amazonaws.com", "delivery.logs.amazonaws.com"] }
      Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource  = "${aws_cloudwatch_log_group.history.arn}:*"
    }]
  })
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  for_each            = aws_sqs_queue.dlq
  alarm_name          = "bench-dead-letters-${each.key}"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.key }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.notifications.arn]
  ok_actions          = [aws_sns_topic.notifications.arn]
}

resource "aws_scheduler_schedule_group" "this" {
  name = "bench"
}

resource "aws_cloudwatch_log_group" "history" {
  name              = "/aws/events/bench/job-history"
  retention_in_days = 365
  kms_key_id        = local.kms
}

resource "aws_cloudwatch_log_metric_filter" "succeeded" {
  name           = "bench-jobs-succeeded"
  log_group_name = aws_cloudwatch_log_group.history.name
  pattern        = "{ ($.source = \\"aws.batch\\") && ($.detail.status = \\"SUCCEEDED\\") }"
  metric_transformation {
    namespace  = "ScheduledBatch/bench"
    name       = "Succeeded"
    value      = "1"
    unit       = "Count"
    dimensions = { JobName = "$.detail.jobName" }
  }
}

resource "aws_cloudwatch_log_group" "job" {
  for_each          = local.jobs
  name              = "/aws/batch/bench/${each.key}"
  retention_in_days = 30
  kms_key_id        = local.kms
}

resource "aws_iam_role" "job" {
  for_each              = local.jobs
  name                  = "bench-${each.key}-job"
  description           = "Batch job bench-${each.key}: what the container may do"
  force_detach_policies = true
  path                  = "/"
  assume_role_policy    = local.ecs_trust
}

resource "aws_iam_role" "execution" {
  for_each              = local.jobs
  name                  = "bench-${each.key}-exec"
  description           = "Batch job bench-${each.key}: image pull, its log group, its secrets"
  force_detach_policies = true
  path                  = "/"
  assume_role_policy    = local.ecs_trust
}

resource "aws_iam_role_policy" "execution" {
  for_each   = local.jobs
  name       = "execution"
  role       = "bench-${each.key}-exec"
  depends_on = [aws_iam_role.execution]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "EcrAuth", Effect = "Allow", Action = ["ecr:GetAuthorizationToken"], Resource = ["*"] },
      {
        Sid      = "EcrPull"
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
        Resource = ["arn:aws:ecr:us-east-1:${local.account}:repository/tool"]
      },
      {
        Sid    = "OwnLogGroup"
        Effect = "Allow"
        Action = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = [
          "arn:aws:logs:us-east-1:${local.account}:log-group:/aws/batch/bench/${each.key}",
          "arn:aws:logs:us-east-1:${local.account}:log-group:/aws/batch/bench/${each.key}:log-stream:*",
        ]
      },
    ]
  })
}

resource "aws_batch_job_definition" "this" {
  for_each              = local.jobs
  name                  = "bench-${each.key}"
  type                  = "container"
  platform_capabilities = ["FARGATE"]
  propagate_tags        = true
  container_properties = jsonencode({
    image                  = each.value.image
    command                = each.value.command
    jobRoleArn             = "${local.role}/bench-${each.key}-job"
    executionRoleArn       = "${local.role}/bench-${each.key}-exec"
    resourceRequirements   = [{ type = "VCPU", value = "1" }, { type = "MEMORY", value = "2048" }]
    readonlyRootFilesystem = true
    privileged             = false
    environment            = []
    secrets                = []
    volumes                = []
    mountPoints            = []
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = "/aws/batch/bench/${each.key}"
        "awslogs-region"        = "us-east-1"
        "awslogs-stream-prefix" = "batch"
      }
    }
    networkConfiguration         = { assignPublicIp = "DISABLED" }
    fargatePlatformConfiguration = { platformVersion = "LATEST" }
    runtimePlatform              = { cpuArchitecture = "X86_64", operatingSystemFamily = "LINUX" }
  })
  retry_strategy {
    attempts = 3
    dynamic "evaluate_on_exit" {
      for_each = local.retry_rules
      content {
        action           = evaluate_on_exit.value.action
        on_status_reason = evaluate_on_exit.value.on_status_reason
        on_reason        = evaluate_on_exit.value.on_reason
      }
    }
  }
  timeout {
    attempt_duration_seconds = 3600
  }
  depends_on = [aws_iam_role.job, aws_iam_role.execution, aws_iam_role_policy.execution, aws_cloudwatch_log_group.job]
}

resource "aws_iam_role" "schedule" {
  for_each              = local.jobs
  name                  = "bench-${each.key}-daily-sched"
  description           = "EventBridge Scheduler schedule bench-${each.key}-daily"
  force_detach_policies = true
  path                  = "/"
  assume_role_policy    = local.scheduler_trust
}

resource "aws_iam_role_policy" "schedule" {
  for_each   = local.jobs
  name       = "target"
  role       = "bench-${each.key}-daily-sched"
  depends_on = [aws_iam_role.schedule]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "SubmitOwnJob"
        Effect = "Allow"
        Action = ["batch:SubmitJob"]
        Resource = [
          local.queues[0],
          "${local.prefix}:job-definition/bench-${each.key}",
          "${local.prefix}:job-definition/bench-${each.key}:*",
        ]
      },
      { Sid = "DeadLetters", Effect = "Allow", Action = ["sqs:SendMessage"], Resource = [local.dlq_arn] },
      {
        Sid      = "DeadLetterEncryption"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = [local.kms]
      },
    ]
  })
}

resource "aws_scheduler_schedule" "this" {
  for_each            = local.jobs
  name                = "bench-${each.key}-daily"
  group_name          = aws_scheduler_schedule_group.this.name
  description         = "bench: submit job ${each.key} (daily)"
  schedule_expression = each.value.schedules.daily.expression
  state               = "ENABLED"
  flexible_time_window {
    mode = "OFF"
  }
  target {
    arn      = "arn:aws:scheduler:::aws-sdk:batch:submitJob"
    role_arn = "${local.role}/bench-${each.key}-daily-sched"
    input = jsonencode({
      JobName       = "bench-${each.key}-daily"
      JobQueue      = local.queues[0]
      JobDefinition = "${local.prefix}:job-definition/bench-${each.key}"
    })
    retry_policy {
      maximum_retry_attempts       = 3
      maximum_event_age_in_seconds = 3600
    }
    dead_letter_config {
      arn = local.dlq_arn
    }
  }
  depends_on = [
    aws_iam_role.schedule, aws_iam_role_policy.schedule, aws_batch_job_definition.this, aws_batch_job_queue.default,
  ]
}

resource "aws_cloudwatch_metric_alarm" "missed_run" {
  for_each   = local.jobs
  alarm_name = "bench-missed-run-job-${each.key}-daily"
  alarm_description = join(" ", [
    "Scheduled job job/${each.key}/daily (${each.value.schedules.daily.expression}):",
    "no successful run in the last 1680 minutes (expected every 1440 min + 240 min slack).",
    "Check the schedule, the job queue (RUNNABLE jobs) and the job history log group",
    "${aws_cloudwatch_log_group.history.name}.",
  ])
  namespace           = "ScheduledBatch/bench"
  metric_name         = "Succeeded"
  dimensions          = { JobName = "bench-${each.key}-daily" }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 29
  datapoints_to_alarm = 29
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.notifications.arn]
  ok_actions          = [aws_sns_topic.notifications.arn]
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
        body = MODULE_ROOT % {"module": module, "kms": KMS_KEY, "account": ACCOUNT}
    (root / "main.tf").write_text(PROVIDERS + body)
    (root / "jobs.tf.json").write_text(json.dumps({"locals": {"jobs": jobs(n)}}))
    return root


@dataclass(frozen=True)
class PlanTiming:
    seconds: float
    cpu_seconds: float  # Terraform's and the provider's, robust to a busy shared machine
    resources: int
    # Planned values by address (for the fairness check; not shown in the tables).
    values: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)
    # Why the plan did not finish (then the times are what it used until then: lower bounds).
    failure: str | None = None

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
    runner = TerraformRunner(root, env=env, offline_provider=True, scratch=True)
    runner.init()
    started, cpu_started = time.perf_counter(), children_cpu_seconds()
    try:
        plan = runner.plan()
    except TerraformError as error:
        if error.returncode >= 0:
            raise  # a broken config is an error, not a measurement
        # Killed by a signal (the kernel's out-of-memory killer sends 9): what it cost so far.
        seconds, cpu_seconds = time.perf_counter() - started, children_cpu_seconds() - cpu_started
        return PlanTiming(
            seconds, cpu_seconds, 0, failure=f"terraform {error.command} killed by signal {-error.returncode}"
        )
    seconds, cpu_seconds = time.perf_counter() - started, children_cpu_seconds() - cpu_started
    values = {address: change.get("after") or {} for address, change in plan.resource_changes.items()}
    return PlanTiming(seconds, cpu_seconds, len(plan.planned_resources), values)


def compare(n: int, env: dict[str, str], module: Path = REPO) -> dict[str, PlanTiming]:
    """Plan both configs for N jobs in one run, module first. A flat plan that does not finish
    counts the module's resources (it declares the same ones) over what it used until then."""
    with tempfile.TemporaryDirectory(prefix=f"plan-scale-{n}-") as tmp:
        module_timing = time_plan(write_config(Path(tmp) / "module", n, flat=False, module=module), env)
        flat = time_plan(write_config(Path(tmp) / "flat", n, flat=True), env)
        if flat.failure:
            flat = replace(flat, resources=module_timing.resources)
        return {"module": module_timing, "flat": flat}


def ratio_bound(timing: PlanTiming, flat: PlanTiming) -> str:
    """The prefix of a ratio to the flat plan: "at most " where that plan did not finish (its
    times are lower bounds, so another plan's ratios to it are upper bounds)."""
    return "at most " if flat.failure and timing is not flat else ""


def describe(n: int, name: str, timing: PlanTiming, flat: PlanTiming) -> str:
    """One line of results. A plan that did not finish used "at least" its times."""
    spent = "at least " if timing.failure else ""
    ratio = ratio_bound(timing, flat)
    line = (
        f"{n} jobs, {name}: {timing.resources} resources, plan {spent}{timing.seconds:.1f} s"
        f" ({spent}{timing.per_resource_ms:.1f} ms per resource,"
        f" {ratio}{timing.per_resource_ms / flat.per_resource_ms:.2f}x),"
        f" CPU {spent}{timing.cpu_seconds:.1f} s ({spent}{timing.cpu_per_resource_ms:.1f} ms per resource,"
        f" {ratio}{timing.cpu_per_resource_ms / flat.cpu_per_resource_ms:.2f}x)"
    )
    return line + (f"; did not finish: {timing.failure}" if timing.failure else "")


JOB_KEY = re.compile(r"j\d{4}")


def without_name_references(kind: str, after: dict[str, Any]) -> dict[str, Any]:
    """Planned values less the role references the flat config spells out by name (known at plan
    time; the module's refer to the role resource and are known after apply)."""
    if kind == "aws_iam_role_policy":
        return {k: v for k, v in after.items() if k != "role"}
    if kind == "aws_scheduler_schedule":
        targets = [{k: v for k, v in t.items() if k != "role_arn"} for t in after.get("target") or []]
        return {**after, "target": targets}
    return after


def unfair(timings: dict[str, PlanTiming]) -> list[str]:
    """Where the flat config does not plan what the module plans: per kind of resource, the count,
    and for every job the planned values of its resources (references the flat config spells out
    by name, known at plan time where the module's are not, are the one allowed difference)."""
    module, flat = timings["module"].values, timings["flat"].values
    problems: list[str] = []
    kinds = {name: Counter(resource_type(a) for a in plan) for name, plan in (("module", module), ("flat", flat))}
    if kinds["module"] != kinds["flat"]:
        problems.append(f"resource kinds differ: module {dict(kinds['module'])}, flat {dict(kinds['flat'])}")

    def per_job(plan: dict[str, dict[str, Any]]) -> dict[tuple[str, str], list[str]]:
        grouped: dict[tuple[str, str], list[str]] = {}
        for address, after in plan.items():
            job = JOB_KEY.search(address)
            if job:
                known = without_name_references(resource_type(address), after)
                grouped.setdefault((resource_type(address), job.group(0)), []).append(json.dumps(known, sort_keys=True))
        return {key: sorted(values) for key, values in grouped.items()}

    module_jobs, flat_jobs = per_job(module), per_job(flat)
    for key in sorted(set(module_jobs) | set(flat_jobs)):
        if module_jobs.get(key) != flat_jobs.get(key):
            problems.append(f"{key[0]} of job {key[1]}: the planned values differ")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("jobs", type=int, nargs="*", default=[100], metavar="N", help="numbers of jobs (default 100)")
    parser.add_argument(
        "--check", action="store_true", help="also fail unless the flat config plans the module's resources and values"
    )
    args = parser.parse_args(argv)
    env = plugin_cache_env()
    failed = False
    for n in args.jobs:
        timings = compare(n, env)
        for name, timing in timings.items():
            print(describe(n, name, timing, timings["flat"]), flush=True)
        if not args.check:
            continue
        if timings["flat"].failure:
            print("  --check skipped: the flat plan did not finish", file=sys.stderr)
            failed = True
            continue
        problems = unfair(timings)
        for problem in problems[:20]:
            print(f"  not a fair comparison: {problem}", file=sys.stderr)
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
