"""Done-when of dynamic schedules, end to end in a fresh local account (examples/self-service).

On the session's shared e2e run of the example (``e2e.stacks``; tests/e2e/test_examples.py proves
the rest of that run): after apply, the example's application script — only the client and the module's outputs —
schedules a report for a user in Europe/Berlin, its Scheduler calls authorised by the manager
policy (batch_harness.delivery.manager_gate). The harness then delivers every schedule of the group as
Scheduler would, the jobs run, the schedules are deleted and nothing is left. Refused on the way:
an undeclared parameter, an invalid expression, a foreign group (the client), and — proved with the
IAM evaluator — a schedule in another group or passing another role (the manager policy).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from batch_harness.delivery.manager_gate import ManagerGate
from batch_harness.dynamic_schedules import DynamicScheduleClient, DynamicScheduleConfig
from batch_harness.iam import Request, evaluate
from batch_harness.pytest_plugin import SharedE2E, stack_check
from batch_harness.run.e2e import Run
from e2e.stacks import example_run, group

REPO = Path(__file__).resolve().parents[2]
STACK = "self-service"
EXAMPLE = REPO / "examples" / STACK
NAME = "sb-selfservice"

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500), group(STACK)]


def load_app() -> Any:
    spec = importlib.util.spec_from_file_location("schedule_report", EXAMPLE / "app" / "schedule_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def refusal(action: Any) -> str:
    with pytest.raises((ValueError, ClientError)) as raised:
        action()
    return str(raised.value)


@stack_check(STACK, phase="after_apply")
def application_side(run: Run) -> dict[str, Any]:
    """What an application does with the stack's outputs (and what it is refused)."""
    with tempfile.TemporaryDirectory() as tmp:
        seen: dict[str, Any] = {}
        _application_side(run, Path(tmp), seen)
        return seen


def _application_side(run: Run, tmp: Path, seen: dict[str, Any]) -> None:
    assert run.runner is not None
    outputs_file = tmp / "outputs.json"
    outputs_file.write_text(json.dumps(run.runner.output()))
    outputs = json.loads(outputs_file.read_text())
    account, region = run.account.account_id, run.account.region
    app_role = f"arn:aws:iam::{account}:role/{NAME}-application"
    gate = ManagerGate(outputs["dynamic_schedule_manager_policy_json"], app_role, account, region)
    scheduler = gate.install(run.account.client("scheduler"))
    app = load_app()

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        seen["app_rc"] = app.main(
            ["--outputs", str(outputs_file), "--user", "alice", "--timezone", "Europe/Berlin", "--format", "csv"],
            scheduler=scheduler,
        )
        seen["app_bad_tz_rc"] = app.main(
            ["--outputs", str(outputs_file), "--user", "bob", "--timezone", "Mars/Olympus"], scheduler=scheduler
        )
    seen["app_out"], seen["app_err"] = out.getvalue(), err.getvalue()
    seen["gate_allowed"] = [(what, d.allowed) for what, d in gate.decisions]

    client = DynamicScheduleClient(DynamicScheduleConfig.from_file(outputs_file), scheduler)
    seen["undeclared"] = refusal(
        lambda: client.create("alice", "x", "report", "rate(1 day)", parameters={"bucket": "b"})
    )
    seen["expression"] = refusal(lambda: client.create("alice", "x", "report", "cron(0 8 * * MON *)"))
    seen["foreign_group"] = refusal(lambda: client.create("alice", "x", "report", "rate(1 day)", group=f"{NAME}"))

    # The manager policy itself, for calls that bypass the client's checks.
    target = outputs["dynamic_schedule_targets"]["report"]
    request = client.config.target("report")
    body = {
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "ScheduleExpression": "rate(1 day)",
        "Target": {"Arn": target["target_arn"], "RoleArn": target["role_arn"], "Input": "{}"},
    }
    seen["other_group"] = refusal(lambda: scheduler.create_schedule(Name="x", GroupName="default", **body))
    other_role = f"arn:aws:iam::{account}:role/{NAME}-report-job"
    stolen = {**body, "Target": {**body["Target"], "RoleArn": other_role}}
    seen["other_role"] = refusal(
        lambda: scheduler.create_schedule(Name="alice_x", GroupName=client.config.group_name, **stolen)
    )
    policy = outputs["dynamic_schedule_manager_policy_json"]
    seen["pass_to_lambda"] = evaluate(
        Request("iam:PassRole", request.role_arn, {"iam:PassedToService": "lambda.amazonaws.com"}, app_role), [policy]
    ).allowed
    seen["delete_foreign"] = evaluate(
        Request("scheduler:DeleteSchedule", f"arn:aws:scheduler:{region}:{account}:schedule/{NAME}/x", {}, app_role),
        [policy],
    ).allowed


def test_a_user_schedule_is_created_delivered_run_and_deleted(shared_e2e: SharedE2E) -> None:
    shared = example_run(shared_e2e, STACK)
    seen = shared.check(application_side)
    report, summary = shared.report, shared.summary()
    assert report.errors == [], summary

    # The application's schedule: created through the client, every call allowed by the policy.
    assert seen["app_rc"] == 0, seen["app_err"]
    assert json.loads(seen["app_out"].splitlines()[0])["schedule"] == "alice_weekly-report"
    assert seen["gate_allowed"] and all(allowed for _, allowed in seen["gate_allowed"]), seen["gate_allowed"]
    # Refused with clear messages, before any AWS call...
    assert seen["app_bad_tz_rc"] == 2
    assert "refused: timezone: 'Mars/Olympus' is not an IANA time zone" in seen["app_err"]
    assert seen["undeclared"] == "parameters: 'bucket' is not a parameter of job 'report' (declared: format, period)"
    assert seen["expression"].startswith("expression: 'cron(0 8 * * MON *)': exactly one of day-of-month")
    assert seen["foreign_group"].startswith(f"group: '{NAME}' is not this module's dynamic schedule group")
    # ...and by the manager policy (the IAM evaluator's answer, as AWS would give it).
    assert "AccessDeniedException" in seen["other_group"] and "scheduler:CreateSchedule" in seen["other_group"]
    assert ":schedule/default/x" in seen["other_group"]
    assert "AccessDeniedException" in seen["other_role"] and "iam:PassRole" in seen["other_role"]
    assert f"role/{NAME}-report-job" in seen["other_role"]
    assert seen["pass_to_lambda"] is False
    assert seen["delete_foreign"] is False

    # Delivered like any schedule, in the user's time zone, and the job ran with their parameter.
    by_label = {o.delivery.schedule.label: o for o in report.outcomes}
    user = by_label[f"{NAME}-dynamic/alice_weekly-report"]
    assert user.delivery.schedule.timezone == "Europe/Berlin"
    assert user.delivery.params["parameters"] == {"format": "csv"}
    assert user.status == "SUCCEEDED", summary
    assert user.job is not None and user.job.job_name == "alice_weekly-report"
    assert by_label[f"{NAME}-dynamic/harness_report"].status == "SUCCEEDED", summary
    assert report.delivery_problems == [], summary

    steps = [s.name for s in report.steps]
    assert steps.index("create dynamic schedules") < steps.index("fire every schedule")
    assert steps.index("wait for jobs") < steps.index("delete dynamic schedules") < steps.index("destroy")
    assert report.leaks == [], summary
    assert report.ok, summary
