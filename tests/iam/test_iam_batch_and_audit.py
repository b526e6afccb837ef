"""SubmitJob's authorised resources, least-privilege helpers, and malformed-policy errors."""

from __future__ import annotations

import pytest
from iam_samples import (
    BATCH,
    DLQ,
    JOBDEF,
    OTHER_JOBDEF,
    OTHER_QUEUE,
    OTHER_SQS,
    QUEUE,
    SCHEDULER_ROLE_POLICY,
    SCHEDULER_TRUST,
    allow,
    deny,
    policy,
)

from batch_harness.iam import (
    SUBMIT_JOB,
    PolicyError,
    Request,
    RolePolicies,
    broad_grants,
    evaluate,
    evaluate_all,
    least_privilege_problems,
    resource_policy_admits,
    submit_job_requests,
    submit_job_resources,
)


def test_submit_job_resources_are_queue_and_job_definition() -> None:
    assert submit_job_resources(QUEUE, f"{JOBDEF}:3") == [QUEUE, f"{JOBDEF}:3"]
    assert submit_job_resources(QUEUE, JOBDEF) == [QUEUE, JOBDEF]


def test_submit_job_resources_complete_bare_names() -> None:
    assert submit_job_resources(QUEUE, "demo-report:2") == [QUEUE, f"{BATCH}:job-definition/demo-report:2"]
    assert submit_job_resources("demo-default", f"{JOBDEF}:2") == [QUEUE, f"{JOBDEF}:2"]


@pytest.mark.parametrize(
    ("queue", "job_definition"),
    [
        ("demo-default", "demo-report"),  # nothing to take region/account from
        (JOBDEF, JOBDEF),  # queue argument is a job definition
        (QUEUE, QUEUE),  # job definition argument is a queue
        (DLQ, "demo-report"),  # not a Batch ARN
    ],
)
def test_submit_job_resources_rejects(queue: str, job_definition: str) -> None:
    with pytest.raises(ValueError):
        submit_job_resources(queue, job_definition)


def test_delivery_checks_every_resource() -> None:
    # Queue allowed, job definition not: one allowed resource must not be enough.
    only_queue = [policy(allow(SUBMIT_JOB, QUEUE, "QueueOnly"))]
    decision = evaluate_all(submit_job_requests(QUEUE, f"{JOBDEF}:1"), only_queue)
    assert not decision.allowed
    assert f"on {JOBDEF}:1" in decision.reason
    only_jobdef = [policy(allow(SUBMIT_JOB, f"{JOBDEF}:*"))]
    assert not evaluate_all(submit_job_requests(QUEUE, f"{JOBDEF}:1"), only_jobdef).allowed
    both = evaluate_all(submit_job_requests(QUEUE, f"{JOBDEF}:1"), [SCHEDULER_ROLE_POLICY])
    assert both.allowed and QUEUE in both.reason and f"{JOBDEF}:1" in both.reason


def test_revisionless_submission_needs_revisionless_grant() -> None:
    # Granting only "name:*" denies a submission that names no revision (resource = ".../name").
    revision_only = [policy(allow(SUBMIT_JOB, [QUEUE, f"{JOBDEF}:*"]))]
    assert evaluate_all(submit_job_requests(QUEUE, f"{JOBDEF}:4"), revision_only).allowed
    decision = evaluate_all(submit_job_requests(QUEUE, JOBDEF), revision_only)
    assert not decision.allowed and decision.reason.endswith(f"on {JOBDEF}")


def test_evaluate_all_needs_requests() -> None:
    with pytest.raises(ValueError):
        evaluate_all([], [SCHEDULER_ROLE_POLICY])


def _role(*docs: dict) -> RolePolicies:
    return RolePolicies("demo", SCHEDULER_TRUST, list(docs), None)


def test_least_privilege_problems_pass_and_fail() -> None:
    must_allow = [*submit_job_requests(QUEUE, f"{JOBDEF}:1"), Request("sqs:SendMessage", DLQ)]
    must_deny = [
        *submit_job_requests(OTHER_QUEUE, f"{JOBDEF}:1")[:1],
        Request(SUBMIT_JOB, f"{OTHER_JOBDEF}:1"),
        Request("sqs:SendMessage", OTHER_SQS),
        Request("batch:TerminateJob", QUEUE),
    ]
    assert least_privilege_problems(_role(SCHEDULER_ROLE_POLICY), must_allow, must_deny) == []

    widened = _role(policy(allow(SUBMIT_JOB, "*", "Wide"), allow("sqs:SendMessage", DLQ)))
    problems = least_privilege_problems(widened, must_allow, must_deny)
    assert problems == [
        f'role demo should be denied {SUBMIT_JOB} on {OTHER_QUEUE}: allowed by statement "Wide"',
        f'role demo should be denied {SUBMIT_JOB} on {OTHER_JOBDEF}:1: allowed by statement "Wide"',
    ]
    narrowed = _role(policy(allow("sqs:SendMessage", DLQ)))
    assert len(least_privilege_problems(narrowed, must_allow, must_deny)) == 2


def test_broad_grants() -> None:
    doc = policy(
        allow("*", "*", "Admin"),
        allow("s3:*", "arn:aws:s3:::b/*", "S3"),
        {"Sid": "NA", "Effect": "Allow", "NotAction": "iam:*", "Resource": QUEUE},
        {"Sid": "NR", "Effect": "Allow", "Action": "batch:DescribeJobs", "NotResource": QUEUE},
        allow("batch:DescribeJobs", "*", "Describe"),
        deny("*", "*", "DenyIsFine"),
        allow(SUBMIT_JOB, QUEUE, "Narrow"),
    )
    findings = broad_grants(doc)
    assert findings == [
        'statement "Admin": Action "*"',
        'statement "Admin": Resource "*" for [\'*\']',
        'statement "S3": Action "s3:*"',
        "statement \"NA\": NotAction ['iam:*']",
        f"statement \"NR\": NotResource ['{QUEUE}']",
        'statement "Describe": Resource "*" for [\'batch:DescribeJobs\']',
    ]
    assert broad_grants(SCHEDULER_ROLE_POLICY) == []


@pytest.mark.parametrize(
    "doc",
    [
        policy({"Effect": "Permit", "Action": "*", "Resource": "*"}),
        policy({"Effect": "Allow", "Resource": "*"}),
        policy({"Effect": "Allow", "Action": "*"}),
        policy({"Effect": "Allow", "Action": "*", "NotAction": "iam:*", "Resource": "*"}),
        policy({"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": "*"}),
        policy({"Effect": "Allow", "Action": [], "Resource": "*"}),
        policy({"Effect": "Allow", "Action": 5, "Resource": "*"}),
        {"Statement": "nope"},
        "not json at all",
        "[1, 2]",
    ],
    ids=[
        "bad-effect",
        "no-action",
        "no-resource-in-identity",
        "action-and-notaction",
        "principal-in-identity",
        "empty-action-list",
        "action-not-string",
        "statement-not-object",
        "not-json",
        "json-not-object",
    ],
)
def test_malformed_identity_policies_raise(doc: object) -> None:
    with pytest.raises(PolicyError):
        evaluate(Request(SUBMIT_JOB, QUEUE), [doc])


def test_resource_policy_requires_principal() -> None:
    with pytest.raises(PolicyError):
        evaluate(Request(SUBMIT_JOB, QUEUE), [], resource_policy=policy(allow(SUBMIT_JOB, QUEUE)))


# The shape of modules/encryption's key policy: account delegation + service delivery.
KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/0000-1111"
KEY_POLICY = policy(
    {
        "Sid": "AccountAdministration",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "kms:*",
        "Resource": "*",
    },
    {
        "Sid": "ServiceDelivery",
        "Effect": "Allow",
        "Principal": {"Service": ["events.amazonaws.com", "scheduler.amazonaws.com"]},
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}},
    },
)
ROLE_SESSION = "arn:aws:sts::111122223333:assumed-role/demo-report-schedule/s"


def test_key_policy_admits_account_role_by_delegation_only() -> None:
    request = Request("kms:GenerateDataKey", KEY_ARN, {}, ROLE_SESSION)
    admitted = resource_policy_admits(request, KEY_POLICY)
    assert admitted.allowed and admitted.reason.startswith('allowed by statement "AccountAdministration" (account')
    # ...but the key policy alone grants the role nothing: its identity policies must allow it too.
    assert not evaluate(request, [], resource_policy=KEY_POLICY).allowed
    granting_identity = [policy(allow(["kms:GenerateDataKey", "kms:Decrypt"], KEY_ARN, "UseKey"))]
    assert evaluate(request, granting_identity, resource_policy=KEY_POLICY).allowed
    other_account_role = Request(
        "kms:GenerateDataKey", KEY_ARN, {}, ROLE_SESSION.replace("111122223333", "444455556666")
    )
    assert not resource_policy_admits(other_account_role, KEY_POLICY).allowed


def test_key_policy_admits_service_with_source_account() -> None:
    ok = Request("kms:GenerateDataKey", KEY_ARN, {"aws:SourceAccount": "111122223333"}, "events.amazonaws.com")
    decision = resource_policy_admits(ok, KEY_POLICY)
    assert decision.allowed and decision.reason == 'allowed by statement "ServiceDelivery"'
    assert evaluate(ok, [], resource_policy=KEY_POLICY).allowed  # a service principal is named directly
    wrong = Request("kms:GenerateDataKey", KEY_ARN, {"aws:SourceAccount": "444455556666"}, "events.amazonaws.com")
    denied = resource_policy_admits(wrong, KEY_POLICY)
    assert not denied.allowed and 'statement "ServiceDelivery" condition StringEquals' in denied.reason
    other_service = Request("kms:GenerateDataKey", KEY_ARN, {"aws:SourceAccount": "111122223333"}, "sns.amazonaws.com")
    assert not resource_policy_admits(other_service, KEY_POLICY).allowed


def test_resource_policy_admits_honours_deny() -> None:
    locked = policy(
        {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"},
        {
            "Sid": "NoDecrypt",
            "Effect": "Deny",
            "Principal": {"AWS": "111122223333"},
            "Action": "kms:Decrypt",
            "Resource": "*",
        },
    )
    decision = resource_policy_admits(Request("kms:Decrypt", KEY_ARN, {}, ROLE_SESSION), locked)
    assert not decision.allowed and '"NoDecrypt" (explicit Deny)' in decision.reason
