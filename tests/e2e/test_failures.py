"""What must fail, fails, and says why: a role without batch:SubmitJob, a job that fails, a destroy
that leaves something behind. Plus the up / smoke / down session through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from batch_harness.emulator.account import LocalAccount, pid_alive
from batch_harness.terraform.addresses import state_resources

from .support import REPO, harness, port_open

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500)]
MINIMAL = REPO / "examples" / "minimal"


def client(endpoint: str, service: str) -> Any:
    return boto3.client(
        service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
    )


def schedule_roles(endpoint: str) -> dict[str, str]:
    """``group/name`` -> role name, for every Scheduler schedule in the account."""
    scheduler = client(endpoint, "scheduler")
    roles: dict[str, str] = {}
    for summary in scheduler.list_schedules()["Schedules"]:
        got = scheduler.get_schedule(Name=summary["Name"], GroupName=summary["GroupName"])
        roles[f"{got['GroupName']}/{got['Name']}"] = got["Target"]["RoleArn"].rsplit("/", 1)[-1]
    return roles


def strip_submit_job(iam: Any, role: str) -> dict[str, Any]:
    """Replace the role's inline policies by copies without batch:SubmitJob; returns the originals."""
    originals: dict[str, Any] = {}
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        originals[name] = document
        kept = [
            s
            for s in document["Statement"]
            if "batch:SubmitJob" not in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
        ]
        iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=json.dumps({**document, "Statement": kept}))
    return originals


def test_session_up_smoke_down_with_a_denied_role_and_a_failing_job(tmp_path):
    state = tmp_path / "state"
    up = harness("up", str(MINIMAL), state_dir=state)
    assert up.returncode == 0, up.stdout + up.stderr
    session = json.loads((state / "session.json").read_text())
    endpoint, pid, port = session["local"]["endpoint"], session["local"]["pid"], session["local"]["port"]
    assert pid_alive(pid), "up must leave the emulator running for smoke/down"

    ok = harness("smoke", state_dir=state)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "SUCCEEDED" in ok.stdout

    # A schedule role without batch:SubmitJob: the smoke run fails and names schedule and reason.
    [(schedule, role)] = schedule_roles(endpoint).items()
    iam = client(endpoint, "iam")
    originals = strip_submit_job(iam, role)
    denied = harness("smoke", state_dir=state)
    assert denied.returncode == 1, denied.stdout
    lines = [line for line in denied.stdout.splitlines() if f"schedule {schedule}:" in line]
    assert lines, denied.stdout
    assert "may not batch:SubmitJob" in " ".join(lines) and "no statement allows" in denied.stdout
    for name, document in originals.items():
        iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=json.dumps(document))

    # A job forced to fail is reported FAILED with its attempts, and the run exits non-zero.
    LocalAccount.attach(session["local"]).set_batch_failure(0)
    failed = harness("smoke", "--json", str(tmp_path / "failed.json"), state_dir=state)
    assert failed.returncode == 1, failed.stdout
    report = json.loads((tmp_path / "failed.json").read_text())
    [entry] = report["schedules"]
    assert entry["status"] == "FAILED" and entry["job"]["attempts"] >= 1
    assert f"FAILED after {entry['job']['attempts']} attempt(s)" in report["job_failures"][0]
    assert report["job_failures"][0].startswith(f"schedule {schedule}: job ")
    assert "FAILED" in failed.stdout and "jobs that did not succeed:" in failed.stdout

    # Not a test of destroy (e2e runs prove that): discard the account.
    down = harness("down", "--discard", state_dir=state)
    assert down.returncode == 0, down.stdout + down.stderr
    assert not state.exists()
    assert not pid_alive(pid) and not port_open(port)


def test_applied_stack_failing_job_and_a_destroy_that_leaves_something_behind(applied):
    """The `applied` fixture (for users' own suites), a failing job reported in process, and the
    leak check after destroy: one resource created outside Terraform, one Terraform forgot."""
    stack = applied(MINIMAL, destroy=False)
    assert stack.outputs, "the example's outputs are read back"

    stack.account.set_batch_failure(0)
    report = stack.smoke()
    [outcome] = report.outcomes
    assert outcome.status == "FAILED" and outcome.job is not None and outcome.job.attempts == 1
    assert report.exit_code == 1 and "FAILED after 1 attempt(s)" in report.job_failures[0]

    stack.clients("sqs").create_queue(QueueName="created-outside-terraform", tags={"team": "data"})
    runner = stack.runner
    address = next(a for a in runner.state_addresses() if ".aws_cloudwatch_log_group." in a)
    log_group = _log_group_name(stack.state(), address)
    runner._run("state", "rm", address)
    stack.destroy()
    leaks = stack.sweep()
    assert any("sqs queue created-outside-terraform" in leak for leak in leaks), leaks
    assert any(f"log group {log_group}" in leak for leak in leaks), leaks
    assert not [leak for leak in leaks if "terraform state" in leak], leaks  # the state itself is empty
    assert Path(stack.workdir).is_dir()


def _log_group_name(state: dict[str, Any], address: str) -> str:
    name = next((r["values"]["name"] for r in state_resources(state) if r["address"] == address), None)
    assert name, address
    return str(name)
