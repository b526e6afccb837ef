"""Trust policies (`can_assume`) and Principal / NotPrincipal matching."""

from __future__ import annotations

import pytest
from iam_samples import ACCOUNT, OTHER_ACCOUNT, RULE_ARN, SCHEDULE_ARN, SCHEDULE_GROUP_ARN, SCHEDULER_TRUST, policy

from batch_harness.iam import PolicyError, can_assume, events_source_context, scheduler_source_context
from batch_harness.iam.principals import principal_matches

SCHEDULER = "scheduler.amazonaws.com"
EVENTS = "events.amazonaws.com"


def trust(principal: object, condition: dict | None = None, sid: str = "Trust", key: str = "Principal") -> dict:
    stmt = {"Sid": sid, "Effect": "Allow", key: principal, "Action": "sts:AssumeRole"}
    if condition:
        stmt["Condition"] = condition
    return policy(stmt)


SOURCE_ARN_TRUST = trust(
    {"Service": SCHEDULER},
    {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:scheduler:*:{ACCOUNT}:schedule-group/demo"},
    },
)
OWN_DELIVERY = scheduler_source_context(SCHEDULE_ARN)
OTHER_GROUP_DELIVERY = scheduler_source_context(SCHEDULE_ARN.replace("/demo/", "/other/"))

CASES = [
    (
        "right-account",
        SCHEDULER_TRUST,
        SCHEDULER,
        {"aws:SourceAccount": ACCOUNT},
        True,
        'allowed by statement "TrustScheduler"',
    ),
    (
        "other-account",
        SCHEDULER_TRUST,
        SCHEDULER,
        {"aws:SourceAccount": OTHER_ACCOUNT},
        False,
        f'statement "TrustScheduler" condition StringEquals aws:SourceAccount "{ACCOUNT}" not met '
        f'(request has "{OTHER_ACCOUNT}")',
    ),
    ("no-source-account", SCHEDULER_TRUST, SCHEDULER, {}, False, "the key is absent from the request"),
    (
        "other-service",
        SCHEDULER_TRUST,
        EVENTS,
        {"aws:SourceAccount": ACCOUNT},
        False,
        "denied: no statement lets events.amazonaws.com call sts:AssumeRole",
    ),
    ("service-list", trust({"Service": [EVENTS, SCHEDULER]}), SCHEDULER, {}, True, '"Trust"'),
    (
        "source-arn-own-group",
        SOURCE_ARN_TRUST,
        SCHEDULER,
        OWN_DELIVERY,
        True,
        '"Trust"',
    ),
    (
        "source-arn-other-group",
        SOURCE_ARN_TRUST,
        SCHEDULER,
        OTHER_GROUP_DELIVERY,
        False,
        "ArnLike aws:SourceArn",
    ),
    ("source-arn-missing", SOURCE_ARN_TRUST, SCHEDULER, {"aws:SourceAccount": ACCOUNT}, False, "ArnLike"),
    ("principal-star", trust("*"), SCHEDULER, {}, True, '"Trust"'),
    ("aws-star", trust({"AWS": "*"}), SCHEDULER, {}, True, '"Trust"'),
    ("aws-account-is-not-a-service", trust({"AWS": ACCOUNT}), SCHEDULER, {}, False, "no statement"),
    ("aws-root-is-not-a-service", trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), SCHEDULER, {}, False, "no statement"),
    ("service-name-exact", trust({"Service": "scheduler.amazonaws.com.evil"}), SCHEDULER, {}, False, "no statement"),
    (
        "principal-service-name-key",
        trust({"Service": SCHEDULER}, {"StringEquals": {"aws:PrincipalServiceName": SCHEDULER}}),
        SCHEDULER,
        {},
        True,
        '"Trust"',
    ),
    (
        "explicit-deny",
        policy(
            {"Effect": "Allow", "Principal": {"Service": SCHEDULER}, "Action": "sts:AssumeRole"},
            {
                "Sid": "NoOther",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sts:AssumeRole",
                "Condition": {"StringNotEquals": {"aws:SourceAccount": ACCOUNT}},
            },
        ),
        SCHEDULER,
        {"aws:SourceAccount": OTHER_ACCOUNT},
        False,
        'denied by statement "NoOther" (explicit Deny)',
    ),
    (
        "notprincipal-deny-spares-listed",
        policy(
            {"Sid": "All", "Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
            {"Effect": "Deny", "NotPrincipal": {"Service": SCHEDULER}, "Action": "sts:AssumeRole"},
        ),
        SCHEDULER,
        {},
        True,
        '"All"',
    ),
    (
        "notprincipal-deny-hits-others",
        policy(
            {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
            {
                "Sid": "OnlyScheduler",
                "Effect": "Deny",
                "NotPrincipal": {"Service": SCHEDULER},
                "Action": "sts:AssumeRole",
            },
        ),
        EVENTS,
        {},
        False,
        '"OnlyScheduler"',
    ),
    (
        "other-action-only",
        policy(
            {"Effect": "Allow", "Principal": {"Service": SCHEDULER}, "Action": "sts:TagSession"},
        ),
        SCHEDULER,
        {},
        False,
        "no statement",
    ),
    (
        "action-wildcard",
        policy(
            {"Sid": "W", "Effect": "Allow", "Principal": {"Service": SCHEDULER}, "Action": "sts:Assume*"},
        ),
        SCHEDULER,
        {},
        True,
        '"W"',
    ),
]


@pytest.mark.parametrize(
    ("trust_policy", "service", "context", "allowed", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_can_assume(trust_policy: dict, service: str, context: dict, allowed: bool, reason: str) -> None:
    decision = can_assume(trust_policy, service, context)
    assert decision.allowed is allowed, decision.reason
    assert reason in decision.reason


def test_can_assume_other_action() -> None:
    tagging = policy(
        {"Effect": "Allow", "Principal": {"Service": SCHEDULER}, "Action": ["sts:AssumeRole", "sts:TagSession"]}
    )
    assert can_assume(tagging, SCHEDULER, {}, action="sts:TagSession").allowed
    assert not can_assume(SCHEDULER_TRUST, SCHEDULER, {"aws:SourceAccount": ACCOUNT}, action="sts:TagSession").allowed


ROLE = f"arn:aws:iam::{ACCOUNT}:role/path/demo"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/demo/s1"

PRINCIPAL_CASES = [
    ("account-id-matches-role", {"AWS": ACCOUNT}, ROLE, True),
    ("account-id-matches-session", {"AWS": ACCOUNT}, SESSION, True),
    ("account-id-other", {"AWS": OTHER_ACCOUNT}, ROLE, False),
    ("root-arn", {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, ROLE, True),
    ("root-arn-other-partition", {"AWS": f"arn:aws-cn:iam::{ACCOUNT}:root"}, ROLE, False),
    ("role-arn-exact", {"AWS": ROLE}, ROLE, True),
    ("role-arn-matches-its-session", {"AWS": ROLE}, SESSION, True),
    ("role-arn-not-other-role-session", {"AWS": ROLE}, f"arn:aws:sts::{ACCOUNT}:assumed-role/other/s1", False),
    ("role-arn-not-other-account-session", {"AWS": ROLE}, f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/demo/s1", False),
    ("no-partial-wildcards", {"AWS": f"arn:aws:iam::{ACCOUNT}:role/*"}, ROLE, False),
    ("federated-exact", {"Federated": "cognito-identity.amazonaws.com"}, "cognito-identity.amazonaws.com", True),
    ("service-vs-aws-arn", {"Service": SCHEDULER}, ROLE, False),
    ("none-principal-only-star", {"Service": SCHEDULER}, None, False),
    ("star-matches-none", "*", None, True),
]


@pytest.mark.parametrize(
    ("element", "principal", "expected"), [c[1:] for c in PRINCIPAL_CASES], ids=[c[0] for c in PRINCIPAL_CASES]
)
def test_principal_matches(element: object, principal: str | None, expected: bool) -> None:
    assert principal_matches(element, principal) is expected


@pytest.mark.parametrize(
    "bad",
    [
        policy({"Effect": "Allow", "Action": "sts:AssumeRole"}),  # no Principal
        policy({"Effect": "Allow", "Principal": {"Service": SCHEDULER}, "Action": "sts:AssumeRole", "Resource": "*"}),
        policy({"Effect": "Allow", "Principal": {"Services": SCHEDULER}, "Action": "sts:AssumeRole"}),
        policy({"Effect": "Allow", "Principal": "someone", "Action": "sts:AssumeRole"}),
    ],
    ids=["no-principal", "resource-in-trust", "unknown-principal-type", "principal-not-star-string"],
)
def test_malformed_trust_raises(bad: dict) -> None:
    with pytest.raises(PolicyError):
        can_assume(bad, SCHEDULER, {})


def test_scheduler_source_context_is_the_schedule_group() -> None:
    assert scheduler_source_context(SCHEDULE_ARN) == {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": SCHEDULE_GROUP_ARN}


def test_trust_scoped_to_schedule_arn_denies_real_delivery() -> None:
    # Scheduler presents the group ARN, so a trust pinned to the schedule's own ARN never matches.
    pinned = trust({"Service": SCHEDULER}, {"ArnEquals": {"aws:SourceArn": SCHEDULE_ARN}})
    decision = can_assume(pinned, SCHEDULER, scheduler_source_context(SCHEDULE_ARN))
    assert not decision.allowed
    assert f'request has "{SCHEDULE_GROUP_ARN}"' in decision.reason


def test_events_rule_trust() -> None:
    rule_trust = trust(
        {"Service": EVENTS},
        {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnEquals": {"aws:SourceArn": RULE_ARN}},
    )
    assert can_assume(rule_trust, EVENTS, events_source_context(RULE_ARN)).allowed
    other_rule = RULE_ARN.replace("demo-report-nightly", "other")
    assert not can_assume(rule_trust, EVENTS, events_source_context(other_rule)).allowed
    assert not can_assume(rule_trust, SCHEDULER, events_source_context(RULE_ARN)).allowed


@pytest.mark.parametrize(
    "bad",
    [
        RULE_ARN,  # not a schedule
        f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule/only-name",  # no group segment
        f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule-group/demo",
        "demo/report-nightly",
    ],
)
def test_scheduler_source_context_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        scheduler_source_context(bad)


def test_events_source_context_rejects_schedule() -> None:
    with pytest.raises(ValueError):
        events_source_context(SCHEDULE_ARN)


def test_trust_naming_account_admits_by_delegation() -> None:
    role_session = f"arn:aws:iam::{ACCOUNT}:role/deployer"
    decision = can_assume(trust({"AWS": ACCOUNT}), role_session, {})
    assert decision.allowed
    assert "account principal" in decision.reason and "identity policies to allow sts:AssumeRole" in decision.reason
    direct = can_assume(trust({"AWS": role_session}), role_session, {})
    assert direct.allowed and "account principal" not in direct.reason
    assert not can_assume(trust({"AWS": OTHER_ACCOUNT}), role_session, {}).allowed
