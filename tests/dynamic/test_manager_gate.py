"""The manager-policy gate: a gated boto3 Scheduler client asks the IAM evaluator first and fails
like AWS (AccessDeniedException) when the policy does not allow the call."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from batch_harness.delivery.manager_gate import ManagerGate

ACCOUNT = "123456789012"
REGION = "us-east-1"
GROUP = "app-dynamic"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app-report-dyn"
APP = f"arn:aws:iam::{ACCOUNT}:role/application"
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["scheduler:CreateSchedule", "scheduler:GetSchedule"],
                "Resource": [f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/{GROUP}/*"],
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


def create_params(group: str = GROUP, role: str = ROLE) -> dict[str, Any]:
    return {
        "Name": "u1_a",
        "GroupName": group,
        "ScheduleExpression": "rate(1 day)",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {"Arn": "arn:aws:scheduler:::aws-sdk:batch:submitJob", "RoleArn": role, "Input": "{}"},
        "ClientToken": "t",
    }


@pytest.fixture
def gated() -> Any:
    client = boto3.client("scheduler", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    gate = ManagerGate(POLICY, APP, ACCOUNT, REGION)
    gate.install(client)
    with Stubber(client) as stubber:
        yield gate, client, stubber


def test_allowed_calls_are_sent(gated: Any) -> None:
    gate, client, stubber = gated
    stubber.add_response("create_schedule", {"ScheduleArn": "arn"}, create_params())
    stubber.add_response("list_schedules", {"Schedules": []}, {"GroupName": GROUP})
    client.create_schedule(**create_params())
    client.list_schedules(GroupName=GROUP)
    assert [(what, d.allowed) for what, d in gate.decisions] == [
        (f"scheduler:CreateSchedule arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/{GROUP}/u1_a", True),
        (f"iam:PassRole {ROLE}", True),
        ("scheduler:ListSchedules *", True),
    ]
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("params", "denied"),
    [
        (
            create_params(group="default"),
            f"scheduler:CreateSchedule on resource: arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/u1_a",
        ),
        (
            create_params(role=f"arn:aws:iam::{ACCOUNT}:role/admin"),
            f"iam:PassRole on resource: arn:aws:iam::{ACCOUNT}:role/admin",
        ),
    ],
    ids=["other-group", "other-role"],
)
def test_denied_calls_never_reach_the_api(gated: Any, params: dict[str, Any], denied: str) -> None:
    _, client, _ = gated  # no response queued: a call that got through would fail differently
    with pytest.raises(ClientError) as raised:
        client.create_schedule(**params)
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
    assert f"User: {APP} is not authorized to perform: {denied}" in str(raised.value)


def test_delete_is_not_granted_by_this_policy(gated: Any) -> None:
    _, client, _ = gated
    with pytest.raises(ClientError, match="scheduler:DeleteSchedule"):
        client.delete_schedule(Name="u1_a", GroupName=GROUP)
