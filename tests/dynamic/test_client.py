"""The dynamic schedule client: import isolation, input validation (before any API call) and its
calls against a real local account over HTTP."""

# ruff: noqa: E501  (the expected messages are long single lines on purpose)

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from batch_harness.dynamic_schedules import DynamicScheduleClient, DynamicScheduleConfig, QuotaExceededError
from batch_harness.emulator import LocalAccount

ACCOUNT = "123456789012"
REGION = "us-east-1"
GROUP = "app-dynamic"
QUEUE = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/app-default"
DEFINITION = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-definition/app-report"
OUTPUTS: dict[str, Any] = {
    "dynamic_schedule_group_name": {"sensitive": False, "type": "string", "value": GROUP},
    "dynamic_schedule_targets": {
        "sensitive": False,
        "type": ["object", {}],
        "value": {
            "report": {
                "target_arn": "arn:aws:scheduler:::aws-sdk:batch:submitJob",
                "role_arn": f"arn:aws:iam::{ACCOUNT}:role/app-report-dyn",
                "dead_letter_queue_arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:app-schedule-dlq",
                "retry_policy": {"maximum_retry_attempts": 3, "maximum_event_age_in_seconds": 3600},
                "input_template": {"JobQueue": QUEUE, "JobDefinition": DEFINITION},
                "parameters": {"period": "daily", "format": "pdf"},
                "max_per_user": 2,
            }
        },
    },
}
CONFIG = DynamicScheduleConfig.from_outputs(OUTPUTS)


class NoCalls:
    """A Scheduler client that must never be reached (validation happens first)."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"bad input reached the API: {name}")


def test_importable_with_only_boto3_and_the_standard_library() -> None:
    # boto3 and its own dependencies, the standard library and this package only.
    code = """
import sys
import batch_harness.dynamic_schedules
allowed = {"boto3", "botocore", "jmespath", "dateutil", "urllib3", "s3transfer", "six", "certifi", "batch_harness"}
stdlib = set(sys.stdlib_module_names)
third = sorted({m.split(".")[0] for m in sys.modules} - stdlib - allowed - {"__main__", "_distutils_hack"})
third = [m for m in third if not m.startswith("_")]
print(" ".join(third))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == [], f"the client pulled in: {out}"


BAD: list[tuple[str, dict[str, Any], str]] = [
    (
        "owner",
        {"owner": "u_1"},
        "owner: 'u_1' is not valid (1-32 letters, digits and '-', starting with a letter or digit; no '_', which separates owner and name)",
    ),
    (
        "name",
        {"name": "my.report"},
        "name: 'my.report' is not valid (letters, digits, '-' and '_', starting with a letter or digit)",
    ),
    (
        "name-length",
        {"name": "n" * 62},
        f"name: the schedule name 'u1_{'n' * 62}' (65 characters, '<owner>_<name>') exceeds Scheduler's 64; shorten the name or the owner",
    ),
    ("job", {"job": "export"}, "job: 'export' does not enable dynamic schedules (jobs that do: report)"),
    (
        "expression",
        {"expression": "cron(0 8 * * MON *)"},
        "expression: 'cron(0 8 * * MON *)': exactly one of day-of-month (*) and day-of-week (MON) must be '?' — AWS cannot combine them; use '?' in the field you do not restrict",
    ),
    (
        "expression-kind",
        {"expression": "every monday"},
        "expression: 'every monday': an AWS schedule expression is cron(...), rate(...) or at(...)",
    ),
    (
        "timezone",
        {"timezone": "Europe/Berlinn"},
        "timezone: 'Europe/Berlinn' is not an IANA time zone (e.g. 'Europe/Berlin', 'UTC')",
    ),
    (
        "parameter",
        {"parameters": {"bucket": "x"}},
        "parameters: 'bucket' is not a parameter of job 'report' (declared: format, period)",
    ),
    (
        "parameter-type",
        {"parameters": {"format": 3}},
        "parameters: 'format' must be a string of at most 1024 characters",
    ),
    ("window", {"flexible_window_minutes": 0}, "flexible_window_minutes: 0 is out of range (1 to 1440, or None)"),
    (
        "group",
        {"group": "other-dynamic"},
        "group: 'other-dynamic' is not this module's dynamic schedule group 'app-dynamic'; the target roles trust only that group and the manager policy covers only it",
    ),
]


@pytest.mark.parametrize(("change", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_a_value_error_naming_the_field(change: dict[str, Any], expected: str) -> None:
    args: dict[str, Any] = {"owner": "u1", "name": "weekly", "job": "report", "expression": "cron(0 8 ? * MON *)"}
    args.update(change)
    with pytest.raises(ValueError) as raised:
        DynamicScheduleClient(CONFIG, NoCalls()).create(**args)
    assert str(raised.value) == expected


def test_outputs_without_dynamic_jobs_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^dynamic_schedule_group_name: empty; no job enables dynamic_schedules$"):
        DynamicScheduleConfig.from_outputs({"dynamic_schedule_group_name": None, "dynamic_schedule_targets": {}})


# --- against a local account -------------------------------------------------------------------


@pytest.fixture(scope="module")
def scheduler() -> Any:
    with LocalAccount.start(batch_docker="off", prewarm=False) as account:
        client = account.client("scheduler")
        client.create_schedule_group(Name=GROUP)
        yield client


def test_create_get_list_update_delete(scheduler: Any) -> None:
    client = DynamicScheduleClient(CONFIG, scheduler)
    created = client.create(
        "u1", "weekly", "report", "cron(0 8 ? * MON *)", timezone="Europe/Berlin", parameters={"format": "csv"}
    )
    assert (created.owner, created.name, created.job, created.timezone) == ("u1", "weekly", "report", "Europe/Berlin")
    raw = scheduler.get_schedule(Name="u1_weekly", GroupName=GROUP)
    assert raw["Target"]["RoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/app-report-dyn"
    assert json.loads(raw["Target"]["Input"]) == {
        "JobName": "u1_weekly",
        "JobQueue": QUEUE,
        "JobDefinition": DEFINITION,
        "Parameters": {"format": "csv"},
    }
    assert raw["Target"]["RetryPolicy"] == {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600}
    assert raw["Target"]["DeadLetterConfig"]["Arn"].endswith(":app-schedule-dlq")
    client.create("u10", "daily", "report", "rate(1 day)")  # "u1_" must not list "u10_"
    assert [s.name for s in client.list(owner="u1")] == ["weekly"]
    assert sorted(s.schedule_name for s in client.list()) == ["u10_daily", "u1_weekly"]

    updated = client.update("u1", "weekly", "report", "cron(0 9 ? * MON *)", timezone="Europe/Berlin")
    assert updated.expression == "cron(0 9 ? * MON *)" and updated.parameters == {}
    assert client.delete("u1", "weekly") is True
    assert client.delete("u1", "weekly") is False  # a retried delete is harmless
    assert client.get("u1", "weekly") is None
    assert client.delete("u10", "daily") is True


def test_retries_are_idempotent_and_conflicts_are_named(scheduler: Any) -> None:
    client = DynamicScheduleClient(CONFIG, scheduler)
    first = client.create("u2", "a", "report", "rate(1 hour)", idempotency_key="req-1")
    again = client.create("u2", "a", "report", "rate(1 hour)", idempotency_key="req-1")
    assert again.arn == first.arn
    assert client.create("u2", "a", "report", "rate(1 hour)").arn == first.arn  # same schedule: no error
    with pytest.raises(
        ValueError, match=r"^name: owner 'u2' already has a different schedule named 'a'; use update\(\)$"
    ):
        client.create("u2", "a", "report", "rate(2 hours)")
    with pytest.raises(ValueError, match=r"^name: owner 'u2' has no schedule named 'zz'; use create\(\)$"):
        client.update("u2", "zz", "report", "rate(2 hours)")
    client.delete("u2", "a")


def test_per_owner_quota(scheduler: Any) -> None:
    client = DynamicScheduleClient(CONFIG, scheduler)
    client.create("u3", "one", "report", "rate(1 hour)")
    client.create("u3", "two", "report", "rate(1 hour)")
    with pytest.raises(
        QuotaExceededError,
        match=r"^owner: 'u3' already has 2 schedules \(max_per_user of job 'report'\); delete one first$",
    ):
        client.create("u3", "three", "report", "rate(1 hour)")
    client.create("u4", "one", "report", "rate(1 hour)")  # other owners are not affected
    for owner, name in (("u3", "one"), ("u3", "two"), ("u4", "one")):
        client.delete(owner, name)
