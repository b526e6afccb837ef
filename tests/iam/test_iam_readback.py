"""`read_role_policies`: what is read back from IAM is what gets evaluated.

Against moto in-process (fast, no server) for the real client code path, and a tiny fake client
for the shapes moto does not produce (URL-encoded strings, truncated pages).
"""

from __future__ import annotations

import json
from urllib.parse import quote

import boto3
import pytest
from iam_samples import (
    ACCOUNT,
    DLQ,
    JOBDEF,
    OTHER_QUEUE,
    OTHER_SQS,
    QUEUE,
    SCHEDULER_ROLE_POLICY,
    SCHEDULER_TRUST,
    allow,
    policy,
)
from moto import mock_aws

from batch_harness.iam import (
    Request,
    read_role_policies,
    role_name_from,
    submit_job_requests,
)
from fake_paging import Paginating

SUBMIT = "batch:SubmitJob"


@pytest.fixture
def iam():
    with mock_aws():
        yield boto3.client("iam", region_name="us-east-1")


def _create_role(iam, name: str = "demo-report-schedule", path: str = "/") -> str:
    return iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=json.dumps(SCHEDULER_TRUST))["Role"][
        "Arn"
    ]


def test_reads_trust_inline_managed_default_version_and_boundary(iam) -> None:
    arn = _create_role(iam, path="/schedules/")
    iam.put_role_policy(
        RoleName="demo-report-schedule",
        PolicyName="submit",
        PolicyDocument=json.dumps(policy(allow(SUBMIT, [QUEUE, f"{JOBDEF}:*"], "SubmitOwnJob"))),
    )
    # Managed policy whose first version is broad; only the default (second) version counts.
    managed = iam.create_policy(PolicyName="dlq-send", PolicyDocument=json.dumps(policy(allow("sqs:*", "*", "Broad"))))[
        "Policy"
    ]["Arn"]
    iam.create_policy_version(
        PolicyArn=managed,
        PolicyDocument=json.dumps(policy(allow("sqs:SendMessage", DLQ, "SendToOwnDlq"))),
        SetAsDefault=True,
    )
    iam.attach_role_policy(RoleName="demo-report-schedule", PolicyArn=managed)
    boundary = iam.create_policy(
        PolicyName="boundary", PolicyDocument=json.dumps(policy(allow(["batch:*", "sqs:*"], "*")))
    )["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName="demo-report-schedule", PermissionsBoundary=boundary)

    role = read_role_policies(iam, arn)

    assert role.role_name == "demo-report-schedule"
    assert role.role_arn == arn
    assert role.trust_policy == SCHEDULER_TRUST
    assert role.policy_names == ["inline:submit", managed]
    assert len(role.identity_policies) == 2
    assert role.identity_policies[1]["Statement"][0]["Sid"] == "SendToOwnDlq"
    assert role.permissions_boundary is not None

    assert role.can_assume("scheduler.amazonaws.com", {"aws:SourceAccount": ACCOUNT}).allowed
    assert role.evaluate_all(submit_job_requests(QUEUE, f"{JOBDEF}:1")).allowed
    assert not role.evaluate(Request(SUBMIT, OTHER_QUEUE)).allowed
    decision = role.evaluate(Request("sqs:SendMessage", DLQ))
    assert decision.allowed and decision.reason.startswith('allowed by statement "SendToOwnDlq"')
    # v1's "sqs:*" on "*" is not the default version: another queue stays denied.
    assert not role.evaluate(Request("sqs:SendMessage", OTHER_SQS)).allowed


def test_boundary_read_back_limits(iam) -> None:
    _create_role(iam)
    iam.put_role_policy(
        RoleName="demo-report-schedule", PolicyName="p", PolicyDocument=json.dumps(SCHEDULER_ROLE_POLICY)
    )
    boundary = iam.create_policy(PolicyName="only-batch", PolicyDocument=json.dumps(policy(allow("batch:*", "*"))))
    iam.put_role_permissions_boundary(RoleName="demo-report-schedule", PermissionsBoundary=boundary["Policy"]["Arn"])
    role = read_role_policies(iam, "demo-report-schedule")
    assert role.evaluate(Request(SUBMIT, QUEUE)).allowed
    denied = role.evaluate(Request("sqs:SendMessage", DLQ))
    assert not denied.allowed and "permissions boundary" in denied.reason


def test_role_without_policies(iam) -> None:
    _create_role(iam, name="bare")
    role = read_role_policies(iam, "bare")
    assert role.identity_policies == [] and role.permissions_boundary is None
    assert not role.evaluate(Request(SUBMIT, QUEUE)).allowed


def test_missing_role_raises(iam) -> None:
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        read_role_policies(iam, "nope")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("plain", "plain"),
        (f"arn:aws:iam::{ACCOUNT}:role/plain", "plain"),
        (f"arn:aws:iam::{ACCOUNT}:role/service-role/deep/name", "name"),
    ],
)
def test_role_name_from(given: str, expected: str) -> None:
    assert role_name_from(given) == expected


def test_role_name_from_rejects_other_arns() -> None:
    with pytest.raises(ValueError, match="not a role ARN"):
        role_name_from(f"arn:aws:iam::{ACCOUNT}:user/alice")


class FakeIam(Paginating):
    """Answers like IAM's wire form: URL-encoded JSON strings, two-page listings."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        enc = lambda d: quote(json.dumps(d))  # noqa: E731
        self.docs = {
            "a": enc(policy(allow(SUBMIT, QUEUE, "A"))),
            "b": json.dumps(policy(allow("sqs:SendMessage", DLQ, "B"))),  # plain JSON string
        }
        self.trust = enc(SCHEDULER_TRUST)

    def get_role(self, RoleName: str) -> dict:
        return {"Role": {"RoleName": RoleName, "AssumeRolePolicyDocument": self.trust}}

    def list_role_policies(self, RoleName: str, Marker: str | None = None) -> dict:
        self.calls.append(("list_role_policies", {"Marker": Marker}))
        if Marker is None:
            return {"PolicyNames": ["a"], "IsTruncated": True, "Marker": "m1"}
        return {"PolicyNames": ["b"], "IsTruncated": False}

    def get_role_policy(self, RoleName: str, PolicyName: str) -> dict:
        return {"PolicyDocument": self.docs[PolicyName]}

    def list_attached_role_policies(self, RoleName: str, Marker: str | None = None) -> dict:
        return {"AttachedPolicies": [], "IsTruncated": False}


def test_url_encoded_documents_and_pagination() -> None:
    fake = FakeIam()
    role = read_role_policies(fake, "r")
    assert [c[1]["Marker"] for c in fake.calls] == [None, "m1"]
    assert role.policy_names == ["inline:a", "inline:b"]
    assert role.trust_policy == SCHEDULER_TRUST
    assert role.evaluate(Request(SUBMIT, QUEUE)).reason.startswith('allowed by statement "A"')
    assert role.evaluate(Request("sqs:SendMessage", DLQ)).allowed
