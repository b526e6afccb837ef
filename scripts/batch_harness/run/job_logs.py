"""The last lines each job wrote to its log stream (the awslogs group of its job definition)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from batch_harness.run.jobs import JobOutcome

TAIL_LINES = 10
DEFAULT_LOG_GROUP = "/aws/batch/job"


def _log_group(batch: Any, job_definition_arn: str, cache: dict[str, str]) -> str:
    if job_definition_arn not in cache:
        found = batch.describe_job_definitions(jobDefinitions=[job_definition_arn]).get("jobDefinitions") or []
        properties = found[0].get("containerProperties", {}) if found else {}
        options = (properties.get("logConfiguration") or {}).get("options") or {}
        cache[job_definition_arn] = options.get("awslogs-group") or DEFAULT_LOG_GROUP
    return cache[job_definition_arn]


def fill_log_tails(clients: Callable[[str], Any], jobs: Iterable[JobOutcome], lines: int = TAIL_LINES) -> None:
    """Set ``log_tail`` of every final job that has a log stream; a stream never written stays []."""
    batch, logs = clients("batch"), clients("logs")
    groups: dict[str, str] = {}
    for job in jobs:
        if not job.final or not job.log_stream or not job.job_definition_arn:
            continue
        try:
            group = _log_group(batch, job.job_definition_arn, groups)
            events = logs.get_log_events(
                logGroupName=group, logStreamName=job.log_stream, limit=lines, startFromHead=False
            ).get("events", [])
        except Exception:  # no stream (the simulated runner writes none), or no permission
            continue
        job.log_tail = [str(event.get("message", "")).rstrip("\n") for event in events][-lines:]
