"""Plan tests of the root module's monitoring wiring (tests/monitoring/fixtures/root)."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = [pytest.mark.plan, pytest.mark.xdist_group("monitoring-root")]

ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:oncall"
MONITORING = "module.batch.module.monitoring[0]"
SCHEDULES = {
    # schedule -> (mode, window minutes); report: timeout 1200 s x 2 attempts = 40 min of runtime,
    # optimize_db: 600 s x 3 = 30 min; grace 60; Europe/Berlin adds 60 for daylight saving.
    "report/nightly": ("window", 1440 + 60 + 40 + 60),
    "report/hourly": ("window", 60 + 60 + 40),
    "report/weekly": ("heartbeat", 10080 + 60 + 40),
    "report/monthly": ("heartbeat", 44640 + 60 + 40),
    "optimize_db/nightly": ("window", 1440 + 60 + 30),
}
EXPECTED = {f"job/{k}": v for k, v in SCHEDULES.items()}


@pytest.fixture(scope="module")
def wired(root_plans):
    """The fixture as is: notifications go to a given topic (alarm actions known at plan time);
    the created topic is covered by the standalone plan tests and test_e2e.py."""
    return root_plans.plan({})


given_topic = wired


def monitoring_resources(plan, resource_type):
    return {a: v for a, v in plan.of_type(resource_type).items() if a.startswith(MONITORING)}


def key_of(address: str) -> str:
    return re.search(r'\["([^"]+)"\]$', address).group(1)


def test_every_scheduled_job_has_a_missed_run_alarm_wired_to_the_topic(given_topic):
    alarms = {
        key_of(a): v
        for a, v in monitoring_resources(given_topic, "aws_cloudwatch_metric_alarm").items()
        if ".missed_run[" in a
    }
    assert set(alarms) == set(EXPECTED)  # the unscheduled job "adhoc" has none
    for key, alarm in alarms.items():
        assert alarm["alarm_actions"] == [TOPIC], key
        assert alarm["ok_actions"] == [TOPIC], key
        assert alarm["actions_enabled"] is True, key
        mode, window = EXPECTED[key]
        assert alarm["treat_missing_data"] == ("breaching" if mode == "window" else "ignore"), key
        if mode == "window":
            assert alarm["period"] * (alarm["evaluation_periods"] - 1) >= window * 60, key
            assert alarm["period"] * alarm["evaluation_periods"] <= window * 60 + 2 * alarm["period"], key


def test_every_alarm_notifies_the_given_topic(given_topic):
    alarms = monitoring_resources(given_topic, "aws_cloudwatch_metric_alarm")
    # + the schedules' and the monitoring's dead-letter queues
    assert len(alarms) == len(EXPECTED) + 2
    assert all(alarm["alarm_actions"] == [TOPIC] for alarm in alarms.values())
    dead_letters = {key_of(a): v["dimensions"]["QueueName"] for a, v in alarms.items() if ".dead_letters[" in a}
    assert dead_letters == {"schedules": "mr-schedule-dlq", "monitoring": "mr-monitoring-dlq"}
    assert not monitoring_resources(given_topic, "aws_sns_topic")


def test_missed_run_alarms_watch_what_each_schedule_submits(wired):
    """Each alarm watches the success metric under the job name the schedule's SubmitJob input names."""
    filters = monitoring_resources(wired, "aws_cloudwatch_log_metric_filter")
    assert {key_of(a) for a in filters} == {"job"}  # one filter, however many schedules
    transformation = filters[f'{MONITORING}.aws_cloudwatch_log_metric_filter.succeeded["job"]'][
        "metric_transformation"
    ][0]
    assert transformation["dimensions"] == {"JobName": "$.detail.jobName"}
    alarms = {
        key_of(a): v
        for a, v in monitoring_resources(wired, "aws_cloudwatch_metric_alarm").items()
        if ".missed_run[" in a
    }
    assert set(alarms) == set(EXPECTED)
    for key, alarm in alarms.items():
        schedule_key = key.removeprefix("job/")
        address = f'module.batch.module.schedule["{schedule_key}"].aws_scheduler_schedule.this[0]'
        submitted = json.loads(wired.planned_resources[address]["target"][0]["input"])
        assert (alarm["namespace"], alarm["metric_name"]) == (transformation["namespace"], transformation["name"]), key
        assert alarm["dimensions"] == {"JobName": submitted["JobName"]}, key


def test_failure_rule_watches_every_queue_including_isolated_ones(wired):
    rule = wired.planned_resources[f"{MONITORING}.aws_cloudwatch_event_rule.job_failed"]
    pattern = json.loads(rule["event_pattern"])
    queues = {v["name"] for a, v in wired.of_type("aws_batch_job_queue").items() if not a.startswith(MONITORING)}
    assert queues == {"mr-default", "mr-optimize_db-default"}
    assert sorted(pattern["detail"]["jobQueue"]) == sorted(
        f"arn:aws:batch:us-east-1:{ACCOUNT}:job-queue/{name}" for name in queues
    )
    assert pattern["detail"]["status"] == ["FAILED"]
    assert pattern["account"] == [ACCOUNT]


def test_email_subscription_history_and_dashboard(wired):
    subscriptions = monitoring_resources(wired, "aws_sns_topic_subscription")
    assert [(v["topic_arn"], v["protocol"], v["endpoint"]) for v in subscriptions.values()] == [
        (TOPIC, "email", "oncall@example.com")
    ]
    history = wired.planned_resources[f"{MONITORING}.aws_cloudwatch_log_group.history"]
    assert history["kms_key_id"] == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
    assert wired.outputs["job_history_log_group_name"] == "/aws/events/mr/job-history"
    assert wired.outputs["dashboard_name"] == "mr-scheduled-batch"


def test_monitoring_can_be_switched_off(root_plans):
    plan = root_plans.plan({"monitoring": {"enabled": False}})
    assert not [a for a in plan.planned_resources if a.startswith("module.batch.module.monitoring")]
    assert plan.outputs["job_history_log_group_name"] is None
