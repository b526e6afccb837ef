"""A dynamic schedule request: validation (ValueError naming the field) and the Scheduler request
it becomes, with the target exactly as the module builds its own schedules' targets."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from batch_harness.cron.expression import ExpressionError, parse_expression
from batch_harness.dynamic_schedules.config import DynamicScheduleConfig, JobTarget

# The owner prefixes the schedule name ("<owner>_<name>"); it has no "_" so that a name prefix
# selects exactly one owner's schedules (ListSchedules' NamePrefix). Scheduler schedules carry no
# tags, so the name is where the owner lives; it is also the Batch job name (1-128 of
# [A-Za-z0-9_-]), which is why "." (valid in schedule names) is not allowed.
OWNER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
SEPARATOR = "_"
MAX_SCHEDULE_NAME = 64
MAX_PARAMETER_VALUE = 1024


def schedule_name(owner: str, name: str) -> str:
    return f"{owner}{SEPARATOR}{name}"


def owner_prefix(owner: str) -> str:
    return f"{owner}{SEPARATOR}"


def check_owner(owner: Any) -> str:
    if not isinstance(owner, str) or not OWNER.match(owner):
        raise ValueError(
            f"owner: {owner!r} is not valid (1-32 letters, digits and '-', starting with a letter or digit; "
            "no '_', which separates owner and name)"
        )
    return owner


def check_name(owner: str, name: Any) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise ValueError(f"name: {name!r} is not valid (letters, digits, '-' and '_', starting with a letter or digit)")
    full = schedule_name(owner, name)
    if len(full) > MAX_SCHEDULE_NAME:
        raise ValueError(
            f"name: the schedule name {full!r} ({len(full)} characters, '<owner>_<name>') exceeds "
            f"Scheduler's {MAX_SCHEDULE_NAME}; shorten the name or the owner"
        )
    return name


@dataclass(frozen=True)
class ScheduleRequest:
    """What the application asks for; ``validated`` checks every field against the module's target."""

    owner: str
    name: str
    job: str
    expression: str
    timezone: str = "UTC"
    parameters: Mapping[str, str] = field(default_factory=dict)
    enabled: bool = True
    flexible_window_minutes: int | None = None
    start_date: dt.datetime | None = None
    end_date: dt.datetime | None = None
    description: str | None = None

    @property
    def schedule_name(self) -> str:
        return schedule_name(self.owner, self.name)

    def validated(self, config: DynamicScheduleConfig) -> JobTarget:
        check_owner(self.owner)
        check_name(self.owner, self.name)
        target = config.target(self.job)
        if not isinstance(self.expression, str):
            raise ValueError(f"expression: {self.expression!r} is not a string")
        try:
            parse_expression(self.expression)
        except ExpressionError as error:
            raise ValueError(f"expression: {error}") from None
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(
                f"timezone: {self.timezone!r} is not an IANA time zone (e.g. 'Europe/Berlin', 'UTC')"
            ) from None
        self._check_parameters(target)
        if self.flexible_window_minutes is not None and not (
            isinstance(self.flexible_window_minutes, int) and 1 <= self.flexible_window_minutes <= 1440
        ):
            raise ValueError(
                f"flexible_window_minutes: {self.flexible_window_minutes!r} is out of range (1 to 1440, or None)"
            )
        for what, value in (("start_date", self.start_date), ("end_date", self.end_date)):
            if value is not None and (not isinstance(value, dt.datetime) or value.tzinfo is None):
                raise ValueError(f"{what}: {value!r} must be a timezone-aware datetime")
        if self.start_date and self.end_date and self.start_date >= self.end_date:
            raise ValueError("end_date: must be after start_date")
        if self.description is not None and len(self.description) > 512:
            raise ValueError("description: at most 512 characters")
        return target

    def _check_parameters(self, target: JobTarget) -> None:
        if not isinstance(self.parameters, Mapping):
            raise ValueError(f"parameters: {self.parameters!r} is not a mapping of parameter name to string")
        declared = sorted(target.parameters)
        for key, value in self.parameters.items():
            if key not in target.parameters:
                allowed = ", ".join(declared) if declared else "none"
                raise ValueError(f"parameters: {key!r} is not a parameter of job {self.job!r} (declared: {allowed})")
            if not isinstance(value, str) or len(value) > MAX_PARAMETER_VALUE:
                raise ValueError(f"parameters: {key!r} must be a string of at most {MAX_PARAMETER_VALUE} characters")

    # -- the Scheduler request ------------------------------------------------------------------

    def target(self, target: JobTarget) -> dict[str, Any]:
        """The schedule target, as modules/schedule builds a job schedule's (PascalCase SubmitJob)."""
        submit_job: dict[str, Any] = {"JobName": self.schedule_name, **target.input_template}
        if self.parameters:
            submit_job["Parameters"] = dict(self.parameters)
        return {
            "Arn": target.target_arn,
            "RoleArn": target.role_arn,
            # Terraform's jsonencode sorts keys and writes no spaces: the same text here.
            "Input": json.dumps(submit_job, sort_keys=True, separators=(",", ":")),
            "RetryPolicy": {
                "MaximumRetryAttempts": int(target.retry_policy["maximum_retry_attempts"]),
                "MaximumEventAgeInSeconds": int(target.retry_policy["maximum_event_age_in_seconds"]),
            },
            "DeadLetterConfig": {"Arn": target.dead_letter_queue_arn},
        }

    def request(self, config: DynamicScheduleConfig) -> dict[str, Any]:
        """Create/UpdateSchedule parameters (without ClientToken)."""
        target = self.validated(config)
        params: dict[str, Any] = {
            "Name": self.schedule_name,
            "GroupName": config.group_name,
            "ScheduleExpression": self.expression.strip(),
            "ScheduleExpressionTimezone": self.timezone,
            "State": "ENABLED" if self.enabled else "DISABLED",
            "Description": self.description or f"dynamic schedule of {self.owner}: submit job {self.job}",
            "FlexibleTimeWindow": (
                {"Mode": "OFF"}
                if self.flexible_window_minutes is None
                else {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": self.flexible_window_minutes}
            ),
            "Target": self.target(target),
        }
        if self.start_date:
            params["StartDate"] = self.start_date
        if self.end_date:
            params["EndDate"] = self.end_date
        return params


def client_token(operation: str, params: Mapping[str, Any], idempotency_key: str | None) -> str:
    """Scheduler's ClientToken (1-64 of [A-Za-z0-9_-]).

    With an ``idempotency_key`` (the application's own request id), the same request gives the
    same token, so a retry after a lost answer is answered, not repeated. Without one, every call
    gets a fresh token; botocore's own retries of that call reuse it. (A content-only token would
    turn "create, delete, create the same again" into a silently answered no-op.)
    """
    if idempotency_key is None:
        return uuid.uuid4().hex
    text = json.dumps([operation, params, idempotency_key], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class DynamicSchedule:
    """A schedule read back from Scheduler."""

    owner: str
    name: str
    schedule_name: str
    job: str | None
    expression: str
    timezone: str | None
    state: str
    parameters: Mapping[str, str]
    arn: str
    target: Mapping[str, Any] = field(repr=False, default_factory=dict)

    @classmethod
    def from_api(cls, got: Mapping[str, Any], config: DynamicScheduleConfig) -> DynamicSchedule:
        full = got["Name"]
        owner, _, name = full.partition(SEPARATOR)
        target = got.get("Target") or {}
        try:
            body = json.loads(target.get("Input") or "{}")
        except json.JSONDecodeError:
            body = {}
        return cls(
            owner=owner,
            name=name,
            schedule_name=full,
            job=config.job_of(body.get("JobDefinition", "")),
            expression=got.get("ScheduleExpression", ""),
            timezone=got.get("ScheduleExpressionTimezone"),
            state=got.get("State", "ENABLED"),
            parameters=dict(body.get("Parameters") or {}),
            arn=got.get("Arn", ""),
            target=dict(target),
        )
