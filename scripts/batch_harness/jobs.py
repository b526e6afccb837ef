"""Wait for every submitted Batch job and Step Functions execution to reach a final state.

Jobs are polled with ``batch:DescribeJobs`` (100 ids a call); executions with
``states:DescribeExecution``, and their steps are read from ``GetExecutionHistory``: each
``batch:submitJob(.sync)`` task's state name and job id (from the TaskSubmitted/TaskSucceeded
output), then the jobs themselves, ordered by the submission time Batch reports.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .delivery import Clients, Delivery

JOB_FINAL = {"SUCCEEDED", "FAILED"}
EXECUTION_FINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"}


@dataclass
class JobOutcome:
    job_id: str
    job_name: str
    status: str
    queue: str = ""
    job_definition: str = ""  # NAME:REVISION
    attempts: int = 0
    status_reason: str = ""
    exit_code: int | None = None  # container.exitCode of the last attempt
    log_stream: str = ""
    job_definition_arn: str = ""
    runner: str = ""  # "container" | "simulated" (local account) | "aws"
    log_tail: list[str] = field(default_factory=list)  # the last lines of its log stream
    created_at: int | None = None  # epoch ms, as Batch reports
    started_at: int | None = None
    stopped_at: int | None = None

    @property
    def final(self) -> bool:
        return self.status in JOB_FINAL

    @property
    def seconds(self) -> float | None:
        if self.created_at is None or self.stopped_at is None:
            return None
        return max(0.0, (self.stopped_at - self.created_at) / 1000)

    @classmethod
    def from_describe(cls, job: dict[str, Any]) -> JobOutcome:
        definition = job.get("jobDefinition", "")
        container = job.get("container") or {}
        return cls(
            job_id=job["jobId"],
            job_name=job.get("jobName", ""),
            status=job.get("status", "UNKNOWN"),
            queue=job.get("jobQueue", "").rsplit("/", 1)[-1],
            job_definition=definition.rsplit("/", 1)[-1],
            attempts=len(job.get("attempts") or []),
            status_reason=job.get("statusReason", ""),
            exit_code=container.get("exitCode"),
            log_stream=container.get("logStreamName") or "",
            job_definition_arn=definition,
            created_at=job.get("createdAt"),
            started_at=job.get("startedAt"),
            stopped_at=job.get("stoppedAt"),
        )


@dataclass
class StepOutcome:
    state: str
    job_id: str | None
    status: str  # the job's status, or the task's (e.g. TaskFailed before a job existed)
    job: JobOutcome | None = None
    order: int = 0  # 1 = submitted first (by Batch createdAt)
    error: str = ""


@dataclass
class ExecutionOutcome:
    execution_arn: str
    status: str
    steps: list[StepOutcome] = field(default_factory=list)
    start: float | None = None  # epoch seconds
    stop: float | None = None
    error: str = ""

    @property
    def final(self) -> bool:
        return self.status in EXECUTION_FINAL

    @property
    def seconds(self) -> float | None:
        return None if self.start is None or self.stop is None else max(0.0, self.stop - self.start)


@dataclass
class Outcome:
    """The end of one delivery: a job, an execution, or why nothing ran."""

    delivery: Delivery
    job: JobOutcome | None = None
    execution: ExecutionOutcome | None = None
    timed_out: bool = False

    @property
    def status(self) -> str:
        if self.delivery.skipped:
            return "NOT FIRED"
        if not self.delivery.ok:
            return "NOT DELIVERED"
        if self.job:
            return self.job.status + (" (timeout)" if self.timed_out else "")
        if self.execution:
            return self.execution.status + (" (timeout)" if self.timed_out else "")
        if self.delivery.delivered:
            return "DELIVERED"
        return "UNKNOWN"

    @property
    def succeeded(self) -> bool:
        if self.delivery.skipped:
            return True  # reported, not fired: not a failure of the run
        if self.delivery.delivered:
            return self.delivery.ok  # an API call with nothing to wait for
        return (self.job is not None and self.job.status == "SUCCEEDED") or (
            self.execution is not None and self.execution.status == "SUCCEEDED"
        )


def _to_epoch(value: Any) -> float | None:
    if value is None:
        return None
    if hasattr(value, "timestamp"):
        return float(value.timestamp())
    return float(value)


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


def execution_steps(history: Iterable[dict[str, Any]]) -> list[StepOutcome]:
    """Batch task states of one execution, from its history (parallel branches included)."""
    events = {e["id"]: e for e in history}
    steps: dict[int, StepOutcome] = {}  # keyed by the TaskStateEntered event id

    def state_of(event: dict[str, Any]) -> tuple[int, str] | None:
        current: dict[str, Any] | None = event
        while current is not None:
            if current["type"].endswith("StateEntered"):
                return current["id"], current.get("stateEnteredEventDetails", {}).get("name", "?")
            current = events.get(current.get("previousEventId", -1))
        return None

    for event in sorted(events.values(), key=lambda e: e["id"]):
        kind = event["type"]
        if kind == "TaskScheduled":
            details = event.get("taskScheduledEventDetails", {})
            if details.get("resourceType") != "batch":
                continue
            found = state_of(event)
            if found:
                steps.setdefault(found[0], StepOutcome(state=found[1], job_id=None, status="SCHEDULED"))
        elif kind in ("TaskSubmitted", "TaskSucceeded", "TaskFailed", "TaskSubmitFailed", "TaskStartFailed"):
            key = {
                "TaskSubmitted": "taskSubmittedEventDetails",
                "TaskSucceeded": "taskSucceededEventDetails",
                "TaskFailed": "taskFailedEventDetails",
                "TaskSubmitFailed": "taskSubmitFailedEventDetails",
                "TaskStartFailed": "taskStartFailedEventDetails",
            }[kind]
            details = event.get(key, {})
            if details.get("resourceType") != "batch":
                continue
            found = state_of(event)
            if not found or found[0] not in steps:
                continue
            step = steps[found[0]]
            step.job_id = step.job_id or _job_id_in(details.get("output")) or _job_id_in(details.get("cause"))
            if kind == "TaskSucceeded":
                step.status = "SUCCEEDED"
            elif kind != "TaskSubmitted":
                step.status = "FAILED"
                step.error = f"{details.get('error', '')}: {str(details.get('cause', ''))[:200]}"
            else:
                step.status = "SUBMITTED"
    return list(steps.values())


class Waiter:
    """Poll jobs and executions until final or until ``timeout`` seconds, rendering progress."""

    def __init__(
        self,
        clients: Clients,
        *,
        timeout: float = 600.0,
        poll: float = 1.0,
        on_progress: Callable[[list[Outcome]], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clients = clients
        self.timeout = timeout
        self.poll = poll
        self.on_progress = on_progress
        self.sleep = sleep
        self.clock = clock

    def wait(self, deliveries: list[Delivery]) -> list[Outcome]:
        outcomes = [Outcome(d) for d in deliveries]
        deadline = self.clock() + self.timeout
        while True:
            pending = self._refresh(outcomes)
            if self.on_progress:
                self.on_progress(outcomes)
            if not pending:
                return outcomes
            if self.clock() >= deadline:
                for outcome in pending:
                    outcome.timed_out = True
                return outcomes
            self.sleep(self.poll)

    def _refresh(self, outcomes: list[Outcome]) -> list[Outcome]:
        pending: list[Outcome] = []
        job_ids = [o.delivery.job_id for o in outcomes if o.delivery.job_id and not (o.job and o.job.final)]
        jobs = self.describe_jobs(job_ids)
        for outcome in outcomes:
            delivery = outcome.delivery
            if delivery.job_id:
                if delivery.job_id in jobs:
                    outcome.job = jobs[delivery.job_id]
                if not (outcome.job and outcome.job.final):
                    pending.append(outcome)
            elif delivery.execution_arn and not (outcome.execution and outcome.execution.final):
                outcome.execution = self.describe_execution(delivery.execution_arn)
                if not outcome.execution.final:
                    pending.append(outcome)
        return pending

    def describe_jobs(self, job_ids: list[str]) -> dict[str, JobOutcome]:
        found: dict[str, JobOutcome] = {}
        batch = self.clients("batch")
        for start in range(0, len(job_ids), 100):
            for job in batch.describe_jobs(jobs=job_ids[start : start + 100]).get("jobs", []):
                found[job["jobId"]] = JobOutcome.from_describe(job)
        return found

    def describe_execution(self, arn: str) -> ExecutionOutcome:
        sfn = self.clients("stepfunctions")
        described = sfn.describe_execution(executionArn=arn)
        outcome = ExecutionOutcome(
            execution_arn=arn,
            status=described["status"],
            start=_to_epoch(described.get("startDate")),
            stop=_to_epoch(described.get("stopDate")),
            error=" ".join(filter(None, [described.get("error"), described.get("cause")])),
        )
        history: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page = sfn.get_execution_history(
                executionArn=arn, maxResults=1000, **({"nextToken": token} if token else {})
            )
            history.extend(page.get("events", []))
            token = page.get("nextToken")
            if not token:
                break
        outcome.steps = execution_steps(history)
        jobs = self.describe_jobs([s.job_id for s in outcome.steps if s.job_id])
        for step in outcome.steps:
            if step.job_id and step.job_id in jobs:
                step.job = jobs[step.job_id]
                step.status = step.job.status
        ordered = sorted(
            (s for s in outcome.steps if s.job and s.job.created_at is not None),
            key=lambda s: s.job.created_at if s.job else 0,
        )
        for index, step in enumerate(ordered, start=1):
            step.order = index
        return outcome


def failures(outcomes: list[Outcome]) -> list[str]:
    """One line per schedule whose run did not succeed (delivery problems are reported separately)."""
    lines: list[str] = []
    for outcome in outcomes:
        delivery = outcome.delivery
        if delivery.skipped or not delivery.ok:
            continue
        if outcome.succeeded:
            continue
        if outcome.job:
            job = outcome.job
            reason = f": {job.status_reason}" if job.status_reason else ""
            exit_code = "" if job.exit_code is None else f", exit code {job.exit_code}"
            lines.append(
                f"schedule {delivery.label}: job {job.job_name} ({job.job_id}) {outcome.status} "
                f"after {job.attempts} attempt(s){exit_code}{reason}"
            )
        elif outcome.execution:
            execution = outcome.execution
            failed = [s for s in execution.steps if s.status != "SUCCEEDED"]
            detail = "; ".join(f"step {s.state} {s.status}" for s in failed) or execution.error
            lines.append(f"schedule {delivery.label}: execution {outcome.status}: {detail}")
        else:
            lines.append(f"schedule {delivery.label}: nothing to wait for")
    return lines
