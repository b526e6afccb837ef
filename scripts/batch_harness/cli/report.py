"""Rich rendering of a run: live progress, the final table per schedule, pipeline steps, leaks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from batch_harness.run.jobs import Outcome

STYLES = {
    "SUCCEEDED": "green",
    "DELIVERED": "green",
    "FAILED": "bold red",
    "NOT DELIVERED": "bold red",
    "NOT FIRED": "yellow",
    "TIMED_OUT": "bold red",
    "ABORTED": "bold red",
}


def make_console() -> Console:
    """A console for run output: wide enough for the tables when writing to a log or a pipe."""
    probe = Console()
    return Console(highlight=False, width=None if probe.is_terminal else max(probe.width, 200))


def _status(text: str) -> Text:
    base = text.split(" ", 1)[0] if not text.startswith("NOT ") else text
    return Text(text, style=STYLES.get(base, "cyan"))


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def progress_table(outcomes: list[Outcome]) -> Table:
    """What the live display shows while waiting."""
    table = Table(title="waiting for jobs", title_justify="left", expand=False)
    for column in ("schedule", "job / execution", "status"):
        table.add_column(column)
    for outcome in outcomes:
        delivery = outcome.delivery
        if delivery.job_id:
            name = f"{delivery.job_name} {delivery.job_id[:8]}"
        elif delivery.execution_arn:
            name = delivery.execution_arn.rsplit(":", 1)[-1]
            if outcome.execution and outcome.execution.steps:
                done = sum(1 for s in outcome.execution.steps if s.status == "SUCCEEDED")
                name += f" ({done}/{len(outcome.execution.steps)} steps)"
        else:
            name = ""
        table.add_row(
            delivery.label, name, _status(outcome.status if outcome.job or outcome.execution else "SUBMITTED")
        )
    return table


def results_table(outcomes: list[Outcome]) -> Table:
    """The final table: one row per schedule target."""
    table = Table(title="schedules", title_justify="left")
    columns = ("schedule", "job", "queue", "job definition", "runner", "final status", "attempts", "exit code")
    for column in (*columns, "seconds", "status reason"):
        table.add_column(column, justify="right" if column in ("attempts", "exit code", "seconds") else "left")
    for outcome in outcomes:
        delivery = outcome.delivery
        if outcome.job:
            job = outcome.job
            table.add_row(
                delivery.label,
                job.job_name,
                job.queue,
                job.job_definition,
                job.runner,
                _status(outcome.status),
                str(job.attempts),
                "" if job.exit_code is None else str(job.exit_code),
                _seconds(job.seconds),
                job.status_reason if job.status != "SUCCEEDED" else "",
            )
        elif outcome.execution:
            execution = outcome.execution
            table.add_row(
                delivery.label,
                f"pipeline {execution.execution_arn.split(':')[-2]} ({len(execution.steps)} steps)",
                "",
                "",
                "",
                _status(outcome.status),
                "",
                "",
                _seconds(execution.seconds),
                "",
            )
        elif delivery.kind == "api" and delivery.action is not None:
            table.add_row(
                delivery.label, delivery.action.iam_action, "", "", "", _status(outcome.status), "", "", "", ""
            )
        else:
            params = delivery.params
            queue = str(params.get("jobQueue", "")).rsplit("/", 1)[-1]
            definition = str(params.get("jobDefinition", "")).rsplit("/", 1)[-1]
            table.add_row(
                delivery.label, delivery.job_name or "", queue, definition, "", _status(outcome.status), "", "", "", ""
            )
    return table


def steps_table(outcomes: list[Outcome]) -> Table | None:
    """Pipeline steps: each step's job, status and start order (by Batch's submission time)."""
    rows = [(o, s) for o in outcomes if o.execution for s in o.execution.steps]
    if not rows:
        return None
    table = Table(title="pipeline steps", title_justify="left")
    for column in ("schedule", "order", "step", "job", "queue", "job definition", "status", "attempts", "seconds"):
        table.add_column(column, justify="right" if column in ("order", "attempts", "seconds") else "left")
    for outcome, step in sorted(rows, key=lambda r: (r[0].delivery.label, r[1].order or 10**6, r[1].state)):
        job = step.job
        table.add_row(
            outcome.delivery.label,
            str(step.order) if step.order else "-",
            step.state,
            job.job_name if job else "",
            job.queue if job else "",
            job.job_definition if job else "",
            _status(step.status),
            str(job.attempts) if job else "",
            _seconds(job.seconds if job else None),
        )
    return table


def render_results(outcomes: list[Outcome]) -> RenderableType:
    parts: list[RenderableType] = [results_table(outcomes)]
    steps = steps_table(outcomes)
    if steps is not None:
        parts.append(steps)
    return Group(*parts)


def render_log_tails(outcomes: list[Outcome]) -> RenderableType:
    """The last log lines of every job (a failed job's reason is then on screen)."""
    parts: list[RenderableType] = []
    jobs = [(o.delivery.label, o.job) for o in outcomes if o.job]
    jobs += [
        (f"{o.delivery.label} / {s.state}", s.job) for o in outcomes if o.execution for s in o.execution.steps if s.job
    ]
    for label, job in jobs:
        if job is None or (not job.log_tail and job.status == "SUCCEEDED"):
            continue
        exit_code = "" if job.exit_code is None else f", exit {job.exit_code}"
        header = Text(
            f"{label}: {job.job_name} {job.status}{exit_code} — last log lines", style=STYLES.get(job.status, "cyan")
        )
        body = job.log_tail or [f"(no log lines{': ' + job.status_reason if job.status_reason else ''})"]
        parts.append(Group(header, *(Text(f"  | {line}") for line in body)))
    return Group(*parts)


def print_lines(console: Console, title: str, lines: Iterable[str], style: str = "bold red") -> None:
    lines = list(lines)
    if not lines:
        return
    console.print(Text(title, style=style))
    for line in lines:
        console.print(Text(f"  - {line}"))


def outcome_dict(outcome: Outcome) -> dict[str, Any]:
    """Machine-readable form (``--json``)."""
    delivery = outcome.delivery
    data: dict[str, Any] = {
        "schedule": delivery.label,
        "backend": delivery.schedule.backend,
        "schedule_arn": delivery.schedule.arn,
        "status": outcome.status,
        "succeeded": outcome.succeeded,
        "problems": delivery.messages(),
        "skipped": delivery.skipped,
    }
    if outcome.job:
        job = outcome.job
        data["job"] = {
            "id": job.job_id,
            "name": job.job_name,
            "queue": job.queue,
            "job_definition": job.job_definition,
            "runner": job.runner,
            "status": job.status,
            "attempts": job.attempts,
            "exit_code": job.exit_code,
            "status_reason": job.status_reason,
            "seconds": job.seconds,
            "log_tail": job.log_tail,
        }
    if outcome.execution:
        execution = outcome.execution
        data["execution"] = {
            "arn": execution.execution_arn,
            "status": execution.status,
            "seconds": execution.seconds,
            "steps": [
                {
                    "state": s.state,
                    "order": s.order,
                    "status": s.status,
                    "job_id": s.job_id,
                    "job_name": s.job.job_name if s.job else None,
                    "created_at": s.job.created_at if s.job else None,
                    "attempts": s.job.attempts if s.job else None,
                    "runner": s.job.runner if s.job else None,
                    "exit_code": s.job.exit_code if s.job else None,
                    "status_reason": s.job.status_reason if s.job else None,
                    "log_tail": s.job.log_tail if s.job else [],
                }
                for s in execution.steps
            ],
        }
    return data
