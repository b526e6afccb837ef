"""examples/pipeline in a local account: schedules fired as AWS would, jobs run in dependency order.

These checks run on the session's shared e2e run of the example (``e2e.stacks``), after its own
smoke run and before its destroy: each fires a pipeline schedule through the harness's delivery
(schedule and target read back from the API, the schedule role's permission to start the state
machine evaluated, the input Scheduler would send) and reads the execution back: its history and
the Batch jobs it submitted, with the times Batch reports. The same apply serves the
least-privilege check of the state machines' roles. Each test asserts its check's recorded result.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from batch_harness.delivery.deliver import AccountInfo, Delivery, deliver_all
from batch_harness.delivery.dynamic_run import outputs_in_state_file
from batch_harness.delivery.permissions import LocalPermissions
from batch_harness.delivery.schedules import Schedule, discover
from batch_harness.posture.least_privilege import deployed_problems
from batch_harness.pytest_plugin import SharedE2E, SharedRun, stack_check
from batch_harness.run import pipelines as pl
from batch_harness.run.e2e import Run
from batch_harness.terraform.addresses import state_resources
from e2e.stacks import example_run, group

EXAMPLE = "pipeline"
NAME = "sb-pipeline"  # the example's default name

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500), group(EXAMPLE)]


@dataclass
class Stack:
    run: Run
    outputs: dict[str, Any]
    schedules: list[Schedule]
    state: dict[str, Any]

    @classmethod
    def of(cls, run: Run) -> Stack:
        """The applied example as these checks see it (built once per run)."""
        cached = _STACKS.get(run.run_id)
        if cached is None:
            assert run.runner is not None
            outputs = outputs_in_state_file(json.loads((Path(run.runner.workdir) / "terraform.tfstate").read_text()))
            state = run.runner.show_state()
            outputs["queue_arns"] = {
                r["values"]["name"]: r["values"]["arn"]
                for r in state_resources(state)
                if r["type"] == "aws_batch_job_queue"
            }
            schedules = discover(run.clients, state)  # read back from the API, as delivered
            cached = _STACKS[run.run_id] = cls(run, outputs, schedules, state)
        return cached

    @property
    def account(self) -> Any:
        return self.run.account

    def clients(self, service: str) -> Any:
        return self.run.clients(service)

    def graph(self, pipeline: str) -> dict[str, list[str]]:
        return {step: spec["after"] for step, spec in self.outputs["pipelines"][pipeline]["steps"].items()}

    def fire(self, schedule_name: str) -> Delivery:
        """Deliver one schedule as AWS would (harness delivery: role check, Scheduler input)."""
        schedules = [s for s in self.schedules if s.name == schedule_name]
        assert len(schedules) == 1, f"schedule {schedule_name} not deployed"
        account = AccountInfo(self.account.account_id, self.account.region)
        (delivery,) = deliver_all(schedules, account, LocalPermissions(self.clients("iam")), self.clients)
        assert delivery.problems == [], delivery.problems
        assert delivery.execution_arn, "the schedule did not start an execution"
        return delivery

    def run_of(self, execution_arn: str) -> pl.PipelineRun:
        sfn = self.clients("stepfunctions")
        pl.wait_for_execution(sfn, execution_arn, timeout=120)
        return pl.read_run(sfn, self.clients("batch"), execution_arn)


_STACKS: dict[str, Stack] = {}


def shared_run(shared_e2e: SharedE2E) -> SharedRun:
    return example_run(shared_e2e, EXAMPLE)


@stack_check(EXAMPLE, phase="after_smoke")
def check_outputs_name_every_state_machine(e2e: Run) -> None:
    stack = Stack.of(e2e)
    arns = stack.outputs["state_machine_arns"]
    assert set(arns) == {"weekly", "nightly"}
    sfn = stack.clients("stepfunctions")
    for pipeline, arn in arns.items():
        described = sfn.describe_state_machine(stateMachineArn=arn)
        assert described["name"] == f"{NAME}-{pipeline}"
        shape = pl.analyse_definition(described["definition"])
        assert shape.problems == []
        assert pl.missing_waits(shape, stack.graph(pipeline)) == {}
        assert pl.extra_waits(shape, stack.graph(pipeline)) == {}


def test_outputs_name_every_state_machine(shared_e2e: SharedE2E) -> None:
    shared_run(shared_e2e).check(check_outputs_name_every_state_machine)


@stack_check(EXAMPLE, phase="after_smoke")
def check_diamond_runs_in_dependency_order(e2e: Run) -> None:
    stack = Stack.of(e2e)
    delivery = stack.fire(f"{NAME}-nightly-nightly")
    sent = json.loads(delivery.params["input"])
    run = stack.run_of(delivery.execution_arn or "")

    assert run.status == "SUCCEEDED", pl.format_run(run)
    assert {s.step: s.status for s in run.steps.values()} == dict.fromkeys(stack.graph("nightly"), "SUCCEEDED")
    assert run.order_violations(stack.graph("nightly")) == [], pl.format_run(run)

    steps = run.steps
    # Batch's own clock: each job was created only after the jobs it runs after had stopped.
    for step, after in stack.graph("nightly").items():
        for parent in after:
            assert steps[parent].stopped_at is not None and steps[step].created_at is not None
            assert steps[parent].stopped_at <= steps[step].created_at, pl.format_run(run)
    # The history: both middle steps start after extract succeeded and before load starts, and
    # neither waited for the other: both were entered right after the same ParallelStateStarted
    # event (their previous event), not one after the other's end.
    for middle in ("orders", "customers"):
        assert (steps["extract"].finished_event or 0) < (steps[middle].entered_event or 0)
        assert (steps[middle].finished_event or 0) < (steps["load"].entered_event or 0)
    events = {e["id"]: e for e in pl.execution_history(stack.clients("stepfunctions"), delivery.execution_arn or "")}
    fork = steps["orders"].entered_after
    assert fork is not None and fork == steps["customers"].entered_after
    assert events[fork]["type"] == "ParallelStateStarted"
    order = run.submission_order()
    assert order[0] == "extract" and set(order[1:3]) == {"orders", "customers"} and order[3:] == ["load", "report"]

    # The run is traceable: Scheduler's time is in the input and in every job's environment, and
    # the parameters are the step's own overridden by the schedule's.
    assert sent["scheduled_time"].endswith("Z") and "<aws.scheduler" not in delivery.params["input"]
    jobs = {
        j["jobName"]: j
        for j in stack.clients("batch").describe_jobs(jobs=[s.job_id for s in steps.values() if s.job_id])["jobs"]
    }
    orders = jobs[f"{NAME}-nightly-orders"]
    env = {e["name"]: e["value"] for e in orders["container"]["environment"]}
    assert env["BATCH_PIPELINE"] == "nightly" and env["BATCH_PIPELINE_STEP"] == "orders"
    assert env["BATCH_PIPELINE_SCHEDULED_TIME"] == sent["scheduled_time"]
    assert env["BATCH_PIPELINE_EXECUTION_ARN"] == delivery.execution_arn
    assert orders["parameters"]["table"] == "orders" and orders["parameters"]["run"] == "scheduled"
    assert jobs[f"{NAME}-nightly-report"]["parameters"]["period"] == "yesterday"


def test_diamond_runs_in_dependency_order(shared_e2e: SharedE2E) -> None:
    shared_run(shared_e2e).check(check_diamond_runs_in_dependency_order)


@stack_check(EXAMPLE, phase="after_smoke")
def check_weekly_chain_optimises_before_the_report(e2e: Run) -> None:
    stack = Stack.of(e2e)
    delivery = stack.fire(f"{NAME}-weekly-sunday")
    run = stack.run_of(delivery.execution_arn or "")
    assert run.status == "SUCCEEDED", pl.format_run(run)
    assert run.submission_order() == ["optimize", "report"]
    assert run.order_violations(stack.graph("weekly")) == []
    report = stack.clients("batch").describe_jobs(jobs=[run.steps["report"].job_id])["jobs"][0]
    assert report["parameters"]["period"] == "last-week"  # the job's own default


def test_weekly_chain_optimises_before_the_report(shared_e2e: SharedE2E) -> None:
    shared_run(shared_e2e).check(check_weekly_chain_optimises_before_the_report)


@stack_check(EXAMPLE, phase="after_smoke")
def check_failed_step_stops_its_dependents_and_fails_the_execution(e2e: Run) -> None:
    stack = Stack.of(e2e)
    try:
        stack.account.set_batch_failure(0, job_name=f"{NAME}-nightly-orders")
        before = dt.datetime.now(dt.UTC)
        delivery = stack.fire(f"{NAME}-nightly-nightly")
        run = stack.run_of(delivery.execution_arn or "")

        assert run.status == "FAILED", pl.format_run(run)
        assert run.error == "States.TaskFailed"
        assert run.steps["extract"].status == "SUCCEEDED"
        assert run.steps["orders"].status == "FAILED"
        for dependent in ("load", "report"):
            assert not run.steps[dependent].started, pl.format_run(run)
            assert run.steps[dependent].job_id is None
        # Nor did Batch see a job for them since this run started.
        batch = stack.clients("batch")
        queue = next(iter(stack.outputs["queue_arns"].values()))
        for dependent in ("load", "report"):
            listed = batch.list_jobs(
                jobQueue=queue, filters=[{"name": "JOB_NAME", "values": [f"{NAME}-nightly-{dependent}"]}]
            )["jobSummaryList"]
            assert all(j["createdAt"] < before.timestamp() * 1000 for j in listed)
        assert run.order_violations(stack.graph("nightly")) == []
    finally:  # the shared stack goes on without failure rules
        stack.account.set_batch_failure(None)


def test_failed_step_stops_its_dependents_and_fails_the_execution(shared_e2e: SharedE2E) -> None:
    shared_run(shared_e2e).check(check_failed_step_stops_its_dependents_and_fails_the_execution)


@stack_check(EXAMPLE, phase="after_smoke")
def check_manual_start_without_input_defaults_the_scheduled_time(e2e: Run) -> None:
    stack = Stack.of(e2e)
    sfn = stack.clients("stepfunctions")
    arn = sfn.start_execution(stateMachineArn=stack.outputs["state_machine_arns"]["weekly"], input="{}")["executionArn"]
    pl.wait_for_execution(sfn, arn, timeout=120)
    run = pl.read_run(sfn, stack.clients("batch"), arn)
    assert run.status == "SUCCEEDED", pl.format_run(run)
    started = sfn.describe_execution(executionArn=arn)["startDate"]
    job = stack.clients("batch").describe_jobs(jobs=[run.steps["optimize"].job_id])["jobs"][0]
    env = {e["name"]: e["value"] for e in job["container"]["environment"]}
    scheduled = dt.datetime.fromisoformat(env["BATCH_PIPELINE_SCHEDULED_TIME"].replace("Z", "+00:00"))
    assert abs((scheduled - started).total_seconds()) < 5


def test_manual_start_without_input_defaults_the_scheduled_time(shared_e2e: SharedE2E) -> None:
    shared_run(shared_e2e).check(check_manual_start_without_input_defaults_the_scheduled_time)


@stack_check(EXAMPLE, phase="after_smoke")
def check_pipeline_roles_are_least_privilege(e2e: Run) -> None:
    """On this apply: every state machine's role, read back from IAM, is least privilege."""
    stack = Stack.of(e2e)
    problems, expectations = deployed_problems(stack.clients("iam"), stack.state)
    pipelines = [e for e in expectations if e.kind == "pipeline"]
    assert {e.role_arn for e in pipelines} == {p["role_arn"] for p in stack.outputs["pipelines"].values()}, (
        "every state machine's role is checked"
    )
    assert all(e.must_allow and e.must_deny for e in pipelines)
    assert problems == []


def test_pipeline_roles_are_least_privilege(shared_e2e: SharedE2E) -> None:
    shared_run(shared_e2e).check(check_pipeline_roles_are_least_privilege)


def test_second_plan_is_empty(shared_e2e: SharedE2E) -> None:
    report = shared_run(shared_e2e).report
    assert "second plan is empty" in [s.name for s in report.steps if s.ok], report.errors
    assert report.plan_changes == []
