"""String, action and ARN matching with IAM wildcards and policy variables.

One compiler turns a policy string into an anchored regular expression:
- ``*`` matches any run of characters, ``?`` exactly one (only where the element allows wildcards);
- ``${key}`` is replaced by the request-context value of ``key`` (key names are case-insensitive),
  ``${key, 'default'}`` falls back to the quoted default, and ``${*}``, ``${?}``, ``${$}`` are the
  literal characters. A variable that cannot be resolved (key absent, multi-valued, no default)
  makes the pattern unresolvable: the caller treats it as "does not match".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_LITERAL_ESCAPES = {"*": "*", "?": "?", "$": "$"}
_DEFAULT_RE = re.compile(r"^\s*([^,]+?)\s*,\s*'((?:[^']|'')*)'\s*$")


class ContextView:
    """Case-insensitive, read-only view of a request context; every value is a list of strings."""

    def __init__(self, context: Mapping[str, object] | None = None) -> None:
        self._values: dict[str, list[str]] = {}
        for key, value in (context or {}).items():
            if value is not None:  # None = "not in the request", so callers can pass optional keys
                self._values[key.lower()] = _as_strings(value)

    def get(self, key: str) -> list[str] | None:
        return self._values.get(key.lower())

    def single(self, key: str) -> str | None:
        """The value usable as a policy variable: present and exactly one value."""
        values = self.get(key)
        if values is None or len(values) != 1:
            return None
        return values[0]


def _as_strings(value: object) -> list[str]:
    if isinstance(value, list | tuple | set | frozenset):
        return [scalar_to_str(v) for v in value]
    return [scalar_to_str(value)]


def scalar_to_str(value: object) -> str:
    """JSON scalars as IAM sees them: booleans are "true"/"false", numbers their decimal text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    raise TypeError(f"unsupported policy/context value {value!r} ({type(value).__name__})")


def compile_pattern(
    text: str,
    context: ContextView | None,
    *,
    wildcards: bool,
    variables: bool,
    ignore_case: bool = False,
) -> re.Pattern[str] | None:
    """Anchored regex for ``text``; ``None`` when a policy variable cannot be resolved."""
    parts: list[str] = []
    i = 0
    while i < len(text):
        if variables and text.startswith("${", i):
            end = text.find("}", i + 2)
            if end != -1:
                resolved = _resolve_variable(text[i + 2 : end], context)
                if resolved is None:
                    return None
                parts.append(re.escape(resolved))
                i = end + 1
                continue
        ch = text[i]
        if wildcards and ch == "*":
            parts.append(".*")
        elif wildcards and ch == "?":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
        i += 1
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile("".join(parts), flags)


def resolve_variables(text: str, context: ContextView | None) -> str | None:
    """``text`` with every policy variable replaced by its value; ``None`` when one is unresolvable."""
    parts: list[str] = []
    i = 0
    while i < len(text):
        end = text.find("}", i + 2) if text.startswith("${", i) else -1
        if end == -1:
            parts.append(text[i])
            i += 1
            continue
        resolved = _resolve_variable(text[i + 2 : end], context)
        if resolved is None:
            return None
        parts.append(resolved)
        i = end + 1
    return "".join(parts)


def _resolve_variable(body: str, context: ContextView | None) -> str | None:
    stripped = body.strip()
    if stripped in _LITERAL_ESCAPES:
        return _LITERAL_ESCAPES[stripped]
    default: str | None = None
    key = stripped
    m = _DEFAULT_RE.match(body)
    if m:
        key, default = m.group(1), m.group(2).replace("''", "'")
    value = context.single(key) if context is not None else None
    return value if value is not None else default


def glob_match(
    pattern: str,
    value: str,
    context: ContextView | None = None,
    *,
    variables: bool = False,
    ignore_case: bool = False,
) -> bool:
    compiled = compile_pattern(pattern, context, wildcards=True, variables=variables, ignore_case=ignore_case)
    return compiled is not None and compiled.fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """Actions compare case-insensitively; ``*`` / ``?`` wildcards; no policy variables in Action."""
    return glob_match(pattern, action, ignore_case=True)


def any_action_matches(patterns: Iterable[str], action: str) -> bool:
    return any(action_matches(p, action) for p in patterns)


def split_arn(text: str) -> list[str]:
    """Split on the first five colons that are not inside a ``${...}`` variable."""
    parts: list[str] = []
    start = 0
    i = 0
    while i < len(text) and len(parts) < 5:
        if text.startswith("${", i):
            end = text.find("}", i + 2)
            if end != -1:
                i = end + 1
                continue
        if text[i] == ":":
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def arn_matches(
    pattern: str,
    value: str,
    context: ContextView | None = None,
    *,
    variables: bool = False,
    require_arn: bool = False,
) -> bool:
    """Case-sensitive ARN matching, each of the six colon-separated parts compared on its own.

    The sixth part (resource) may itself hold colons and slashes, and a ``*`` there spans them.
    A shorter pattern such as ``arn:aws:batch:*`` matches only if its last part ends in ``*``,
    which then spans the remaining parts ("if the * wildcard is the last character of a resource
    ARN segment, it can expand to match beyond the colon boundaries"). ``require_arn`` (the Arn*
    condition operators) refuses a request value that is not a 6-part ARN; the Resource element
    compares such values (e.g. ``*`` for actions without resource-level permissions) as strings.
    """
    v_parts = value.split(":", 5)
    is_arn = len(v_parts) == 6 and v_parts[0] == "arn"
    if not is_arn:
        return not require_arn and glob_match(pattern, value, context, variables=variables)
    if pattern == "*":
        return True
    p_parts = split_arn(pattern)
    if len(p_parts) == 6:
        pairs = list(zip(p_parts, v_parts, strict=True))
    elif p_parts[-1].endswith("*"):
        head = len(p_parts) - 1
        pairs = [*zip(p_parts[:head], v_parts[:head], strict=True), (p_parts[-1], ":".join(v_parts[head:]))]
    else:
        return False
    return all(glob_match(p, v, context, variables=variables) for p, v in pairs)
