"""Create, update, delete, get and list dynamic schedules with a boto3 Scheduler client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

from batch_harness.dynamic_schedules.config import DynamicScheduleConfig
from batch_harness.dynamic_schedules.spec import (
    DynamicSchedule,
    ScheduleRequest,
    check_name,
    check_owner,
    client_token,
    owner_prefix,
    schedule_name,
)

# Scheduler's API rate quotas are per account and Region (docs/dynamic-schedules.md). Adaptive
# mode retries throttled calls with backoff and then slows the client itself down.
RETRY_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": 10})
THROTTLING = {"ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"}


class QuotaExceededError(ValueError):
    """The owner already holds the job's max_per_user schedules."""


class ThrottledError(RuntimeError):
    """Scheduler still throttled after the SDK's retries: retry later, at a lower rate."""


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class DynamicScheduleClient:
    """One application's view of the module's dynamic schedule group.

    ``scheduler``: a boto3 ``scheduler`` client (``DynamicScheduleClient.boto3_client()`` makes one
    with the retry configuration above). Bad input raises ``ValueError`` naming the field before
    any API call; ``QuotaExceededError`` (a ``ValueError``) when the owner is at max_per_user.
    """

    def __init__(self, config: DynamicScheduleConfig, scheduler: Any) -> None:
        self.config = config
        self.scheduler = scheduler

    @staticmethod
    def boto3_client(**kwargs: Any) -> Any:
        import boto3

        return boto3.client("scheduler", config=RETRY_CONFIG, **kwargs)

    # -- writes ---------------------------------------------------------------------------------

    def create(
        self,
        owner: str,
        name: str,
        job: str,
        expression: str,
        *,
        timezone: str = "UTC",
        parameters: Mapping[str, str] | None = None,
        enabled: bool = True,
        flexible_window_minutes: int | None = None,
        start_date: dt.datetime | None = None,
        end_date: dt.datetime | None = None,
        description: str | None = None,
        group: str | None = None,
        idempotency_key: str | None = None,
    ) -> DynamicSchedule:
        request = ScheduleRequest(
            owner, name, job, expression, timezone, dict(parameters or {}), enabled,
            flexible_window_minutes, start_date, end_date, description,
        )  # fmt: skip
        self._check_group(group)
        params = request.request(self.config)
        target = self.config.target(job)
        if self.count(owner) >= target.max_per_user:
            raise QuotaExceededError(
                f"owner: {owner!r} already has {target.max_per_user} schedules (max_per_user of job {job!r}); "
                "delete one first"
            )
        try:
            self._call("create_schedule", ClientToken=client_token("create", params, idempotency_key), **params)
        except ClientError as error:
            if _code(error) != "ConflictException":
                raise
            existing = self.get(owner, name)
            # A retry of a create that already happened is not an error; a different schedule is.
            if existing is None or not _same(existing, params):
                raise ValueError(
                    f"name: owner {owner!r} already has a different schedule named {name!r}; use update()"
                ) from None
            return existing
        found = self.get(owner, name)
        assert found is not None
        return found

    def update(
        self,
        owner: str,
        name: str,
        job: str,
        expression: str,
        *,
        timezone: str = "UTC",
        parameters: Mapping[str, str] | None = None,
        enabled: bool = True,
        flexible_window_minutes: int | None = None,
        start_date: dt.datetime | None = None,
        end_date: dt.datetime | None = None,
        description: str | None = None,
        group: str | None = None,
        idempotency_key: str | None = None,
    ) -> DynamicSchedule:
        """Replace the schedule (UpdateSchedule sets every field; unset ones take defaults)."""
        request = ScheduleRequest(
            owner, name, job, expression, timezone, dict(parameters or {}), enabled,
            flexible_window_minutes, start_date, end_date, description,
        )  # fmt: skip
        self._check_group(group)
        params = request.request(self.config)
        try:
            self._call("update_schedule", ClientToken=client_token("update", params, idempotency_key), **params)
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                raise ValueError(f"name: owner {owner!r} has no schedule named {name!r}; use create()") from None
            raise
        found = self.get(owner, name)
        assert found is not None
        return found

    def delete(self, owner: str, name: str, *, group: str | None = None) -> bool:
        """True if it was deleted, False if it did not exist (so retries are harmless)."""
        check_name(check_owner(owner), name)
        self._check_group(group)
        try:
            self._call(
                "delete_schedule",
                Name=schedule_name(owner, name),
                GroupName=self.config.group_name,
                ClientToken=client_token("delete", {"Name": schedule_name(owner, name)}, None),
            )
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                return False
            raise
        return True

    # -- reads ----------------------------------------------------------------------------------

    def get(self, owner: str, name: str, *, group: str | None = None) -> DynamicSchedule | None:
        check_name(check_owner(owner), name)
        self._check_group(group)
        try:
            got = self._call("get_schedule", Name=schedule_name(owner, name), GroupName=self.config.group_name)
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                return None
            raise
        return DynamicSchedule.from_api(got, self.config)

    def names(self, owner: str | None = None) -> Iterator[str]:
        """Schedule names of the group (of one owner): ListSchedules only, no GetSchedule each."""
        params: dict[str, Any] = {"GroupName": self.config.group_name, "MaxResults": 100}
        if owner is not None:
            params["NamePrefix"] = owner_prefix(check_owner(owner))
        while True:
            page = self._call("list_schedules", **params)
            for summary in page.get("Schedules", []):
                yield summary["Name"]
            token = page.get("NextToken")
            if not token:
                return
            params["NextToken"] = token

    def list(self, owner: str | None = None) -> list[DynamicSchedule]:
        """Every schedule of one owner (or of the group), read back in full."""
        found: list[DynamicSchedule] = []
        for full in self.names(owner):
            got = self._call("get_schedule", Name=full, GroupName=self.config.group_name)
            found.append(DynamicSchedule.from_api(got, self.config))
        return found

    def count(self, owner: str) -> int:
        return sum(1 for _ in self.names(owner))

    # -- plumbing -------------------------------------------------------------------------------

    def _check_group(self, group: str | None) -> None:
        if group is not None and group != self.config.group_name:
            raise ValueError(
                f"group: {group!r} is not this module's dynamic schedule group {self.config.group_name!r}; "
                "the target roles trust only that group and the manager policy covers only it"
            )

    def _call(self, method: str, **params: Any) -> Any:
        try:
            return getattr(self.scheduler, method)(**params)
        except ClientError as error:
            if _code(error) in THROTTLING:
                raise ThrottledError(
                    f"scheduler {method}: still throttled after the SDK's retries ({_code(error)}); "
                    "retry later or lower the request rate"
                ) from error
            raise


def _same(existing: DynamicSchedule, params: Mapping[str, Any]) -> bool:
    return bool(
        existing.expression == params["ScheduleExpression"]
        and existing.timezone == params["ScheduleExpressionTimezone"]
        and existing.state == params["State"]
        and existing.target.get("Input") == params["Target"]["Input"]
        and existing.target.get("RoleArn") == params["Target"]["RoleArn"]
    )
