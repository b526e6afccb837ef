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


def json_path(document: Any, path: str) -> Any:
    """The dot-notation JSONPath subset EventBridge accepts (``$``, ``$.a.b``, ``$.a[0]``)."""
    if path == "$":
        return document
    if not path.startswith("$."):
        raise InputError(f"InputPath {path!r} must start with '$.' (dot notation)")
    current = document
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path[2:]):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(current, list) or index >= len(current):
                return None
            current = current[index]
        else:
            if not isinstance(current, Mapping) or part not in current:
                return None
            current = current[part]
    return current


def _inside_string(template: str, position: int) -> bool:
    """Is ``position`` inside a JSON string literal of ``template``?"""
    inside = False
    escaped = False
    for char in template[:position]:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            inside = not inside
    return inside


def transform(template: str, paths: Mapping[str, str], event: Mapping[str, Any], rule_arn: str, rule_name: str) -> str:
    """Fill an ``InputTransformer.InputTemplate``: inside quotes a value is inserted as text, outside
    as JSON (EventBridge's rules for JSON templates); predefined ``aws.events.*`` variables too."""
    values: dict[str, Any] = {key: json_path(event, path) for key, path in paths.items()}
    values.update(
        {
            "aws.events.rule-arn": rule_arn,
            "aws.events.rule-name": rule_name,
            "aws.events.event.ingestion-time": event.get("time"),
            "aws.events.event": json.dumps(event),
            "aws.events.event.json": event,
        }
    )

    json_template = template.lstrip().startswith(("{", "["))

    def render(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            return match.group(0)
        value = values[key]
        as_text = "" if value is None else value if isinstance(value, str) else json.dumps(value)
        if not json_template:
            return as_text
        if _inside_string(template, match.start()):
            return json.dumps(as_text)[1:-1]
        if key == "aws.events.event":
            return as_text  # already JSON text
        return json.dumps(value)

    return re.sub(r"<([A-Za-z0-9_.\-]+)>", render, template)


def rule_input(target_raw: Mapping[str, Any], event: Mapping[str, Any], rule_arn: str, rule_name: str) -> str | None:
    """The text a scheduled rule sends its target; ``None`` when it sends the event unchanged."""
    if target_raw.get("Input") is not None:
        return str(target_raw["Input"])
    if target_raw.get("InputPath"):
        return json.dumps(json_path(event, target_raw["InputPath"]))
    transformer = target_raw.get("InputTransformer")
    if transformer:
        return transform(
            transformer["InputTemplate"], transformer.get("InputPathsMap") or {}, event, rule_arn, rule_name
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
