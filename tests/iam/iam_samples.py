"""Realistic policies of this stack (a schedule's role) shared by the IAM evaluator tests."""

from __future__ import annotations

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
REGION = "us-east-1"
BATCH = f"arn:aws:batch:{REGION}:{ACCOUNT}"
QUEUE = f"{BATCH}:job-queue/demo-default"
OTHER_QUEUE = f"{BATCH}:job-queue/demo-other"
JOBDEF = f"{BATCH}:job-definition/demo-report"  # ARN without revision (provider's arn_prefix)
OTHER_JOBDEF = f"{BATCH}:job-definition/demo-report-extra"
DLQ = f"arn:aws:sqs:{REGION}:{ACCOUNT}:demo-schedules-dlq"
OTHER_SQS = f"arn:aws:sqs:{REGION}:{ACCOUNT}:payments"
SCHEDULE_ARN = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/demo/report-nightly"
# Scheduler presents the schedule *group* ARN as aws:SourceArn (see source_context.py).
SCHEDULE_GROUP_ARN = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/demo"
RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/demo-report-nightly"

SCHEDULER_ROLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "SubmitOwnJob",
            "Effect": "Allow",
            "Action": "batch:SubmitJob",
            "Resource": [QUEUE, JOBDEF, f"{JOBDEF}:*"],
        },
        {"Sid": "SendToOwnDlq", "Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": DLQ},
    ],
}

SCHEDULER_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "TrustScheduler",
            "Effect": "Allow",
            "Principal": {"Service": "scheduler.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        }
    ],
}


def policy(*statements: dict, version: str | None = "2012-10-17") -> dict:
    doc: dict = {"Statement": list(statements)}
    if version:
        doc["Version"] = version
    return doc


def allow(action, resource, sid: str | None = None, **extra) -> dict:
    stmt = {"Effect": "Allow", "Action": action, "Resource": resource, **extra}
    if sid:
        stmt["Sid"] = sid
    return stmt


def deny(action, resource, sid: str | None = None, **extra) -> dict:
    stmt = {"Effect": "Deny", "Action": action, "Resource": resource, **extra}
    if sid:
        stmt["Sid"] = sid
    return stmt
