"""Per job, the report gives runner, status, attempts, exit code, reason, seconds and log tail."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from batch_harness.cli.report import outcome_dict, render_log_tails, render_results
from batch_harness.delivery.deliver import Delivery
from batch_harness.delivery.schedules import Schedule, Target
from batch_harness.run.job_logs import fill_log_tails
from batch_harness.run.jobs import JobOutcome, Outcome, failures

QUEUE = "arn:aws:batch:us-east-1:123456789012:job-queue/reports-default"
DEFINITION = "arn:aws:batch:us-east-1:123456789012:job-definition/reports-export:2"


def _outcome(status: str, exit_code: int, reason: str = "") -> Outcome:
    schedule = Schedule("scheduler", "export-daily", "default", "arn:sched/export", "rate(1 day)", "ENABLED", [])
    delivery = Delivery(schedule, Target(arn="arn:aws:scheduler:::aws-sdk:batch:submitJob", role_arn="arn:role"))
    delivery.kind = "batch"
    delivery.job_id = "j1"
    described = {
        "jobId": "j1",
        "jobName": "export-daily",
        "jobQueue": QUEUE,
        "jobDefinition": DEFINITION,
        "status": status,
        "statusReason": reason,
        "attempts": [{}, {}],
        "createdAt": 1000,
        "stoppedAt": 3500,
        "container": {"exitCode": exit_code, "logStreamName": "batch/default/abc"},
    }
    return Outcome(delivery, job=JobOutcome.from_describe(described))


class FakeClients:
    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def __call__(self, service: str) -> Any:
        return self

    def describe_job_definitions(self, jobDefinitions: list[str]) -> dict[str, Any]:
        options = {"awslogs-group": "/aws/batch/reports/export", "awslogs-stream-prefix": "batch"}
        return {"jobDefinitions": [{"containerProperties": {"logConfiguration": {"options": options}}}]}

    def get_log_events(self, logGroupName: str, logStreamName: str, **_: Any) -> dict[str, Any]:
        self.asked.append((logGroupName, logStreamName))
        return {"events": [{"message": f"line {n}"} for n in range(12)]}


def test_failed_job_report_fields_and_log_tail_on_screen() -> None:
    outcome = _outcome("FAILED", 3, "Essential container in task exited")
    assert outcome.job is not None
    outcome.job.runner = "container"
    clients = FakeClients()
    fill_log_tails(clients, [outcome.job], lines=3)
    assert clients.asked == [("/aws/batch/reports/export", "batch/default/abc")]
    data = outcome_dict(outcome)["job"]
    assert {k: data[k] for k in ("runner", "status", "attempts", "exit_code", "status_reason", "seconds")} == {
        "runner": "container",
        "status": "FAILED",
        "attempts": 2,
        "exit_code": 3,
        "status_reason": "Essential container in task exited",
        "seconds": 2.5,
    }
    assert data["log_tail"] == ["line 9", "line 10", "line 11"]
    console = Console(width=220, record=True)
    console.print(render_results([outcome]))
    console.print(render_log_tails([outcome]))
    text = console.export_text()
    row = next(line for line in text.splitlines() if "export-daily" in line and "FAILED" in line)
    for cell in ("container", "FAILED", " 3 ", "Essential container in task exited"):
        assert cell in row
    assert "export-daily FAILED, exit 3 — last log lines" in text and "| line 11" in text
    assert failures([outcome]) == [
        "schedule default/export-daily: job export-daily (j1) FAILED after 2 attempt(s), exit code 3: "
        "Essential container in task exited"
    ]
