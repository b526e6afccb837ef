"""EventBridge Scheduler: CreateSchedule honours its ClientToken (+ canary)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from batch_harness.emulator import LocalAccount

from .conftest import unique

TARGET = {"Arn": "arn:aws:sqs:us-east-1:123456789012:q", "RoleArn": "arn:aws:iam::123456789012:role/r"}


def _create(scheduler: Any, name: str, token: str | None = None) -> str:
    extra = {"ClientToken": token} if token else {}
    return scheduler.create_schedule(
        Name=name,
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=TARGET,
        **extra,
    )["ScheduleArn"]


def test_a_retried_create_with_the_same_client_token_returns_the_schedule(account: LocalAccount) -> None:
    scheduler, name = account.client("scheduler"), unique("retried")
    first = _create(scheduler, name, token="token-1")
    assert _create(scheduler, name, token="token-1") == first
    assert scheduler.get_schedule(Name=name)["Arn"] == first


def test_another_client_token_still_conflicts(account: LocalAccount) -> None:
    scheduler, name = account.client("scheduler"), unique("conflict")
    _create(scheduler, name, token="token-a")
    with pytest.raises(ClientError) as error:
        _create(scheduler, name, token="token-b")
    assert error.value.response["Error"]["Code"] == "ConflictException"


def test_canary_moto_ignores_the_client_token(unpatched_moto: Any) -> None:
    scheduler = unpatched_moto("scheduler")
    _create(scheduler, "s", token="same")
    with pytest.raises(ClientError, match="ConflictException"):
        _create(scheduler, "s", token="same")
