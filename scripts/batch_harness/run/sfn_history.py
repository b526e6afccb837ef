"""Step Functions executions: the final statuses and the tasks an execution history records.

One reader for both users: the run's waiter (``jobs``) and the pipeline analysis (``pipelines``).
Each task event is tied to its ``TaskStateEntered`` through its chain of ``previousEventId``s, so
the tasks of parallel branches never mix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# DescribeExecution statuses after which nothing runs any more (PENDING_REDRIVE: failed, and only a
# redrive would go on).
EXECUTION_FINAL = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"})
# Task events and the key of their details.
_TASK_EVENTS = {
    "TaskScheduled": "taskScheduledEventDetails",
    "TaskSubmitted": "taskSubmittedEventDetails",
    "TaskSucceeded": "taskSucceededEventDetails",
    "TaskFailed": "taskFailedEventDetails",
    "TaskSubmitFailed": "taskSubmitFailedEventDetails",
    "TaskStartFailed": "taskStartFailedEventDetails",
    "TaskTimedOut": "taskTimedOutEventDetails",
}


@dataclass
class TaskEntry:
    """One entry into a Task state and what the history says happened to it."""

    state: str
    entered_event: int
    entered_after: int | None  # the event the task was entered after (previousEventId)
    resource_type: str = ""  # "batch" for batch:submitJob(.sync), from TaskScheduled
    status: str = "ENTERED"  # ENTERED | SCHEDULED | SUBMITTED | SUCCEEDED | FAILED
    job_id: str | None = None
    submitted_event: int | None = None
    finished_event: int | None = None
    error: str = ""
    cause: str = ""


def execution_history(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    """Every event of one execution, in id order."""
    events: list[dict[str, Any]] = []
    for page in sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn):
        events.extend(page.get("events", []))
    return sorted(events, key=lambda e: e["id"])


def task_entries(history: Iterable[dict[str, Any]]) -> list[TaskEntry]:
    """Every Task state entered, in history order, with its job id, status and outcome events."""
    events = {e["id"]: e for e in history}
    entries: dict[int, TaskEntry] = {}

    def entry_of(event: dict[str, Any]) -> TaskEntry | None:
        current: dict[str, Any] | None = event
        while current is not None:
            if current["type"] == "TaskStateEntered":
                return entries.get(current["id"])
            current = events.get(current.get("previousEventId", -1))
        return None

    for event in sorted(events.values(), key=lambda e: e["id"]):
        kind = event["type"]
        if kind == "TaskStateEntered":
            name = event.get("stateEnteredEventDetails", {}).get("name", "?")
            entries[event["id"]] = TaskEntry(name, event["id"], event.get("previousEventId"))
            continue
        if kind not in _TASK_EVENTS:
            continue
        entry = entry_of(event)
        if entry is None:
            continue
        details = event.get(_TASK_EVENTS[kind], {})
        if kind == "TaskScheduled":
            entry.resource_type = details.get("resourceType", "")
            entry.status = "SCHEDULED"
            continue
        entry.job_id = entry.job_id or _job_id_in(details.get("output")) or _job_id_in(details.get("cause"))
        if kind == "TaskSubmitted":
            entry.submitted_event = event["id"]
            entry.status = "SUBMITTED"
        else:
            entry.finished_event = event["id"]
            entry.status = "SUCCEEDED" if kind == "TaskSucceeded" else "FAILED"
            if kind != "TaskSucceeded":
                entry.error = details.get("error", kind)
                entry.cause = str(details.get("cause", ""))
    return list(entries.values())


def _job_id_in(text: str | None) -> str | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except (TypeError, json.JSONDecodeError):
        return None
    if isinstance(value, dict):
        return value.get("JobId") or value.get("jobId")
    return None
