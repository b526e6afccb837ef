"""Single-account IAM evaluation: explicit Deny > Allow (identity or resource policy, within the
permissions boundary) > implicit deny. SCPs, session policies and cross-account rules are out of
scope: the harness asks about one role in one account.

Two rules of the IAM User Guide's "Policy evaluation logic" about permissions boundaries:
- a resource-policy Allow that names the caller's own IAM user ARN or role-session ARN is not
  limited by the caller's boundary (one naming the role ARN is);
- a resource-policy Deny with ``NotPrincipal`` denies every principal that has a permissions
  boundary, whatever ``NotPrincipal`` names ("AWS JSON policy elements: NotPrincipal").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .conditions import evaluate_condition
from .patterns import ContextView, any_action_matches, arn_matches
from .policy import PolicyKind, Statement, parse_statements
from .principals import PrincipalMatch, principal_match, principal_matches

Context = Mapping[str, "str | list[str]"]


@dataclass(frozen=True)
class Request:
    """One authorisation question: may ``principal`` do ``action`` on ``resource`` given ``context``?"""

    action: str
    resource: str
    context: Context = field(default_factory=dict)
    principal: str | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    statement: dict[str, Any] | None = None


@dataclass(frozen=True)
class _Match:
    applies: bool
    near_miss: str | None = None  # action/resource/principal matched, but the condition did not hold
    by_account: bool = False  # the Principal names the caller only through its account (delegation)
    by_session: bool = False  # the Principal names the caller's own user or role-session ARN


def _statement_applies(
    stmt: Statement, request: Request, ctx: ContextView, check_principal: bool, has_boundary: bool = False
) -> _Match:
    if stmt.actions is not None:
        if not any_action_matches(stmt.actions, request.action):
            return _Match(False)
    elif stmt.not_actions is not None and any_action_matches(stmt.not_actions, request.action):
        return _Match(False)

    def resource_hit(patterns: tuple[str, ...]) -> bool:
        return any(arn_matches(p, request.resource, ctx, variables=stmt.variables) for p in patterns)

    if stmt.resources is not None:
        if not resource_hit(stmt.resources):
            return _Match(False)
    elif stmt.not_resources is not None and resource_hit(stmt.not_resources):
        return _Match(False)
    # Neither: a resource/trust policy statement applies to the resource it is attached to.

    match: PrincipalMatch | None = None
    if check_principal:
        if stmt.principal is not None:
            match = principal_match(stmt.principal, request.principal)
            if match is None:
                return _Match(False)
        boundary_overrides = stmt.effect == "Deny" and has_boundary
        if (
            stmt.not_principal is not None
            and not boundary_overrides
            and principal_matches(stmt.not_principal, request.principal)
        ):
            return _Match(False)

    result = evaluate_condition(stmt.condition, ctx, stmt.variables)
    if not result.holds:
        return _Match(False, f"{stmt.label} {result.failure}")
    return _Match(True, by_account=match is PrincipalMatch.ACCOUNT, by_session=match is PrincipalMatch.SESSION)


@dataclass
class _Scan:
    """First matching Allow / Deny of a group of statements, plus near misses for the message."""

    allow: Statement | None = None  # grants to the caller directly
    delegated: Statement | None = None  # Allow naming only the caller's account (resource/trust policies)
    session: Statement | None = None  # Allow naming the caller's own user or role-session ARN
    deny: Statement | None = None  # a Deny applies however the caller is named, account included
    near_misses: list[str] = field(default_factory=list)


def _scan(
    statements: Iterable[Statement],
    request: Request,
    ctx: ContextView,
    check_principal: bool,
    has_boundary: bool = False,
) -> _Scan:
    scan = _Scan()
    for stmt in statements:
        match = _statement_applies(stmt, request, ctx, check_principal, has_boundary)
        if match.near_miss and stmt.effect == "Allow":
            scan.near_misses.append(match.near_miss)
        if not match.applies:
            continue
        if stmt.effect == "Deny":
            scan.deny = scan.deny or stmt
        elif match.by_account:
            scan.delegated = scan.delegated or stmt
        else:
            scan.allow = scan.allow or stmt
            if match.by_session:
                scan.session = scan.session or stmt
    return scan


def _delegation_note(scan: _Scan, principal: str | None) -> list[str]:
    if scan.delegated is None:
        return []
    return [
        f"{scan.delegated.label} names the account of {principal}, which only delegates to that "
        "account's identity policies"
    ]


def _with_near_misses(reason: str, near_misses: list[str]) -> str:
    return reason + "".join(f"; {m}" for m in near_misses)


def evaluate(
    request: Request,
    identity_policies: Sequence[object],
    resource_policy: object | None = None,
    permissions_boundary: object | None = None,
    *,
    identity_policy_names: Sequence[str] | None = None,
) -> Decision:
    """Decide ``request`` against a principal's policies (documents as dict / JSON / URL-encoded).

    ``identity_policy_names`` (parallel to ``identity_policies``) only improves the messages.
    """
    names = list(identity_policy_names or [])
    identity = [
        s
        for i, doc in enumerate(identity_policies)
        for s in parse_statements(doc, PolicyKind.IDENTITY, names[i] if i < len(names) else None)
    ]
    resource = parse_statements(resource_policy, PolicyKind.RESOURCE) if resource_policy is not None else []
    boundary = parse_statements(permissions_boundary, PolicyKind.BOUNDARY) if permissions_boundary is not None else None
    ctx = ContextView(request.context)
    what = f"{request.action} on {request.resource}"

    identity_scan = _scan(identity, request, ctx, check_principal=False)
    resource_scan = _scan(resource, request, ctx, check_principal=True, has_boundary=boundary is not None)
    boundary_scan = _scan(boundary or [], request, ctx, check_principal=False)

    for scan in (identity_scan, resource_scan, boundary_scan):
        if scan.deny is not None:
            return Decision(False, f"denied by {scan.deny.label} (explicit Deny) for {what}", scan.deny.raw)

    # A resource-policy Allow that names only the caller's account is a delegation, not a grant:
    # with it, the identity policies alone decide (IAM User Guide, "AWS account principals").
    granted = identity_scan.allow or resource_scan.allow
    if granted is None:
        misses = identity_scan.near_misses + resource_scan.near_misses
        reason = _with_near_misses(
            f"denied: no statement allows {what}", _delegation_note(resource_scan, request.principal) + misses
        )
        return Decision(False, reason, None)
    if boundary is not None and boundary_scan.allow is None:
        if resource_scan.session is not None:
            label = resource_scan.session.label
            reason = (
                f"allowed by {label} (it names {request.principal} itself: the permissions boundary does not apply)"
            )
            return Decision(True, reason, resource_scan.session.raw)
        reason = _with_near_misses(
            f"denied: the permissions boundary does not allow {what} ({granted.label} would)",
            boundary_scan.near_misses,
        )
        return Decision(False, reason, None)
    return Decision(True, f"allowed by {granted.label}", granted.raw)


def evaluate_all(
    requests: Iterable[Request],
    identity_policies: Sequence[object],
    resource_policy: object | None = None,
    permissions_boundary: object | None = None,
    *,
    identity_policy_names: Sequence[str] | None = None,
) -> Decision:
    """All requests must be allowed (an action that authorises several resources, e.g. SubmitJob).

    Returns the first denial, or an allowed Decision whose reason lists every grant.
    """
    grants: list[str] = []
    last: Decision | None = None
    for request in requests:
        decision = evaluate(
            request,
            identity_policies,
            resource_policy,
            permissions_boundary,
            identity_policy_names=identity_policy_names,
        )
        if not decision.allowed:
            return decision
        grants.append(f"{request.resource}: {decision.reason}")
        last = decision
    if last is None:
        raise ValueError("evaluate_all needs at least one request")
    return Decision(True, "; ".join(grants), last.statement)


def _admits(statements: list[Statement], request: Request, ctx: ContextView, subject: str) -> Decision:
    scan = _scan(statements, request, ctx, check_principal=True)
    if scan.deny is not None:
        return Decision(False, f"denied by {scan.deny.label} (explicit Deny) for {subject}", scan.deny.raw)
    if scan.allow is not None:
        return Decision(True, f"allowed by {scan.allow.label}", scan.allow.raw)
    if scan.delegated is not None:
        reason = (
            f"allowed by {scan.delegated.label} (account principal: {request.principal} still needs its "
            f"identity policies to allow {request.action})"
        )
        return Decision(True, reason, scan.delegated.raw)
    return Decision(False, _with_near_misses(f"denied: no statement lets {subject}", scan.near_misses), None)


def resource_policy_admits(request: Request, resource_policy: object) -> Decision:
    """Does a resource policy let ``request.principal`` in, directly or by delegation to its account?

    This is the question for a KMS key policy, which must admit the caller in every case: with an
    account-principal statement ("Enable IAM policies"), the caller's identity policies must also
    allow the action, so check those separately (e.g. ``RolePolicies.evaluate_all``).
    """
    statements = parse_statements(resource_policy, PolicyKind.RESOURCE)
    subject = f"{request.principal} {request.action} on {request.resource}"
    return _admits(statements, request, ContextView(request.context), subject)


def can_assume(
    trust_policy: object,
    service: str,
    context: Context | None = None,
    *,
    action: str = "sts:AssumeRole",
) -> Decision:
    """Does the role's trust policy let ``service`` (or any principal string) call sts:AssumeRole?

    For a service principal the request context also carries aws:PrincipalServiceName and
    aws:PrincipalIsAWSService, as AWS adds them; keys in ``context`` win. A trust statement naming
    an account answers "allowed (account principal ...)": that account's identity policies must
    then allow sts:AssumeRole too.
    """
    full_context: dict[str, str | list[str]] = {}
    if service.endswith((".amazonaws.com", ".amazonaws.com.cn")):
        full_context = {"aws:PrincipalServiceName": service, "aws:PrincipalIsAWSService": "true"}
    full_context.update(context or {})
    request = Request(action=action, resource="*", context=full_context, principal=service)
    statements = parse_statements(trust_policy, PolicyKind.TRUST)
    return _admits(statements, request, ContextView(full_context), f"{service} call {action}")
