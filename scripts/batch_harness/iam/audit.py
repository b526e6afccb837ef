"""Least-privilege checks built on the evaluator, for posture tests over read-back policies."""

from __future__ import annotations

from collections.abc import Iterable

from .evaluator import Request
from .policy import PolicyKind, parse_statements
from .readback import RolePolicies


def least_privilege_problems(
    role: RolePolicies,
    must_allow: Iterable[Request] = (),
    must_deny: Iterable[Request] = (),
) -> list[str]:
    """Every expectation that does not hold, as one line each (empty list = as intended)."""
    problems: list[str] = []
    for request in must_allow:
        decision = role.evaluate(request)
        if not decision.allowed:
            problems.append(
                f"role {role.role_name} should be allowed {request.action} on {request.resource}: {decision.reason}"
            )
    for request in must_deny:
        decision = role.evaluate(request)
        if decision.allowed:
            problems.append(
                f"role {role.role_name} should be denied {request.action} on {request.resource}: {decision.reason}"
            )
    return problems


def broad_grants(document: object, name: str | None = None) -> list[str]:
    """Allow statements that grant more than they name: Action "*" or "service:*", NotAction,
    NotResource, or Resource "*". One line each; the caller decides which are acceptable (some
    actions, e.g. batch:DescribeJobs, support no resource-level permission and need "*").
    """
    findings: list[str] = []
    for stmt in parse_statements(document, PolicyKind.IDENTITY, name):
        if stmt.effect != "Allow":
            continue
        for action in stmt.actions or ():
            if action == "*" or action.endswith(":*"):
                findings.append(f'{stmt.label}: Action "{action}"')
        if stmt.not_actions is not None:
            findings.append(f"{stmt.label}: NotAction {list(stmt.not_actions)}")
        if stmt.not_resources is not None:
            findings.append(f"{stmt.label}: NotResource {list(stmt.not_resources)}")
        if stmt.resources is not None and "*" in stmt.resources:
            findings.append(f'{stmt.label}: Resource "*" for {list(stmt.actions or stmt.not_actions or ())}')
    return findings
