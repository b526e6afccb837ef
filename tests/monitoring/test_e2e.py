"""e2e: the monitoring of an applied stack in a local account (fixtures/e2e).

A job submitted exactly as its schedule would is forced to fail. The emulator emits no Batch
events, so its state-change event is emitted through PutEvents with the job's real DescribeJobs
detail, as AWS Batch would send it. The history log group must receive it, the applied failure
rule must match it and notify the topic with the actionable message, and - after a successful
run - the schedule's success metric filter must count the success, not the failure.
One applied stack for the module; the account is discarded, not destroyed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from batch_harness.emulator import LocalAccount
from batch_harness.terraform.runner import TerraformRunner, copy_config

from .conftest import HERE, init_lock, plugin_cache_env
from .local_monitoring import (
    metric_filter_dimensions,
    metric_filter_matches,
    render_input_transformer,
    text_lines,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("monitoring-e2e")]

E2E = HERE / "fixtures" / "e2e"
DELIVERY_TIMEOUT = 30.0


@dataclass
class Stack:
    account: LocalAccount
    runner: TerraformRunner
    outputs: dict[str, Any]

    def client(self, service: str) -> Any:
        return self.account.client(service)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = copy_config(E2E, tmp_path_factory.mktemp("monitoring-e2e"))
    with LocalAccount.start() as account:
        account.write_provider_override(workdir)
        runner = TerraformRunner(workdir, env={**account.env(), **plugin_cache_env()}, scratch=True)
        with init_lock():
            runner.init()
        started = time.monotonic()
        runner.apply()
        print(f"apply: {time.monotonic() - started:.0f} s")
        yield Stack(account, runner, runner.output())
        # Discarded with the account: nothing here tests destroy.


def submit_like_the_schedule(stack: Stack, schedule_key: str) -> dict[str, Any]:
    """Submit the job exactly as the schedule's universal target would, return DescribeJobs' detail."""
    schedule = stack.outputs["schedules"][schedule_key]
    scheduler = stack.client("scheduler")
    read_back = scheduler.get_schedule(Name=schedule["name"], GroupName=stack.outputs["schedule_group_name"])
    request = json.loads(read_back["Target"]["Input"])
    assert request["JobQueue"] == stack.outputs["job_queue_arn"]
    batch = stack.client("batch")
    job_id = batch.submit_job(
        jobName=request["JobName"],
        jobQueue=request["JobQueue"],
        jobDefinition=latest_revision(request["JobDefinition"]),
    )["jobId"]
    return batch.describe_jobs(jobs=[job_id])["jobs"][0]


def latest_revision(job_definition: str) -> str:
    """A job definition ARN without revision as its bare name: both mean the latest ACTIVE revision
    to AWS, but the emulator (moto 5.2.5 + compat) only resolves the bare name."""
    if job_definition.startswith("arn:") and job_definition.count(":") == 5:
        return job_definition.rsplit("/", 1)[1]
    return job_definition


def emit_state_change(stack: Stack, detail: dict[str, Any]) -> None:
    """PutEvents the `Batch Job State Change` AWS Batch would send for ``detail``."""
    answer = stack.client("events").put_events(
        Entries=[
            {
                "Source": "aws.batch",
                "DetailType": "Batch Job State Change",
                "Detail": json.dumps(detail, default=str),
                "Resources": [detail["jobArn"]],
                "Time": datetime.now(tz=UTC),
            }
        ]
    )
    assert answer["FailedEntryCount"] == 0, answer


def history_event(stack: Stack, job_id: str, status: str) -> dict[str, Any]:
    """The event the history log group received for this job and status (waits for delivery)."""
    logs = stack.client("logs")
    group = stack.outputs["job_history_log_group_name"]
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while True:
        for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group):
            for log_event in page["events"]:
                event = json.loads(log_event["message"])
                if event.get("detail", {}).get("jobId") == job_id and event["detail"].get("status") == status:
                    return event
        if time.monotonic() > deadline:
            pytest.fail(f"no {status} event of job {job_id} reached {group} within {DELIVERY_TIMEOUT:.0f} s")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def failed(stack: Stack) -> dict[str, Any]:
    stack.account.clear_event_deliveries()
    stack.account.set_batch_failure(0)
    try:
        detail = submit_like_the_schedule(stack, "report/nightly")
    finally:
        stack.account.set_batch_failure(None)
    assert detail["status"] == "FAILED", detail
    emit_state_change(stack, detail)
    return history_event(stack, detail["jobId"], "FAILED")


@pytest.fixture(scope="module")
def succeeded(stack: Stack, failed: dict[str, Any]) -> dict[str, Any]:
    detail = submit_like_the_schedule(stack, "report/nightly")
    assert detail["status"] == "SUCCEEDED", detail
    emit_state_change(stack, detail)
    return history_event(stack, detail["jobId"], "SUCCEEDED")


def test_history_keeps_the_failed_jobs_real_detail(stack, failed):
    detail = failed["detail"]
    assert failed["source"] == "aws.batch" and failed["detail-type"] == "Batch Job State Change"
    assert failed["account"] == stack.account.account_id
    assert detail["jobQueue"] == stack.outputs["job_queue_arn"]
    assert detail["jobName"] == "mone2e-report-nightly"
    assert detail["statusReason"]


def test_applied_failure_rule_matches_the_event(stack, failed):
    events = stack.client("events")
    rule_name = stack.outputs["job_failed_rule_arn"].rsplit("/", 1)[1]
    pattern = events.describe_rule(Name=rule_name)["EventPattern"]
    assert events.test_event_pattern(EventPattern=pattern, Event=json.dumps(failed))["Result"] is True
    as_success = json.loads(json.dumps(failed))
    as_success["detail"]["status"] = "SUCCEEDED"
    assert events.test_event_pattern(EventPattern=pattern, Event=json.dumps(as_success))["Result"] is False


def test_failure_rule_notified_the_topic_with_the_rendered_message(stack, failed):
    rule_name = stack.outputs["job_failed_rule_arn"].rsplit("/", 1)[1]
    targets = stack.client("events").list_targets_by_rule(Rule=rule_name)["Targets"]
    assert [t["Arn"] for t in targets] == [stack.outputs["sns_topic_arn"]]
    transformer = targets[0]["InputTransformer"]
    deliveries = [
        d for d in stack.account.event_deliveries() if d["rule"] == rule_name and d["event_id"] == failed["id"]
    ]
    assert [d["status"] for d in deliveries] == ["delivered"], deliveries
    # Two independent renderings of the same transformer agree: the emulator's delivery, ours.
    expected = render_input_transformer(transformer["InputPathsMap"], transformer["InputTemplate"], failed)
    assert deliveries[0]["payload"] == expected
    lines = text_lines(expected)
    assert lines[0] == "Batch job mone2e-report-nightly is FAILED (mone2e)."
    assert lines[1] == f"Reason: {failed['detail']['statusReason']}"
    assert f"#jobs/detail/{failed['detail']['jobId']}" in lines[9]


def test_success_metric_filter_counts_the_success_not_the_failure(stack, failed, succeeded):
    filters = stack.client("logs").describe_metric_filters(logGroupName=stack.outputs["job_history_log_group_name"])[
        "metricFilters"
    ]
    by_name = {f["filterName"]: f for f in filters}
    jobs = by_name["mone2e-jobs-succeeded"]
    assert metric_filter_matches(jobs["filterPattern"], json.dumps(succeeded)) is True
    assert metric_filter_matches(jobs["filterPattern"], json.dumps(failed)) is False
    transformation = jobs["metricTransformations"][0]
    published = metric_filter_dimensions(transformation["dimensions"], json.dumps(succeeded))
    nightly = stack.outputs["missed_run_alarms"]["report/nightly"]
    weekly = stack.outputs["missed_run_alarms"]["report/weekly"]
    assert transformation["metricName"] == nightly["metric_name"]
    assert published == nightly["dimensions"]
    assert published != weekly["dimensions"]  # another schedule's run
    # The applied alarms watch those dimensions (the emulator keeps what the provider sent).
    alarms = stack.client("cloudwatch").describe_alarms(AlarmNames=[nightly["name"], weekly["name"]])["MetricAlarms"]
    watched = {a["AlarmName"]: {d["Name"]: d["Value"] for d in a["Dimensions"]} for a in alarms}
    assert watched == {nightly["name"]: nightly["dimensions"], weekly["name"]: weekly["dimensions"]}


def test_every_schedule_has_a_missed_run_alarm_on_the_topic(stack):
    topic = stack.outputs["sns_topic_arn"]
    alarms = stack.client("cloudwatch").describe_alarms(AlarmNamePrefix="mone2e-")["MetricAlarms"]
    by_name = {a["AlarmName"]: a for a in alarms}
    # Every alarm of the stack is in an output: missed runs by schedule, dead letters, pipelines.
    outputs = stack.outputs
    arns = [*outputs["dead_letter_alarm_arns"].values(), *outputs["pipeline_alarm_arns"].values()]
    expected = [a["name"] for a in outputs["missed_run_alarms"].values()] + [a.split(":alarm:")[1] for a in arns]
    assert sorted(by_name) == sorted(expected)
    for key in ("report/nightly", "report/weekly"):
        alarm = by_name[stack.outputs["missed_run_alarms"][key]["name"]]
        assert alarm["AlarmActions"] == [topic], key
        assert alarm["Namespace"] == "ScheduledBatch/mone2e"
    assert by_name["mone2e-missed-run-job-report-nightly"]["TreatMissingData"] == "breaching"
    assert by_name["mone2e-missed-run-job-report-weekly"]["TreatMissingData"] == "ignore"
    heartbeat = stack.client("scheduler").get_schedule(Name="job-report-weekly", GroupName="mone2e-missed-run")
    assert heartbeat["ScheduleExpression"] == "cron(0 6 ? * MON *)"


def test_topic_is_encrypted_and_subscribed(stack):
    sns = stack.client("sns")
    attributes = sns.get_topic_attributes(TopicArn=stack.outputs["sns_topic_arn"])["Attributes"]
    assert attributes["KmsMasterKeyId"].startswith("arn:aws:kms:")
    policy = json.loads(attributes["Policy"])
    assert {s["Principal"]["Service"] for s in policy["Statement"] if s["Effect"] == "Allow"} == {
        "events.amazonaws.com",
        "cloudwatch.amazonaws.com",
    }
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=stack.outputs["sns_topic_arn"])["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", "oncall@example.com")]


def test_pipeline_alarms_and_history(stack):
    state_machine = stack.outputs["state_machine_arns"]["weekly"]
    alarms = stack.client("cloudwatch").describe_alarms(AlarmNamePrefix="mone2e-pipeline-")["MetricAlarms"]
    assert {(a["MetricName"], tuple((d["Name"], d["Value"]) for d in a["Dimensions"])) for a in alarms} == {
        (metric, (("StateMachineArn", state_machine),))
        for metric in ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted")
    }
    assert all(a["AlarmActions"] == [stack.outputs["sns_topic_arn"]] for a in alarms)
    assert sorted(a["AlarmArn"] for a in alarms) == sorted(stack.outputs["pipeline_alarm_arns"].values())

    # A successful execution's status change reaches the history and counts for the pipeline's
    # schedule (the emulator emits no Step Functions events either).
    sfn = stack.client("stepfunctions")
    execution_arn = sfn.start_execution(stateMachineArn=state_machine, input="{}")["executionArn"]
    execution = sfn.describe_execution(executionArn=execution_arn)
    detail = {
        "executionArn": execution_arn,
        "stateMachineArn": state_machine,
        "name": execution["name"],
        "status": "SUCCEEDED",
        "startDate": int(execution["startDate"].timestamp() * 1000),
        "stopDate": int(datetime.now(tz=UTC).timestamp() * 1000),
        "input": "{}",
        "output": "{}",
    }
    answer = stack.client("events").put_events(
        Entries=[
            {
                "Source": "aws.states",
                "DetailType": "Step Functions Execution Status Change",
                "Detail": json.dumps(detail),
                "Resources": [execution_arn],
            }
        ]
    )
    assert answer["FailedEntryCount"] == 0
    logs = stack.client("logs")
    group = stack.outputs["job_history_log_group_name"]
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    logged = None
    while logged is None:
        for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group):
            for log_event in page["events"]:
                event = json.loads(log_event["message"])
                if event.get("detail", {}).get("executionArn") == execution_arn:
                    logged = event
        if logged is None and time.monotonic() > deadline:
            pytest.fail(f"the execution's status change did not reach {group}")
        if logged is None:
            time.sleep(0.5)
    filters = logs.describe_metric_filters(logGroupName=group, filterNamePrefix="mone2e-pipelines-succeeded")
    transformation = filters["metricFilters"][0]["metricTransformations"][0]
    assert metric_filter_matches(filters["metricFilters"][0]["filterPattern"], json.dumps(logged)) is True
    summary = stack.outputs["missed_run_alarms"]["weekly/sunday"]
    assert summary["mode"] == "heartbeat"
    assert summary["metric_name"] == transformation["metricName"]
    assert metric_filter_dimensions(transformation["dimensions"], json.dumps(logged)) == summary["dimensions"]


def test_second_plan_changes_nothing_of_the_monitoring(stack):
    changes = stack.runner.plan_is_empty()
    assert [address for address in changes if "module.monitoring" in address] == []
