"""Table-driven tests of `evaluate`: one row = one policy set, one request, the expected decision.

Every row names what it proves; the `reason` column pins the statement that decided it, so a row
that is right "by accident" (allowed by the wrong statement) fails too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from iam_samples import (
    ACCOUNT,
    BATCH,
    DLQ,
    JOBDEF,
    OTHER_ACCOUNT,
    OTHER_JOBDEF,
    OTHER_QUEUE,
    OTHER_SQS,
    QUEUE,
    SCHEDULER_ROLE_POLICY,
    allow,
    deny,
    policy,
)

from batch_harness.iam import Request, evaluate

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/demo-report-schedule"
SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/demo-report-schedule/scheduler-session"


@dataclass
class Case:
    id: str
    identity: list[dict]
    request: Request
    allowed: bool
    reason: str  # substring expected in Decision.reason
    boundary: dict | None = None
    resource_policy: dict | None = None
    names: list[str] = field(default_factory=list)


def req(action: str, resource: str, principal: str | None = None, **context) -> Request:
    return Request(action, resource, {k.replace("__", ":"): v for k, v in context.items()}, principal)


SUBMIT = "batch:SubmitJob"
ROLE = [SCHEDULER_ROLE_POLICY]
# A schedule whose target is a Step Functions state machine (resource part holds a colon).
STATES = f"arn:aws:states:us-east-1:{ACCOUNT}"
SFN_ROLE = [policy(allow("states:StartExecution", f"{STATES}:stateMachine:demo-pipeline", "StartOwnPipeline"))]

CASES = [
    # --- the schedule role of this stack -------------------------------------------------------
    Case("own-queue", ROLE, req(SUBMIT, QUEUE), True, 'allowed by statement "SubmitOwnJob"'),
    Case("own-jobdef-revision", ROLE, req(SUBMIT, f"{JOBDEF}:7"), True, '"SubmitOwnJob"'),
    Case("own-jobdef-no-revision", ROLE, req(SUBMIT, JOBDEF), True, '"SubmitOwnJob"'),
    Case("other-queue", ROLE, req(SUBMIT, OTHER_QUEUE), False, f"no statement allows {SUBMIT} on {OTHER_QUEUE}"),
    # "demo-report:*" must not match a job definition whose name merely starts with "demo-report".
    Case("other-jobdef-same-prefix", ROLE, req(SUBMIT, f"{OTHER_JOBDEF}:1"), False, "no statement allows"),
    Case("other-jobdef-name-suffix", ROLE, req(SUBMIT, f"{JOBDEF}x:1"), False, "no statement allows"),
    Case("own-dlq", ROLE, req("sqs:SendMessage", DLQ), True, 'allowed by statement "SendToOwnDlq"'),
    Case("other-sqs-queue", ROLE, req("sqs:SendMessage", OTHER_SQS), False, "no statement allows sqs:SendMessage"),
    Case("unrelated-action", ROLE, req("batch:TerminateJob", QUEUE), False, "no statement allows batch:TerminateJob"),
    Case("other-account-queue", ROLE, req(SUBMIT, QUEUE.replace(ACCOUNT, OTHER_ACCOUNT)), False, "no statement"),
    Case("other-region-queue", ROLE, req(SUBMIT, QUEUE.replace("us-east-1", "eu-west-1")), False, "no statement"),
    Case(
        "sfn-own-state-machine",
        SFN_ROLE,
        req("states:StartExecution", f"{STATES}:stateMachine:demo-pipeline"),
        True,
        '"StartOwnPipeline"',
    ),
    Case(
        "sfn-other-state-machine",
        SFN_ROLE,
        req("states:StartExecution", f"{STATES}:stateMachine:demo-pipeline-2"),
        False,
        "no statement allows states:StartExecution",
    ),
    Case(
        "sfn-other-action", SFN_ROLE, req("states:StopExecution", f"{STATES}:stateMachine:demo-pipeline"), False, "no"
    ),
    # --- case rules ---------------------------------------------------------------------------
    Case("action-case-insensitive", ROLE, req("BATCH:submitjob", QUEUE), True, '"SubmitOwnJob"'),
    Case("resource-case-sensitive", ROLE, req(SUBMIT, QUEUE.replace("demo-default", "Demo-Default")), False, "no"),
    # --- element shapes -----------------------------------------------------------------------
    Case(
        "statement-as-object",
        [{"Version": "2012-10-17", "Statement": allow(SUBMIT, QUEUE, "Single")}],
        req(SUBMIT, QUEUE),
        True,
        '"Single"',
    ),
    Case("action-list", [policy(allow(["sqs:SendMessage", SUBMIT], [QUEUE], "L"))], req(SUBMIT, QUEUE), True, '"L"'),
    Case("resource-list-second", [policy(allow(SUBMIT, [OTHER_QUEUE, QUEUE], "R"))], req(SUBMIT, QUEUE), True, '"R"'),
    Case("no-sid-label", [policy(allow("sqs:*", "*"), allow(SUBMIT, QUEUE))], req(SUBMIT, QUEUE), True, "statement #2"),
    Case(
        "no-sid-label-names-policy",
        [policy(allow(SUBMIT, QUEUE))],
        req(SUBMIT, QUEUE),
        True,
        'statement #1 of identity policy "inline:submit"',
        names=["inline:submit"],
    ),
    Case("allow-in-second-policy", [policy(allow("sqs:*", DLQ)), ROLE[0]], req(SUBMIT, QUEUE), True, "SubmitOwnJob"),
    Case("no-policies", [], req(SUBMIT, QUEUE), False, "no statement allows"),
    Case("empty-statement-list", [policy()], req(SUBMIT, QUEUE), False, "no statement allows"),
    # --- action wildcards ---------------------------------------------------------------------
    Case("service-wildcard", [policy(allow("batch:*", "*", "B"))], req(SUBMIT, OTHER_QUEUE), True, '"B"'),
    Case("service-wildcard-other-service", [policy(allow("batch:*", "*"))], req("sqs:SendMessage", DLQ), False, "no"),
    Case("prefix-wildcard", [policy(allow("batch:Submit*", "*", "P"))], req(SUBMIT, QUEUE), True, '"P"'),
    Case("prefix-wildcard-miss", [policy(allow("batch:Submit*", "*"))], req("batch:DescribeJobs", "*"), False, "no"),
    Case("question-mark-one-char", [policy(allow("batch:SubmitJo?", "*", "Q"))], req(SUBMIT, QUEUE), True, '"Q"'),
    Case("question-mark-not-two", [policy(allow("batch:Submit?", "*"))], req(SUBMIT, QUEUE), False, "no statement"),
    Case("action-star", [policy(allow("*", "*", "All"))], req("iam:PassRole", ROLE_ARN), True, '"All"'),
    Case("infix-wildcard", [policy(allow("iam:*AccessKey*", "*", "K"))], req("iam:CreateAccessKey", "*"), True, '"K"'),
    # --- resource wildcards -------------------------------------------------------------------
    Case("resource-star", [policy(allow(SUBMIT, "*", "Star"))], req(SUBMIT, OTHER_QUEUE), True, '"Star"'),
    Case(
        "resource-suffix-star",
        [policy(allow(SUBMIT, f"{BATCH}:job-queue/demo-*"))],
        req(SUBMIT, OTHER_QUEUE),
        True,
        "#1",
    ),
    Case(
        "resource-qmark",
        [policy(allow(SUBMIT, f"{BATCH}:job-queue/q?"))],
        req(SUBMIT, f"{BATCH}:job-queue/q1"),
        True,
        "#1",
    ),
    Case(
        "resource-qmark-miss",
        [policy(allow(SUBMIT, f"{BATCH}:job-queue/q?"))],
        req(SUBMIT, f"{BATCH}:job-queue/q10"),
        False,
        "no",
    ),
    Case(
        "resource-region-segment-wildcard",
        [policy(allow(SUBMIT, f"arn:aws:batch:*:{ACCOUNT}:job-queue/demo-default"))],
        req(SUBMIT, QUEUE.replace("us-east-1", "eu-west-1")),
        True,
        "#1",
    ),
    # A '*' in the account part stays in that part: it cannot absorb the "job-queue/" of the next one.
    Case(
        "resource-segment-wildcard-bounded",
        [policy(allow(SUBMIT, "arn:aws:batch:us-east-1:*:demo-default"))],
        req(SUBMIT, QUEUE),
        False,
        "no statement",
    ),
    Case(
        "resource-short-pattern-trailing-star",
        [policy(allow(SUBMIT, "arn:aws:batch:*", "Short"))],
        req(SUBMIT, QUEUE),
        True,
        '"Short"',
    ),
    Case(
        "resource-short-pattern-no-star",
        [policy(allow(SUBMIT, f"arn:aws:batch:us-east-1:{ACCOUNT}"))],
        req(SUBMIT, QUEUE),
        False,
        "no statement",
    ),
    Case(
        "resource-wildcard-spans-slashes-in-resource-part",
        [policy(allow("s3:GetObject", "arn:aws:s3:::bucket/*"))],
        req("s3:GetObject", "arn:aws:s3:::bucket/a/b/c.txt"),
        True,
        "#1",
    ),
    Case(
        "resource-specific-vs-request-star",
        [policy(allow("batch:DescribeJobs", QUEUE))],
        req("batch:DescribeJobs", "*"),
        False,
        "no statement",
    ),
    # --- NotAction / NotResource --------------------------------------------------------------
    Case(
        "notaction-allows-others",
        [policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*", "Sid": "NA"})],
        req(SUBMIT, QUEUE),
        True,
        '"NA"',
    ),
    Case(
        "notaction-excludes",
        [policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})],
        req("iam:PassRole", ROLE_ARN),
        False,
        "no statement allows iam:PassRole",
    ),
    Case(
        "notaction-case-insensitive",
        [policy({"Effect": "Allow", "NotAction": "IAM:passrole", "Resource": "*"})],
        req("iam:PassRole", ROLE_ARN),
        False,
        "no statement",
    ),
    Case(
        "notresource-allows-others",
        [policy({"Effect": "Allow", "Action": SUBMIT, "NotResource": OTHER_QUEUE, "Sid": "NR"})],
        req(SUBMIT, QUEUE),
        True,
        '"NR"',
    ),
    Case(
        "notresource-excludes",
        [policy({"Effect": "Allow", "Action": SUBMIT, "NotResource": OTHER_QUEUE})],
        req(SUBMIT, OTHER_QUEUE),
        False,
        "no statement",
    ),
    # --- explicit deny ------------------------------------------------------------------------
    Case(
        "deny-overrides-allow",
        [policy(allow("batch:*", "*"), deny(SUBMIT, OTHER_QUEUE, "NoOther"))],
        req(SUBMIT, OTHER_QUEUE),
        False,
        'denied by statement "NoOther" (explicit Deny)',
    ),
    Case(
        "deny-other-resource-keeps-allow",
        [policy(allow("batch:*", "*", "A"), deny(SUBMIT, OTHER_QUEUE))],
        req(SUBMIT, QUEUE),
        True,
        '"A"',
    ),
    Case(
        "deny-in-other-policy", [ROLE[0], policy(deny("*", "*", "Lockdown"))], req(SUBMIT, QUEUE), False, '"Lockdown"'
    ),
    Case(
        "deny-before-allow-order-irrelevant",
        [policy(deny(SUBMIT, QUEUE, "D"), allow(SUBMIT, QUEUE))],
        req(SUBMIT, QUEUE),
        False,
        '"D"',
    ),
    Case(
        "deny-notaction",
        [policy(allow("*", "*"), {"Sid": "OnlySqs", "Effect": "Deny", "NotAction": "sqs:*", "Resource": "*"})],
        req(SUBMIT, QUEUE),
        False,
        '"OnlySqs"',
    ),
    Case(
        "deny-notaction-spares",
        [policy(allow("*", "*", "A"), {"Effect": "Deny", "NotAction": "sqs:*", "Resource": "*"})],
        req("sqs:SendMessage", DLQ),
        True,
        '"A"',
    ),
    # --- conditions in identity policies ------------------------------------------------------
    Case(
        "condition-met",
        [policy(allow(SUBMIT, QUEUE, "S", Condition={"StringEquals": {"batch:ShareIdentifier": "lowCpu"}}))],
        req(SUBMIT, QUEUE, batch__ShareIdentifier="lowCpu"),
        True,
        '"S"',
    ),
    Case(
        "condition-key-missing",
        [policy(allow(SUBMIT, QUEUE, "S", Condition={"StringEquals": {"batch:ShareIdentifier": "lowCpu"}}))],
        req(SUBMIT, QUEUE),
        False,
        'statement "S" condition StringEquals batch:ShareIdentifier "lowCpu" not met',
    ),
    Case(
        "condition-key-name-case-insensitive",
        [policy(allow(SUBMIT, QUEUE, "S", Condition={"StringEquals": {"AWS:RequestedRegion": "us-east-1"}}))],
        req(SUBMIT, QUEUE, aws__requestedregion="us-east-1"),
        True,
        '"S"',
    ),
    Case(
        "deny-negated-missing-key-applies",
        [
            policy(
                allow(SUBMIT, QUEUE),
                deny("*", "*", "RegionLock", Condition={"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}),
            )
        ],
        req(SUBMIT, QUEUE),
        False,
        '"RegionLock"',
    ),
    # IfExists: an absent key makes the condition true (for Allow and Deny alike).
    Case(
        "allow-ifexists-missing-key-holds",
        [policy(allow(SUBMIT, QUEUE, "IE", Condition={"StringEqualsIfExists": {"batch:ShareIdentifier": "lowCpu"}}))],
        req(SUBMIT, QUEUE),
        True,
        '"IE"',
    ),
    Case(
        "allow-ifexists-present-key-checked",
        [policy(allow(SUBMIT, QUEUE, "IE", Condition={"StringEqualsIfExists": {"batch:ShareIdentifier": "lowCpu"}}))],
        req(SUBMIT, QUEUE, batch__ShareIdentifier="highCpu"),
        False,
        'request has "highCpu"',
    ),
    Case(
        "deny-ifexists-missing-key-applies",
        [
            policy(
                allow(SUBMIT, QUEUE),
                deny("*", "*", "RI", Condition={"StringNotEqualsIfExists": {"aws:RequestedRegion": "us-east-1"}}),
            )
        ],
        req(SUBMIT, QUEUE),
        False,
        '"RI"',
    ),
    Case(
        "deny-ifexists-matching-key-spares",
        [
            policy(
                allow(SUBMIT, QUEUE, "A"),
                deny("*", "*", Condition={"StringNotEqualsIfExists": {"aws:RequestedRegion": "us-east-1"}}),
            )
        ],
        req(SUBMIT, QUEUE, aws__RequestedRegion="us-east-1"),
        True,
        '"A"',
    ),
    Case(
        "deny-ifexists-present-key-applies",
        [
            policy(
                allow(SUBMIT, QUEUE),
                deny("*", "*", "R", Condition={"StringNotEqualsIfExists": {"aws:RequestedRegion": "us-east-1"}}),
            )
        ],
        req(SUBMIT, QUEUE, aws__RequestedRegion="eu-west-1"),
        False,
        '"R"',
    ),
    # --- policy variables ---------------------------------------------------------------------
    Case(
        "variable-resolved",
        [policy(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*", "Home"))],
        req("s3:GetObject", "arn:aws:s3:::home/alice/notes.txt", aws__username="alice"),
        True,
        '"Home"',
    ),
    Case(
        "variable-other-user",
        [policy(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"))],
        req("s3:GetObject", "arn:aws:s3:::home/bob/notes.txt", aws__username="alice"),
        False,
        "no statement",
    ),
    Case(
        "variable-unknown-no-crash",
        [policy(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"))],
        req("s3:GetObject", "arn:aws:s3:::home/alice/notes.txt"),
        False,
        "no statement",
    ),
    # A value holding '*' must not act as a wildcard once substituted.
    Case(
        "variable-value-is-literal",
        [policy(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/x"))],
        req("s3:GetObject", "arn:aws:s3:::home/alice/x", aws__username="*"),
        False,
        "no statement",
    ),
    Case(
        "variable-default",
        [policy(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username, 'guest'}/*", "G"))],
        req("s3:GetObject", "arn:aws:s3:::home/guest/x"),
        True,
        '"G"',
    ),
    Case(
        "variable-escape-star-literal",
        [policy(allow("s3:GetObject", "arn:aws:s3:::b/${*}", "E"))],
        req("s3:GetObject", "arn:aws:s3:::b/*"),
        True,
        '"E"',
    ),
    Case(
        "variable-escape-star-not-wildcard",
        [policy(allow("s3:GetObject", "arn:aws:s3:::b/${*}"))],
        req("s3:GetObject", "arn:aws:s3:::b/anything"),
        False,
        "no statement",
    ),
    Case(
        "variable-old-version-literal",
        [policy(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"), version="2008-10-17")],
        req("s3:GetObject", "arn:aws:s3:::home/alice/x", aws__username="alice"),
        False,
        "no statement",
    ),
    Case(
        "variable-old-version-literal-matches-text",
        [policy(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*", "Old"), version=None)],
        req("s3:GetObject", "arn:aws:s3:::home/${aws:username}/x"),
        True,
        '"Old"',
    ),
    # --- permissions boundary -----------------------------------------------------------------
    Case(
        "boundary-allows",
        ROLE,
        req(SUBMIT, QUEUE),
        True,
        '"SubmitOwnJob"',
        boundary=policy(allow(["batch:*", "sqs:*"], "*")),
    ),
    Case(
        "boundary-blocks",
        ROLE,
        req("sqs:SendMessage", DLQ),
        False,
        "the permissions boundary does not allow sqs:SendMessage",
        boundary=policy(allow("batch:*", "*")),
    ),
    Case(
        "boundary-alone-grants-nothing",
        [],
        req(SUBMIT, QUEUE),
        False,
        "no statement allows",
        boundary=policy(allow("*", "*")),
    ),
    Case(
        "boundary-explicit-deny",
        ROLE,
        req(SUBMIT, QUEUE),
        False,
        '"BDeny" (explicit Deny)',
        boundary=policy(allow("*", "*"), deny(SUBMIT, "*", "BDeny")),
    ),
    # --- resource policy, same account ---------------------------------------------------------
    Case(
        "resource-policy-grants-role",
        [],
        req("sqs:SendMessage", DLQ, SESSION_ARN),
        True,
        '"FromRole"',
        resource_policy=policy(allow("sqs:SendMessage", DLQ, "FromRole", Principal={"AWS": ROLE_ARN})),
    ),
    Case(
        "resource-policy-other-principal",
        [],
        req("sqs:SendMessage", DLQ, SESSION_ARN),
        False,
        "no statement",
        resource_policy=policy(allow("sqs:SendMessage", DLQ, Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/other"})),
    ),
    Case(
        "resource-policy-no-resource-element",
        [],
        req("sqs:SendMessage", DLQ, SESSION_ARN),
        True,
        '"Attached"',
        resource_policy=policy(
            {"Sid": "Attached", "Effect": "Allow", "Action": "sqs:SendMessage", "Principal": {"AWS": ROLE_ARN}}
        ),
    ),
    # An account principal delegates to the account's identity policies; it grants nothing alone.
    Case(
        "resource-policy-account-principal-only-delegates",
        [],
        req("sqs:SendMessage", DLQ, SESSION_ARN),
        False,
        'statement "Acct" names the account of',
        resource_policy=policy(
            allow("sqs:SendMessage", DLQ, "Acct", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
        ),
    ),
    Case(
        "resource-policy-account-principal-plus-identity",
        ROLE,
        req("sqs:SendMessage", DLQ, SESSION_ARN),
        True,
        '"SendToOwnDlq"',
        resource_policy=policy(allow("sqs:SendMessage", DLQ, "Acct", Principal={"AWS": ACCOUNT})),
    ),
    Case(
        "resource-policy-account-deny-applies",
        ROLE,
        req("sqs:SendMessage", DLQ, SESSION_ARN),
        False,
        '"AcctDeny" (explicit Deny)',
        resource_policy=policy(deny("sqs:SendMessage", DLQ, "AcctDeny", Principal={"AWS": ACCOUNT})),
    ),
    Case(
        "resource-policy-deny-beats-identity",
        ROLE,
        req("sqs:SendMessage", DLQ, SESSION_ARN),
        False,
        '"NoSend"',
        resource_policy=policy(deny("sqs:SendMessage", DLQ, "NoSend", Principal="*")),
    ),
    Case(
        "resource-policy-notprincipal-deny",
        ROLE,
        req("sqs:SendMessage", DLQ, SESSION_ARN),
        True,
        '"SendToOwnDlq"',
        resource_policy=policy(
            {"Effect": "Deny", "Action": "sqs:*", "Resource": DLQ, "NotPrincipal": {"AWS": ROLE_ARN}}
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_evaluate(case: Case) -> None:
    decision = evaluate(
        case.request,
        case.identity,
        resource_policy=case.resource_policy,
        permissions_boundary=case.boundary,
        identity_policy_names=case.names,
    )
    assert decision.allowed is case.allowed, decision.reason
    assert case.reason in decision.reason


def test_case_ids_unique_and_table_large() -> None:
    assert len({c.id for c in CASES}) == len(CASES)
    assert len(CASES) >= 40


def test_decision_carries_deciding_statement() -> None:
    allowed = evaluate(Request(SUBMIT, QUEUE), ROLE)
    assert allowed.statement is not None and allowed.statement["Sid"] == "SubmitOwnJob"
    denied = evaluate(Request(SUBMIT, OTHER_QUEUE), ROLE)
    assert denied.statement is None
    explicit = evaluate(Request(SUBMIT, QUEUE), [policy(allow("*", "*"), deny(SUBMIT, QUEUE, "X"))])
    assert explicit.statement is not None and explicit.statement["Sid"] == "X"


def test_documents_as_json_and_url_encoded_strings() -> None:
    import json
    from urllib.parse import quote

    text = json.dumps(SCHEDULER_ROLE_POLICY)
    for doc in (text, quote(text), text.encode()):
        assert evaluate(Request(SUBMIT, QUEUE), [doc]).allowed
        assert not evaluate(Request(SUBMIT, OTHER_QUEUE), [doc]).allowed


def test_widened_resource_is_detected() -> None:
    # The posture proof: the same role with Resource "*" must no longer be denied another queue.
    widened = policy(allow(SUBMIT, "*", "SubmitOwnJob"))
    assert evaluate(Request(SUBMIT, OTHER_QUEUE), [widened]).allowed
    assert not evaluate(Request(SUBMIT, OTHER_QUEUE), ROLE).allowed
