"""What a schedule sends to its target at fire time, computed the way the AWS service computes it.

* EventBridge Scheduler replaces its context attributes in ``Target.Input`` before delivery:
  ``<aws.scheduler.schedule-arn>``, ``<aws.scheduler.scheduled-time>``,
  ``<aws.scheduler.execution-id>``, ``<aws.scheduler.attempt-number>``.
* An EventBridge scheduled rule fires a "Scheduled Event" (source ``aws.events``) and sends its
  target either the constant ``Input``, the part of the event selected by ``InputPath``, the
  ``InputTransformer`` template filled from the event, or else the whole event.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Mapping
from typing import Any

from jsonpath_ng.exceptions import JSONPathError
from jsonpath_ng.ext import parse

SCHEDULER_ATTRIBUTES = (
    "aws.scheduler.schedule-arn",
    "aws.scheduler.scheduled-time",
    "aws.scheduler.execution-id",
    "aws.scheduler.attempt-number",
)


def iso(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def scheduler_input(raw: str | None, schedule_arn: str, now: dt.datetime, execution_id: str | None = None) -> str:
    """``Target.Input`` with Scheduler's context attributes filled in (no input: ``{}``)."""
    values = {
        "aws.scheduler.schedule-arn": schedule_arn,
        "aws.scheduler.scheduled-time": iso(now),
        "aws.scheduler.execution-id": execution_id or str(uuid.uuid4()),
        "aws.scheduler.attempt-number": "1",
    }
    text = raw if raw is not None else "{}"
    for key, value in values.items():
        text = text.replace(f"<{key}>", value)
    return text


def scheduled_event(rule_arn: str, region: str, account_id: str, now: dt.datetime) -> dict[str, Any]:
    """The event a scheduled rule emits (EventBridge user guide, "Scheduled Event")."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": iso(now),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


class InputError(ValueError):
    pass


# A path that can match more than one value: a wildcard, a deep scan, a filter, a slice or a union.
_INDEFINITE_PATH = re.compile(r"\*|\.\.|\?\(|\[[^\]]*[:,][^\]]*\]")


def json_path(document: Any, path: str) -> Any:
    """The value at a JSONPath of ``document`` (``None`` when nothing is there).

    EventBridge reads InputPath and InputPathsMap as JSONPath: dot notation, bracket notation
    (InputPath), array indices and wildcards. AWS does not say what a path that matches several
    values sends; here it is the list of them, as JSONPath's result set (a path without a
    wildcard gives the one value itself).
    """
    if not path.startswith("$"):
        raise InputError(f"the path {path!r} must start with '$' (JSONPath)")
    try:
        found = [match.value for match in parse(path).find(document)]
    except JSONPathError as error:
        raise InputError(f"the path {path!r} is not a JSONPath: {error}") from error
    if _INDEFINITE_PATH.search(path):
        return found
    return found[0] if found else None


def render_input_transformer(
    template: str,
    paths_map: Mapping[str, str],
    event: Mapping[str, Any],
    *,
    rule_name: str = "",
    rule_arn: str = "",
    ingestion_time: str = "",
) -> str:
    """Fill an InputTransformer's ``InputTemplate`` from ``event`` the way EventBridge does.

    A placeholder inside a JSON string is replaced by the escaped text of the value; outside
    quotes by the value's JSON (strings quoted) when the template is a JSON object or array, and
    by the bare text otherwise (``<job> failed`` -> ``my-job failed``). A path that does not
    resolve renders as null (JSON) or empty text. ``aws.events.event`` is the event without its
    ``detail``, ``aws.events.event.json`` the whole event (EventBridge user guide, "Predefined
    variables").
    """
    values: dict[str, Any] = {name: json_path(event, path) for name, path in paths_map.items()}
    values.update(
        {
            "aws.events.rule-arn": rule_arn,
            "aws.events.rule-name": rule_name,
            "aws.events.event.ingestion-time": ingestion_time,
            "aws.events.event": {key: value for key, value in event.items() if key != "detail"},
            "aws.events.event.json": event,
        }
    )
    json_template = template.strip()[:1] in ("{", "[")
    out: list[str] = []
    in_string = False
    index = 0
    while index < len(template):
        char = template[index]
        if char == "<":
            end = template.find(">", index)
            name = template[index + 1 : end] if end > 0 else ""
            if name in values:
                out.append(_placeholder_text(values[name], in_string, json_template))
                index = end + 1
                continue
        if char == '"' and not _escaped(template, index):
            in_string = not in_string
        out.append(char)
        index += 1
    return "".join(out)


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _placeholder_text(value: Any, in_string: bool, json_template: bool) -> str:
    if in_string:
        if value is None:
            return ""
        return json.dumps(value)[1:-1] if isinstance(value, str) else json.dumps(value)
    if json_template:
        return json.dumps(value)
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def rule_input(
    target_raw: Mapping[str, Any],
    event: Mapping[str, Any],
    rule_arn: str,
    rule_name: str,
    ingestion_time: str | None = None,
) -> str | None:
    """The text a rule sends its target; ``None`` when it sends the event unchanged.

    ``ingestion_time``: when EventBridge received the event (a scheduled event's own time if not given).
    """
    if target_raw.get("Input") is not None:
        return str(target_raw["Input"])
    if target_raw.get("InputPath"):
        return json.dumps(json_path(event, target_raw["InputPath"]))
    transformer = target_raw.get("InputTransformer")
    if transformer:
        return render_input_transformer(
            transformer.get("InputTemplate") or "",
            transformer.get("InputPathsMap") or {},
            event,
            rule_name=rule_name,
            rule_arn=rule_arn,
            ingestion_time=str(event.get("time", "")) if ingestion_time is None else ingestion_time,
        )
    return None


def parse_json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{what} is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from None
    if not isinstance(value, dict):
        raise InputError(f"{what} must be a JSON object, got {type(value).__name__}")
    return value
