"""Wait for every submitted Batch job and Step Functions execution to reach a final state.

Jobs are polled with ``batch:DescribeJobs`` (100 ids a call); executions with
``states:DescribeExecution``, and their steps are read from ``GetExecutionHistory``: each
``batch:submitJob(.sync)`` task's state name and job id (from the TaskSubmitted/TaskSucceeded
output), then the jobs themselves, ordered by the submission time Batch reports. A finished
execution whose steps started before the steps its definition makes them wait for had succeeded
(or after one failed) does not succeed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from batch_harness.delivery.deliver import Clients, Delivery
from batch_harness.run.pipelines import StepTimes, start_order_problems
from batch_harness.run.sfn_history import EXECUTION_FINAL, execution_history, task_entries

JOB_FINAL = {"SUCCEEDED", "FAILED"}


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
    # Steps that started before what they wait for had succeeded (empty: the order was respected).
    order_problems: list[str] = field(default_factory=list)

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
            self.execution is not None and self.execution.status == "SUCCEEDED" and not self.execution.order_problems
        )


def _to_epoch(value: Any) -> float | None:
    if value is None:
        return None
    if hasattr(value, "timestamp"):
        return float(value.timestamp())
    return float(value)


def execution_steps(history: Iterable[dict[str, Any]]) -> list[StepOutcome]:
    """Batch task states of one execution, from its history (parallel branches included)."""
    steps: list[StepOutcome] = []
    for entry in task_entries(history):
        if entry.resource_type != "batch":
            continue
        status = "SCHEDULED" if entry.status == "ENTERED" else entry.status
        error = f"{entry.error}: {entry.cause[:200]}" if entry.status == "FAILED" else ""
        steps.append(StepOutcome(state=entry.state, job_id=entry.job_id, status=status, error=error))
    return steps


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
        history = execution_history(sfn, arn)
        outcome.steps = execution_steps(history)
        jobs = self.describe_jobs([s.job_id for s in outcome.steps if s.job_id])
        for step in outcome.steps:
            if step.job_id and step.job_id in jobs:
                step.job = jobs[step.job_id]
                step.status = step.job.status
        ordered = sorted(
            (s for s in outcome.steps if s.job and s.job.created_at is not None),
            key=lambda s: (s.job.created_at if s.job else None) or 0,
        )
        for index, step in enumerate(ordered, start=1):
            step.order = index
        if outcome.final:
            definition = sfn.describe_state_machine_for_execution(executionArn=arn)["definition"]
            outcome.order_problems = start_order_problems(definition, step_times(outcome.steps))
        return outcome


def step_times(steps: Iterable[StepOutcome]) -> dict[str, StepTimes]:
    """What the start-order check needs of each step: its status and its job's Batch times."""
    return {
        step.state: StepTimes(
            step.status,
            step.job.created_at if step.job else None,
            step.job.stopped_at if step.job else None,
        )
        for step in steps
    }


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
            if execution.order_problems:
                detail = "; ".join(filter(None, [detail, "out of order: " + "; ".join(execution.order_problems)]))
            lines.append(f"schedule {delivery.label}: execution {outcome.status}: {detail}")
        else:
            lines.append(f"schedule {delivery.label}: nothing to wait for")
    return lines
