"""The e2e's dynamic-schedule steps against a real local account: create through the gated client,
read back for delivery, delete, and report what deleting left behind."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from batch_harness.delivery.dynamic_run import DynamicRun, outputs_in_state_file
from batch_harness.emulator import LocalAccount

ACCOUNT = "123456789012"
REGION = "us-east-1"
GROUP = "app-dynamic"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app-report-dyn"


def manager_policy(group: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "scheduler:CreateSchedule",
                        "scheduler:UpdateSchedule",
                        "scheduler:DeleteSchedule",
                        "scheduler:GetSchedule",
                    ],
                    "Resource": [f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/{group}/*"],
                },
                {"Effect": "Allow", "Action": ["scheduler:ListSchedules"], "Resource": ["*"]},
                {
                    "Effect": "Allow",
                    "Action": ["iam:PassRole"],
                    "Resource": [ROLE],
                    "Condition": {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
                },
            ],
        }
    )


def outputs(policy_group: str = GROUP) -> dict[str, Any]:
    return {
        "dynamic_schedule_group_name": GROUP,
        "dynamic_schedule_manager_policy_json": manager_policy(policy_group),
        "dynamic_schedule_targets": {
            "report": {
                "target_arn": "arn:aws:scheduler:::aws-sdk:batch:submitJob",
                "role_arn": ROLE,
                "dead_letter_queue_arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:app-schedule-dlq",
                "retry_policy": {"maximum_retry_attempts": 3, "maximum_event_age_in_seconds": 3600},
                "input_template": {
                    "JobQueue": f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/app-default",
                    "JobDefinition": f"arn:aws:batch:{REGION}:{ACCOUNT}:job-definition/app-report",
                },
                "parameters": {"format": "pdf"},
                "max_per_user": 3,
            }
        },
    }


@pytest.fixture(scope="module")
def account() -> Iterator[LocalAccount]:
    with LocalAccount.start(batch_docker="off", prewarm=False) as local:
        local.client("scheduler").create_schedule_group(Name=GROUP)
        yield local


def open_run(account: LocalAccount, values: dict[str, Any]) -> DynamicRun:
    run = DynamicRun.open(values, lambda: account.client("scheduler"), ACCOUNT, REGION)
    assert run is not None
    return run


def test_create_read_back_and_delete(account: LocalAccount) -> None:
    run = open_run(account, outputs())
    assert run.create_for_every_job() == ["harness_report"]
    (schedule,) = run.read_all(account.client("scheduler"))
    assert (schedule.group, schedule.name, schedule.timezone) == (GROUP, "harness_report", "Europe/Berlin")
    assert schedule.targets[0].role_arn == ROLE
    assert json.loads(schedule.targets[0].input or "")["Parameters"] == {"format": "pdf"}
    assert all(decision.allowed for _, decision in run.gate.decisions)
    assert run.delete_all() == []
    assert run.read_all(account.client("scheduler")) == []


def test_a_schedule_left_after_deleting_is_a_leak(account: LocalAccount, monkeypatch: pytest.MonkeyPatch) -> None:
    run = open_run(account, outputs())
    run.create_for_every_job()
    monkeypatch.setattr(run.client, "delete", lambda owner, name: True)  # a delete that deletes nothing
    assert run.delete_all() == [f"dynamic schedule {GROUP}/harness_report left after deleting"]
    monkeypatch.undo()
    assert run.delete_all() == []


def test_calls_the_manager_policy_does_not_allow_are_denied(account: LocalAccount) -> None:
    run = open_run(account, outputs(policy_group="another-group"))
    with pytest.raises(ClientError, match="AccessDeniedException"):
        run.create_for_every_job()
    assert run.read_all(account.client("scheduler")) == []


def test_a_stack_without_dynamic_schedules_has_none() -> None:
    state = {"outputs": {"dynamic_schedule_group_name": {"value": None}, "dynamic_schedule_targets": {"value": {}}}}
    values = outputs_in_state_file(state)
    assert DynamicRun.open(values, lambda: pytest.fail("no client expected"), ACCOUNT, REGION) is None
