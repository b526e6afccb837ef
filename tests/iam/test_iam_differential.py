"""Differential test: ``batch_harness.iam.evaluate`` against an independent implementation
(``@cloud-copilot/iam-simulate``, see iam_oracle.py) over generated policies and requests.

The generated grid crosses every condition operator family (with IfExists, request values of the
wrong type and absent keys) and the principal rules that decide same-account access: identity
policy, resource policy naming the role, the session, the user, the account or everyone, a
permissions boundary that does or does not allow, and resource-policy Deny / NotPrincipal. Every
disagreement must be listed in ``KNOWN`` with its reason (also in docs/iam-evaluator.md); a new
one, or a listed one that went away, fails the test.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from iam_oracle import OracleUnavailable, install, simulate

from batch_harness.iam import Request, evaluate

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/worker"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/worker/run-1"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
ACTION = "sqs:SendMessage"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:work"


@dataclass(frozen=True)
class Case:
    name: str
    principal: str
    identity: tuple[dict[str, Any], ...]
    context: dict[str, str]
    resource_policy: dict[str, Any] | None = None
    boundary: dict[str, Any] | None = None

    def simulation(self) -> dict[str, Any]:
        simulation: dict[str, Any] = {
            "identityPolicies": [{"name": f"p{i}", "policy": p} for i, p in enumerate(self.identity)],
            "serviceControlPolicies": [],
            "resourceControlPolicies": [],
            "request": {
                "action": ACTION,
                "principal": self.principal,
                "resource": {"accountId": ACCOUNT, "resource": QUEUE},
                "contextVariables": self.context,
            },
        }
        if self.resource_policy is not None:
            simulation["resourcePolicy"] = self.resource_policy
        if self.boundary is not None:
            simulation["permissionBoundaryPolicies"] = [{"name": "boundary", "policy": self.boundary}]
        return simulation

    def ours(self) -> bool:
        request = Request(ACTION, QUEUE, self.context, principal=self.principal)
        return evaluate(request, list(self.identity), self.resource_policy, self.boundary).allowed


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(condition: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": ACTION, "Resource": QUEUE, **extra}
    if condition:
        statement["Condition"] = condition
    return statement


# -- condition operators ------------------------------------------------------------------------

# (operators, key, policy values, request values); None = the key is absent from the request.
FAMILIES: list[tuple[tuple[str, ...], str, tuple[Any, ...], tuple[str | None, ...]]] = [
    (
        (
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "StringLike",
            "StringNotLike",
        ),
        "aws:PrincipalTag/team",
        ("dev", "d*", "DEV", ["ops", "dev"], "${aws:username}"),
        ("dev", "Dev", "prod", "d*", None),
    ),
    (
        (
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
        ),
        "aws:MultiFactorAuthAge",
        ("10", "2.5"),
        ("5", "10", "15", "ten", None),
    ),
    (
        (
            "DateEquals",
            "DateNotEquals",
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
        ),
        "aws:CurrentTime",
        ("2026-01-01T00:00:00Z",),
        ("2025-12-31T00:00:00Z", "2026-01-01T00:00:00Z", "2026-06-01T12:00:00Z", "yesterday", None),
    ),
    (
        ("Bool",),
        "aws:SecureTransport",
        ("true", "false", "${aws:ViaAWSService}"),
        ("true", "false", None),
    ),
    (
        ("IpAddress", "NotIpAddress"),
        "aws:SourceIp",
        ("10.0.0.0/8", ["192.168.0.0/16", "10.1.0.0/16"]),
        ("10.1.2.3", "192.168.0.1", "172.16.0.1", "not-an-ip", None),
    ),
    (
        ("ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike"),
        "aws:SourceArn",
        (f"arn:aws:events:us-east-1:{ACCOUNT}:rule/*", f"arn:aws:events:us-east-1:{ACCOUNT}:rule/nightly"),
        (
            f"arn:aws:events:us-east-1:{ACCOUNT}:rule/nightly",
            "arn:aws:events:us-east-1:999999999999:rule/nightly",
            "not-an-arn",
            None,
        ),
    ),
    (("Null",), "aws:SourceIp", ("true", "false"), ("10.1.2.3", None)),
]


def condition_cases() -> Iterator[Case]:
    for operators, key, policy_values, request_values in FAMILIES:
        for operator, policy_value, request_value in itertools.product(operators, policy_values, request_values):
            suffixes = ("", "IfExists") if operator != "Null" else ("",)
            for suffix in suffixes:
                context = {} if request_value is None else {key: request_value}
                # Variables resolve from the request: aws:username / aws:ViaAWSService given once each.
                context = {**context, "aws:username": "dev", "aws:ViaAWSService": "true"}
                name = f"{operator}{suffix} {key} {policy_value!r} vs {request_value!r}"
                policy = document(allow({f"{operator}{suffix}": {key: policy_value}}))
                yield Case(name, ROLE, (policy,), context)


# -- principals, resource policies, boundaries ----------------------------------------------------

BOUNDARIES: dict[str, dict[str, Any] | None] = {
    "no boundary": None,
    "boundary allows": document({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}),
    "boundary allows other": document({"Effect": "Allow", "Action": "batch:*", "Resource": "*"}),
}
RESOURCE_PRINCIPALS = {"role": ROLE, "session": SESSION, "user": USER, "account": ROOT, "everyone": "*"}


def principal_cases() -> Iterator[Case]:
    identities = {"no identity policy": (), "identity allows": (document(allow()),)}
    for caller, boundary_name, identity_name in itertools.product((SESSION, USER), BOUNDARIES, identities):
        boundary = BOUNDARIES[boundary_name]
        identity = identities[identity_name]
        base = f"{caller.rsplit(':', 1)[-1]}, {boundary_name}, {identity_name}"
        yield Case(f"{base}, no resource policy", caller, identity, {}, None, boundary)
        for who, principal in RESOURCE_PRINCIPALS.items():
            named = principal if principal == "*" else {"AWS": principal}
            allow_policy = document(allow(Principal=named))
            yield Case(f"{base}, resource policy allows {who}", caller, identity, {}, allow_policy, boundary)
            deny = {"Effect": "Deny", "Action": ACTION, "Resource": QUEUE, "Principal": named}
            yield Case(f"{base}, resource policy denies {who}", caller, identity, {}, document(deny), boundary)
            if principal != "*":
                not_principal = {"Effect": "Deny", "Action": ACTION, "Resource": QUEUE, "NotPrincipal": named}
                yield Case(
                    f"{base}, resource policy denies all but {who}",
                    caller,
                    identity,
                    {},
                    document(not_principal),
                    boundary,
                )


def all_cases() -> list[Case]:
    return [*condition_cases(), *principal_cases()]


# Disagreements that remain, by case name, with the reason (docs/iam-evaluator.md lists them too).
_WILDCARD_AND_BOUNDARY = (
    'a same-account resource policy granting Principal "*" to a caller whose boundary does not allow '
    "the action: iam-simulate lets it through like a grant naming the session or user; the IAM User "
    "Guide exempts only grants naming the IAM user ARN or the role session ARN, so the evaluator "
    "applies the boundary"
)
KNOWN: dict[str, str] = {
    f"{caller}, boundary allows other, {identity}, resource policy allows everyone": _WILDCARD_AND_BOUNDARY
    for caller in ("assumed-role/worker/run-1", "user/alice")
    for identity in ("no identity policy", "identity allows")
}


@pytest.fixture(scope="module")
def oracle_answers() -> dict[str, dict[str, str]]:
    try:
        install()
    except OracleUnavailable as error:
        pytest.skip(str(error))
    cases = all_cases()
    return {case.name: answer for case, answer in zip(cases, simulate([c.simulation() for c in cases]), strict=True)}


def test_the_grid_is_large_and_the_oracle_answers_every_case(oracle_answers):
    assert len(oracle_answers) == len(all_cases()) > 700
    errors = {name: answer["error"] for name, answer in oracle_answers.items() if "error" in answer}
    assert errors == {}


def test_the_evaluator_agrees_with_the_oracle(oracle_answers):
    disagreements: dict[str, str] = {}
    for case in all_cases():
        theirs = oracle_answers[case.name].get("result")
        ours = case.ours()
        if ours != (theirs == "Allowed"):
            disagreements[case.name] = f"ours {'Allowed' if ours else 'Denied'}, theirs {theirs}"
    unexplained = {name: why for name, why in disagreements.items() if name not in KNOWN}
    assert unexplained == {}, "\n".join(f"{n}: {w}" for n, w in unexplained.items())
    gone = sorted(set(KNOWN) - set(disagreements))
    assert gone == [], f"listed as known but the evaluators now agree: {gone}"
