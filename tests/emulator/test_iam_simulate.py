"""IAM SimulatePrincipalPolicy over HTTP (+ canary on bare moto)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from batch_harness.emulator import LocalAccount

from .conftest import unique

QUEUE = "arn:aws:batch:us-east-1:123456789012:job-queue/reports"
SECRET = "arn:aws:batch:us-east-1:123456789012:job-queue/secret"
OTHER = "arn:aws:batch:us-east-1:123456789012:job-queue/other"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def test_simulate_principal_policy_evaluates_the_role_policies(account: LocalAccount) -> None:
    iam = account.client("iam")
    name = unique("schedule-role")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=name,
        PolicyName="submit",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "batch:SubmitJob", "Resource": [QUEUE]},
                    {"Effect": "Deny", "Action": "batch:*", "Resource": SECRET},
                    {
                        "Effect": "Allow",
                        "Action": "sqs:SendMessage",
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
                    },
                ],
            }
        ),
    )
    iam.attach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/AWSBatchFullAccess")
    submit = iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["batch:SubmitJob"], ResourceArns=[QUEUE, SECRET, OTHER]
    )["EvaluationResults"]
    decisions = {result["EvalResourceName"]: result["EvalDecision"] for result in submit}
    assert decisions == {QUEUE: "allowed", SECRET: "explicitDeny", OTHER: "allowed"}  # OTHER: the managed policy
    assert {m["SourcePolicyType"] for r in submit for m in r["MatchedStatements"]} == {"role", "aws-managed"}
    send = iam.simulate_principal_policy(
        PolicySourceArn=arn,
        ActionNames=["sqs:SendMessage"],
        ContextEntries=[
            {"ContextKeyName": "aws:SourceAccount", "ContextKeyValues": ["210987654321"], "ContextKeyType": "string"}
        ],
    )["EvaluationResults"]
    assert send[0]["EvalDecision"] == "implicitDeny"  # the condition does not hold


def test_simulate_principal_policy_unknown_role(account: LocalAccount) -> None:
    with pytest.raises(ClientError, match="NoSuchEntity"):
        account.client("iam").simulate_principal_policy(
            PolicySourceArn="arn:aws:iam::123456789012:role/missing", ActionNames=["batch:SubmitJob"]
        )


def test_canary_moto_lacks_simulate_principal_policy() -> None:
    from moto.iam.responses import IamResponse

    assert not hasattr(IamResponse, "simulate_principal_policy")
