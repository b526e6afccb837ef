"""The planned rules and metric filters against realistic events.

Event patterns are taken from the plan (never copied here) and decided by the emulator's
TestEventPattern (moto's own EventBridge matcher); metric filter patterns by
tests/monitoring/local_monitoring.py; the failure message is the planned input transformer rendered against
the sample FAILED event. Samples follow the `Batch Job State Change` example of the AWS Batch
user guide (samples/*.json).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from batch_harness.emulator import LocalAccount

from .conftest import load_sample
from .local_monitoring import (
    metric_filter_dimensions,
    metric_filter_matches,
    render_input_transformer,
    text_lines,
)
from .monitoring_scenarios import ACCOUNT, FULL, GIVEN_TOPIC_VARIABLES, STATE_MACHINE

pytestmark = [pytest.mark.plan, pytest.mark.xdist_group("monitoring-standalone")]

OTHER_ACCOUNT = "210987654321"
OWN_DEFAULT = f"arn:aws:batch:us-east-1:{ACCOUNT}:job-queue/mon-default"
OWN_ISOLATED = f"arn:aws:batch:us-east-1:{ACCOUNT}:job-queue/mon-isolated-report"
FOREIGN_QUEUE = f"arn:aws:batch:us-east-1:{ACCOUNT}:job-queue/someone-elses-queue"
JOB_DEFINITIONS = f"arn:aws:batch:us-east-1:{ACCOUNT}:job-definition"


@pytest.fixture(scope="module")
def events_client() -> Iterator[Any]:
    with LocalAccount.start() as account:
        yield account.client("events")


@pytest.fixture(scope="module")
def full(standalone):
    return standalone.plan(FULL)


@pytest.fixture(scope="module")
def given_topic(standalone):
    return standalone.plan(GIVEN_TOPIC_VARIABLES)


def rule_pattern(plan, rule: str) -> str:
    pattern = plan.planned_resources[f"module.monitoring.aws_cloudwatch_event_rule.{rule}"]["event_pattern"]
    assert isinstance(pattern, str), f"{rule}: event pattern unknown at plan time"
    return pattern


def batch_event(status: str, queue: str = OWN_DEFAULT, account: str = ACCOUNT, **changes: Any) -> dict[str, Any]:
    """The sample event of ``status`` (failed / succeeded / runnable), moved to ``queue``/``account``."""
    event = load_sample(f"job-{status.lower()}")
    event["account"] = account
    event["detail"]["jobQueue"] = queue
    event.update(changes)
    return event


def matches(client: Any, pattern: str, event: dict[str, Any]) -> bool:
    return client.test_event_pattern(EventPattern=pattern, Event=json.dumps(event))["Result"]


FAILURE_RULE_CASES: list[tuple[str, Callable[[], dict[str, Any]], bool]] = [
    ("FAILED in the shared queue", lambda: batch_event("FAILED"), True),
    ("FAILED in a job's isolated queue", lambda: batch_event("FAILED", OWN_ISOLATED), True),
    ("SUCCEEDED in an own queue", lambda: batch_event("SUCCEEDED"), False),
    ("RUNNABLE in an own queue", lambda: batch_event("RUNNABLE"), False),
    ("FAILED in another queue of the account", lambda: batch_event("FAILED", FOREIGN_QUEUE), False),
    (
        "FAILED in another account's queue",
        lambda: batch_event(
            "FAILED", f"arn:aws:batch:us-east-1:{OTHER_ACCOUNT}:job-queue/mon-default", account=OTHER_ACCOUNT
        ),
        False,
    ),
    ("FAILED from another account naming our queue", lambda: batch_event("FAILED", account=OTHER_ACCOUNT), False),
    ("FAILED but not from AWS Batch", lambda: batch_event("FAILED", source="custom.batch"), False),
    (
        "FAILED but another detail type",
        lambda: batch_event("FAILED", **{"detail-type": "Batch Service Job State Change"}),
        False,
    ),
]


@pytest.mark.parametrize(
    ("case", "make_event", "expected"), FAILURE_RULE_CASES, ids=[case for case, _, _ in FAILURE_RULE_CASES]
)
def test_failure_rule(events_client, full, case, make_event, expected):
    assert matches(events_client, rule_pattern(full, "job_failed"), make_event()) is expected, case


@pytest.mark.parametrize(("status", "expected"), [("FAILED", True), ("SUCCEEDED", True), ("RUNNABLE", False)])
def test_failure_rule_follows_notify_on(events_client, given_topic, status, expected):
    # notify_on = ["FAILED", "SUCCEEDED"] in this plan
    assert matches(events_client, rule_pattern(given_topic, "job_failed"), batch_event(status)) is expected


@pytest.mark.parametrize(
    ("status", "queue", "expected"),
    [
        ("RUNNABLE", OWN_DEFAULT, True),
        ("SUCCEEDED", OWN_ISOLATED, True),
        ("FAILED", OWN_DEFAULT, True),
        ("SUCCEEDED", FOREIGN_QUEUE, False),
    ],
)
def test_history_rule_keeps_every_state_change_of_own_queues(events_client, full, status, queue, expected):
    assert matches(events_client, rule_pattern(full, "job_history"), batch_event(status, queue)) is expected


def test_pipeline_history_rule(events_client, full):
    pattern = rule_pattern(full, "pipeline_history[0]")
    own = load_sample("pipeline-succeeded")
    assert matches(events_client, pattern, own) is True
    other = load_sample("pipeline-succeeded")
    other["detail"]["stateMachineArn"] = STATE_MACHINE.replace("mon-weekly", "someone-else")
    assert matches(events_client, pattern, other) is False


# --------------------------------------------------------------------------------------------
# Success metric filters (the missed-run signal), as CloudWatch Logs would apply them to the
# history log group's messages (the events, as JSON)
# --------------------------------------------------------------------------------------------


def counts_for(plan, key: str, event: dict[str, Any]) -> bool:
    """Whether the history's message of ``event`` adds to the success metric of schedule ``key``:
    its kind's filter matches it and publishes it under the dimensions the schedule's alarm watches."""
    alarm = plan.planned_resources[f'module.monitoring.aws_cloudwatch_metric_alarm.missed_run["{key}"]']
    kind = key.split("/")[0]
    success = plan.planned_resources[f'module.monitoring.aws_cloudwatch_log_metric_filter.succeeded["{kind}"]']
    transformation = success["metric_transformation"][0]
    message = json.dumps(event)
    if not metric_filter_matches(success["pattern"], message):
        return False
    published = (transformation["namespace"], transformation["name"])
    dimensions = metric_filter_dimensions(transformation["dimensions"], message)
    return published == (alarm["namespace"], alarm["metric_name"]) and dimensions == alarm["dimensions"]


@pytest.mark.parametrize(
    ("case", "change", "expected"),
    [
        ("its own success", {}, True),
        ("its failure", {"status": "FAILED"}, False),
        ("another schedule's run of the job", {"jobName": "mon-report-weekdays"}, False),
        ("a job whose name only starts alike", {"jobName": "mon-report-nightly2"}, False),
        ("a later revision of its job definition", {"jobDefinition": f"{JOB_DEFINITIONS}/mon-report:42"}, True),
    ],
)
def test_job_success_filter(full, case, change, expected):
    event = batch_event("SUCCEEDED")
    event["detail"].update(change)
    assert counts_for(full, "job/report/nightly", event) is expected, case


def test_another_schedules_success_counts_for_that_schedule(full):
    event = batch_event("SUCCEEDED")
    event["detail"]["jobName"] = "mon-report-weekdays"
    assert counts_for(full, "job/report/weekdays", event) is True


def test_pipeline_success_filter(full):
    succeeded = load_sample("pipeline-succeeded")
    assert counts_for(full, "pipeline/weekly/sunday", succeeded) is True
    failed = load_sample("pipeline-succeeded")
    failed["detail"]["status"] = "FAILED"
    assert counts_for(full, "pipeline/weekly/sunday", failed) is False
    # a Batch job success never counts as the pipeline's
    assert counts_for(full, "pipeline/weekly/sunday", batch_event("SUCCEEDED")) is False


# --------------------------------------------------------------------------------------------
# The failure notification
# --------------------------------------------------------------------------------------------


def test_failure_message_is_actionable(full):
    target = full.planned_resources["module.monitoring.aws_cloudwatch_event_target.job_failed"]
    transformer = target["input_transformer"][0]
    rendered = render_input_transformer(
        transformer["input_paths"], transformer["input_template"], load_sample("job-failed")
    )
    assert text_lines(rendered) == [
        "Batch job mon-report-nightly is FAILED (mon).",
        "Reason: Essential container in task exited",
        "Exit code of the last attempt: 2",
        "Container reason: report: upstream table sales.daily is empty",
        "Attempts allowed: 1",
        f"Queue: {OWN_DEFAULT}",
        f"Job definition: arn:aws:batch:us-east-1:{ACCOUNT}:job-definition/mon-report:3",
        "Log group: /aws/batch/mon/report",
        "Log stream: report/default/0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "Job details and logs: https://console.aws.amazon.com/batch/home?region=us-east-1"
        "#jobs/detail/7d1e4c0a-3b2f-4a5e-8c9d-0e1f2a3b4c5d",
        "Job history: https://console.aws.amazon.com/cloudwatch/home?region=us-east-1"
        "#logsV2:log-groups/log-group/$252Faws$252Fevents$252Fmon$252Fjob-history",
        "Account 123456789012, event time 2026-03-02T02:07:41Z",
    ]


def test_failure_message_of_a_job_that_never_started(full):
    """A job cancelled while RUNNABLE has no container outcome: those lines stay empty."""
    target = full.planned_resources["module.monitoring.aws_cloudwatch_event_target.job_failed"]
    transformer = target["input_transformer"][0]
    event = load_sample("job-runnable")
    event["detail"]["status"] = "FAILED"
    event["detail"]["statusReason"] = "Job state time limit exceeded: CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"
    lines = text_lines(render_input_transformer(transformer["input_paths"], transformer["input_template"], event))
    assert lines[1] == "Reason: Job state time limit exceeded: CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"
    assert lines[2] == "Exit code of the last attempt: "
    assert lines[8] == "Log stream: "
