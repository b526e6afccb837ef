"""Policy documents -> validated statements.

A document may arrive as a dict, a JSON string or a URL-encoded JSON string (IAM's wire form;
boto3 usually decodes it, moto and other callers may not). ``Statement`` may be one object or a
list; ``Action``/``Resource``/principal values may be one string or a list.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import unquote

from .errors import PolicyError

# Policy variables are only substituted in documents of this version; older documents (or ones
# with no Version) treat "${...}" as literal text, as IAM does.
VARIABLES_VERSION = "2012-10-17"


class PolicyKind(Enum):
    IDENTITY = "identity policy"
    BOUNDARY = "permissions boundary"
    RESOURCE = "resource policy"
    TRUST = "trust policy"


@dataclass(frozen=True)
class Statement:
    raw: dict[str, Any]
    effect: str
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    principal: Any
    not_principal: Any
    condition: Mapping[str, Any] | None
    variables: bool
    label: str  # 'statement "Sid"' or 'statement #2 of identity policy "name"'


def load_policy_document(document: object) -> dict[str, Any]:
    """Accept a dict, a JSON string, a URL-encoded JSON string or bytes; return the dict."""
    if isinstance(document, Mapping):
        return dict(document)
    if isinstance(document, bytes):
        document = document.decode("utf-8")
    if not isinstance(document, str):
        raise PolicyError(f"policy document must be a JSON object or string, got {type(document).__name__}")
    text = document.strip()
    for candidate in (text, unquote(text)):
        try:
            parsed = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(parsed, dict):
            return parsed
        raise PolicyError(f"policy document must be a JSON object, got {type(parsed).__name__}")
    raise PolicyError(f"policy document is neither JSON nor URL-encoded JSON: {text[:80]!r}")


def _string_list(value: object, element: str, label: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) for v in items):
        raise PolicyError(f"{label}: {element} must be a string or a non-empty list of strings, got {value!r}")
    return tuple(items)


def parse_statements(document: object, kind: PolicyKind, name: str | None = None) -> list[Statement]:
    doc = load_policy_document(document)
    variables = doc.get("Version") == VARIABLES_VERSION
    raw_statements = doc.get("Statement", [])
    if isinstance(raw_statements, Mapping):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list):
        raise PolicyError(f"{kind.value}: Statement must be an object or a list, got {raw_statements!r}")
    policy_label = f'{kind.value} "{name}"' if name else kind.value
    return [
        _parse_statement(raw, kind, variables, index, policy_label) for index, raw in enumerate(raw_statements, start=1)
    ]


def _parse_statement(raw: object, kind: PolicyKind, variables: bool, index: int, policy_label: str) -> Statement:
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{policy_label}: statement #{index} is not an object: {raw!r}")
    sid = raw.get("Sid")
    label = f'statement "{sid}"' if sid else f"statement #{index} of {policy_label}"

    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f"{label}: Effect must be Allow or Deny, got {effect!r}")

    def exactly_one(a: str, b: str, required: bool) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        has_a, has_b = a in raw, b in raw
        if has_a and has_b:
            raise PolicyError(f"{label}: has both {a} and {b}")
        if required and not (has_a or has_b):
            raise PolicyError(f"{label}: needs {a} or {b}")
        return (
            _string_list(raw[a], a, label) if has_a else None,
            _string_list(raw[b], b, label) if has_b else None,
        )

    actions, not_actions = exactly_one("Action", "NotAction", required=True)
    on_resource = kind in (PolicyKind.RESOURCE, PolicyKind.TRUST)
    if kind is PolicyKind.TRUST and ("Resource" in raw or "NotResource" in raw):
        raise PolicyError(f"{label}: a trust policy may not have Resource/NotResource")
    resources, not_resources = exactly_one("Resource", "NotResource", required=not on_resource)

    has_principal, has_not_principal = "Principal" in raw, "NotPrincipal" in raw
    if on_resource:
        if has_principal == has_not_principal:
            raise PolicyError(f"{label}: a {kind.value} statement needs exactly one of Principal/NotPrincipal")
    elif has_principal or has_not_principal:
        raise PolicyError(f"{label}: a {kind.value} may not name a Principal")

    condition = raw.get("Condition")
    if condition is not None and not isinstance(condition, Mapping):
        raise PolicyError(f"{label}: Condition must be an object, got {condition!r}")

    return Statement(
        raw=dict(raw),
        effect=effect,
        actions=actions,
        not_actions=not_actions,
        resources=resources,
        not_resources=not_resources,
        principal=raw.get("Principal"),
        not_principal=raw.get("NotPrincipal"),
        condition=condition,
        variables=variables,
        label=label,
    )
