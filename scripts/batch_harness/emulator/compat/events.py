"""EventBridge: TestEventPattern and PutEvents delivery the way AWS does them."""

from __future__ import annotations

import copy
import json
import logging
import threading
from collections import deque
from datetime import UTC, datetime
from typing import Any

from moto.events.exceptions import ValidationException
from moto.events.models import EventPattern, EventsBackend, Rule
from moto.events.responses import EventsHandler

from batch_harness.delivery.target_input import InputError, rule_input

from .patching import Patch, original, replace

LOG = logging.getLogger("batch_harness.emulator.events")

# TestEventPattern: "the following fields are mandatory" (EventBridge API reference).
MANDATORY_EVENT_FIELDS = ("id", "account", "source", "time", "region", "resources", "detail-type")
FIRING_STATES = ("ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")
# Targets moto itself can deliver to (besides the three delivered here): archive, bus, API dest.
MOTO_NATIVE_TARGETS = ("events",)

_deliveries: deque[dict[str, Any]] = deque(maxlen=1000)
_deliveries_lock = threading.Lock()


def deliveries() -> list[dict[str, Any]]:
    """What PutEvents did with each matching rule target (newest last)."""
    with _deliveries_lock:
        return list(_deliveries)


def clear_deliveries() -> None:
    with _deliveries_lock:
        _deliveries.clear()


def _record(rule: Rule, target: dict[str, Any], event: dict[str, Any], status: str, **extra: Any) -> None:
    entry = {
        "rule": rule.name,
        "rule_arn": rule.arn,
        "event_bus": rule.event_bus_name,
        "event_id": event.get("id"),
        "target_id": target.get("Id"),
        "target_arn": target.get("Arn"),
        "status": status,
        **extra,
    }
    with _deliveries_lock:
        _deliveries.append(entry)
    LOG.info("rule %s -> %s: %s %s", rule.name, target.get("Arn"), status, extra.get("reason") or "")


def test_event_pattern(pattern: str | None, event: str | None) -> bool:
    """AWS TestEventPattern semantics on top of moto's own matcher (``EventPattern``)."""
    parsed_pattern = EventPattern.load(pattern)  # raises InvalidEventPatternException like AWS
    try:
        parsed_event = json.loads(event or "")
    except ValueError as error:
        raise ValidationException(f"Parameter Event is not valid. Reason: {error}") from error
    if not isinstance(parsed_event, dict):
        raise ValidationException("Parameter Event is not valid. Reason: an event is a JSON object.")
    missing = [field for field in MANDATORY_EVENT_FIELDS if field not in parsed_event]
    if missing:
        raise ValidationException(
            f"Parameter Event is not valid. Reason: missing mandatory field(s) {', '.join(missing)}."
        )
    return parsed_pattern.matches_event(parsed_event)  # type: ignore[arg-type]  # a dict is what it reads


def patch_test_event_pattern() -> None:
    """TestEventPattern answers whether a pattern matches an event.

    AWS: returns {"Result": true|false}; rejects an invalid pattern (InvalidEventPatternException)
    and an event without id, account, source, time, region, resources or detail-type.
    moto 5.2.5: the handler returns an empty body (boto3 then reports no Result) and the backend
    raises NotImplementedError, although moto's rule matcher (EventPattern) is complete enough.
    """

    def handler(self: EventsHandler) -> str:
        # The backend method is replaced below: moto's typing knows only its stub.
        backend_call: Any = self.events_backend.test_event_pattern
        result = backend_call(self._get_param("EventPattern"), self._get_param("Event"))
        return json.dumps({"Result": result})

    def backend(self: EventsBackend, pattern: str | None = None, event: str | None = None) -> bool:
        return test_event_pattern(pattern, event)

    replace(EventsHandler, "test_event_pattern", handler)
    replace(EventsBackend, "test_event_pattern", backend)


def _iso(value: Any) -> Any:
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def target_payload(rule: Rule, target: dict[str, Any], event: dict[str, Any], ingestion_time: str) -> str:
    """The text AWS sends to a target: Input, InputPath, InputTransformer or the whole event."""
    text = rule_input(target, event, rule.arn, rule.name, ingestion_time)
    return json.dumps(event) if text is None else text


def _deliver(rule: Rule, target: dict[str, Any], payload: str) -> None:
    arn = target["Arn"]
    parts = arn.split(":", 5)
    service, region, account, resource = parts[2], parts[3], parts[4], parts[5]
    if service == "logs":
        from moto.logs import logs_backends
        from moto.moto_api._internal import mock_random

        group = resource.split(":", 1)[1] if resource.startswith("log-group:") else resource
        group = group.removesuffix(":*")
        logs = logs_backends[account][region]
        stream = str(mock_random.uuid4())
        logs.create_log_stream(group, stream)
        millis = int(datetime.now(tz=UTC).timestamp() * 1000)
        logs.put_log_events(group, stream, [{"timestamp": millis, "message": payload}])
    elif service == "sqs":
        from moto.sqs import sqs_backends

        group_id = (target.get("SqsParameters") or {}).get("MessageGroupId")
        sqs_backends[account][region].send_message(queue_name=resource, message_body=payload, group_id=group_id)
    elif service == "sns":
        from moto.sns import sns_backends

        sns_backends[account][region].publish(message=payload, arn=arn)
    else:
        raise NotImplementedError(service)


def patch_put_events_delivery() -> None:
    """PutEvents delivers to matching, enabled rules' targets and never fails for a target type.

    AWS: a rule fires only when ENABLED and only when its event pattern matches (a rule with only
    a schedule never matches PutEvents); each target receives Input, InputPath, the
    InputTransformer output or the event; a failed target delivery does not fail PutEvents.
    moto 5.2.5: fires DISABLED and schedule-only rules (an empty pattern matches everything),
    ignores Input/InputPath, and raises NotImplementedError (HTTP 500 for the whole PutEvents) for
    Batch, SNS, Step Functions, Lambda, ECS... targets.
    Here: log groups, SQS queues and SNS topics receive the payload; archives, buses and API
    destinations go through moto's own code; other targets are recorded as not delivered (see
    ``deliveries()``) - the harness delivers schedules to Batch and Step Functions itself.
    """
    moto_send = original(Rule, "send_to_targets")

    def send_to_targets(self: Rule, original_event: dict[str, Any], transform_input: bool = True) -> None:
        if self.state not in FIRING_STATES:
            return
        if not self.event_pattern.get_pattern():
            return  # schedule-only rule: never triggered by an event
        if not self.event_pattern.matches_event(original_event):  # type: ignore[arg-type]  # a dict is what it reads
            return
        ingestion = _iso(original_event.get("ingestion-time"))
        event = {key: value for key, value in original_event.items() if key != "ingestion-time"}
        event["time"] = _iso(event.get("time"))
        for target in self.targets:
            service = target.get("Arn", "::").split(":")[2] if target.get("Arn", "").count(":") >= 5 else ""
            if service in MOTO_NATIVE_TARGETS:
                single = copy.copy(self)
                single.targets = [target]
                try:
                    moto_send(single, original_event, transform_input)
                    _record(self, target, event, "delivered", via="moto")
                except Exception as error:
                    _record(self, target, event, "failed", reason=repr(error))
                continue
            try:
                payload = target_payload(self, target, event, ingestion) if transform_input else json.dumps(event)
            except InputError as error:  # AWS refuses a malformed path at PutTargets; moto stores it
                _record(self, target, event, "failed", reason=str(error))
                continue
            try:
                _deliver(self, target, payload)
                _record(self, target, event, "delivered", payload=payload)
            except NotImplementedError:
                _record(
                    self,
                    target,
                    event,
                    "not-delivered",
                    payload=payload,
                    reason=f"the emulator does not invoke {service} targets",
                )
            except Exception as error:  # AWS: a failing target never fails PutEvents
                _record(self, target, event, "failed", payload=payload, reason=repr(error))

    replace(Rule, "send_to_targets", send_to_targets)


PATCHES = [
    Patch(
        "events.test_event_pattern",
        "TestEventPattern answers with moto's own matcher",
        patch_test_event_pattern,
    ),
    Patch(
        "events.put_events_delivery",
        "PutEvents fires enabled, matching rules and never 500s for a target type",
        patch_put_events_delivery,
    ),
]
