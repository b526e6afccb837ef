"""Bad jobs.<job>.dynamic_schedules input fails at plan time with one exact message line.

The rules are locals (validations_dynamic.tf) that modules/dynamic-schedules validates as its
input, so the stub holds the root's variables and locals plus a call of that module's own
variables.tf (no provider, sub-second plans). test_dynamic_schedules.py in tests/plan proves
one case through the real module.
"""

# ruff: noqa: E501  (the expected messages are long single lines on purpose)

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from core_stub import REPO_ROOT, ValidationStub

pytestmark = pytest.mark.plan

IMAGE = "public.ecr.aws/docker/library/busybox:stable"
D = 'jobs["report"].dynamic_schedules'


def variables(dynamic: dict[str, Any], *, name: str = "vt", job: str = "report") -> dict[str, Any]:
    return {
        "name": name,
        "vpc_id": "vpc-0a1b2c3d",
        "subnet_ids": ["subnet-0a1b2c3d"],
        "jobs": {job: {"image": IMAGE, "dynamic_schedules": dynamic}},
    }


CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "max-per-user-zero",
        variables({"enabled": True, "max_per_user": 0}),
        f"{D}: max_per_user 0 is out of range (use a whole number from 1 to 100000).",
    ),
    (
        "max-per-user-fraction",
        variables({"enabled": True, "max_per_user": 2.5}),
        f"{D}: max_per_user 2.5 is out of range (use a whole number from 1 to 100000).",
    ),
    (
        "retry-attempts",
        variables({"enabled": True, "retry_policy": {"maximum_retry_attempts": 186}}),
        f"{D}: retry_policy.maximum_retry_attempts 186 is out of range (use a whole number from 0 to 185).",
    ),
    (
        "retry-age",
        variables({"enabled": True, "retry_policy": {"maximum_event_age_seconds": 59}}),
        f"{D}: retry_policy.maximum_event_age_seconds 59 is out of range (use a whole number of seconds from 60 to 86400).",
    ),
]


# The module call of dynamic_schedules.tf, reduced to what the validation reads.
MODULE_CALL = """
module "dynamic_schedules" {
  source = "./dynamic-schedules"
  count  = length(local.dynamic_schedule_jobs) > 0 ? 1 : 0

  group_name            = "${var.name}-dynamic"
  region                = "us-east-1"
  account_id            = "123456789012"
  targets               = {}
  dead_letter_queue_arn = "arn:aws:sqs:us-east-1:123456789012:dlq"
  manager_policy_name   = "manager"
  input_errors          = local.dynamic_schedule_errors
}

locals {
  dynamic_schedule_jobs = { for k, j in var.jobs : k => j if j.dynamic_schedules.enabled }
}
"""


@pytest.fixture(scope="module")
def stub(tmp_path_factory: pytest.TempPathFactory) -> ValidationStub:
    workdir = Path(tmp_path_factory.mktemp("dynamic-validation"))
    shutil.copy2(REPO_ROOT / "validations_dynamic.tf", workdir / "validations_dynamic.tf")
    (workdir / "dynamic-schedules").mkdir()
    shutil.copy2(REPO_ROOT / "modules/dynamic-schedules/variables.tf", workdir / "dynamic-schedules/variables.tf")
    (workdir / "dynamic_stub.tf").write_text(MODULE_CALL)
    return ValidationStub(workdir)


def test_the_module_call_passes_the_rules_on() -> None:
    """The stub's call mirrors the real one: the messages reach the module's validated input."""
    text = (REPO_ROOT / "dynamic_schedules.tf").read_text()
    assert "input_errors                  = local.dynamic_schedule_errors" in text


@pytest.mark.parametrize(("variables_", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_dynamic_schedules_input_is_rejected(
    stub: ValidationStub, variables_: dict[str, Any], expected: str
) -> None:
    lines = [line for d in stub.errors(variables_) for line in d.lines]
    assert expected in lines, lines


def test_valid_and_disabled_inputs_pass(stub: ValidationStub) -> None:
    assert stub.errors(variables({"enabled": True, "max_per_user": 100000})) == []
    # The settings of a job that does not enable dynamic schedules create nothing.
    assert stub.errors(variables({"enabled": False, "max_per_user": 0})) == []
    assert stub.errors(variables({})) == []
