"""Plan tests of modules/monitoring through tests/monitoring/fixtures/standalone (no emulator)."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest
from croniter import croniter

from batch_harness.terraform.runner import TerraformError

from .monitoring_scenarios import (
    ACCOUNT,
    CHECKS,
    EXPECTED_ALARMS,
    FULL,
    GIVEN_TOPIC,
    GIVEN_TOPIC_VARIABLES,
    LONG_JOB,
    ORACLE_CHECKS,
    ORACLE_CRONS,
    STATE_MACHINE,
)

pytestmark = [pytest.mark.plan, pytest.mark.xdist_group("monitoring-standalone")]

NAMESPACE = "ScheduledBatch/mon"
KMS_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"


def planned(plan, address):
    full = f"module.monitoring.{address}"
    assert full in plan.planned_resources, f"{full} not planned: {sorted(plan.planned_resources)}"
    return plan.planned_resources[full]


def success_dimensions(key):
    """The dimension of the schedule's own success metric: its job name, or its state machine."""
    check = {**CHECKS, **ORACLE_CHECKS}[key]
    return {"JobName": check["job_name"]} if check["kind"] == "job" else {"StateMachineArn": check["state_machine_arn"]}


def unknown_after_apply(plan, address, attribute):
    return plan.resource_changes[f"module.monitoring.{address}"]["after_unknown"].get(attribute)


@pytest.fixture(scope="module")
def full(standalone):
    return standalone.plan(FULL)


@pytest.fixture(scope="module")
def given_topic(standalone):
    return standalone.plan(GIVEN_TOPIC_VARIABLES)


# --------------------------------------------------------------------------------------------
# Missed-run alarms
# --------------------------------------------------------------------------------------------


def test_every_scheduled_job_and_pipeline_has_a_missed_run_alarm(full):
    alarms = full.of_type("aws_cloudwatch_metric_alarm")
    keys = {address.split('"')[1] for address in alarms if ".missed_run[" in address}
    assert keys == set(CHECKS) | set(ORACLE_CHECKS)
    assert set(full.outputs["missed_run"]) == keys


@pytest.mark.parametrize("key", sorted(EXPECTED_ALARMS))
def test_missed_run_alarm_shape(full, key):
    mode, interval, window, period, evaluations, datapoints = EXPECTED_ALARMS[key]
    alarm = planned(full, f'aws_cloudwatch_metric_alarm.missed_run["{key}"]')
    slug = key.replace("/", "-")
    assert alarm["alarm_name"] == f"mon-missed-run-{slug}"
    assert alarm["namespace"] == NAMESPACE
    assert alarm["metric_name"] == "Succeeded"
    assert alarm["dimensions"] == success_dimensions(key)
    assert alarm["statistic"] == "Sum"
    assert (alarm["period"], alarm["evaluation_periods"], alarm["datapoints_to_alarm"]) == (
        period,
        evaluations,
        datapoints,
    )
    assert alarm["threshold"] == 1
    assert alarm["comparison_operator"] == "LessThanThreshold"
    assert alarm["treat_missing_data"] == ("breaching" if mode == "window" else "ignore")
    # CloudWatch: period x evaluation periods <= 1 day under 1-hour periods, <= 7 days otherwise.
    assert alarm["period"] * alarm["evaluation_periods"] <= (86400 if alarm["period"] < 3600 else 604800)
    assert alarm["period"] % 60 == 0
    assert unknown_after_apply(full, f'aws_cloudwatch_metric_alarm.missed_run["{key}"]', "alarm_actions")
    assert alarm["actions_enabled"] is CHECKS[key].get("enabled", True)

    summary = full.outputs["missed_run"][key]
    assert (summary["mode"], summary["interval_minutes"], summary["window_minutes"]) == (mode, interval, window)
    if mode == "window":
        # the alarm never fires while runs come at the expected interval (+ slack) ...
        assert period * (evaluations - 1) >= window * 60
        # ... and fires at most one period plus the slack after a missed run
        assert period * evaluations <= window * 60 + 2 * period


def test_missed_run_alarms_notify_the_given_topic_and_recover_quietly(given_topic):
    for key in GIVEN_TOPIC_VARIABLES["missed_run_checks"]:
        alarm = planned(given_topic, f'aws_cloudwatch_metric_alarm.missed_run["{key}"]')
        assert alarm["alarm_actions"] == [GIVEN_TOPIC]
        assert not alarm.get("ok_actions")  # notify_on_recovery = false


def test_one_success_metric_filter_per_kind_tells_schedules_apart_by_dimension(full):
    filters = {address.split('"')[1] for address in full.of_type("aws_cloudwatch_log_metric_filter")}
    assert filters == {"job", "pipeline"}
    jobs = planned(full, 'aws_cloudwatch_log_metric_filter.succeeded["job"]')
    assert jobs["name"] == "mon-jobs-succeeded"
    assert jobs["log_group_name"] == "/aws/events/mon/job-history"
    assert jobs["pattern"] == '{ ($.source = "aws.batch") && ($.detail.status = "SUCCEEDED") }'
    transformation = jobs["metric_transformation"][0]
    assert (transformation["namespace"], transformation["name"], transformation["value"]) == (
        NAMESPACE,
        "Succeeded",
        "1",
    )
    assert transformation["dimensions"] == {"JobName": "$.detail.jobName"}
    assert not transformation.get("default_value")  # no data between runs is what breaching needs
    pipelines = planned(full, 'aws_cloudwatch_log_metric_filter.succeeded["pipeline"]')
    assert pipelines["pattern"] == '{ ($.source = "aws.states") && ($.detail.status = "SUCCEEDED") }'
    assert pipelines["metric_transformation"][0]["dimensions"] == {"StateMachineArn": "$.detail.stateMachineArn"}
    assert full.outputs["missed_run"]["pipeline/weekly/sunday"]["dimensions"] == {"StateMachineArn": STATE_MACHINE}


def test_more_schedules_than_a_log_group_has_metric_filters(standalone):
    """CloudWatch Logs allows 100 metric filters per log group: 150 schedules still need one."""
    checks = {
        f"job/j{i}/daily": {"kind": "job", "expression": "rate(1 day)", "job_name": f"mon-j{i}-daily"}
        for i in range(150)
    }
    plan = standalone.plan({**FULL, "missed_run_checks": checks})
    assert list(plan.of_type("aws_cloudwatch_log_metric_filter")) == [
        'module.monitoring.aws_cloudwatch_log_metric_filter.succeeded["job"]'
    ]
    alarms = [a for a in plan.of_type("aws_cloudwatch_metric_alarm") if ".missed_run[" in a]
    assert len(alarms) == 150
    assert planned(plan, 'aws_cloudwatch_metric_alarm.missed_run["job/j149/daily"]')["dimensions"] == {
        "JobName": "mon-j149-daily"
    }


def test_heartbeats_exist_exactly_for_heartbeat_alarms(full):
    heartbeats = full.of_type("aws_scheduler_schedule")
    expected = {key for key, spec in EXPECTED_ALARMS.items() if spec[0] == "heartbeat"}
    assert all(full.outputs["missed_run"][key]["mode"] == "window" for key in ORACLE_CHECKS)
    assert {address.split('"')[1] for address in heartbeats} == expected
    for key in expected:
        schedule = planned(full, f'aws_scheduler_schedule.heartbeat["{key}"]')
        check = CHECKS[key]
        assert schedule["schedule_expression"] == check["expression"]
        assert schedule["schedule_expression_timezone"] == check.get("timezone", "UTC")
        assert schedule.get("start_date") == check.get("start_date")
        assert schedule.get("end_date") == check.get("end_date")
        assert schedule["group_name"] == "mon-missed-run"
        assert schedule["kms_key_arn"] == KMS_KEY
        assert len(schedule["name"]) <= 64
        assert schedule["state"] == "ENABLED"
        target = schedule["target"][0]
        assert target["arn"] == "arn:aws:scheduler:::aws-sdk:cloudwatch:putMetricData"
        assert json.loads(target["input"]) == {
            "Namespace": NAMESPACE,
            "MetricData": [
                {
                    "MetricName": "Succeeded",
                    "Dimensions": [{"Name": name, "Value": value} for name, value in success_dimensions(key).items()],
                    "Value": 0,
                    "Unit": "Count",
                }
            ],
        }
    long_name = planned(full, f'aws_scheduler_schedule.heartbeat["job/{LONG_JOB}/first-of-month"]')["name"]
    assert len(long_name) == 64 and long_name.startswith(f"job-{LONG_JOB}"[:55])


def test_heartbeat_role_may_only_publish_its_namespace(full):
    role = planned(full, "aws_iam_role.heartbeat[0]")
    trust = json.loads(role["assume_role_policy"])["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "scheduler.amazonaws.com"}]
    assert trust[0]["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT
    policy = json.loads(planned(full, "aws_iam_role_policy.heartbeat[0]")["policy"])
    publish = next(s for s in policy["Statement"] if s["Sid"] == "PublishHeartbeats")
    assert publish["Action"] == "cloudwatch:PutMetricData"
    assert publish["Condition"] == {"StringEquals": {"cloudwatch:namespace": NAMESPACE}}
    assert {s["Sid"] for s in policy["Statement"]} == {"PublishHeartbeats", "DeadLetters", "Encryption"}


# Derived cron intervals against an independent oracle: croniter's own schedule.


def croniter_max_gap_minutes(expression: str) -> int:
    minute, hour, dom, month, dow, _ = expression[len("cron(") : -1].split()
    # AWS day-of-week numbers are SUN=1..SAT=7, croniter's SUN=0..SAT=6
    dow = "".join(str(int(c) - 1) if c.isdigit() else c for c in dow)
    spec = " ".join([minute, hour, dom.replace("?", "*"), month, dow.replace("?", "*")])
    runs = croniter(spec, datetime(2026, 1, 5, tzinfo=UTC))
    times = [runs.get_next(datetime) for _ in range(2000)]
    times = [t for t in times if t < datetime(2026, 1, 5, tzinfo=UTC) + timedelta(days=21)]
    return max(int((b - a).total_seconds() // 60) for a, b in itertools.pairwise(times))


@pytest.mark.parametrize(("index", "expression"), list(enumerate(ORACLE_CRONS)))
def test_derived_cron_interval_is_the_longest_gap(full, index, expression):
    summary = full.outputs["missed_run"][f"job/oracle/c{index}"]
    assert summary["interval_minutes"] == croniter_max_gap_minutes(expression), expression


# --------------------------------------------------------------------------------------------
# Dead-letter and pipeline alarms
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "queue"), [("schedules", "mon-schedules-dlq"), ("monitoring", "mon-monitoring-dlq")])
def test_dead_letter_alarm(full, given_topic, key, queue):
    alarm = planned(full, f'aws_cloudwatch_metric_alarm.dead_letters["{key}"]')
    assert alarm["alarm_name"] == f"mon-dead-letters-{key}"
    assert (alarm["namespace"], alarm["metric_name"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert alarm["dimensions"] == {"QueueName": queue}
    assert (alarm["statistic"], alarm["period"], alarm["evaluation_periods"]) == ("Maximum", 300, 1)
    assert (alarm["threshold"], alarm["comparison_operator"]) == (0, "GreaterThanThreshold")
    assert alarm["treat_missing_data"] == "notBreaching"
    assert unknown_after_apply(full, f'aws_cloudwatch_metric_alarm.dead_letters["{key}"]', "alarm_actions")
    assert planned(given_topic, f'aws_cloudwatch_metric_alarm.dead_letters["{key}"]')["alarm_actions"] == [GIVEN_TOPIC]


@pytest.mark.parametrize(
    ("outcome", "metric"),
    [("failed", "ExecutionsFailed"), ("timed_out", "ExecutionsTimedOut"), ("aborted", "ExecutionsAborted")],
)
def test_pipeline_alarm(full, given_topic, outcome, metric):
    address = f'aws_cloudwatch_metric_alarm.pipeline["weekly/{outcome}"]'
    alarm = planned(full, address)
    assert alarm["alarm_name"] == f"mon-pipeline-weekly-{outcome.replace('_', '-')}"
    assert (alarm["namespace"], alarm["metric_name"]) == ("AWS/States", metric)
    assert alarm["dimensions"] == {"StateMachineArn": STATE_MACHINE}
    assert (alarm["statistic"], alarm["period"], alarm["evaluation_periods"]) == ("Sum", 300, 1)
    assert (alarm["threshold"], alarm["comparison_operator"]) == (0, "GreaterThanThreshold")
    assert alarm["treat_missing_data"] == "notBreaching"
    assert planned(given_topic, address)["alarm_actions"] == [GIVEN_TOPIC]


def test_no_pipelines_no_pipeline_alarms(standalone):
    plan = standalone.plan({})
    assert not [a for a in plan.planned_resources if ".pipeline" in a or "heartbeat" in a]
    assert not [a for a in plan.planned_resources if ".missed_run[" in a]
    assert plan.outputs["dashboard_name"] is None


# --------------------------------------------------------------------------------------------
# Topic, rules, history
# --------------------------------------------------------------------------------------------


def test_created_topic_is_encrypted_and_only_this_stacks_rules_and_alarms_publish(full):
    topic = planned(full, "aws_sns_topic.this[0]")
    assert topic["name"] == "mon-notifications"
    assert topic["kms_master_key_id"] == KMS_KEY
    policy = json.loads(planned(full, "aws_sns_topic_policy.this[0]")["policy"])
    allows = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert sorted(s["Principal"]["Service"] for s in allows) == ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    for statement in allows:
        assert statement["Action"] == "sns:Publish"
        assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    source_arns = {s["Principal"]["Service"]: s["Condition"]["ArnLike"]["aws:SourceArn"] for s in allows}
    assert source_arns == {
        "events.amazonaws.com": f"arn:aws:events:us-east-1:{ACCOUNT}:rule/mon-*",
        "cloudwatch.amazonaws.com": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:mon-*",
    }
    deny = next(s for s in policy["Statement"] if s["Effect"] == "Deny")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert not full.of_type("aws_sns_topic_subscription")


def test_given_topic_gets_the_email_subscriptions_and_no_new_topic(given_topic):
    assert not given_topic.of_type("aws_sns_topic")
    subscriptions = given_topic.of_type("aws_sns_topic_subscription").values()
    assert sorted((s["topic_arn"], s["protocol"], s["endpoint"]) for s in subscriptions) == [
        (GIVEN_TOPIC, "email", "data-team@example.com"),
        (GIVEN_TOPIC, "email", "oncall@example.com"),
    ]
    assert given_topic.outputs["sns_topic_arn"] == GIVEN_TOPIC
    target = planned(given_topic, "aws_cloudwatch_event_target.job_failed")
    assert target["arn"] == GIVEN_TOPIC


def test_failure_rule_pattern(full, given_topic):
    pattern = json.loads(planned(full, "aws_cloudwatch_event_rule.job_failed")["event_pattern"])
    assert pattern == {
        "source": ["aws.batch"],
        "detail-type": ["Batch Job State Change"],
        "account": [ACCOUNT],
        "detail": {
            "status": ["FAILED"],
            "jobQueue": [
                f"arn:aws:batch:us-east-1:{ACCOUNT}:job-queue/mon-default",
                f"arn:aws:batch:us-east-1:{ACCOUNT}:job-queue/mon-isolated-report",
            ],
        },
    }
    custom = json.loads(planned(given_topic, "aws_cloudwatch_event_rule.job_failed")["event_pattern"])
    assert custom["detail"]["status"] == ["FAILED", "SUCCEEDED"]


def test_failure_target_retries_into_the_monitoring_dead_letter_queue(full):
    target = planned(full, "aws_cloudwatch_event_target.job_failed")
    assert target["retry_policy"] == [{"maximum_retry_attempts": 185, "maximum_event_age_in_seconds": 86400}]
    assert unknown_after_apply(full, "aws_cloudwatch_event_target.job_failed", "dead_letter_config")
    transformer = target["input_transformer"][0]
    assert set(transformer["input_paths"]) >= {"job", "queue", "status", "status_reason", "log_stream", "job_id"}
    dlq = planned(full, "aws_sqs_queue.dead_letters")
    assert (dlq["name"], dlq["kms_master_key_id"]) == ("mon-monitoring-dlq", KMS_KEY)
    queue_policy = json.loads(planned(full, "aws_sqs_queue_policy.dead_letters")["policy"])
    allow = next(s for s in queue_policy["Statement"] if s["Effect"] == "Allow")
    assert allow["Principal"] == {"Service": "events.amazonaws.com"}
    assert allow["Action"] == "sqs:SendMessage"
    assert allow["Resource"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:mon-monitoring-dlq"
    rules = f"arn:aws:events:us-east-1:{ACCOUNT}:rule"
    assert allow["Condition"] == {
        "ArnEquals": {
            "aws:SourceArn": [f"{rules}/mon-job-failed", f"{rules}/mon-job-history", f"{rules}/mon-pipeline-history"]
        }
    }


def test_history_log_group_rules_and_resource_policy(full):
    group = planned(full, "aws_cloudwatch_log_group.history")
    assert (group["name"], group["retention_in_days"], group["kms_key_id"]) == (
        "/aws/events/mon/job-history",
        365,
        KMS_KEY,
    )
    batch = json.loads(planned(full, "aws_cloudwatch_event_rule.job_history")["event_pattern"])
    assert "status" not in batch["detail"]  # every state change
    assert batch["account"] == [ACCOUNT] and len(batch["detail"]["jobQueue"]) == 2
    pipelines = json.loads(planned(full, "aws_cloudwatch_event_rule.pipeline_history[0]")["event_pattern"])
    assert pipelines == {
        "source": ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        "account": [ACCOUNT],
        "detail": {"stateMachineArn": [STATE_MACHINE]},
    }
    assert full.resource_changes["module.monitoring.aws_cloudwatch_log_resource_policy.history[0]"]["after_unknown"][
        "policy_document"
    ]


def test_dashboard_has_queue_history_and_alarm_widgets(full):
    body = json.loads(planned(full, "aws_cloudwatch_dashboard.this[0]")["dashboard_body"])
    titles = [w["properties"].get("title", "") for w in body["widgets"]]
    assert "Queue mon-default: job state transitions" in titles
    assert "Queue mon-isolated-report: job state transitions" in titles
    assert "Job history (latest state changes)" in titles
    assert "Pipeline executions" in titles
    history = next(w for w in body["widgets"] if w["properties"].get("title") == "Job history (latest state changes)")
    assert history["properties"]["query"].startswith("SOURCE '/aws/events/mon/job-history'")
    queue = next(w for w in body["widgets"] if w["properties"].get("title", "").startswith("Queue mon-default"))
    assert 'JobQueueName="mon-default"' in queue["properties"]["metrics"][0][0]["expression"]


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


BAD_INPUTS = {
    "notifications": {
        "notify_on": ["FAILED", "SUBMITED"],
        "email_addresses": ["oncall.example.com"],
        "sns_topic_arn": "oncall",
    },
    "missed_run_checks": {
        "job/x/y": {"kind": "job", "expression": "rate(1 day)"},
        "pipeline/p/s": {"kind": "pipeline", "expression": "rate(1 day)", "expected_interval_minutes": 0.5},
        "job/z/w": {"kind": "batch", "expression": "rate(1 day)", "job_name": "x"},
    },
    "missed_run_grace_minutes": 2,
}


@pytest.fixture(scope="module")
def bad_input_errors(standalone):
    """Every variable validation reports at once: one plan for all the bad inputs."""
    with pytest.raises(TerraformError) as error:
        standalone.plan(BAD_INPUTS)
    return " ".join(" ".join(error.value.diagnostics).split())


@pytest.mark.parametrize(
    "message",
    [
        'notifications.notify_on: "SUBMITED" is not a Batch job state with state-change events',
        'notifications.email_addresses: "oncall.example.com" is not an email address.',
        'notifications.sns_topic_arn: "oncall" is not an SNS topic ARN',
        'missed_run_checks["job/x/y"]: a job check needs job_name.',
        'missed_run_checks["pipeline/p/s"]: a pipeline check needs state_machine_arn.',
        'missed_run_checks["pipeline/p/s"]: expected_interval_minutes 0.5 must be a whole number of minutes >= 1.',
        'missed_run_checks["job/z/w"]: kind "batch" is not supported (use "job" or "pipeline").',
        "missed_run_grace_minutes: 2 must be a whole number of minutes >= 5",
    ],
)
def test_bad_inputs_fail_at_plan_time_with_a_clear_message(bad_input_errors, message):
    assert message in bad_input_errors
