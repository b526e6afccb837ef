"""Waiting for jobs and executions, pipeline steps from execution history, and the report tables."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console

from batch_harness.cli.report import outcome_dict, render_results, steps_table
from batch_harness.delivery.deliver import Delivery
from batch_harness.delivery.schedules import Schedule, Target
from batch_harness.run.jobs import JobOutcome, Outcome, Waiter, execution_steps, failures

from .fakes import JOBDEF_ARN, QUEUE_ARN


def delivery(name: str = "hello-daily", **fields: Any) -> Delivery:
    schedule = Schedule("scheduler", name, "default", f"arn:sched/{name}", "rate(1 day)", "ENABLED", [])
    d = Delivery(schedule, Target(arn="arn:aws:scheduler:::aws-sdk:batch:submitJob", role_arn="arn:role"))
    d.kind = "batch"
    d.params = {"jobName": name, "jobQueue": QUEUE_ARN, "jobDefinition": JOBDEF_ARN}
    for key, value in fields.items():
        setattr(d, key, value)
    return d


def job(job_id: str, status: str, *, name: str = "j", created: int = 1000, attempts: int = 1, **extra: Any) -> dict:
    return {
        "jobId": job_id,
        "jobName": name,
        "jobQueue": QUEUE_ARN,
        "jobDefinition": JOBDEF_ARN,
        "status": status,
        "attempts": [{}] * attempts,
        "createdAt": created,
        "stoppedAt": created + 2500 if status in ("SUCCEEDED", "FAILED") else None,
        **extra,
    }


class ScriptedBatch:
    """describe_jobs answers from a script: each call pops the next status per job."""

    def __init__(self, script: dict[str, list[dict]]) -> None:
        self.script = script

    def describe_jobs(self, jobs: list[str]) -> dict:
        answer = []
        for job_id in jobs:
            states = self.script[job_id]
            answer.append(states.pop(0) if len(states) > 1 else states[0])
        return {"jobs": answer}


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_waiter_polls_until_every_job_is_final_and_reports_progress():
    batch = ScriptedBatch(
        {"a": [job("a", "RUNNABLE"), job("a", "RUNNING"), job("a", "SUCCEEDED")], "b": [job("b", "FAILED", attempts=3)]}
    )
    clock = FakeClock()
    seen: list[list[str]] = []
    waiter = Waiter(
        lambda s: batch,
        timeout=60,
        poll=1,
        sleep=clock.sleep,
        clock=clock,
        on_progress=lambda o: seen.append([x.status for x in o]),
    )
    outcomes = waiter.wait([delivery("a", job_id="a"), delivery("b", job_id="b")])
    assert [o.status for o in outcomes] == ["SUCCEEDED", "FAILED"]
    assert seen[0] == ["RUNNABLE", "FAILED"] and seen[-1] == ["SUCCEEDED", "FAILED"]
    assert outcomes[1].job is not None and outcomes[1].job.attempts == 3
    assert [line for line in failures(outcomes)] == ["schedule default/b: job j (b) FAILED after 3 attempt(s)"]


def test_waiter_gives_up_at_the_timeout_and_marks_what_is_pending():
    batch = ScriptedBatch({"a": [job("a", "RUNNABLE")]})
    clock = FakeClock()
    outcomes = Waiter(lambda s: batch, timeout=5, poll=1, sleep=clock.sleep, clock=clock).wait([delivery(job_id="a")])
    assert outcomes[0].timed_out and outcomes[0].status == "RUNNABLE (timeout)"
    assert not outcomes[0].succeeded
    assert clock.now == 5


def test_skipped_and_undelivered_schedules_have_their_own_status():
    skipped = delivery(skipped="DISABLED: AWS does not fire it")
    broken = delivery("broken")
    broken.fail("role may not batch:SubmitJob")
    outcomes = Waiter(lambda s: ScriptedBatch({}), timeout=1).wait([skipped, broken])
    assert [o.status for o in outcomes] == ["NOT FIRED", "NOT DELIVERED"]
    assert outcomes[0].succeeded and not outcomes[1].succeeded
    assert failures(outcomes) == []  # delivery problems are reported as such, not as job failures


def history_diamond() -> list[dict]:
    """a -> {b, c} (parallel) -> d, d failed; ids as Step Functions numbers them."""

    def entered(i: int, prev: int, name: str) -> dict:
        return {
            "id": i,
            "previousEventId": prev,
            "type": "TaskStateEntered",
            "stateEnteredEventDetails": {"name": name},
        }

    def scheduled(i: int, prev: int) -> dict:
        return {
            "id": i,
            "previousEventId": prev,
            "type": "TaskScheduled",
            "taskScheduledEventDetails": {"resourceType": "batch"},
        }

    def submitted(i: int, prev: int, job_id: str) -> dict:
        return {
            "id": i,
            "previousEventId": prev,
            "type": "TaskSubmitted",
            "taskSubmittedEventDetails": {"resourceType": "batch", "output": json.dumps({"JobId": job_id})},
        }

    def done(i: int, prev: int, ok: bool) -> dict:
        if ok:
            return {
                "id": i,
                "previousEventId": prev,
                "type": "TaskSucceeded",
                "taskSucceededEventDetails": {"resourceType": "batch"},
            }
        return {
            "id": i,
            "previousEventId": prev,
            "type": "TaskFailed",
            "taskFailedEventDetails": {"resourceType": "batch", "error": "States.TaskFailed", "cause": "{}"},
        }

    return [
        {"id": 1, "type": "ExecutionStarted"},
        entered(2, 1, "a"), scheduled(3, 2), submitted(4, 3, "ja"), done(5, 4, True),
        {"id": 6, "previousEventId": 5, "type": "ParallelStateEntered", "stateEnteredEventDetails": {"name": "fan"}},
        entered(7, 6, "b"), entered(8, 6, "c"), scheduled(9, 7), scheduled(10, 8),
        submitted(11, 10, "jc"), submitted(12, 9, "jb"), done(13, 11, True), done(14, 12, True),
        entered(15, 14, "d"), scheduled(16, 15), submitted(17, 16, "jd"), done(18, 17, False),
    ]  # fmt: skip


def test_execution_steps_follow_event_chains_through_parallel_branches():
    steps = {s.state: s for s in execution_steps(history_diamond())}
    assert {name: (s.job_id, s.status) for name, s in steps.items()} == {
        "a": ("ja", "SUCCEEDED"),
        "b": ("jb", "SUCCEEDED"),
        "c": ("jc", "SUCCEEDED"),
        "d": ("jd", "FAILED"),
    }
    assert "States.TaskFailed" in steps["d"].error


def batch_task(job_name: str, **rest: Any) -> dict:
    resource = "arn:aws:states:::batch:submitJob.sync"
    return {"Type": "Task", "Resource": resource, "Parameters": {"JobName": job_name}, **rest}


# The state machine of history_diamond(): a, then b and c in parallel, then d.
DIAMOND_DEFINITION = json.dumps(
    {
        "StartAt": "a",
        "States": {
            "a": batch_task("a", Next="fan"),
            "fan": {
                "Type": "Parallel",
                "Next": "d",
                "Branches": [
                    {"StartAt": "b", "States": {"b": batch_task("b", End=True)}},
                    {"StartAt": "c", "States": {"c": batch_task("c", End=True)}},
                ],
            },
            "d": batch_task("d", End=True),
        },
    }
)


class FakeSfn:
    def __init__(self, status: str = "FAILED", history: list[dict] | None = None) -> None:
        self.status = status
        self.history = history if history is not None else history_diamond()

    def describe_execution(self, executionArn: str) -> dict:
        if self.status == "SUCCEEDED":
            return {"status": "SUCCEEDED"}
        return {"status": self.status, "error": "States.TaskFailed", "cause": "d failed"}

    def describe_state_machine_for_execution(self, executionArn: str) -> dict:
        return {"definition": DIAMOND_DEFINITION}

    def get_paginator(self, operation: str) -> Any:
        assert operation == "get_execution_history"
        history = self.history

        class Pages:
            def paginate(self, **_: Any) -> list[dict]:
                # Two pages, as a long history would come.
                return [{"events": history[:5]}, {"events": history[5:]}]

        return Pages()


def test_pipeline_steps_are_ordered_by_batch_submission_time_and_reported():
    batch = ScriptedBatch(
        {
            "ja": [job("ja", "SUCCEEDED", name="a", created=100)],
            "jb": [job("jb", "SUCCEEDED", name="b", created=300)],
            "jc": [job("jc", "SUCCEEDED", name="c", created=200)],
            "jd": [job("jd", "FAILED", name="d", created=400, attempts=2)],
        }
    )
    clients = {"batch": batch, "stepfunctions": FakeSfn()}
    d = delivery("weekly", kind="sfn", execution_arn="arn:aws:states:us-east-1:1:execution:weekly:run-1")
    [outcome] = Waiter(clients.__getitem__, timeout=1).wait([d])
    assert outcome.status == "FAILED"
    order = {s.state: s.order for s in outcome.execution.steps}
    assert order == {"a": 1, "c": 2, "b": 3, "d": 4}
    assert "step d FAILED" in failures([outcome])[0]
    console = Console(width=200, record=True)
    console.print(render_results([outcome]))
    text = console.export_text()
    assert "pipeline steps" in text and "reports-hello:3" in text
    assert steps_table([outcome]) is not None
    data = outcome_dict(outcome)
    assert [s["state"] for s in sorted(data["execution"]["steps"], key=lambda s: s["order"])] == ["a", "c", "b", "d"]


def diamond_jobs(**created_stopped: tuple[int, int]) -> ScriptedBatch:
    return ScriptedBatch(
        {
            f"j{name}": [job(f"j{name}", "SUCCEEDED", name=name, created=created, stoppedAt=stopped)]
            for name, (created, stopped) in created_stopped.items()
        }
    )


def sfn_delivery() -> Any:
    return delivery("weekly", kind="sfn", execution_arn="arn:aws:states:us-east-1:1:execution:weekly:run-1")


def succeeded_history() -> list[dict]:
    history = history_diamond()
    history[-1] = {
        "id": 18,
        "previousEventId": 17,
        "type": "TaskSucceeded",
        "taskSucceededEventDetails": {"resourceType": "batch"},
    }
    return history


def test_a_succeeded_pipeline_whose_steps_kept_their_order_passes():
    batch = diamond_jobs(a=(100, 150), b=(200, 250), c=(210, 240), d=(300, 350))
    clients = {"batch": batch, "stepfunctions": FakeSfn("SUCCEEDED", succeeded_history())}
    [outcome] = Waiter(clients.__getitem__, timeout=1).wait([sfn_delivery()])
    assert outcome.execution.order_problems == []
    assert outcome.succeeded and failures([outcome]) == []


def test_a_succeeded_pipeline_whose_step_started_before_its_dependency_finished_fails():
    # d's job was created before b's stopped: the execution SUCCEEDED, the run must not.
    batch = diamond_jobs(a=(100, 150), b=(200, 320), c=(210, 240), d=(300, 350))
    clients = {"batch": batch, "stepfunctions": FakeSfn("SUCCEEDED", succeeded_history())}
    [outcome] = Waiter(clients.__getitem__, timeout=1).wait([sfn_delivery()])
    assert outcome.execution.order_problems == ["d was created at 300, before b stopped at 320"]
    assert not outcome.succeeded
    assert failures([outcome]) == [
        "schedule default/weekly: execution SUCCEEDED: out of order: d was created at 300, before b stopped at 320"
    ]


def test_a_step_started_after_its_dependency_failed_is_reported():
    history = history_diamond()
    history[13] = {
        "id": 14,
        "previousEventId": 12,
        "type": "TaskFailed",
        "taskFailedEventDetails": {"resourceType": "batch", "error": "States.TaskFailed", "cause": "{}"},
    }
    batch = diamond_jobs(a=(100, 150), c=(210, 240), d=(300, 350))
    batch.script["jb"] = [job("jb", "FAILED", name="b", created=200, stoppedAt=250)]
    clients = {"batch": batch, "stepfunctions": FakeSfn("FAILED", history)}
    [outcome] = Waiter(clients.__getitem__, timeout=1).wait([sfn_delivery()])
    assert outcome.execution.order_problems == ["d started although b did not succeed (FAILED)"]
    assert "out of order: d started although b did not succeed (FAILED)" in failures([outcome])[0]


def test_results_table_has_every_column_per_schedule():
    d = delivery(job_id="a")
    outcome = Outcome(d, job=JobOutcome.from_describe(job("a", "SUCCEEDED", name="hello-daily", attempts=2)))
    console = Console(width=200, record=True)
    console.print(render_results([outcome]))
    text = console.export_text()
    for header in ("schedule", "job", "queue", "job definition", "runner", "final status", "attempts", "exit code"):
        assert header in text
    row = next(line for line in text.splitlines() if "default/hello-daily" in line)
    for cell in ("hello-daily", "reports-default", "reports-hello:3", "SUCCEEDED", "2", "2.5"):
        assert cell in row
