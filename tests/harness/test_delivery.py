"""Schedule delivery in local mode: every check AWS makes, and the request submitted unchanged."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from batch_harness.delivery.deliver import AccountInfo, deliver_all, plan_deliveries
from batch_harness.delivery.permissions import LocalPermissions
from batch_harness.delivery.schedules import Schedule, Target

from .fakes import (
    ACCOUNT,
    DLQ_ARN,
    JOBDEF_ARN,
    QUEUE_ARN,
    REGION,
    ROLE_ARN,
    RULE_ARN,
    SCHEDULE_ARN,
    SM_ARN,
    FakeClients,
    scheduler_trust,
    submit_policy,
)

ACCOUNT_INFO = AccountInfo(ACCOUNT, REGION)
NOW = dt.datetime(2026, 5, 4, 6, 0, tzinfo=dt.UTC)
SUBMIT_JOB = "arn:aws:scheduler:::aws-sdk:batch:submitJob"
ROLE_NAME = ROLE_ARN.rsplit("/", 1)[-1]


def events_trust() -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": RULE_ARN}},
            }
        ],
    }


@pytest.fixture
def clients() -> FakeClients:
    fake = FakeClients()
    fake.iam.add_role(ROLE_NAME, scheduler_trust(), target=submit_policy(QUEUE_ARN, JOBDEF_ARN))
    return fake


def submit_input(**overrides: object) -> str:
    body = {"JobName": "hello-daily", "JobQueue": QUEUE_ARN, "JobDefinition": JOBDEF_ARN}
    body.update(overrides)
    return json.dumps({k: v for k, v in body.items() if v is not None})


def scheduler_schedule(
    input_text: str | None, *, state: str = "ENABLED", arn: str = SUBMIT_JOB, **target: object
) -> Schedule:
    return Schedule(
        backend="scheduler",
        name="hello-daily",
        group="reports",
        arn=SCHEDULE_ARN,
        expression="cron(0 6 * * ? *)",
        state=state,
        targets=[Target(arn=arn, role_arn=ROLE_ARN, input=input_text, **target)],  # type: ignore[arg-type]
    )


def rule_schedule(raw_target: dict) -> Schedule:
    target = Target(
        arn=raw_target["Arn"],
        role_arn=raw_target.get("RoleArn"),
        input=raw_target.get("Input"),
        target_id="batch-job",
        batch_parameters=raw_target.get("BatchParameters"),
        dead_letter_arn=(raw_target.get("DeadLetterConfig") or {}).get("Arn"),
        raw=raw_target,
    )
    return Schedule("rules", "reports-hello-daily", "default", RULE_ARN, "rate(1 day)", "ENABLED", [target])


def deliver(schedule: Schedule, clients: FakeClients):
    [delivery] = deliver_all([schedule], ACCOUNT_INFO, LocalPermissions(clients.iam), clients, NOW)
    return delivery


# -- the good path ------------------------------------------------------------------------------


def test_scheduler_universal_target_is_submitted_unchanged_with_context_attributes(clients):
    schedule = scheduler_schedule(
        submit_input(
            ContainerOverrides={"Command": ["report", "<aws.scheduler.scheduled-time>"]}, Parameters={"period": "daily"}
        )
    )
    delivery = deliver(schedule, clients)
    assert delivery.ok, delivery.problems
    assert delivery.job_id == "job-1"
    assert clients.batch.submitted == [
        {
            "jobName": "hello-daily",
            "jobQueue": QUEUE_ARN,
            "jobDefinition": JOBDEF_ARN,
            "containerOverrides": {"command": ["report", "2026-05-04T06:00:00Z"]},
            "parameters": {"period": "daily"},
        }
    ]
    assert any(check.startswith("trust: allowed") for check in delivery.checks)


def test_scheduler_trust_is_checked_with_the_schedule_group_arn(clients):
    clients.iam.add_role(ROLE_NAME, scheduler_trust(SCHEDULE_ARN), target=submit_policy(QUEUE_ARN, JOBDEF_ARN))
    delivery = deliver(scheduler_schedule(submit_input()), clients)
    assert not delivery.submitted
    assert "does not trust scheduler.amazonaws.com" in delivery.messages()[0]
    assert delivery.messages()[0].startswith("schedule reports/hello-daily: role")


def test_rule_target_builds_submitjob_from_queue_arn_batch_parameters_and_input(clients):
    clients.iam.add_role(ROLE_NAME, events_trust(), target=submit_policy(QUEUE_ARN, JOBDEF_ARN))
    target = {
        "Id": "batch-job",
        "Arn": QUEUE_ARN,
        "RoleArn": ROLE_ARN,
        "Input": json.dumps({"Parameters": {"scope": "delta"}, "ContainerOverrides": {"Command": ["etl"]}}),
        "BatchParameters": {"JobDefinition": JOBDEF_ARN, "JobName": "nightly-etl", "RetryStrategy": {"Attempts": 2}},
    }
    delivery = deliver(rule_schedule(target), clients)
    assert delivery.ok, delivery.problems
    assert clients.batch.submitted == [
        {
            "jobName": "nightly-etl",
            "jobQueue": QUEUE_ARN,
            "jobDefinition": JOBDEF_ARN,
            "parameters": {"scope": "delta"},
            "containerOverrides": {"command": ["etl"]},
            "retryStrategy": {"attempts": 2},
        }
    ]


def test_state_machine_target_starts_execution_with_input(clients):
    clients.iam.add_role(
        ROLE_NAME,
        scheduler_trust(),
        target={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": SM_ARN}],
        },
    )
    delivery = deliver(scheduler_schedule('{"at": "<aws.scheduler.scheduled-time>"}', arn=SM_ARN), clients)
    assert delivery.ok, delivery.problems
    assert clients.stepfunctions.started == [{"stateMachineArn": SM_ARN, "input": '{"at": "2026-05-04T06:00:00Z"}'}]
    assert delivery.execution_arn


def test_rule_to_state_machine_without_input_sends_the_scheduled_event(clients):
    clients.iam.add_role(
        ROLE_NAME,
        events_trust(),
        target={"Statement": [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": SM_ARN}]},
    )
    delivery = deliver(rule_schedule({"Id": "sm", "Arn": SM_ARN, "RoleArn": ROLE_ARN}), clients)
    assert delivery.ok, delivery.problems
    event = json.loads(clients.stepfunctions.started[0]["input"])
    assert event["detail-type"] == "Scheduled Event"
    assert event["resources"] == [RULE_ARN]


# -- what must fail, naming the schedule and the reason -----------------------------------------


def test_role_without_submitjob_fails_naming_schedule_and_statement(clients):
    clients.iam.add_role(ROLE_NAME, scheduler_trust(), target=submit_policy(QUEUE_ARN))  # no job definition
    delivery = deliver(scheduler_schedule(submit_input()), clients)
    assert not delivery.submitted and clients.batch.submitted == []
    [message] = delivery.messages()
    assert message.startswith("schedule reports/hello-daily: role ")
    assert "batch:SubmitJob" in message and JOBDEF_ARN in message


def test_missing_role_is_reported(clients):
    clients.iam.roles.clear()
    delivery = deliver(scheduler_schedule(submit_input()), clients)
    assert "cannot be read back" in delivery.messages()[0]


@pytest.mark.parametrize(
    ("input_text", "expected"),
    [
        ("{not json", "is not valid JSON"),
        ('["JobName"]', "must be a JSON object"),
        (submit_input(jobDefinitionX="x"), "unknown member"),
        (submit_input(jobName="x", JobName=None), "did you mean 'JobName'"),
        (submit_input(Timeout={"AttemptDurationSeconds": "60"}), "Timeout.AttemptDurationSeconds: expected integer"),
        (submit_input(JobDefinition=None), "JobDefinition: required member missing"),
        (submit_input(JobName="bad name!"), "job name 'bad name!' is not valid"),
    ],
)
def test_malformed_input_fails_before_submission(clients, input_text, expected):
    delivery = deliver(scheduler_schedule(input_text), clients)
    assert not delivery.submitted
    assert any(expected in m for m in delivery.messages()), delivery.messages()
    assert all(m.startswith("schedule reports/hello-daily: ") for m in delivery.messages())


def test_wrong_queue_fails(clients):
    delivery = deliver(scheduler_schedule(submit_input(JobQueue="no-such-queue")), clients)
    assert "job queue no-such-queue does not exist" in delivery.messages()[0]


def test_disabled_queue_fails(clients):
    clients.batch.queues[QUEUE_ARN]["state"] = "DISABLED"
    delivery = deliver(scheduler_schedule(submit_input()), clients)
    assert "is DISABLED" in delivery.messages()[0]


def test_missing_or_inactive_job_definition_fails(clients):
    delivery = deliver(scheduler_schedule(submit_input(JobDefinition="reports-nothing")), clients)
    assert "job definition reports-nothing does not exist" in delivery.messages()[0]
    clients.batch.definitions[0]["status"] = "INACTIVE"
    delivery = deliver(scheduler_schedule(submit_input()), clients)
    assert "reports-hello:3 is INACTIVE" in delivery.messages()[0]


def test_revisionless_job_definition_needs_the_revisionless_arn_in_the_policy(clients):
    name_only = JOBDEF_ARN.rsplit(":", 1)[0]
    delivery = deliver(scheduler_schedule(submit_input(JobDefinition="reports-hello")), clients)
    assert not delivery.ok and name_only in delivery.messages()[0]
    clients.iam.add_role(ROLE_NAME, scheduler_trust(), target=submit_policy(QUEUE_ARN, name_only))
    clients.iam.roles[ROLE_NAME].inline["target"]["Statement"][0]["Resource"].append(f"{name_only}:*")
    assert deliver(scheduler_schedule(submit_input(JobDefinition="reports-hello")), clients).ok


def test_scheduler_cannot_target_a_job_queue_directly(clients):
    delivery = deliver(scheduler_schedule(submit_input(), arn=QUEUE_ARN), clients)
    assert "no templated AWS Batch target" in delivery.messages()[0]


def test_unsupported_universal_target_is_reported(clients):
    delivery = deliver(scheduler_schedule("{}", arn="arn:aws:scheduler:::aws-sdk:ec2:stopInstances"), clients)
    assert "ec2:StopInstances: the harness cannot authorise this target" in delivery.messages()[0]


class FakeCloudWatch:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def put_metric_data(self, **params: object) -> dict:
        self.calls.append(params)
        return {}


def heartbeat_policy(namespace: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "cloudwatch:PutMetricData",
                "Resource": "*",
                "Condition": {"StringEquals": {"cloudwatch:namespace": namespace}},
            }
        ],
    }


def test_other_universal_targets_are_authorised_with_their_condition_keys_and_called(clients):
    clients.cloudwatch = FakeCloudWatch()  # type: ignore[attr-defined]
    body = '{"Namespace": "Batch/MissedRuns", "MetricData": [{"MetricName": "due", "Value": 0, "Unit": "Count"}]}'
    arn = "arn:aws:scheduler:::aws-sdk:cloudwatch:putMetricData"
    clients.iam.add_role(ROLE_NAME, scheduler_trust(), target=heartbeat_policy("Other/Namespace"))
    delivery = deliver(scheduler_schedule(body, arn=arn), clients)
    assert "may not cloudwatch:PutMetricData" in delivery.messages()[0]
    clients.iam.add_role(ROLE_NAME, scheduler_trust(), target=heartbeat_policy("Batch/MissedRuns"))
    delivery = deliver(scheduler_schedule(body, arn=arn), clients)
    assert delivery.ok and delivery.delivered and delivery.submitted
    assert clients.cloudwatch.calls == [  # type: ignore[attr-defined]
        {"Namespace": "Batch/MissedRuns", "MetricData": [{"MetricName": "due", "Value": 0, "Unit": "Count"}]}
    ]


def test_schedule_encrypted_with_a_customer_key_needs_decrypt(clients):
    key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/2222"
    clients.kms.keys[key_arn] = {
        "meta": {"Arn": key_arn, "KeyManager": "CUSTOMER"},
        "policy": {
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*"}]
        },
    }
    schedule = scheduler_schedule(submit_input())
    schedule.raw = {"KmsKeyArn": key_arn}
    delivery = deliver(schedule, clients)
    assert "may not decrypt the schedule" in delivery.messages()[0]
    policy = submit_policy(QUEUE_ARN, JOBDEF_ARN)
    policy["Statement"].append({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn})
    clients.iam.add_role(ROLE_NAME, scheduler_trust(), target=policy)
    assert deliver(schedule, clients).ok


def test_rule_input_may_not_override_the_target(clients):
    clients.iam.add_role(ROLE_NAME, events_trust(), target=submit_policy(QUEUE_ARN, JOBDEF_ARN))
    target = {
        "Arn": QUEUE_ARN,
        "RoleArn": ROLE_ARN,
        "Input": json.dumps({"JobQueue": "elsewhere"}),
        "BatchParameters": {"JobDefinition": JOBDEF_ARN, "JobName": "x"},
    }
    delivery = deliver(rule_schedule(target), clients)
    assert "sets JobQueue" in delivery.messages()[0]


def test_rule_batch_target_needs_batch_parameters(clients):
    delivery = deliver(rule_schedule({"Arn": QUEUE_ARN, "RoleArn": ROLE_ARN}), clients)
    assert "needs BatchParameters" in delivery.messages()[0]


def test_disabled_and_expired_schedules_are_reported_not_fired(clients):
    disabled = deliver(scheduler_schedule(submit_input(), state="DISABLED"), clients)
    assert disabled.skipped and disabled.ok and not disabled.submitted
    expired = scheduler_schedule(submit_input())
    expired.end_date = NOW - dt.timedelta(days=1)
    skipped = deliver(expired, clients)
    assert skipped.skipped and "has passed" in skipped.skipped
    assert clients.batch.submitted == []


def test_one_bad_schedule_does_not_block_the_others(clients):
    good = scheduler_schedule(submit_input())
    bad = scheduler_schedule("{")
    bad.name = "broken"
    deliveries = deliver_all([bad, good], ACCOUNT_INFO, LocalPermissions(clients.iam), clients, NOW)
    assert [d.ok for d in deliveries] == [False, True]
    assert len(clients.batch.submitted) == 1


# -- dead-letter queue --------------------------------------------------------------------------


def test_scheduler_dead_letter_queue_needs_sqs_send_on_the_role(clients):
    clients.sqs.add_queue("reports-dlq")
    delivery = deliver(scheduler_schedule(submit_input(), dead_letter_arn=DLQ_ARN), clients)
    assert "may not send to dead-letter queue" in delivery.messages()[0]
    policy = submit_policy(QUEUE_ARN, JOBDEF_ARN)
    policy["Statement"].append({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": DLQ_ARN})
    clients.iam.add_role(ROLE_NAME, scheduler_trust(), target=policy)
    assert deliver(scheduler_schedule(submit_input(), dead_letter_arn=DLQ_ARN), clients).ok


def test_missing_dead_letter_queue_is_reported(clients):
    delivery = deliver(scheduler_schedule(submit_input(), dead_letter_arn=DLQ_ARN), clients)
    assert "dead-letter queue" in delivery.messages()[0] and "does not exist" in delivery.messages()[0]


def test_encrypted_dead_letter_queue_needs_the_key_on_role_and_key_policy(clients):
    key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1111"
    clients.kms.keys["alias/dlq"] = clients.kms.keys[key_arn] = {
        "meta": {"Arn": key_arn, "KeyManager": "CUSTOMER"},
        "policy": {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ]
        },
    }
    clients.sqs.add_queue("reports-dlq", KmsMasterKeyId="alias/dlq")
    policy = submit_policy(QUEUE_ARN, JOBDEF_ARN)
    policy["Statement"].append({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": DLQ_ARN})
    clients.iam.add_role(ROLE_NAME, scheduler_trust(), target=policy)
    delivery = deliver(scheduler_schedule(submit_input(), dead_letter_arn=DLQ_ARN), clients)
    assert "kms:GenerateDataKey" in delivery.messages()[0]
    policy["Statement"].append(
        {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": key_arn}
    )
    assert deliver(scheduler_schedule(submit_input(), dead_letter_arn=DLQ_ARN), clients).ok
    # The role's own grant is not enough when the key policy admits neither it nor its account.
    clients.kms.keys[key_arn]["policy"]["Statement"][0]["Principal"] = {"AWS": "arn:aws:iam::210987654321:root"}
    delivery = deliver(scheduler_schedule(submit_input(), dead_letter_arn=DLQ_ARN), clients)
    assert "the key policy of" in delivery.messages()[0]


def test_rule_dead_letter_queue_needs_a_queue_policy_for_events(clients):
    clients.iam.add_role(ROLE_NAME, events_trust(), target=submit_policy(QUEUE_ARN, JOBDEF_ARN))
    target = {
        "Arn": QUEUE_ARN,
        "RoleArn": ROLE_ARN,
        "BatchParameters": {"JobDefinition": JOBDEF_ARN, "JobName": "x"},
        "DeadLetterConfig": {"Arn": DLQ_ARN},
    }
    clients.sqs.add_queue("reports-dlq")
    delivery = deliver(rule_schedule(target), clients)
    assert "does not let events.amazonaws.com send: the queue has no policy" in delivery.messages()[0]
    clients.sqs.add_queue(
        "reports-dlq",
        Policy={
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "events.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": DLQ_ARN,
                    "Condition": {"ArnEquals": {"aws:SourceArn": RULE_ARN}},
                }
            ]
        },
    )
    assert deliver(rule_schedule(target), clients).ok


def test_planning_alone_submits_nothing(clients):
    deliveries = plan_deliveries(
        [scheduler_schedule(submit_input())], ACCOUNT_INFO, LocalPermissions(clients.iam), clients, NOW
    )
    assert deliveries[0].ok and not deliveries[0].submitted
    assert clients.batch.submitted == []
