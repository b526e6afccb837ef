"""What the monitoring's AWS pieces do with an event, evaluated locally.

- ``render_input_transformer``: EventBridge's InputTransformer (InputPathsMap JSONPath +
  InputTemplate placeholders) - the text a rule target receives, e.g. the failed-job email.
- ``metric_filter_matches``: CloudWatch Logs JSON filter patterns (``{ ($.a = "x*") && ... }``)
  - whether a log event counts towards a metric filter, e.g. the missed-run success count.
- ``metric_filter_dimensions``: the dimensions a metric filter publishes a matching event with
  (``{"JobName": "$.detail.jobName"}``) - which schedule's success metric the event counts for.
- ``batch_job_state_change``: a ``Batch Job State Change`` event around a DescribeJobs detail,
  shaped like the events AWS Batch sends (batch_job_events in the AWS Batch user guide).

The emulator has no engine for either transformation or filter, and AWS offers no offline
one, so these follow the documented semantics; tests pin them to the documented examples.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# --------------------------------------------------------------------------------------------
# EventBridge JSONPath (the subset InputPathsMap supports: dot notation, dashes, underscores,
# array indices, wildcards)
# --------------------------------------------------------------------------------------------

_MISSING = object()
_PATH_TOKEN = re.compile(r"\.([^.\[\]]+)|\[(\d+|\*)\]")


class PathError(ValueError):
    """A JSONPath EventBridge would not accept."""


def json_path(document: Any, path: str) -> Any:
    """Value at ``path`` ($, $.a.b, $.a[0].b, $.a[*].b), or ``MISSING`` when it does not resolve.

    A wildcard collects the matches into a list, as EventBridge does.
    """
    if not path.startswith("$"):
        raise PathError(f"{path!r}: a path starts with $")
    rest = path[1:]
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(rest):
        match = _PATH_TOKEN.match(rest, position)
        if not match:
            raise PathError(f"{path!r}: cannot parse {rest[position:]!r} (use dot notation and [index])")
        tokens.append(("key", match.group(1)) if match.group(1) is not None else ("index", match.group(2)))
        position = match.end()
    values = _walk([document], tokens)
    wildcard = any(value == "*" for _, value in tokens)
    if wildcard:
        return values
    return values[0] if values else MISSING


def _walk(current: list[Any], tokens: list[tuple[str, str]]) -> list[Any]:
    for kind, value in tokens:
        found: list[Any] = []
        for node in current:
            if value == "*":
                if isinstance(node, dict):
                    found.extend(node.values())
                elif isinstance(node, list):
                    found.extend(node)
            elif kind == "key" and isinstance(node, dict) and value in node:
                found.append(node[value])
            elif kind == "index" and isinstance(node, list) and int(value) < len(node):
                found.append(node[int(value)])
        current = found
    return current


MISSING: Any = _MISSING

# --------------------------------------------------------------------------------------------
# InputTransformer
# --------------------------------------------------------------------------------------------

PREDEFINED_VARIABLES = (
    "aws.events.rule-arn",
    "aws.events.rule-name",
    "aws.events.event",
    "aws.events.event.json",
    "aws.events.event.ingestion-time",
)
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")


def render_input_transformer(
    input_paths: Mapping[str, str],
    input_template: str,
    event: Mapping[str, Any],
    *,
    rule_name: str = "",
    rule_arn: str = "",
    ingestion_time: str | None = None,
) -> str:
    """The text EventBridge sends to a target for ``event`` (InputTransformer semantics).

    - Each ``<name>`` of InputPathsMap (or a predefined ``aws.events.*`` variable) is replaced;
      other ``<...>`` text is left alone.
    - Inside a quoted string of the template a value is inserted as JSON string content
      (strings unquoted and escaped, anything else as its JSON text).
    - Outside strings: in a JSON template (``{...}`` / ``[...]``) the value's JSON (strings
      quoted); in a text template strings bare, anything else as JSON.
    - A path that does not resolve (or resolves to null) renders as empty text inside a string
      and as ``null`` in JSON (EventBridge creates no variable for it).
    - ``aws.events.event`` is the event without ``detail``, ``aws.events.event.json`` the whole
      event; both are inserted unescaped, as AWS documents (only usable as a JSON value).
    """
    reserved = [name for name in input_paths if name.startswith("aws.")]
    if reserved:
        raise ValueError(f"InputPathsMap keys may not start with 'aws.': {reserved}")
    if len(input_paths) > 100:
        raise ValueError(f"InputPathsMap has {len(input_paths)} entries (at most 100)")
    values: dict[str, Any] = {name: json_path(event, path) for name, path in input_paths.items()}
    values.update(
        {
            "aws.events.rule-arn": rule_arn,
            "aws.events.rule-name": rule_name,
            "aws.events.event.ingestion-time": ingestion_time or event.get("time", ""),
        }
    )
    raw = {
        "aws.events.event": json.dumps({k: v for k, v in event.items() if k != "detail"}, separators=(",", ":")),
        "aws.events.event.json": json.dumps(event, separators=(",", ":")),
    }
    json_template = input_template.lstrip()[:1] in ("{", "[")

    out: list[str] = []
    in_string = False
    index = 0
    while index < len(input_template):
        char = input_template[index]
        if char == "<":
            match = _PLACEHOLDER.match(input_template, index)
            if match and (match.group(1) in values or match.group(1) in raw):
                name = match.group(1)
                out.append(raw[name] if name in raw else _insert(values[name], in_string, json_template))
                index = match.end()
                continue
        if in_string and char == "\\" and index + 1 < len(input_template):
            out.append(input_template[index : index + 2])
            index += 2
            continue
        if char == '"':
            in_string = not in_string
        out.append(char)
        index += 1
    return "".join(out)


def _insert(value: Any, in_string: bool, json_template: bool) -> str:
    if value is MISSING or value is None:
        return "" if in_string or not json_template else "null"
    if in_string:
        text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        return json.dumps(text)[1:-1]
    if json_template:
        return json.dumps(value, separators=(",", ":"))
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def text_lines(rendered: str) -> list[str]:
    """The lines a person reads from a template of one quoted string per line."""
    lines = []
    for line in rendered.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        lines.append(json.loads(stripped) if stripped.startswith('"') and stripped.endswith('"') else stripped)
    return lines


# --------------------------------------------------------------------------------------------
# CloudWatch Logs JSON filter patterns (metric filters)
# --------------------------------------------------------------------------------------------

_FILTER_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lpar>\() | (?P<rpar>\)) | (?P<and>&&) | (?P<or>\|\|) |
        (?P<op>!=|>=|<=|=|>|<) |
        (?P<selector>\$(?:\.[A-Za-z0-9_\-@]+|\[\d+\])*) |
        (?P<string>"(?:[^"\\]|\\.)*") |
        (?P<is>IS\b) | (?P<not>NOT\b) | (?P<exists>EXISTS\b) |
        (?P<word>[^\s()&|"=!<>]+)
    )""",
    re.VERBOSE,
)


class FilterPatternError(ValueError):
    """A JSON filter pattern this evaluator cannot parse."""


@dataclass(frozen=True)
class _Condition:
    selector: str
    operator: str
    value: Any  # str (may hold * wildcards), float, bool, None, or "EXISTS"/"NOT EXISTS"
    quoted: bool


def metric_filter_matches(pattern: str, message: str) -> bool:
    """Whether a log event ``message`` matches a JSON metric filter ``pattern``.

    Supported: ``{ cond }`` with ``&&`` (binds tighter), ``||`` and parentheses; conditions
    ``$.sel = "text*"`` (``*`` matches any run of characters), ``!=``, numeric ``= != < <= > >=``,
    ``true``/``false``/``null``, ``IS [NOT] EXISTS``. A message that is not a JSON object never
    matches; a selector that does not resolve fails every condition but ``NOT EXISTS``.
    """
    text = pattern.strip()
    if not (text.startswith("{") and text.endswith("}")):
        raise FilterPatternError(f"not a JSON filter pattern: {pattern!r}")
    tokens = _tokenize(text[1:-1])
    expression, position = _parse_or(tokens, 0)
    if position != len(tokens):
        raise FilterPatternError(f"unexpected {tokens[position][1]!r} in {pattern!r}")
    try:
        document = json.loads(message)
    except ValueError:
        return False
    if not isinstance(document, dict):
        return False
    return _evaluate(expression, document)


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _FILTER_TOKEN.match(text, position)
        if not match or match.end() == position:
            raise FilterPatternError(f"cannot parse {text[position:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _parse_or(tokens: list[tuple[str, str]], position: int) -> tuple[Any, int]:
    left, position = _parse_and(tokens, position)
    while position < len(tokens) and tokens[position][0] == "or":
        right, position = _parse_and(tokens, position + 1)
        left = ("or", left, right)
    return left, position


def _parse_and(tokens: list[tuple[str, str]], position: int) -> tuple[Any, int]:
    left, position = _parse_term(tokens, position)
    while position < len(tokens) and tokens[position][0] == "and":
        right, position = _parse_term(tokens, position + 1)
        left = ("and", left, right)
    return left, position


def _parse_term(tokens: list[tuple[str, str]], position: int) -> tuple[Any, int]:
    if position >= len(tokens):
        raise FilterPatternError("pattern ends early")
    kind, value = tokens[position]
    if kind == "lpar":
        inner, position = _parse_or(tokens, position + 1)
        if position >= len(tokens) or tokens[position][0] != "rpar":
            raise FilterPatternError("missing )")
        return inner, position + 1
    if kind != "selector":
        raise FilterPatternError(f"expected a $.selector, got {value!r}")
    selector = value
    position += 1
    if position < len(tokens) and tokens[position][0] == "is":
        negated = position + 1 < len(tokens) and tokens[position + 1][0] == "not"
        position += 2 if negated else 1
        if position >= len(tokens) or tokens[position][0] != "exists":
            raise FilterPatternError("IS must be followed by [NOT] EXISTS")
        return _Condition(selector, "exists", not negated, False), position + 1
    if position + 1 >= len(tokens) or tokens[position][0] != "op":
        raise FilterPatternError(f"expected an operator after {selector}")
    operator = tokens[position][1]
    value_kind, raw = tokens[position + 1]
    if value_kind == "string":
        return _Condition(selector, operator, json.loads(raw), True), position + 2
    if value_kind != "word":
        raise FilterPatternError(f"expected a value after {selector} {operator}")
    literal: Any
    if raw in ("true", "false"):
        literal = raw == "true"
    elif raw == "null":
        literal = None
    else:
        try:
            literal = float(raw)
        except ValueError:
            literal = raw
    return _Condition(selector, operator, literal, False), position + 2


def _evaluate(node: Any, document: dict[str, Any]) -> bool:
    if isinstance(node, tuple):
        operator, left, right = node
        if operator == "and":
            return _evaluate(left, document) and _evaluate(right, document)
        return _evaluate(left, document) or _evaluate(right, document)
    condition: _Condition = node
    actual = json_path(document, condition.selector)
    if condition.operator == "exists":
        return (actual is not MISSING) == condition.value
    if actual is MISSING:
        return False
    expected = condition.value
    if isinstance(expected, bool) or expected is None:
        if condition.operator not in ("=", "!="):
            return False
        return (actual is expected) == (condition.operator == "=")
    if isinstance(expected, float) and not condition.quoted:
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            return False
        return {
            "=": actual == expected,
            "!=": actual != expected,
            ">": actual > expected,
            "<": actual < expected,
            ">=": actual >= expected,
            "<=": actual <= expected,
        }[condition.operator]
    if condition.operator not in ("=", "!="):
        return False
    if not isinstance(actual, str):
        actual = json.dumps(actual)
    matched = _wildcard_match(str(expected), actual)
    return matched if condition.operator == "=" else not matched


def metric_filter_dimensions(dimensions: Mapping[str, str], message: str) -> dict[str, str] | None:
    """Dimensions a metric filter publishes the JSON log event ``message`` with, or ``None``.

    ``dimensions`` maps a dimension name to a ``$.selector`` of the event, as in a metric
    transformation. CloudWatch Logs publishes no datapoint for an event whose selector does not
    resolve to a value, hence ``None``; numbers and booleans become their JSON text.
    """
    try:
        document = json.loads(message)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    values: dict[str, str] = {}
    for name, selector in dimensions.items():
        value = json_path(document, selector)
        if value is MISSING or value is None or isinstance(value, (dict, list)):
            return None
        values[name] = value if isinstance(value, str) else json.dumps(value)
    return values


def _wildcard_match(expected: str, actual: str) -> bool:
    if "*" not in expected:
        return expected == actual
    # Only * is special (fnmatch would also treat ? and [...] as wildcards).
    regex = "^" + ".*".join(re.escape(part) for part in expected.split("*")) + "$"
    return re.match(regex, actual, re.DOTALL) is not None


__all__ = [
    "MISSING",
    "PREDEFINED_VARIABLES",
    "FilterPatternError",
    "PathError",
    "batch_job_state_change",
    "json_path",
    "metric_filter_dimensions",
    "metric_filter_matches",
    "render_input_transformer",
    "text_lines",
]

# --------------------------------------------------------------------------------------------
# Sample events
# --------------------------------------------------------------------------------------------


def batch_job_state_change(
    detail: Mapping[str, Any],
    *,
    account: str,
    region: str,
    time: datetime | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """The `Batch Job State Change` event AWS Batch sends for a job whose DescribeJobs detail is
    ``detail`` (envelope as in the AWS Batch user guide, batch_job_events)."""
    when = (time or datetime.now(tz=UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "version": "0",
        "id": event_id or str(uuid.uuid4()),
        "detail-type": "Batch Job State Change",
        "source": "aws.batch",
        "account": account,
        "time": when,
        "region": region,
        "resources": [detail["jobArn"]] if detail.get("jobArn") else [],
        "detail": dict(detail),
    }
