"""Principal / NotPrincipal matching for resource-based and trust policies.

The request principal is one string: a service principal ("scheduler.amazonaws.com"), an IAM ARN
("arn:aws:iam::111122223333:role/x", "arn:aws:sts::111122223333:assumed-role/x/session"), an
account id, or a federated / canonical-user id. Principal elements allow no partial wildcards:
only ``"*"`` (everyone) and ``{"AWS": "*"}`` (every principal, treated the same here).
An account principal (``"111122223333"`` or ``arn:aws:iam::111122223333:root``) matches every
principal of that account *by delegation* (IAM User Guide, "AWS account principals"): it lets the
account's identity policies grant the access, it does not grant it by itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum

from .errors import PolicyError

_ACCOUNT = re.compile(r"^\d{12}$")
_KNOWN_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")


class PrincipalMatch(Enum):
    # The caller's own IAM user ARN or role-session ARN: a same-account grant naming it is not
    # limited by the caller's permissions boundary (IAM User Guide, "Policy evaluation logic",
    # "Evaluating identity-based policies with resource-based policies").
    SESSION = "session"
    DIRECT = "direct"  # the principal itself, its role, a service, or everyone ("*")
    ACCOUNT = "account"  # only via its account (id or :root): delegation to that account's IAM policies


_RANK = {PrincipalMatch.SESSION: 0, PrincipalMatch.DIRECT: 1, PrincipalMatch.ACCOUNT: 2}
_SESSION_OR_USER = re.compile(r"^arn:[\w-]+:(?:iam::\d{12}:user/.+|sts::\d{12}:assumed-role/[^/]+/.+)$")


def principal_match(element: object, principal: str | None) -> PrincipalMatch | None:
    """How ``principal`` is named by a Principal/NotPrincipal element (a direct match wins)."""
    if element == "*":
        return PrincipalMatch.DIRECT
    if not isinstance(element, Mapping):
        raise PolicyError(f'Principal must be "*" or an object, got {element!r}')
    best: PrincipalMatch | None = None
    for kind, raw in element.items():
        if kind not in _KNOWN_TYPES:
            raise PolicyError(f"unknown principal type {kind!r} (expected one of {', '.join(_KNOWN_TYPES)})")
        values = raw if isinstance(raw, list) else [raw]
        for value in values:
            if not isinstance(value, str):
                raise PolicyError(f"principal values must be strings, got {value!r}")
            if kind == "AWS" and value == "*":
                match: PrincipalMatch | None = PrincipalMatch.DIRECT
            elif principal is None:
                continue
            elif kind == "AWS":
                match = _aws_principal_match(value, principal)
            else:
                match = PrincipalMatch.DIRECT if value == principal else None
            if match is not None and (best is None or _RANK[match] < _RANK[best]):
                best = match
    return best


def principal_matches(element: object, principal: str | None) -> bool:
    return principal_match(element, principal) is not None


def _account_of(principal: str) -> tuple[str | None, str | None]:
    """(partition, account) of an ARN or bare account id."""
    if _ACCOUNT.match(principal):
        return None, principal
    parts = principal.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        return parts[1], parts[4]
    return None, None


def _aws_principal_match(policy_value: str, principal: str) -> PrincipalMatch | None:
    # An account (bare id or its :root ARN) names every principal of that account, but only by
    # delegation: the account's identity policies must grant the access as well.
    if _ACCOUNT.match(policy_value):
        return PrincipalMatch.ACCOUNT if _account_of(principal)[1] == policy_value else None
    parts = policy_value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return PrincipalMatch.DIRECT if policy_value == principal else None
    partition, service, account, resource = parts[1], parts[2], parts[4], parts[5]
    p_partition, p_account = _account_of(principal)
    if service == "iam" and resource == "root":
        same = p_account == account and p_partition in (None, partition)
        return PrincipalMatch.ACCOUNT if same else None
    if policy_value == principal:
        return PrincipalMatch.SESSION if _SESSION_OR_USER.match(principal) else PrincipalMatch.DIRECT
    # A role ARN also matches the sessions of that role (arn:aws:sts::ACCT:assumed-role/NAME/session).
    if service == "iam" and resource.startswith("role/"):
        role_name = resource.rsplit("/", 1)[-1]
        p_parts = principal.split(":", 5)
        if len(p_parts) == 6 and p_parts[2] == "sts" and p_parts[4] == account and p_parts[1] == partition:
            session = p_parts[5].split("/")
            if len(session) >= 3 and session[0] == "assumed-role" and session[1] == role_name:
                return PrincipalMatch.DIRECT
    return None
