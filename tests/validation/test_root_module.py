"""The same validations through the real root module, with the provider (offline, fake
credentials): bad input stops the plan with the message alone — no follow-up error from the
wiring — and the stub's verdicts hold for the module itself."""

# ruff: noqa: E501  (the expected messages are long single lines on purpose)

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from core_stub import VALIDATION_SUMMARIES

from batch_harness.terraform.runner import TerraformError

pytestmark = [pytest.mark.plan, pytest.mark.xdist_group("core-validation-root")]

REPO_ROOT = Path(__file__).resolve().parents[2]
IMAGE = "public.ecr.aws/docker/library/busybox:stable"
BASE: dict[str, Any] = {"name": "vt", "vpc_id": "vpc-0a1b2c3d", "subnet_ids": ["subnet-0a1b2c3d"]}

CASES = [
    (
        "fargate-memory",
        {"jobs": {"report": {"image": IMAGE, "vcpu": 0.25, "memory": 1000}}},
        'jobs["report"]: memory 1000 is not valid for 0.25 vCPU on Fargate (use 512, 1024 or 2048).',
    ),
    (
        "missing-queue",
        {"jobs": {"report": {"image": IMAGE, "queue": "fast", "schedules": {"s": {"expression": "rate(1 day)"}}}}},
        'jobs["report"]: queue "fast" does not exist (job_queues has: default); set queue to one of them or declare it in job_queues.',
    ),
    (
        "missing-compute-environment",
        {
            "job_queues": {"default": {"compute_environments": ["gpu"]}},
            "jobs": {"report": {"image": IMAGE, "network": {"egress": [{"port": 443, "cidr_blocks": ["0.0.0.0/0"]}]}}},
        },
        'job_queues["default"]: compute environment "gpu" does not exist (compute_environments has: fargate, fargate_spot).',
    ),
]


def flat(text: str) -> str:
    """Terraform wraps long messages in its human output; compare them unwrapped."""
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_root_module_rejects_bad_input_with_the_message_alone(root_module_runner, overrides, expected):
    with pytest.raises(TerraformError) as failure:
        root_module_runner.plan({**BASE, **overrides})
    diagnostics = failure.value.diagnostics
    assert any(flat(expected) in flat(d) for d in diagnostics), "\n\n".join(diagnostics)
    assert all(any(d.startswith(f"Error: {summary}") for summary in VALIDATION_SUMMARIES) for d in diagnostics), (
        "\n\n".join(diagnostics)
    )
