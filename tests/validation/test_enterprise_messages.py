"""Bad enterprise inputs (account_id, existing roles, queues and compute environments) fail at
plan time with one exact message line each: through the provider-less stub, and the one that
explains a refusal (network isolation on an existing queue) through the real root module."""

# ruff: noqa: E501  (the expected messages are long single lines on purpose)

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from core_stub import VALIDATION_SUMMARIES, ValidationStub

from batch_harness.terraform.runner import TerraformError

IMAGE = "public.ecr.aws/docker/library/busybox:stable"
BASE: dict[str, Any] = {"name": "vt", "vpc_id": "vpc-0a1b2c3d", "subnet_ids": ["subnet-0a1b2c3d"]}
J = 'jobs["report"]'
ROLE = "arn:aws:iam::123456789012:role/platform/reporting"
QUEUE = "arn:aws:batch:us-east-1:123456789012:job-queue/platform"
CE = "arn:aws:batch:us-east-1:123456789012:compute-environment/platform"
EGRESS = {"egress": [{"port": 443, "cidr_blocks": ["0.0.0.0/0"]}]}


def job(**fields: Any) -> dict[str, Any]:
    return {"jobs": {"report": {"image": IMAGE, **fields}}}


CASES: list[tuple[str, dict[str, Any], str]] = [
    ("account-id", {"account_id": "12345"}, 'account_id: "12345" is not an AWS account id (12 digits).'),
    (
        "job-role-arn",
        job(job_role_arn="reporting"),
        f'{J}: job_role_arn "reporting" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).',
    ),
    (
        "execution-role-arn",
        job(execution_role_arn="arn:aws:iam::123456789012:policy/x"),
        f'{J}: execution_role_arn "arn:aws:iam::123456789012:policy/x" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).',
    ),
    (
        "job-role-with-permissions",
        job(job_role_arn=ROLE, iam_policy_arns={"read": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
        f"{J}: iam_policy_statements and iam_policy_arns grant permissions to a job role the module creates; with job_role_arn (an existing role) grant them on that role instead.",
    ),
    (
        "queue-arn",
        job(queue_arn="platform"),
        f'{J}: queue_arn "platform" is not a Batch job queue ARN (arn:aws:batch:<region>:<account>:job-queue/<name>).',
    ),
    (
        "queue-and-queue-arn",
        job(queue="default", queue_arn=QUEUE),
        f"{J}: queue and queue_arn are exclusive: queue names one of job_queues, queue_arn an existing queue.",
    ),
    (
        "network-on-existing-queue",
        job(queue_arn=QUEUE, network=EGRESS),
        f"{J}: network isolation runs the job on its own copies of its queue's compute environments, which the module cannot make of an existing queue (queue_arn); remove network, or submit to a queue of this module.",
    ),
    (
        "platform-without-queue-arn",
        job(platform="EC2"),
        f"{J}: platform is only read with queue_arn (a queue of this module gives the platform of its compute environments); remove it.",
    ),
    (
        "platform-value",
        job(queue_arn=QUEUE, platform="ECS"),
        f'{J}: platform "ECS" is not valid (use FARGATE or EC2: what runs behind queue_arn).',
    ),
    (
        "ce-arn",
        {"compute_environments": {"platform": {"type": "FARGATE", "arn": "platform"}}},
        'compute_environments["platform"]: arn "platform" is not a Batch compute environment ARN (arn:aws:batch:<region>:<account>:compute-environment/<name>).',
    ),
    (
        "ce-arn-with-settings",
        {"compute_environments": {"platform": {"type": "EC2", "arn": CE, "instance_types": ["m6i"]}}},
        'compute_environments["platform"]: instance_types configures a compute environment the module creates; with arn (an existing one) remove it.',
    ),
    (
        "network-on-existing-compute-environment",
        {
            "compute_environments": {"fargate": {"type": "FARGATE"}, "platform": {"type": "FARGATE", "arn": CE}},
            **job(network=EGRESS),
        },
        f'{J}: network isolation copies the compute environments of queue "default" with the job\'s own security group, and compute_environments["platform"] is an existing one (arn), which cannot be copied; remove network, or use a queue of created compute environments.',
    ),
    (
        "log-resource-policy",
        {"monitoring": {"log_resource_policy": "none"}},
        'monitoring.log_resource_policy: "none" is not valid (use "stack", "shared" or "existing").',
    ),
]


@pytest.fixture(scope="module")
def stub(tmp_path_factory: pytest.TempPathFactory) -> ValidationStub:
    return ValidationStub(Path(tmp_path_factory.mktemp("enterprise-stub")))


def variables(overrides: dict[str, Any]) -> dict[str, Any]:
    return {**copy.deepcopy(BASE), **copy.deepcopy(overrides)}


def test_valid_enterprise_input_passes(stub):
    valid = {
        "account_id": "123456789012",
        "create": False,
        "compute_environments": {
            "fargate": {"type": "FARGATE"},
            "platform": {"type": "FARGATE", "arn": CE},
            "unmanaged": {"type": "EC2", "arn": CE.replace("platform", "on-premises")},
        },
        "job_queues": {"default": {"compute_environments": ["fargate", "platform"]}},
        "jobs": {
            "own": {"image": IMAGE, "iam_policy_arns": {"read": "arn:aws:iam::aws:policy/ReadOnlyAccess"}},
            "byo": {"image": IMAGE, "job_role_arn": ROLE, "execution_role_arn": ROLE, "queue_arn": QUEUE},
            "ec2": {"image": IMAGE, "queue_arn": QUEUE, "platform": "EC2"},
        },
        "monitoring": {"log_resource_policy": "existing"},
    }
    assert stub.errors(variables(valid)) == []


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_rejected_with_its_message(stub, overrides, expected):
    errors = stub.errors(variables(overrides))
    assert errors, "the input was accepted"
    assert {e.summary for e in errors} <= VALIDATION_SUMMARIES, [e.detail for e in errors]
    assert expected in [line for e in errors for line in e.lines]


@pytest.mark.plan
@pytest.mark.xdist_group("core-validation-root")  # shares the root module's init with test_root_module
def test_root_module_refuses_network_isolation_on_an_existing_queue_with_the_message_alone(root_module_runner):
    _, overrides, expected = next(c for c in CASES if c[0] == "network-on-existing-queue")
    with pytest.raises(TerraformError) as failure:
        root_module_runner.plan(variables(overrides))
    diagnostics = failure.value.diagnostics
    flat = [re.sub(r"\s+", " ", d) for d in diagnostics]
    assert any(expected in d for d in flat), "\n\n".join(diagnostics)
    assert all(any(d.startswith(f"Error: {s}") for s in VALIDATION_SUMMARIES) for d in diagnostics), "\n\n".join(
        diagnostics
    )
