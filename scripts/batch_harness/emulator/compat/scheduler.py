"""EventBridge Scheduler: CreateSchedule is idempotent on its ClientToken, as in AWS.

The SDKs fill ``ClientToken`` themselves and send the same token again when they retry a
request whose answer was lost (a dropped connection on a busy machine). AWS then returns the
schedule it already created; moto 5.2.5 ignores the token and answers ``ConflictException``,
which failed whole applies in the Terraform provider.
"""

from __future__ import annotations

import json
from typing import Any

from .patching import Patch, replace


def patch_create_schedule_client_token() -> None:
    """AWS: a CreateSchedule whose ClientToken matches the one that created the schedule returns
    that schedule. moto 5.2.5: the token is ignored and the retry fails with ConflictException."""
    from moto.scheduler.exceptions import ScheduleGroupNotFound, ScheduleNotFound
    from moto.scheduler.responses import EventBridgeSchedulerResponse

    create = EventBridgeSchedulerResponse.create_schedule

    def create_schedule(self: EventBridgeSchedulerResponse) -> str:
        token = self._get_param("ClientToken")
        name = self.uri.split("?")[0].split("/")[-1]
        group = self._get_param("GroupName")
        if token:
            try:
                existing: Any = self.scheduler_backend.get_schedule(group, name)
            except (ScheduleNotFound, ScheduleGroupNotFound):
                existing = None
            if existing is not None and getattr(existing, "client_token", None) == token:
                return json.dumps({"ScheduleArn": existing.arn})
        answer = create(self)
        if token:
            self.scheduler_backend.get_schedule(group, name).client_token = token  # type: ignore[attr-defined]  # ours
        return answer

    replace(EventBridgeSchedulerResponse, "create_schedule", create_schedule)


PATCHES = [
    Patch(
        "scheduler.create_schedule_client_token",
        "CreateSchedule retried with the same ClientToken returns the schedule instead of a conflict",
        patch_create_schedule_client_token,
    ),
]
