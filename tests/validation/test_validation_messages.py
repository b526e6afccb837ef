"""Every bad input fails at plan time with a message naming the variable, the key and the rule.

Each case changes one thing in an otherwise valid input and expects one exact message line.
"""

# ruff: noqa: E501  (the expected messages are long single lines on purpose)

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from core_stub import VALIDATION_SUMMARIES, ValidationStub

# No marker, no xdist group: the stub starts no provider (fast lane), every worker builds its own
# (a sub-second init) and takes a share of the cases.

IMAGE = "public.ecr.aws/docker/library/busybox:stable"
BASE: dict[str, Any] = {
    "name": "vt",
    "vpc_id": "vpc-0a1b2c3d",
    "subnet_ids": ["subnet-0a1b2c3d"],
    "jobs": {"report": {"image": IMAGE, "schedules": {"nightly": {"expression": "cron(0 2 * * ? *)"}}}},
}
EC2_ENVS = {"ec2": {"type": "EC2", "max_vcpus": 16}, "spot": {"type": "SPOT", "max_vcpus": 16}}
EC2_QUEUES = {"default": {"compute_environments": ["spot", "ec2"]}}
LOG_RETENTIONS = (
    "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"
)


def job(**fields: Any) -> dict[str, Any]:
    """``jobs`` with the one job "report", changed by ``fields``."""
    return {"report": {"image": IMAGE, **fields}}


def schedule(expression: str = "cron(0 2 * * ? *)", **fields: Any) -> dict[str, Any]:
    """``jobs`` with "report" and its one schedule "nightly", changed by ``fields``."""
    return job(schedules={"nightly": {"expression": expression, **fields}})


def rules(**variables: Any) -> dict[str, Any]:
    return {"schedule_backend": "rules", **variables}


J = 'jobs["report"]'
S = 'jobs["report"].schedules["nightly"]'
LONG = "k" * 60

# (id, variables replacing BASE's, expected message line)
CASES: list[tuple[str, dict[str, Any], str]] = [
    # --- general ---------------------------------------------------------------------------------
    (
        "name-charset",
        {"name": "1batch"},
        'name: "1batch" must start with a letter and contain only letters, digits, "-" and "_" (it prefixes every resource name), e.g. "reports".',
    ),
    (
        "name-length",
        {"name": "a" * 33},
        f'name: "{"a" * 33}" is 33 characters; use at most 32 so that the names built from it fit AWS limits.',
    ),
    ("vpc-id", {"vpc_id": "vpc_123"}, 'vpc_id: "vpc_123" is not a VPC id (vpc-...).'),
    (
        "subnets-empty",
        {"subnet_ids": []},
        "subnet_ids: at least one subnet is required (prefer private subnets in two or more Availability Zones).",
    ),
    ("subnet-id", {"subnet_ids": ["sn-1"]}, 'subnet_ids: "sn-1" is not a subnet id (subnet-...).'),
    (
        "kms-alias",
        {"kms_key_arn": "alias/batch"},
        'kms_key_arn: "alias/batch" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); aliases are not accepted.',
    ),
    (
        "backend",
        {"schedule_backend": "cron"},
        'schedule_backend: "cron" is not supported (use "scheduler" or "rules").',
    ),
    (
        "retry-attempts",
        {"schedule_retry_policy": {"maximum_retry_attempts": 200}},
        "schedule_retry_policy: maximum_retry_attempts 200 is out of range (use 0 to 185).",
    ),
    (
        "retry-age",
        {"schedule_retry_policy": {"maximum_event_age_seconds": 30}},
        "schedule_retry_policy: maximum_event_age_seconds 30 is out of range (use 60 to 86400).",
    ),
    (
        "dlq-retention",
        {"dead_letter_queue_message_retention_seconds": 30},
        "dead_letter_queue_message_retention_seconds: 30 is out of range (use 60 to 1209600, i.e. up to 14 days).",
    ),
    (
        "default-egress",
        {"default_security_group_egress": [{"from_port": 443, "to_port": 443}]},
        "default_security_group_egress[0]: no destination; set cidr_blocks, ipv6_cidr_blocks, prefix_list_ids or security_group_ids.",
    ),
    # --- compute environments ----------------------------------------------------------------
    (
        "ce-none",
        {"compute_environments": {}},
        'compute_environments: at least one compute environment is required, e.g. { fargate = { type = "FARGATE", max_vcpus = 16 } }.',
    ),
    (
        "ce-key",
        {"compute_environments": {"my env": {"type": "FARGATE"}}},
        'compute_environments["my env"]: keys may contain only letters, digits, "-" and "_" and must start with a letter or digit (they become part of resource names).',
    ),
    (
        "ce-type",
        {"compute_environments": {"spot": {"type": "FARGATE-SPOT"}}},
        'compute_environments["spot"]: type "FARGATE-SPOT" is not valid (use FARGATE, FARGATE_SPOT, EC2 or SPOT).',
    ),
    (
        "ce-ec2-field-on-fargate",
        {"compute_environments": {"fargate": {"type": "FARGATE", "instance_types": ["m6i"]}}},
        'compute_environments["fargate"]: instance_types is only valid for EC2 and SPOT compute environments, not FARGATE (remove it, or use type = "EC2" or "SPOT").',
    ),
    (
        "ce-allocation-on-fargate-spot",
        {"compute_environments": {"spot": {"type": "FARGATE_SPOT", "allocation_strategy": "BEST_FIT"}}},
        'compute_environments["spot"]: allocation_strategy is only valid for EC2 and SPOT compute environments, not FARGATE_SPOT (remove it, or use type = "EC2" or "SPOT").',
    ),
    (
        "ce-max-vcpus",
        {"compute_environments": {"fargate": {"type": "FARGATE", "max_vcpus": 0}}},
        'compute_environments["fargate"]: max_vcpus 0 is not valid (use a whole number, at least 1).',
    ),
    (
        "ce-min-above-max",
        {"compute_environments": {"ec2": {"type": "EC2", "max_vcpus": 4, "min_vcpus": 8}}},
        'compute_environments["ec2"]: min_vcpus 8 must be between 0 and max_vcpus (4).',
    ),
    (
        "ce-desired-below-min",
        {"compute_environments": {"ec2": {"type": "EC2", "min_vcpus": 4, "desired_vcpus": 2}}},
        'compute_environments["ec2"]: desired_vcpus 2 must be between min_vcpus (4) and max_vcpus (16).',
    ),
    (
        "ce-allocation-for-type",
        {"compute_environments": {"ec2": {"type": "EC2", "allocation_strategy": "SPOT_CAPACITY_OPTIMIZED"}}},
        'compute_environments["ec2"]: allocation_strategy "SPOT_CAPACITY_OPTIMIZED" is not valid for EC2 (use BEST_FIT_PROGRESSIVE or BEST_FIT).',
    ),
    (
        "ce-bid-on-ec2",
        {"compute_environments": {"ec2": {"type": "EC2", "bid_percentage": 50}}},
        'compute_environments["ec2"]: bid_percentage is only valid for SPOT compute environments (remove it, or use type = "SPOT").',
    ),
    (
        "ce-bid-range",
        {"compute_environments": {"spot": {"type": "SPOT", "bid_percentage": 150}}},
        'compute_environments["spot"]: bid_percentage 150 is out of range (use 1 to 100, a percentage of the On-Demand price).',
    ),
    (
        "ce-spot-best-fit",
        {"compute_environments": {"spot": {"type": "SPOT", "allocation_strategy": "BEST_FIT"}}},
        'compute_environments["spot"]: SPOT with allocation_strategy BEST_FIT needs spot_iam_fleet_role (or use SPOT_PRICE_CAPACITY_OPTIMIZED, which needs none and allows in-place updates).',
    ),
    (
        "ce-architecture",
        {"compute_environments": {"ec2": {"type": "EC2", "architecture": "ARM"}}},
        'compute_environments["ec2"]: architecture "ARM" is not valid (use X86_64 or ARM64).',
    ),
    (
        "ce-launch-template",
        {"compute_environments": {"ec2": {"type": "EC2", "launch_template": {"version": "1"}}}},
        'compute_environments["ec2"]: launch_template needs id or name.',
    ),
    (
        "ce-name-length",
        {"compute_environments": {"f" * 100: {"type": "FARGATE"}}},
        f'compute_environments["{"f" * 100}"]: the name "vt-{"f" * 100}-<26 characters>" exceeds Batch\'s 128 characters; shorten the key or var.name.',
    ),
    # --- job queues ----------------------------------------------------------------------------
    (
        "queue-unknown-ce",
        {"job_queues": {"default": {"compute_environments": ["fargate_spot", "gpu"]}}},
        'job_queues["default"]: compute environment "gpu" does not exist (compute_environments has: fargate, fargate_spot).',
    ),
    (
        "queue-too-many-ces",
        {
            "compute_environments": {k: {"type": "FARGATE"} for k in "abcd"},
            "job_queues": {"default": {"compute_environments": list("abcd")}},
        },
        'job_queues["default"]: lists 4 compute environments; a queue takes 1 to 3 (in order of preference).',
    ),
    (
        "queue-no-ces",
        {"job_queues": {"default": {"compute_environments": []}}},
        'job_queues["default"]: lists 0 compute environments; a queue takes 1 to 3 (in order of preference).',
    ),
    (
        "queue-duplicate-ce",
        {"job_queues": {"default": {"compute_environments": ["fargate", "fargate"]}}},
        'job_queues["default"]: lists a compute environment more than once (fargate, fargate).',
    ),
    (
        "queue-mixed-family",
        {
            "compute_environments": {"fargate": {"type": "FARGATE"}, "ec2": {"type": "EC2"}},
            "job_queues": {"default": {"compute_environments": ["fargate", "ec2"]}},
        },
        'job_queues["default"]: compute environments must be all Fargate (FARGATE, FARGATE_SPOT) or all EC2 (EC2, SPOT); got fargate (FARGATE), ec2 (EC2). Use separate queues.',
    ),
    (
        "queue-mixed-architecture",
        {
            "compute_environments": {"x86": {"type": "EC2"}, "arm": {"type": "SPOT", "architecture": "ARM64"}},
            "job_queues": {"default": {"compute_environments": ["arm", "x86"]}},
        },
        'job_queues["default"]: compute environments must share one architecture; got arm (ARM64), x86 (X86_64). Use separate queues.',
    ),
    (
        "queue-priority",
        {"job_queues": {"default": {"priority": 2000, "compute_environments": ["fargate"]}}},
        'job_queues["default"]: priority 2000 is out of range (use a whole number from 0 to 1000; higher runs first).',
    ),
    (
        "queue-cancel-after",
        {"job_queues": {"default": {"compute_environments": ["fargate"], "cancel_runnable_after_seconds": 300}}},
        'job_queues["default"]: cancel_runnable_after_seconds 300 is out of range (use 600 to 86400).',
    ),
    (
        "queue-fair-share",
        {"job_queues": {"default": {"compute_environments": ["fargate"], "fair_share": {"shares": {"team_a": 1}}}}},
        'job_queues["default"]: fair_share is not valid (share_decay_seconds 0-604800, compute_reservation 0-99, shares: identifiers of up to 255 letters and digits, optionally ending in *, with weights 0.0001-999.9999).',
    ),
    (
        "queue-default-cannot-hold",
        {"compute_environments": {"fargate": {"type": "FARGATE"}, "ec2": {"type": "EC2"}}},
        'job_queues: none declared, and the default queue cannot hold all 2 compute environments (ec2 (EC2), fargate (FARGATE)): a queue takes at most 3, all Fargate or all EC2, one architecture. Declare job_queues, e.g. { default = { compute_environments = ["fargate_spot", "fargate"] } }.',
    ),
    # --- jobs: references and resources --------------------------------------------------------
    (
        "job-key",
        {"jobs": {"sales report": {"image": IMAGE}}},
        'jobs["sales report"]: keys may contain only letters, digits, "-" and "_" and must start with a letter or digit (they become part of resource names).',
    ),
    (
        "job-image",
        {"jobs": job(image=" ")},
        f'{J}: image is empty (e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com/tool:1.0").',
    ),
    (
        "job-queue-unknown",
        {"jobs": job(queue="fast")},
        f'{J}: queue "fast" does not exist (job_queues has: default); set queue to one of them or declare it in job_queues.',
    ),
    (
        "job-no-default-queue",
        {"job_queues": {"a": {"compute_environments": ["fargate"]}, "b": {"compute_environments": ["fargate_spot"]}}},
        f'{J}: queue is not set and job_queues has no "default" queue; set queue to one of: a, b.',
    ),
    (
        "fargate-memory",
        {"jobs": job(vcpu=0.25, memory=1000)},
        f"{J}: memory 1000 is not valid for 0.25 vCPU on Fargate (use 512, 1024 or 2048).",
    ),
    (
        "fargate-memory-steps",
        {"jobs": job(vcpu=8, memory=20000)},
        f"{J}: memory 20000 is not valid for 8 vCPU on Fargate (use 16384 to 61440 in steps of 4096).",
    ),
    (
        "fargate-vcpu",
        {"jobs": job(vcpu=3, memory=6144)},
        f"{J}: vcpu 3 is not valid on Fargate (use 0.25, 0.5, 1, 2, 4, 8 or 16).",
    ),
    (
        "ec2-vcpu",
        {"compute_environments": EC2_ENVS, "job_queues": EC2_QUEUES, "jobs": job(vcpu=0.5)},
        f"{J}: vcpu 0.5 is not valid on EC2 compute environments (use a whole number of vCPUs, at least 1).",
    ),
    (
        "gpu-on-fargate",
        {"jobs": job(gpu=1)},
        f'{J}: gpu is only available on EC2 compute environments and queue "default" is Fargate (use an EC2/SPOT queue or remove gpu).',
    ),
    (
        "ephemeral-storage",
        {"jobs": job(ephemeral_storage_gib=300)},
        f"{J}: ephemeral_storage_gib 300 is out of range (Fargate allows 21 to 200 GiB).",
    ),
    (
        "ephemeral-storage-on-ec2",
        {"compute_environments": EC2_ENVS, "job_queues": EC2_QUEUES, "jobs": job(ephemeral_storage_gib=50)},
        f'{J}: ephemeral_storage_gib is only valid on Fargate (queue "default" is EC2; size the instance volume with a launch template instead).',
    ),
    (
        "arm64-on-fargate-spot",
        {"jobs": job(architecture="ARM64")},
        f'{J}: architecture ARM64 cannot run on Fargate Spot and queue "default" includes a FARGATE_SPOT compute environment (use a FARGATE-only queue, or X86_64).',
    ),
    (
        "arm64-on-x86-instances",
        {"compute_environments": EC2_ENVS, "job_queues": EC2_QUEUES, "jobs": job(architecture="ARM64")},
        f'{J}: architecture ARM64 does not match the X86_64 compute environments of queue "default" (use a queue with matching instances).',
    ),
    (
        "job-architecture",
        {"jobs": job(architecture="arm")},
        f'{J}: architecture "arm" is not valid (use X86_64 or ARM64).',
    ),
    # --- jobs: timeout and retries ------------------------------------------------------------
    (
        "timeout",
        {"jobs": job(timeout_seconds=30)},
        f"{J}: timeout_seconds 30 is not valid (Batch requires a whole number of seconds, at least 60).",
    ),
    ("attempts-high", {"jobs": job(retry={"attempts": 11})}, f"{J}: retry.attempts 11 is out of range (use 1 to 10)."),
    ("attempts-zero", {"jobs": job(retry={"attempts": 0})}, f"{J}: retry.attempts 0 is out of range (use 1 to 10)."),
    (
        "retry-rules-count",
        {
            "jobs": job(
                retry={
                    "rules": [{"action": "RETRY", "on_exit_code": str(c)} for c in range(1, 6)]
                    + [{"action": "EXIT", "on_reason": "*"}]
                }
            )
        },
        f"{J}: retry.rules has 6 rules; Batch evaluates 1 to 5 (omit rules for the defaults: retry infrastructure and Spot losses, exit otherwise).",
    ),
    (
        "retry-action",
        {"jobs": job(retry={"rules": [{"action": "RESTART", "on_reason": "*"}]})},
        f'{J}: retry.rules[0].action "RESTART" is not valid (use RETRY or EXIT).',
    ),
    (
        "retry-rule-no-condition",
        {"jobs": job(retry={"rules": [{"action": "RETRY", "on_exit_code": "75"}, {"action": "EXIT"}]})},
        f'{J}: retry.rules[1] has no condition (set on_status_reason, on_reason or on_exit_code; on_reason = "*" matches everything).',
    ),
    (
        "retry-leading-wildcard",
        {"jobs": job(retry={"rules": [{"action": "RETRY", "on_status_reason": "*Spot*"}]})},
        f'{J}: retry.rules[0].on_status_reason "*Spot*" is not valid (letters, digits, ".", ":" and spaces, at most 512 characters, optionally ending in *; no * elsewhere).',
    ),
    (
        "retry-exit-code",
        {"jobs": job(retry={"rules": [{"action": "RETRY", "on_exit_code": "abc"}]})},
        f'{J}: retry.rules[0].on_exit_code "abc" is not valid (digits, optionally ending in *, e.g. "75" or "1*").',
    ),
    # --- jobs: environment, secrets, IAM --------------------------------------------------------
    (
        "secret-not-arn",
        {"jobs": job(secrets={"DB_PASSWORD": "db-password"})},
        f'{J}: secrets["DB_PASSWORD"] = "db-password" is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>).',
    ),
    (
        "env-reserved",
        {"jobs": job(environment={"AWS_BATCH_JOB_ID": "x"})},
        f'{J}: environment variable AWS_BATCH_JOB_ID is not valid (letters, digits and "_", not starting with a digit; the AWS_BATCH prefix is reserved).',
    ),
    (
        "env-and-secret",
        {
            "jobs": job(
                environment={"DB_PASSWORD": "x"},
                secrets={"DB_PASSWORD": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"},
            )
        },
        f"{J}: DB_PASSWORD is set in both environment and secrets; keep it only in secrets.",
    ),
    (
        "secrets-kms-key",
        {"jobs": job(secrets_kms_key_arns=["alias/aws/secretsmanager"])},
        f'{J}: secrets_kms_key_arns: "alias/aws/secretsmanager" is not a KMS key ARN.',
    ),
    (
        "iam-star",
        {"jobs": job(iam_policy_statements=[{"actions": ["*"], "resources": ["*"]}])},
        f'{J}: iam_policy_statements[0] allows every action ("*"); list the actions the job needs.',
    ),
    (
        "iam-empty",
        {"jobs": job(iam_policy_statements=[{"actions": [], "resources": ["*"]}])},
        f"{J}: iam_policy_statements[0] needs at least one action and one resource.",
    ),
    (
        "iam-effect",
        {
            "jobs": job(
                iam_policy_statements=[
                    {"effect": "Permit", "actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}
                ]
            )
        },
        f'{J}: iam_policy_statements[0].effect "Permit" is not valid (use Allow or Deny).',
    ),
    (
        "iam-policy-arn",
        {"jobs": job(iam_policy_arns={"read_only": "ReadOnlyAccess"})},
        f'{J}: iam_policy_arns: "ReadOnlyAccess" is not an IAM policy ARN.',
    ),
    # --- jobs: network isolation ----------------------------------------------------------------
    (
        "egress-empty",
        {"jobs": job(network={"egress": []})},
        f'{J}: network.egress is empty, so the job could not even pull its image; add e.g. {{ port = 443, cidr_blocks = ["0.0.0.0/0"] }}.',
    ),
    (
        "egress-no-destination",
        {"jobs": job(network={"egress": [{"port": 443}]})},
        f"{J}: network.egress[0] has no destination (set cidr_blocks, ipv6_cidr_blocks, prefix_list_ids or security_group_ids).",
    ),
    (
        "egress-port",
        {"jobs": job(network={"egress": [{"port": 70000, "cidr_blocks": ["10.0.0.0/8"]}]})},
        f"{J}: network.egress[0] needs port, or from_port and to_port, between 0 and 65535 with from_port <= to_port (got 70000-70000).",
    ),
    (
        "egress-port-order",
        {"jobs": job(network={"egress": [{"from_port": 9000, "to_port": 8000, "cidr_blocks": ["10.0.0.0/8"]}]})},
        f"{J}: network.egress[0] needs port, or from_port and to_port, between 0 and 65535 with from_port <= to_port (got 9000-8000).",
    ),
    (
        "egress-protocol",
        {"jobs": job(network={"egress": [{"port": 80, "protocol": "http", "cidr_blocks": ["10.0.0.0/8"]}]})},
        f'{J}: network.egress[0].protocol "http" is not valid (use tcp, udp, icmp or "-1" for all traffic).',
    ),
    (
        "egress-cidr",
        {"jobs": job(network={"egress": [{"port": 5432, "cidr_blocks": ["10.0.0.0/33"]}]})},
        f'{J}: network.egress[0].cidr_blocks: "10.0.0.0/33" is not an IPv4 CIDR block (e.g. "10.0.0.0/16").',
    ),
    (
        "isolated-queue-name-taken",
        {
            "job_queues": {
                "default": {"compute_environments": ["fargate"]},
                "report-default": {"compute_environments": ["fargate"]},
            },
            "jobs": job(network={"egress": [{"port": 443, "cidr_blocks": ["0.0.0.0/0"]}]}),
        },
        f'{J}: its network-isolated queue would be named "vt-report-default", which job_queues already uses; rename the job or the queue.',
    ),
    (
        "quota-compute-environments",
        {
            "jobs": {
                f"j{i}": {"image": IMAGE, "network": {"egress": [{"port": 443, "cidr_blocks": ["0.0.0.0/0"]}]}}
                for i in range(25)
            }
        },
        "jobs: 25 network-isolated jobs need 52 compute environments in total (shared plus per-job copies); Batch allows 50 per Region. Share a security group between jobs or drop network from some.",
    ),
    # --- jobs: logs, fair share, names ------------------------------------------------------
    (
        "log-retention-forever",
        {"jobs": job(log_retention_days=0)},
        f"{J}: log_retention_days 0 is not a CloudWatch Logs retention (use one of {LOG_RETENTIONS}; logs that never expire are not offered).",
    ),
    (
        "writable-path",
        {"jobs": job(writable_paths=["tmp"])},
        f'{J}: writable_paths: "tmp" must be an absolute container path (e.g. "/tmp").',
    ),
    (
        "share-identifier-without-fair-share",
        {"jobs": job(share_identifier="teamA")},
        f'{J}: share_identifier and scheduling_priority only apply to a fair-share queue, and queue "default" has no fair_share (remove them or add fair_share to the queue).',
    ),
    (
        "role-name-length",
        {"jobs": {LONG: {"image": IMAGE}}},
        f'jobs["{LONG}"]: the IAM role name "vt-{LONG}-exec" is 68 characters; AWS allows 64 (shorten the job key or var.name).',
    ),
    (
        "role-name-collision",
        {
            "jobs": {
                "a": {"image": IMAGE, "schedules": {"b-c": {"expression": "rate(1 day)"}}},
                "a-b": {"image": IMAGE, "schedules": {"c": {"expression": "rate(1 day)"}}},
            }
        },
        'jobs: the IAM role name "vt-a-b-c-sched" would be used more than once; rename one of the job or schedule keys.',
    ),
    # --- schedules -----------------------------------------------------------------------------
    (
        "schedule-key",
        {"jobs": job(schedules={"every day": {"expression": "rate(1 day)"}})},
        f'{J}.schedules["every day"]: keys may contain only letters, digits, "-" and "_" and must start with a letter or digit (they become part of resource names).',
    ),
    (
        "expression-kind",
        {"jobs": schedule("daily")},
        f'{S}: expression "daily" is not valid (use cron(...), rate(...) or at(...), e.g. "cron(0 2 * * ? *)").',
    ),
    (
        "cron-five-fields",
        {"jobs": schedule("cron(0 2 * * *)")},
        f"{S}: cron(0 2 * * *) has 5 fields; AWS cron takes 6 (minutes hours day-of-month month day-of-week year), e.g. cron(0 2 * * ? *).",
    ),
    (
        "cron-no-question-mark",
        {"jobs": schedule("cron(0 2 * * * *)")},
        f'{S}: cron(0 2 * * * *): exactly one of day-of-month and day-of-week must be "?" (e.g. cron(0 2 * * ? *) or cron(0 2 ? * MON *)).',
    ),
    (
        "cron-two-question-marks",
        {"jobs": schedule("cron(0 2 ? * ? *)")},
        f'{S}: cron(0 2 ? * ? *): exactly one of day-of-month and day-of-week must be "?" (e.g. cron(0 2 * * ? *) or cron(0 2 ? * MON *)).',
    ),
    (
        "cron-minutes",
        {"jobs": schedule("cron(61 2 * * ? *)")},
        f'{S}: cron(61 2 * * ? *): minutes "61" is not valid (0-59 with , - * /).',
    ),
    (
        "cron-hours",
        {"jobs": schedule("cron(0 24 * * ? *)")},
        f'{S}: cron(0 24 * * ? *): hours "24" is not valid (0-23 with , - * /).',
    ),
    (
        "cron-day-of-week",
        {"jobs": schedule("cron(0 2 ? * MONDAY *)")},
        f'{S}: cron(0 2 ? * MONDAY *): day-of-week "MONDAY" is not valid (1-7 or SUN-SAT with , - * ? L #).',
    ),
    (
        "rate-singular",
        {"jobs": schedule("rate(1 hours)")},
        f"{S}: rate(1 hours): use the singular unit for 1, e.g. rate(1 hour).",
    ),
    (
        "rate-plural",
        {"jobs": schedule("rate(5 minute)")},
        f"{S}: rate(5 minute): use the plural unit for values above 1, e.g. rate(5 minutes).",
    ),
    (
        "rate-unit",
        {"jobs": schedule("rate(2 weeks)")},
        f"{S}: rate(2 weeks) is not valid (use rate(<positive number> minute|minutes|hour|hours|day|days), e.g. rate(6 hours)).",
    ),
    (
        "rate-zero",
        {"jobs": schedule("rate(0 minutes)")},
        f"{S}: rate(0 minutes) is not valid (use rate(<positive number> minute|minutes|hour|hours|day|days), e.g. rate(6 hours)).",
    ),
    (
        "at-timestamp",
        {"jobs": schedule("at(2030-13-01T00:00:00)")},
        f"{S}: at(2030-13-01T00:00:00) is not valid (use at(yyyy-mm-ddThh:mm:ss), e.g. at(2030-01-31T09:00:00)).",
    ),
    (
        "at-with-rules",
        rules(jobs=schedule("at(2030-01-31T09:00:00)")),
        f'{S}: one-time at() schedules need schedule_backend = "scheduler" (EventBridge rules only take cron and rate).',
    ),
    (
        "timezone-with-rules",
        rules(jobs=schedule(timezone="Europe/Berlin")),
        f'{S}: timezone is only supported with schedule_backend = "scheduler"; EventBridge rules run in UTC (remove timezone and write the expression in UTC).',
    ),
    (
        "timezone-name",
        {"jobs": schedule(timezone="Berlin Time")},
        f'{S}: timezone "Berlin Time" is not an IANA time zone name (e.g. "Europe/Berlin", "UTC").',
    ),
    (
        "flexible-window-zero",
        {"jobs": schedule(flexible_window_minutes=0)},
        f"{S}: flexible_window_minutes 0 is out of range (use 1 to 1440, or leave it unset for the exact time).",
    ),
    (
        "flexible-window-high",
        {"jobs": schedule(flexible_window_minutes=1441)},
        f"{S}: flexible_window_minutes 1441 is out of range (use 1 to 1440, or leave it unset for the exact time).",
    ),
    (
        "flexible-window-with-rules",
        rules(jobs=schedule(flexible_window_minutes=15)),
        f'{S}: flexible_window_minutes is only supported with schedule_backend = "scheduler".',
    ),
    (
        "start-date-format",
        {"jobs": schedule(start_date="2030-01-01")},
        f'{S}: start_date "2030-01-01" is not an RFC 3339 timestamp (e.g. "2030-01-01T00:00:00Z").',
    ),
    (
        "end-date-with-rules",
        rules(jobs=schedule(end_date="2031-01-01T00:00:00Z")),
        f'{S}: end_date is only supported with schedule_backend = "scheduler".',
    ),
    (
        "start-after-end",
        {"jobs": schedule(start_date="2031-01-01T00:00:00Z", end_date="2030-01-01T00:00:00Z")},
        f"{S}: start_date must be before end_date.",
    ),
    (
        "fair-share-with-rules",
        rules(job_queues={"default": {"compute_environments": ["fargate"], "fair_share": {}}}, jobs=schedule()),
        f'{S}: queue "default" uses fair-share scheduling, which needs a share identifier that EventBridge rule targets cannot send; use schedule_backend = "scheduler" or a queue without fair_share.',
    ),
    (
        "expected-interval",
        {"jobs": schedule(expected_interval_minutes=0)},
        f"{S}: expected_interval_minutes must be at least 1.",
    ),
    (
        "command-override-empty",
        {"jobs": schedule(command=[])},
        f"{S}: command is empty; leave it unset to keep the job's command.",
    ),
    (
        "schedule-name-length",
        {"jobs": job(schedules={"s" * 50: {"expression": "rate(1 day)"}})},
        f'{J}.schedules["{"s" * 50}"]: the schedule name "vt-report-{"s" * 50}" and its IAM role name "vt-report-{"s" * 50}-sched" (66 characters) exceed AWS\'s 64 characters; shorten the schedule key, the job key or var.name.',
    ),
]


@pytest.fixture(scope="session")
def stub(tmp_path_factory: pytest.TempPathFactory) -> ValidationStub:
    return ValidationStub(Path(tmp_path_factory.mktemp("validation-stub")))


def variables(**overrides: Any) -> dict[str, Any]:
    merged = copy.deepcopy(BASE)
    merged.update(copy.deepcopy(overrides))
    return merged


def test_base_input_is_valid(stub):
    assert stub.errors(BASE) == []


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_rejected_with_its_message(stub, overrides, expected):
    errors = stub.errors(variables(**overrides))
    assert errors, "the input was accepted"
    # Only validation failures: no expression of a validation may crash on the input.
    assert {e.summary for e in errors} <= VALIDATION_SUMMARIES, [e.detail for e in errors]
    lines = [line for e in errors for line in e.lines]
    assert expected in lines, "\n".join(lines)


def test_there_are_at_least_30_distinct_cases():
    assert len({c[0] for c in CASES}) == len(CASES) >= 30
    assert len({c[2] for c in CASES}) == len(CASES)


def test_several_offending_keys_give_one_line_each(stub):
    jobs = {"a": {"image": IMAGE, "timeout_seconds": 10}, "b": {"image": IMAGE, "timeout_seconds": 20}}
    errors = stub.errors(variables(jobs=jobs))
    assert len(errors) == 1
    assert errors[0].lines[:2] == [
        'jobs["a"]: timeout_seconds 10 is not valid (Batch requires a whole number of seconds, at least 60).',
        'jobs["b"]: timeout_seconds 20 is not valid (Batch requires a whole number of seconds, at least 60).',
    ]


def test_a_rich_valid_input_passes(stub):
    rich = variables(
        kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
        compute_environments={
            "fargate_spot": {"type": "FARGATE_SPOT", "max_vcpus": 64},
            "fargate": {"type": "FARGATE", "max_vcpus": 16},
            "gpu": {
                "type": "SPOT",
                "instance_types": ["g5.xlarge"],
                "allocation_strategy": "SPOT_CAPACITY_OPTIMIZED",
                "bid_percentage": 60,
            },
            "gpu_od": {"type": "EC2", "min_vcpus": 0, "desired_vcpus": 0, "update_policy": {}},
            "arm": {"type": "EC2", "architecture": "ARM64", "launch_template": {"name": "lt"}},
        },
        job_queues={
            "default": {
                "priority": 1,
                "compute_environments": ["fargate_spot", "fargate"],
                "cancel_runnable_after_seconds": 600,
            },
            "urgent": {"priority": 1000, "compute_environments": ["fargate"]},
            "gpu": {"priority": 0, "compute_environments": ["gpu", "gpu_od"], "cancel_runnable_after_seconds": 86400},
            "fair": {
                "compute_environments": ["fargate"],
                "fair_share": {"share_decay_seconds": 3600, "shares": {"teamA": 2, "teamB*": 0.5}},
            },
            "arm": {"compute_environments": ["arm"]},
        },
        jobs={
            "optimize_db": {
                "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/db-tools:1.4",
                "command": ["optimize", "--all"],
                "vcpu": 1,
                "memory": 2048,
                "queue": "urgent",
                "timeout_seconds": 3600,
                "retry": {
                    "attempts": 5,
                    "rules": [
                        {"action": "RETRY", "on_status_reason": "Host EC2*"},
                        {"action": "retry", "on_exit_code": "75"},
                        {"action": "EXIT", "on_reason": "*"},
                    ],
                },
                "environment": {"LOG_LEVEL": "info"},
                "secrets": {"DB_PASSWORD": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db:password::"},
                "iam_policy_statements": [{"actions": ["rds:DescribeDBInstances"], "resources": ["*"]}],
                "network": {
                    "egress": [
                        {"port": 5432, "cidr_blocks": ["10.0.0.0/16"]},
                        {"protocol": "-1", "prefix_list_ids": ["pl-1234"]},
                    ]
                },
                "schedules": {
                    "nightly": {
                        "expression": "cron(0 2 * * ? *)",
                        "timezone": "Europe/Berlin",
                        "flexible_window_minutes": 1440,
                    }
                },
            },
            "sales_report": {
                "image": IMAGE,
                "command": ["report", "--weekly"],
                "vcpu": 16,
                "memory": 122880,
                "schedules": {
                    "weekly": {
                        "expression": "cron(0 3 ? * SUN *)",
                        "start_date": "2030-01-01T00:00:00Z",
                        "end_date": "2030-12-31T00:00:00+01:00",
                    },
                    "monthly": {"expression": "cron(0/15 8-17 L * ? 2026-2030)"},
                    "weekday": {"expression": "cron(0 9 ? JAN-MAR MON-FRI *)"},
                    "third": {"expression": "cron(0 9 ? * 6#3 *)"},
                    "rate": {"expression": "rate(1 minute)"},
                    "rates": {"expression": "rate(12 hours)", "parameters": {"a": "b"}, "command": ["x"]},
                    "once": {
                        "expression": "at(2030-01-31T09:00:00)",
                        "timezone": "America/Argentina/Buenos_Aires",
                        "enabled": False,
                    },
                    "utc": {"expression": "rate(2 days)", "timezone": "Etc/GMT+5", "expected_interval_minutes": 2880},
                },
            },
            "gpu_train": {"image": IMAGE, "queue": "gpu", "vcpu": 8, "memory": 61000, "gpu": 1},
            "fair": {
                "image": IMAGE,
                "queue": "fair",
                "share_identifier": "teamA",
                "scheduling_priority": 9999,
                "vcpu": 0.5,
                "memory": 4096,
            },
            "arm_job": {"image": IMAGE, "queue": "arm", "architecture": "ARM64"},
            "arm_fargate": {
                "image": IMAGE,
                "queue": "urgent",
                "architecture": "ARM64",
                "vcpu": 0.25,
                "memory": 512,
                "ephemeral_storage_gib": 200,
            },
        },
    )
    assert stub.errors(rich) == []
