"""The root module's pipeline wiring, planned: state machines, their roles, log groups, schedules.

With a KMS key given, the account id is known at plan time and so is every pipeline's definition;
hashicorp/aws (>= 5.67) then calls ValidateStateMachineDefinition while planning. These plans
therefore run against a fresh local account (the emulator answers that call with moto's own ASL
parser, which proves the definitions parse) - nothing is applied. Policies are checked with the
harness's IAM evaluator: what a role may do, and what it may not.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from batch_harness.delivery.target_input import rule_input, scheduled_event
from batch_harness.emulator import LocalAccount
from batch_harness.iam import Request, can_assume, evaluate, submit_job_requests
from batch_harness.iam.evaluator import evaluate_all
from batch_harness.run import pipelines as pl
from batch_harness.terraform.runner import PlanResult

from .helpers import FIXTURES, runner_for, write_var_file

pytestmark = [pytest.mark.plan, pytest.mark.xdist_group("pipeline-plan")]

ACCOUNT = "123456789012"
REGION = "us-east-1"
KMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
BATCH = f"arn:aws:batch:{REGION}:{ACCOUNT}"
STATES = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine"

JOBS = {
    "optimize_db": {"image": "busybox", "schedules": {"monthly": {"expression": "cron(0 4 1 * ? *)"}}},
    "sales_report": {"image": "busybox", "parameters": {"period": "weekly"}},
    "extract": {"image": "busybox"},
    "load": {"image": "busybox"},
    "fair": {"image": "busybox", "queue": "shared"},
    "unrelated": {"image": "busybox"},
}
JOB_QUEUES = {
    "default": {"priority": 1, "compute_environments": ["fargate_spot", "fargate"]},
    "shared": {"priority": 5, "compute_environments": ["fargate"], "fair_share": {"shares": {"fair": 1}}},
}
PIPELINES = {
    "weekly": {
        "steps": {
            "optimize": {"job": "optimize_db"},
            "report": {"job": "sales_report", "after": ["optimize"], "command": ["report", "--weekly"]},
        },
        "schedules": {"sunday": {"expression": "cron(0 3 ? * SUN *)", "timezone": "Europe/Berlin"}},
        "timeout_seconds": 7200,
        "log_level": "ALL",
        "tracing_enabled": True,
    },
    "nightly": {
        "steps": {
            "extract": {"job": "extract"},
            "left": {"job": "load", "after": ["extract"], "parameters": {"table": "orders"}},
            "right": {"job": "load", "after": ["extract"], "parameters": {"table": "customers"}},
            "report": {"job": "sales_report", "after": ["left", "right"]},
            "fair": {"job": "fair", "after": ["report"]},
        },
        "schedules": {"night": {"expression": "cron(30 1 * * ? *)", "parameters": {"run": "scheduled"}}},
    },
}


@pytest.fixture(scope="module")
def account() -> Iterator[LocalAccount]:
    account = LocalAccount.start()
    try:
        yield account
    finally:
        account.stop()


def _plan(tmp_path_factory: pytest.TempPathFactory, account: LocalAccount, backend: str) -> PlanResult:
    runner = runner_for(
        FIXTURES / "root", tmp_path_factory.mktemp(f"plan-{backend}"), offline_provider=False, env=account.env()
    )
    account.write_provider_override(runner.workdir)
    variables = {
        "name": "pp",
        "kms_key_arn": KMS_KEY,
        "schedule_backend": backend,
        "jobs": JOBS,
        "job_queues": JOB_QUEUES,
        "pipelines": PIPELINES if backend == "scheduler" else {k: _utc(v) for k, v in PIPELINES.items()},
    }
    var_file = write_var_file(tmp_path_factory.mktemp("vars"), backend, variables)
    return runner.plan(var_files=[var_file])


def _utc(pipeline: dict[str, Any]) -> dict[str, Any]:
    schedules = {k: {f: v for f, v in s.items() if f != "timezone"} for k, s in pipeline.get("schedules", {}).items()}
    return {**pipeline, "schedules": schedules}


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory, account: LocalAccount) -> PlanResult:
    return _plan(tmp_path_factory, account, "scheduler")


@pytest.fixture(scope="module")
def rules_plan(tmp_path_factory: pytest.TempPathFactory, account: LocalAccount) -> PlanResult:
    return _plan(tmp_path_factory, account, "rules")


def pipeline(plan: PlanResult, key: str, resource: str) -> dict[str, Any]:
    address = f'module.batch.module.pipeline["{key}"].{resource}'
    assert address in plan.planned_resources, sorted(a for a in plan.planned_resources if "pipeline" in a)
    return plan.planned_resources[address]


def schedule(plan: PlanResult, key: str, resource: str) -> dict[str, Any]:
    address = f'module.batch.module.schedule["{key}"].{resource}'
    assert address in plan.planned_resources, sorted(a for a in plan.planned_resources if "schedule" in a)
    return plan.planned_resources[address]


def policy(values: dict[str, Any]) -> dict[str, Any]:
    return json.loads(values["policy"])


def graph(key: str) -> dict[str, list[str]]:
    return {step: spec.get("after", []) for step, spec in PIPELINES[key]["steps"].items()}


# -- state machines ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(PIPELINES))
def test_state_machine_runs_each_step_after_its_dependencies(plan: PlanResult, key: str) -> None:
    machine = pipeline(plan, key, "aws_sfn_state_machine.this")
    assert machine["name"] == f"pp-{key}" and machine["type"] == "STANDARD"
    shape = pl.analyse_definition(machine["definition"])
    assert shape.problems == []
    assert pl.missing_waits(shape, graph(key)) == {}
    assert pl.extra_waits(shape, graph(key)) == {}


def test_steps_submit_their_jobs_to_the_jobs_queues(plan: PlanResult) -> None:
    doc = json.loads(pipeline(plan, "nightly", "aws_sfn_state_machine.this")["definition"])
    shape = pl.analyse_definition(doc)
    tasks = shape.tasks
    assert tasks["left"].job_definition == f"{BATCH}:job-definition/pp-load"  # latest ACTIVE revision
    assert tasks["right"].job_definition == tasks["left"].job_definition  # one job, two steps
    assert tasks["left"].job_queue == f"{BATCH}:job-queue/pp-default"
    assert tasks["fair"].job_queue == f"{BATCH}:job-queue/pp-shared"
    assert tasks["left"].job_name == "pp-nightly-left"
    # Fair share: the queue's policy needs a share identifier at submit time.
    assert tasks["fair"].parameters["ShareIdentifier"] == "fair"
    assert "ShareIdentifier" not in tasks["left"].parameters
    step_parameters = doc["States"]["Prepare"]["Parameters"]["step_parameters"]
    assert step_parameters["left"] == {"table": "orders"} and step_parameters["report"] == {}


def test_weekly_options(plan: PlanResult) -> None:
    machine = pipeline(plan, "weekly", "aws_sfn_state_machine.this")
    doc = json.loads(machine["definition"])
    assert doc["TimeoutSeconds"] == 7200
    assert doc["States"]["report"]["Parameters"]["ContainerOverrides"]["Command"] == ["report", "--weekly"]
    (logging,) = machine["logging_configuration"]
    assert logging["level"] == "ALL" and logging["include_execution_data"] is False
    assert machine["tracing_configuration"] == [{"enabled": True}]
    nightly = pipeline(plan, "nightly", "aws_sfn_state_machine.this")
    assert nightly["logging_configuration"][0]["level"] == "ERROR"
    assert nightly["tracing_configuration"] == [{"enabled": False}]


def test_log_group_is_encrypted_with_the_module_key(plan: PlanResult) -> None:
    group = pipeline(plan, "weekly", "aws_cloudwatch_log_group.this")
    assert group["name"] == "/aws/vendedlogs/states/pp-weekly"
    assert group["kms_key_id"] == KMS_KEY
    assert group["retention_in_days"] == 30


def test_a_job_keeps_its_own_schedule_when_it_is_a_pipeline_step(plan: PlanResult) -> None:
    assert 'module.batch.module.schedule["optimize_db/monthly"].aws_scheduler_schedule.this[0]' in (
        plan.planned_resources
    )


# -- the state machine's role -----------------------------------------------------------------------


def test_role_trusts_step_functions_of_this_account_only(plan: PlanResult) -> None:
    trust = pipeline(plan, "nightly", "aws_iam_role.this")["assume_role_policy"]
    assert can_assume(trust, "states.amazonaws.com", {"aws:SourceAccount": ACCOUNT}).allowed
    assert not can_assume(trust, "states.amazonaws.com", {"aws:SourceAccount": "210987654321"}).allowed
    assert not can_assume(trust, "scheduler.amazonaws.com", {"aws:SourceAccount": ACCOUNT}).allowed


def test_role_submits_exactly_the_jobs_of_its_steps(plan: PlanResult) -> None:
    doc = policy(pipeline(plan, "nightly", "aws_iam_role_policy.this"))
    job = f"{BATCH}:job/0f4fbb1b-2c8c-4f2f-8f1f-4f2a7e3a1c00"
    for queue, definition in [
        ("pp-default", "pp-extract"),
        ("pp-default", "pp-load"),
        ("pp-default", "pp-sales_report:7"),
        ("pp-shared", "pp-fair"),
    ]:
        requests = [
            *submit_job_requests(f"{BATCH}:job-queue/{queue}", f"{BATCH}:job-definition/{definition}"),
            Request("batch:SubmitJob", job, {}),
        ]
        decision = evaluate_all(requests, [doc])
        assert decision.allowed, decision.reason
    # Another job, a job of the other pipeline, another queue.
    for queue, definition in [
        ("pp-default", "pp-unrelated"),
        ("pp-default", "pp-optimize_db"),
        ("pp-other", "pp-load"),
    ]:
        requests = submit_job_requests(f"{BATCH}:job-queue/{queue}", f"{BATCH}:job-definition/{definition}")
        assert not evaluate_all(requests, [doc]).allowed, (queue, definition)
    assert evaluate(Request("batch:DescribeJobs", "*", {}), [doc]).allowed
    assert evaluate(Request("batch:TerminateJob", job, {}), [doc]).allowed
    assert not evaluate(Request("batch:TerminateJob", f"arn:aws:batch:{REGION}:210987654321:job/x", {}), [doc]).allowed
    assert not evaluate(Request("batch:CancelJob", job, {}), [doc]).allowed


def test_role_manages_only_the_batch_sync_rule(plan: PlanResult) -> None:
    doc = policy(pipeline(plan, "weekly", "aws_iam_role_policy.this"))
    rule = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/StepFunctionsGetEventsForBatchJobsRule"
    for action in ("events:PutTargets", "events:PutRule", "events:DescribeRule"):
        assert evaluate(Request(action, rule, {}), [doc]).allowed, action
        assert not evaluate(Request(action, f"arn:aws:events:{REGION}:{ACCOUNT}:rule/other", {}), [doc]).allowed
    assert evaluate(Request("logs:CreateLogDelivery", "*", {}), [doc]).allowed
    assert evaluate(Request("xray:PutTraceSegments", "*", {}), [doc]).allowed  # tracing_enabled
    nightly = policy(pipeline(plan, "nightly", "aws_iam_role_policy.this"))
    assert not evaluate(Request("xray:PutTraceSegments", "*", {}), [nightly]).allowed


# -- schedules ----------------------------------------------------------------------------------------


def test_scheduler_schedule_starts_its_pipeline_with_the_scheduled_time(plan: PlanResult) -> None:
    values = schedule(plan, "nightly/night", "aws_scheduler_schedule.this[0]")
    (target,) = values["target"]
    assert target["arn"] == f"{STATES}:pp-nightly"
    sent = json.loads(target["input"])
    assert sent == {
        "pipeline": "nightly",
        "schedule": "night",
        "scheduled_time": "<aws.scheduler.scheduled-time>",
        "schedule_arn": "<aws.scheduler.schedule-arn>",
        "execution_id": "<aws.scheduler.execution-id>",
        "parameters": {"run": "scheduled"},
    }
    # Scheduler replaces the attributes in the raw text: they must not be \u003c-escaped.
    assert "<aws.scheduler.scheduled-time>" in target["input"]
    weekly = schedule(plan, "weekly/sunday", "aws_scheduler_schedule.this[0]")
    assert weekly["schedule_expression_timezone"] == "Europe/Berlin"


def test_schedule_role_may_only_start_its_own_state_machine(plan: PlanResult) -> None:
    doc = policy(schedule(plan, "nightly/night", "aws_iam_role_policy.this"))
    assert evaluate(Request("states:StartExecution", f"{STATES}:pp-nightly", {}), [doc]).allowed
    assert not evaluate(Request("states:StartExecution", f"{STATES}:pp-weekly", {}), [doc]).allowed
    assert not evaluate(Request("batch:SubmitJob", f"{BATCH}:job-queue/pp-default", {}), [doc]).allowed


def test_rule_targets_the_state_machine_with_the_scheduled_time(rules_plan: PlanResult) -> None:
    target = schedule(rules_plan, "nightly/night", "aws_cloudwatch_event_target.this[0]")
    assert target["arn"] == f"{STATES}:pp-nightly"
    assert target["input"] in (None, "")
    # EventBridge User Guide, "Transforming target input": a scheduled event's `time` is when the
    # rule was due, `resources[0]` the rule, `id` the event.
    (transformer,) = target["input_transformer"]
    assert transformer["input_paths"] == {
        "scheduled_time": "$.time",
        "schedule_arn": "$.resources[0]",
        "execution_id": "$.id",
    }
    template = transformer["input_template"]
    assert '"scheduled_time":"<scheduled_time>"' in template  # placeholders unescaped
    assert json.loads(template) == {
        "pipeline": "nightly",
        "schedule": "night",
        "parameters": {"run": "scheduled"},
        "scheduled_time": "<scheduled_time>",
        "schedule_arn": "<schedule_arn>",
        "execution_id": "<execution_id>",
    }
    # What the rule sends when it fires (EventBridge's InputTransformer, as the harness renders it).
    rule_arn = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/pp-nightly-night"
    due = datetime(2030, 1, 5, 1, 30, tzinfo=UTC)
    event = scheduled_event(rule_arn, REGION, ACCOUNT, due)
    raw = {"InputTransformer": {"InputPathsMap": transformer["input_paths"], "InputTemplate": template}}
    sent = json.loads(rule_input(raw, event, rule_arn, "pp-nightly-night") or "")
    assert sent["scheduled_time"] == "2030-01-05T01:30:00Z"
    assert (sent["schedule_arn"], sent["execution_id"]) == (rule_arn, event["id"])
    rule = schedule(rules_plan, "nightly/night", "aws_cloudwatch_event_rule.this[0]")
    assert rule["schedule_expression"] == "cron(30 1 * * ? *)"
    doc = policy(schedule(rules_plan, "nightly/night", "aws_iam_role_policy.this"))
    assert evaluate(Request("states:StartExecution", f"{STATES}:pp-nightly", {}), [doc]).allowed
