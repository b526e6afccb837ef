"""Bad jobs.<job>.dynamic_schedules input fails at plan time with one exact message line.

The rules are a message list (validations_dynamic.tf) checked with every other input rule by the
preconditions of output "input_errors", so the provider-less validation stub sees them
(sub-second plans). test_dynamic_schedules.py in tests/plan proves one case through the real
module.
"""

# ruff: noqa: E501  (the expected messages are long single lines on purpose)

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from core_stub import ValidationStub

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


@pytest.fixture(scope="module")
def stub(tmp_path_factory: pytest.TempPathFactory) -> ValidationStub:
    return ValidationStub(Path(tmp_path_factory.mktemp("dynamic-validation")))


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
