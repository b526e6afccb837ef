"""Pipelines: Step Functions state machines that run AWS Batch jobs in dependency order.

Two questions, answered without trusting the module that generated the state machine:

* What does a definition *guarantee*? ``analyse_definition`` walks the Amazon States Language
  the way Step Functions executes it (states in a branch run one after another, a Parallel state
  ends when all of its branches ended) and returns, for every ``batch:submitJob.sync`` task, the
  tasks certain to have finished before it starts. Compared with the pipeline's dependency graph
  (``missing_waits`` / ``extra_waits``) this tells whether a step can start too early (a bug) or
  waits longer than its dependencies require (a documented limit of fork/join).
* What did one execution *do*? ``read_run`` collects, per task, the Batch job it submitted, the
  job's status and the times Batch reports, and the execution-history events; ``order_violations``
  lists every dependency the run did not respect.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from batch_harness.run.sfn_history import EXECUTION_FINAL, execution_history, task_entries

BATCH_SYNC_SUFFIX = ":states:::batch:submitJob.sync"
# Errors a Retry may name without re-running a job that ran and failed (its own retry strategy
# decided that) - anything else in a Task's Retry, or any Catch, could start a dependent step
# after a failure.
TRANSIENT_ERRORS = {"Batch.AWSBatchException", "Batch.ServerException", "Batch.TooManyRequestsException"}


# -- the definition ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskStep:
    """One ``batch:submitJob.sync`` Task state."""

    state: str
    job_name: str
    job_queue: str
    job_definition: str
    parameters: Mapping[str, Any]


@dataclass
class DefinitionShape:
    tasks: dict[str, TaskStep] = field(default_factory=dict)
    waits_for: dict[str, frozenset[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def job_names(self) -> dict[str, str]:
        """Batch job name => task state name."""
        return {task.job_name: name for name, task in self.tasks.items()}


def analyse_definition(definition: str | Mapping[str, Any]) -> DefinitionShape:
    """Tasks of a definition and, for each, the tasks that have surely finished when it starts.

    ``problems`` lists what would break the pipeline contract: unknown or unreachable states,
    loops, state types a pipeline does not use (Choice, Map, Wait, ...), a Catch (a failed step
    must fail the execution) and retries of anything but transient service errors.
    """
    document = json.loads(definition) if isinstance(definition, str) else definition
    shape = DefinitionShape()
    _walk(document, frozenset(), shape, "top level")
    return shape


def _walk(branch: Mapping[str, Any], before: frozenset[str], shape: DefinitionShape, where: str) -> frozenset[str]:
    states: Mapping[str, Any] = branch.get("States", {})
    name: str | None = branch.get("StartAt")
    done = before
    visited: list[str] = []
    while name is not None:
        if name not in states:
            shape.problems.append(f"{where}: Next/StartAt {name!r} is not a state")
            break
        if name in visited:
            shape.problems.append(f"{where}: state {name!r} is reached twice (a loop)")
            break
        visited.append(name)
        state = states[name]
        kind = state.get("Type")
        if "Catch" in state:
            shape.problems.append(f"state {name!r}: has a Catch, so a failure would not fail the execution")
        if kind == "Task":
            done = _task(name, state, done, shape)
        elif kind == "Parallel":
            finished = [
                _walk(sub, done, shape, f"branch {i + 1} of {name!r}")
                for i, sub in enumerate(state.get("Branches", []))
            ]
            done = done.union(*finished)
        elif kind != "Pass":
            shape.problems.append(f"state {name!r}: type {kind} is not used by pipelines")
        if state.get("End") is True:
            if "Next" in state:
                shape.problems.append(f"state {name!r}: has both End and Next")
            break
        name = state.get("Next")
        if name is None:
            shape.problems.append(f"state {visited[-1]!r}: neither Next nor End")
    unreachable = sorted(set(states) - set(visited))
    if unreachable:
        shape.problems.append(f"{where}: unreachable states {unreachable}")
    return done


def _task(name: str, state: Mapping[str, Any], done: frozenset[str], shape: DefinitionShape) -> frozenset[str]:
    if not str(state.get("Resource", "")).endswith(BATCH_SYNC_SUFFIX):
        shape.problems.append(f"state {name!r}: resource {state.get('Resource')!r} is not batch:submitJob.sync")
    for retrier in state.get("Retry", []):
        beyond = set(retrier.get("ErrorEquals", [])) - TRANSIENT_ERRORS
        if beyond:
            shape.problems.append(f"state {name!r}: retries {sorted(beyond)}, not only transient service errors")
    if name in shape.tasks:
        shape.problems.append(f"state {name!r}: defined twice")
    params = state.get("Parameters", {})
    shape.tasks[name] = TaskStep(
        state=name,
        job_name=str(params.get("JobName", "")),
        job_queue=str(params.get("JobQueue", "")),
        job_definition=str(params.get("JobDefinition", "")),
        parameters=params,
    )
    shape.waits_for[name] = done
    return done | {name}


# -- graphs -----------------------------------------------------------------------------------

Graph = Mapping[str, Iterable[str]]  # step => the steps it runs after


def transitive_predecessors(graph: Graph) -> dict[str, set[str]]:
    """Step => every step it depends on, directly or through others (the graph must be acyclic)."""
    result: dict[str, set[str]] = {}

    def visit(step: str, path: tuple[str, ...]) -> set[str]:
        if step in result:
            return result[step]
        if step in path:
            raise ValueError(f"dependency cycle: {' -> '.join((*path, step))}")
        found: set[str] = set()
        for parent in graph.get(step, ()):
            found |= {parent} | visit(parent, (*path, step))
        result[step] = found
        return found

    for step in graph:
        visit(step, ())
    return result


def is_series_parallel(graph: Graph) -> bool:
    """True when fork/join (nested Parallel states) can express the graph exactly.

    That is the case exactly when the dependency order has no "N" (four steps a, b, c, d with
    a->c, a->d, b->d and no other relation between them): its comparability graph has no induced
    path of four vertices.
    """
    ancestors = transitive_predecessors(graph)
    # Comparability: x and y are related when one depends on the other, directly or not.
    related = {step: set(ancestors[step]) for step in graph}
    for step, parents in ancestors.items():
        for parent in parents:
            related[parent].add(step)
    # An induced path a-b-c-d has a middle pair b-c, a neighbour a of b outside c's
    # neighbourhood and a neighbour d of c outside b's, with a and d unrelated: searching from
    # each related pair costs O(pairs x degree^2) instead of every ordered quadruple of steps.
    for b in graph:
        for c in related[b]:
            ends_a = related[b] - related[c] - {c}
            ends_d = related[c] - related[b] - {b}
            if any(ends_d - related[a] for a in ends_a):
                return False
    return True


def missing_waits(shape: DefinitionShape, graph: Graph) -> dict[str, set[str]]:
    """Task => dependencies it does not wait for (must be empty: else a step can start too early)."""
    ancestors = transitive_predecessors(graph)
    return {
        step: missing
        for step, parents in ancestors.items()
        if (missing := parents - set(shape.waits_for.get(step, frozenset())))
    }


def extra_waits(shape: DefinitionShape, graph: Graph) -> dict[str, set[str]]:
    """Task => steps it waits for without depending on them (empty for series-parallel graphs)."""
    ancestors = transitive_predecessors(graph)
    return {
        step: extra for step, waited in shape.waits_for.items() if (extra := set(waited) - ancestors.get(step, set()))
    }


# -- one execution ----------------------------------------------------------------------------


@dataclass
class StepRun:
    """What one task of an execution did (``status`` NOT_STARTED when it never ran)."""

    step: str
    status: str = "NOT_STARTED"
    job_name: str | None = None
    job_id: str | None = None
    created_at: int | None = None  # epoch ms, as Batch reports them
    started_at: int | None = None
    stopped_at: int | None = None
    status_reason: str = ""
    entered_event: int | None = None  # execution-history event ids
    entered_after: int | None = None  # the event the task was entered after (previousEventId)
    submitted_event: int | None = None
    finished_event: int | None = None
    error: str = ""

    @property
    def started(self) -> bool:
        return self.entered_event is not None


@dataclass
class PipelineRun:
    execution_arn: str
    status: str
    error: str = ""
    cause: str = ""
    input: Any = None
    steps: dict[str, StepRun] = field(default_factory=dict)

    def submission_order(self) -> list[str]:
        """Steps whose job was submitted, in execution-history order."""
        submitted = [s for s in self.steps.values() if s.submitted_event is not None]
        return [s.step for s in sorted(submitted, key=lambda s: s.submitted_event or 0)]

    def order_violations(self, graph: Graph) -> list[str]:
        """Every dependency this run did not respect, one line each (empty = all respected).

        A step that ran must have been entered only after each of its dependencies' tasks
        succeeded (history order), and its job created no earlier than theirs stopped (Batch
        times). A step whose dependency did not succeed must not have started at all.
        """
        lines: list[str] = []
        for step, parents in transitive_predecessors(graph).items():
            run = self.steps.get(step)
            if run is None or not run.started:
                continue
            for parent in sorted(parents):
                before = self.steps.get(parent)
                if before is None or before.status != "SUCCEEDED":
                    status = before.status if before else "unknown"
                    lines.append(f"{step} started although {parent} is {status}")
                    continue
                if before.finished_event is None or (run.entered_event or 0) < before.finished_event:
                    lines.append(f"{step} entered (event {run.entered_event}) before {parent} succeeded")
                if run.created_at is not None and before.stopped_at is not None and run.created_at < before.stopped_at:
                    lines.append(
                        f"job of {step} created at {run.created_at} before the job of {parent} stopped at "
                        f"{before.stopped_at}"
                    )
        return lines


@dataclass(frozen=True)
class StepTimes:
    """What a report knows about one task's job: its status and the times Batch reports (ms)."""

    status: str
    created_at: int | None = None
    stopped_at: int | None = None


def start_order_problems(definition: str | Mapping[str, Any], steps: Mapping[str, StepTimes]) -> list[str]:
    """Tasks whose job started before a task the definition makes it wait for had succeeded.

    For reports that know the state machine but not the pipeline's graph (the harness): the
    definition itself says what each task waits for (``analyse_definition``). ``steps`` maps task
    state names to their job; a task absent from it never submitted a job.
    """
    problems: list[str] = []
    for step, waited in analyse_definition(definition).waits_for.items():
        run = steps.get(step)
        if run is None or run.created_at is None:
            continue
        for before in sorted(waited):
            prior = steps.get(before)
            if prior is None or prior.status != "SUCCEEDED":
                state = prior.status if prior else "never submitted"
                problems.append(f"{step} started although {before} did not succeed ({state})")
            elif prior.stopped_at is not None and run.created_at < prior.stopped_at:
                problems.append(
                    f"{step} was created at {run.created_at}, before {before} stopped at {prior.stopped_at}"
                )
    return problems


def wait_for_execution(
    sfn: Any,
    execution_arn: str,
    timeout: float = 120.0,
    poll: float = 0.2,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """DescribeExecution once it is final; TimeoutError (with the last status) otherwise."""
    deadline = clock() + timeout
    while True:
        described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] in EXECUTION_FINAL:
            return described
        if clock() >= deadline:
            raise TimeoutError(f"execution {execution_arn} still {described['status']} after {timeout}s")
        sleep(poll)


def read_run(
    sfn: Any, batch: Any, execution_arn: str, definition: str | Mapping[str, Any] | None = None
) -> PipelineRun:
    """One execution: its status and, per task of the definition, the Batch job and the events.

    ``definition`` defaults to the state machine's current one. Tasks are tied to history events
    through each event's chain of previous events up to its ``TaskStateEntered``, so parallel
    branches never mix.
    """
    described = sfn.describe_execution(executionArn=execution_arn)
    if definition is None:
        definition = sfn.describe_state_machine(stateMachineArn=described["stateMachineArn"])["definition"]
    shape = analyse_definition(definition)
    raw_input = described.get("input")
    run = PipelineRun(
        execution_arn=execution_arn,
        status=described["status"],
        error=described.get("error", ""),
        cause=described.get("cause", ""),
        input=json.loads(raw_input) if raw_input else None,
        steps={name: StepRun(step=name, job_name=task.job_name) for name, task in shape.tasks.items()},
    )
    for entry in task_entries(execution_history(sfn, execution_arn)):
        step = run.steps.get(entry.state)
        if step is None:
            continue
        step.entered_event, step.entered_after = entry.entered_event, entry.entered_after
        step.status = "ENTERED" if entry.status == "SCHEDULED" else entry.status
        step.job_id = entry.job_id
        step.submitted_event, step.finished_event = entry.submitted_event, entry.finished_event
        step.error = entry.error
    job_ids = [s.job_id for s in run.steps.values() if s.job_id]
    jobs: dict[str, dict[str, Any]] = {}
    for start in range(0, len(job_ids), 100):
        for job in batch.describe_jobs(jobs=job_ids[start : start + 100]).get("jobs", []):
            jobs[job["jobId"]] = job
    for step in run.steps.values():
        job = jobs.get(step.job_id or "")
        if job is None:
            continue
        step.job_name = job.get("jobName", step.job_name)
        step.created_at = job.get("createdAt")
        step.started_at = job.get("startedAt")
        step.stopped_at = job.get("stoppedAt")
        step.status_reason = job.get("statusReason", "")
        if step.status != "FAILED" or job.get("status") == "FAILED":
            step.status = job.get("status", step.status)
    return run


def format_run(run: PipelineRun) -> str:
    """A plain-text table: step, job, status, submission order, Batch times."""
    order = {step: i for i, step in enumerate(run.submission_order(), start=1)}
    rows = [("step", "job", "status", "order", "created", "stopped")]
    for step in sorted(run.steps.values(), key=lambda s: (order.get(s.step, 10**6), s.step)):
        rows.append(
            (
                step.step,
                f"{step.job_name or ''} {step.job_id or ''}".strip(),
                step.status + (f" ({step.status_reason})" if step.status_reason else ""),
                str(order.get(step.step, "-")),
                str(step.created_at or "-"),
                str(step.stopped_at or "-"),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"execution {run.execution_arn}: {run.status}" + (f" ({run.error})" if run.error else "")]
    lines += ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)
