"""CKV_SBATCH_12's rules on policy documents, imported the way checkov imports the policy (the
fixtures in fixtures/sbatch_12_schedule_manager run it through checkov in test_policies.py)."""

# ruff: noqa: E501  (the expected messages are long single lines on purpose)

from __future__ import annotations

import importlib
import sys
from typing import Any

import pytest

from batch_harness.posture import POLICY_DIR

GROUP_SCHEDULES = "arn:aws:scheduler:us-east-1:123456789012:schedule/app-dynamic/*"
ROLE = "arn:aws:iam::123456789012:role/app-report-dyn"
PASSED_TO = {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}


@pytest.fixture(scope="module")
def check() -> Any:
    sys.path.insert(0, str(POLICY_DIR))
    try:
        yield importlib.import_module("sbatch_12_schedule_manager")
    finally:
        sys.path.remove(str(POLICY_DIR))


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **s} for s in statements]}


def test_the_modules_manager_policy_passes(check: Any) -> None:
    document = doc(
        {
            "Sid": "Manage",
            "Action": ["scheduler:CreateSchedule", "scheduler:GetSchedule"],
            "Resource": [GROUP_SCHEDULES],
        },
        {"Sid": "List", "Action": ["scheduler:ListSchedules"], "Resource": ["*"]},
        {"Sid": "Pass", "Action": ["iam:PassRole"], "Resource": [ROLE], "Condition": PASSED_TO},
    )
    assert check.policy_problems(document, "policy") == []


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            {
                "Sid": "S",
                "Action": "scheduler:CreateSchedule",
                "Resource": "arn:aws:scheduler:us-east-1:123456789012:schedule/*/*",
            },
            "policy.Statement[S]: arn:aws:scheduler:us-east-1:123456789012:schedule/*/* is not limited to one schedule group",
        ),
        (
            {"Sid": "S", "Action": ["scheduler:ListSchedules", "scheduler:DeleteSchedule"], "Resource": "*"},
            "policy.Statement[S]: scheduler:deleteschedule on '*' reaches every schedule group (only ListSchedules/ListScheduleGroups need '*')",
        ),
        (
            {"Sid": "S", "Action": "scheduler:*", "Resource": [GROUP_SCHEDULES]},
            f"policy.Statement[S]: wildcard scheduler actions ['scheduler:*'] on {GROUP_SCHEDULES}",
        ),
        (
            {"Sid": "S", "Action": "iam:PassRole", "Resource": [ROLE]},
            "policy.Statement[S]: iam:PassRole has no iam:PassedToService condition naming the service",
        ),
        (
            {
                "Sid": "S",
                "Action": "iam:Pass*",
                "Resource": [ROLE],
                "Condition": {"StringLike": {"iam:PassedToService": "*"}},
            },
            "policy.Statement[S]: iam:PassRole has no iam:PassedToService condition naming the service",
        ),
        (
            {
                "Sid": "S",
                "Action": "iam:PassRole",
                "Resource": "arn:aws:iam::123456789012:role/*",
                "Condition": PASSED_TO,
            },
            "policy.Statement[S]: iam:PassRole on ['arn:aws:iam::123456789012:role/*'] may pass any matching role",
        ),
    ],
    ids=["every-group", "write-on-star", "wildcard-action", "unconditioned", "any-service", "wildcard-role"],
)
def test_each_escape_is_named(check: Any, statement: dict[str, Any], expected: str) -> None:
    assert check.policy_problems(doc(statement), "policy") == [expected]


def test_deny_statements_are_not_grants(check: Any) -> None:
    document = {"Statement": [{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}]}
    assert check.policy_problems(document, "policy") == []
