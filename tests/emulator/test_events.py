"""EventBridge: TestEventPattern, PutEvents delivery, Batch state-change events (+ canaries)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from batch_harness.delivery.target_input import render_input_transformer
from batch_harness.emulator import LocalAccount

from .conftest import BatchSetup, unique


def batch_event(status: str, queue_arn: str, account_id: str = "123456789012") -> dict[str, Any]:
    """A `Batch Job State Change` event shaped like the AWS Batch user guide's sample."""
    return {
        "version": "0",
        "id": "c8f9c4b5-76e5-d76a-f980-7011e206042b",
        "detail-type": "Batch Job State Change",
        "source": "aws.batch",
        "account": account_id,
        "time": "2022-01-11T23:36:40Z",
        "region": "us-east-1",
        "resources": ["arn:aws:batch:us-east-1:123456789012:job/4c7599ae-0a82-49aa-ba5a-4727fcce14a8"],
        "detail": {
            "jobArn": "arn:aws:batch:us-east-1:123456789012:job/4c7599ae-0a82-49aa-ba5a-4727fcce14a8",
            "jobName": "event-test",
            "jobId": "4c7599ae-0a82-49aa-ba5a-4727fcce14a8",
            "jobQueue": queue_arn,
            "status": status,
            "statusReason": "Essential container in task exited",
            "attempts": [],
            "createdAt": 1641944200058,
            "retryStrategy": {"attempts": 2, "evaluateOnExit": []},
            "dependsOn": [],
            "jobDefinition": "arn:aws:batch:us-east-1:123456789012:job-definition/first-run-job-definition:1",
            "parameters": {},
            "container": {"image": "busybox", "command": ["sleep", "600"], "exitCode": 1},
            "tags": {},
            "propagateTags": False,
            "platformCapabilities": [],
        },
    }


QUEUE = "arn:aws:batch:us-east-1:123456789012:job-queue/reports"
FAILED_IN_QUEUE = json.dumps(
    {
        "source": ["aws.batch"],
        "account": ["123456789012"],
        "detail-type": ["Batch Job State Change"],
        "detail": {"status": ["FAILED"], "jobQueue": [QUEUE]},
    }
)

# -- TestEventPattern ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "queue", "account_id", "expected"),
    [
        ("FAILED", QUEUE, "123456789012", True),
        ("SUCCEEDED", QUEUE, "123456789012", False),
        ("RUNNABLE", QUEUE, "123456789012", False),
        ("FAILED", QUEUE.replace("reports", "other"), "123456789012", False),
        ("FAILED", QUEUE, "210987654321", False),
    ],
)
def test_test_event_pattern_matches_like_aws(
    account: LocalAccount, status: str, queue: str, account_id: str, expected: bool
) -> None:
    event = json.dumps(batch_event(status, queue, account_id))
    result = account.client("events").test_event_pattern(EventPattern=FAILED_IN_QUEUE, Event=event)
    assert result["Result"] is expected


def test_test_event_pattern_rejects_invalid_input(account: LocalAccount) -> None:
    events = account.client("events")
    event = batch_event("FAILED", QUEUE)
    with pytest.raises(ClientError, match="InvalidEventPattern"):
        events.test_event_pattern(EventPattern='{"source": "aws.batch"}', Event=json.dumps(event))
    del event["resources"]
    with pytest.raises(ClientError, match="resources"):
        events.test_event_pattern(EventPattern=FAILED_IN_QUEUE, Event=json.dumps(event))


def test_canary_moto_test_event_pattern_answers_nothing(unpatched_moto: Any) -> None:
    result = unpatched_moto("events").test_event_pattern(
        EventPattern=FAILED_IN_QUEUE, Event=json.dumps(batch_event("FAILED", QUEUE))
    )
    assert "Result" not in result


# -- PutEvents delivery ----------------------------------------------------------------------


def _queue(account: LocalAccount) -> tuple[str, str]:
    sqs = account.client("sqs")
    url = sqs.create_queue(QueueName=unique("q"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _messages(account: LocalAccount, url: str) -> list[str]:
    response = account.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
    return [message["Body"] for message in response.get("Messages", [])]


def _put(account: LocalAccount, source: str, detail: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = account.client("events").put_events(
        Entries=[{"Source": source, "DetailType": "Batch Job State Change", "Detail": json.dumps(detail)}]
    )
    return result


def test_put_events_delivers_to_supported_targets_and_records_the_rest(account: LocalAccount) -> None:
    events, logs, sns, sqs = (account.client(s) for s in ("events", "logs", "sns", "sqs"))
    source = unique("test.batch")
    transformed_url, transformed_arn = _queue(account)
    topic_url, topic_queue_arn = _queue(account)
    topic = sns.create_topic(Name=unique("alerts"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=topic_queue_arn, Attributes={"RawMessageDelivery": "true"})
    group = f"/aws/events/{unique('history')}"
    logs.create_log_group(logGroupName=group)
    group_arn = f"arn:aws:logs:us-east-1:{account.account_id}:log-group:{group}"
    rule = unique("failed")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source], "detail": {"status": ["FAILED"]}}))
    events.put_targets(
        Rule=rule,
        Targets=[
            {
                "Id": "transformed",
                "Arn": transformed_arn,
                "InputTransformer": {
                    "InputPathsMap": {"job": "$.detail.jobName", "reason": "$.detail.statusReason"},
                    "InputTemplate": '"Batch job <job> failed: <reason>"',
                },
            },
            {"Id": "history", "Arn": group_arn},
            {"Id": "topic", "Arn": topic, "Input": '{"alert": "constant"}'},
            {
                "Id": "batch",
                "Arn": "arn:aws:batch:us-east-1:123456789012:job-queue/q",
                "RoleArn": "arn:aws:iam::123456789012:role/r",
                "BatchParameters": {"JobDefinition": "jd", "JobName": "j"},
            },
        ],
    )
    result = _put(account, source, {"jobName": "report", "status": "FAILED", "statusReason": 'exit "1"'})
    assert result["FailedEntryCount"] == 0
    assert _messages(account, transformed_url) == ['"Batch job report failed: exit \\"1\\""']
    assert [json.loads(body) for body in _messages(account, topic_url)] == [{"alert": "constant"}]
    streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
    logged = [
        json.loads(event["message"])
        for stream in streams
        for event in logs.get_log_events(logGroupName=group, logStreamName=stream["logStreamName"])["events"]
    ]
    assert len(logged) == 1
    assert logged[0]["detail"]["jobName"] == "report"
    assert logged[0]["time"].endswith("Z") and "ingestion-time" not in logged[0]
    by_target = {d["target_id"]: d for d in account.event_deliveries() if d["rule"] == rule}
    assert by_target["batch"]["status"] == "not-delivered"
    assert {by_target[t]["status"] for t in ("transformed", "history", "topic")} == {"delivered"}
    _put(account, source, {"jobName": "report", "status": "SUCCEEDED"})  # pattern does not match
    assert _messages(account, transformed_url) == []
    del sqs


def test_a_target_whose_input_path_cannot_be_read_fails_alone(account: LocalAccount) -> None:
    # AWS refuses such a path at PutTargets; moto stores it, and PutEvents must still succeed.
    events = account.client("events")
    source = unique("test.batch")
    good_url, good_arn = _queue(account)
    _, bad_arn = _queue(account)
    rule = unique("paths")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source]}))
    events.put_targets(
        Rule=rule,
        Targets=[
            {"Id": "good", "Arn": good_arn, "InputPath": "$.detail"},
            {"Id": "bad", "Arn": bad_arn, "InputPath": "detail"},
        ],
    )
    assert _put(account, source, {"status": "FAILED"})["FailedEntryCount"] == 0
    assert [json.loads(body) for body in _messages(account, good_url)] == [{"status": "FAILED"}]
    by_target = {d["target_id"]: d for d in account.event_deliveries() if d["rule"] == rule}
    assert by_target["good"]["status"] == "delivered"
    assert by_target["bad"]["status"] == "failed"
    assert by_target["bad"]["reason"] == "the path 'detail' must start with '$' (JSONPath)"


def test_disabled_and_schedule_only_rules_do_not_fire(account: LocalAccount) -> None:
    events = account.client("events")
    source = unique("test.batch")
    url, arn = _queue(account)
    disabled = unique("disabled")
    events.put_rule(Name=disabled, EventPattern=json.dumps({"source": [source]}), State="DISABLED")
    scheduled = unique("scheduled")
    events.put_rule(Name=scheduled, ScheduleExpression="rate(1 hour)")
    for rule in (disabled, scheduled):
        events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn}])
    assert _put(account, source, {"status": "FAILED"})["FailedEntryCount"] == 0
    assert _messages(account, url) == []
    events.enable_rule(Name=disabled)
    _put(account, source, {"status": "FAILED"})
    assert len(_messages(account, url)) == 1


def test_canary_moto_fires_disabled_rules_and_fails_on_sns_targets(unpatched_moto: Any) -> None:
    events, sqs, sns = (unpatched_moto(s) for s in ("events", "sqs", "sns"))
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="disabled", EventPattern=json.dumps({"source": ["x"]}), State="DISABLED")
    events.put_targets(Rule="disabled", Targets=[{"Id": "q", "Arn": arn, "Input": '{"constant": 1}'}])
    events.put_events(Entries=[{"Source": "x", "DetailType": "t", "Detail": "{}"}])
    bodies = [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url).get("Messages", [])]
    assert len(bodies) == 1 and "detail" in bodies[0]  # fired while DISABLED, and Input ignored
    topic = sns.create_topic(Name="t")["TopicArn"]
    events.put_rule(Name="to-sns", EventPattern=json.dumps({"source": ["y"]}))
    events.put_targets(Rule="to-sns", Targets=[{"Id": "t", "Arn": topic}])
    with pytest.raises(NotImplementedError):
        events.put_events(Entries=[{"Source": "y", "DetailType": "t", "Detail": "{}"}])


# -- Batch Job State Change events -----------------------------------------------------------


def test_batch_state_change_events_reach_a_history_rule(account: LocalAccount, batch_setup: BatchSetup) -> None:
    events, logs = account.client("events"), account.client("logs")
    group = f"/aws/events/{unique('jobs')}"
    logs.create_log_group(logGroupName=group)
    rule = unique("history")
    events.put_rule(
        Name=rule,
        EventPattern=json.dumps(
            {
                "source": ["aws.batch"],
                "detail-type": ["Batch Job State Change"],
                "detail": {"jobQueue": [batch_setup.queue_arn]},
            }
        ),
    )
    events.put_targets(
        Rule=rule, Targets=[{"Id": "log", "Arn": f"arn:aws:logs:us-east-1:123456789012:log-group:{group}"}]
    )
    account.set_batch_events(True)
    try:
        job_id = account.client("batch").submit_job(
            jobName=unique("evt"), jobQueue=batch_setup.queue, jobDefinition=batch_setup.job_definition
        )["jobId"]
    finally:
        account.set_batch_events(False)
    # Delivery happens inside SubmitJob (the job ends there without Docker): no waiting needed.
    logged = [
        (event["timestamp"], json.loads(event["message"]))
        for stream in logs.describe_log_streams(logGroupName=group)["logStreams"]
        for event in logs.get_log_events(logGroupName=group, logStreamName=stream["logStreamName"])["events"]
    ]
    details = [message["detail"] for _, message in sorted(logged, key=lambda item: item[0])]
    assert {detail["jobId"] for detail in details} == {job_id}
    statuses = {detail["status"] for detail in details}
    assert statuses == {"RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED"}  # AWS sends no SUBMITTED event


# -- input transformer rendering (pure function) ---------------------------------------------

EC2_EVENT = {"detail": {"instance-id": "i-0123456789", "state": "RUNNING", "tags": ["a"]}, "source": "aws.ec2"}
PATHS = {"instance": "$.detail.instance-id", "state": "$.detail.state"}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ('"<instance> is in state <state>"', '"i-0123456789 is in state RUNNING"'),
        ('"<instance> is in state \\"<state>\\""', '"i-0123456789 is in state \\"RUNNING\\""'),
        ("<instance> is in state <state>", "i-0123456789 is in state RUNNING"),
        ('{"instance": <instance>, "state": "<state>"}', '{"instance": "i-0123456789", "state": "RUNNING"}'),
        ('{"missing": <nothing>, "text": "<nothing>"}', '{"missing": null, "text": ""}'),
    ],
)
def test_render_input_transformer(template: str, expected: str) -> None:
    paths = {**PATHS, "nothing": "$.detail.absent"}
    assert render_input_transformer(template, paths, EC2_EVENT) == expected


def test_render_input_transformer_predefined_variables() -> None:
    rendered = render_input_transformer(
        '{"rule": "<aws.events.rule-name>", "event": <aws.events.event.json>}', {}, EC2_EVENT, rule_name="r"
    )
    assert json.loads(rendered) == {"rule": "r", "event": EC2_EVENT}
