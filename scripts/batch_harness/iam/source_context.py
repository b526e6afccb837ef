"""The request context a scheduling service presents when it assumes a target's role.

EventBridge Scheduler ("Confused deputy prevention", Scheduler user guide): aws:SourceAccount is
the schedule's account and aws:SourceArn is the **schedule group** ARN
(``arn:aws:scheduler:REGION:ACCOUNT:schedule-group/GROUP``), not the schedule's own ARN; the guide
says not to scope aws:SourceArn to a schedule or a schedule-name prefix.
EventBridge rules: aws:SourceArn is the rule ARN, aws:SourceAccount its account.
"""

from __future__ import annotations

SCHEDULER_SERVICE = "scheduler.amazonaws.com"
EVENTS_SERVICE = "events.amazonaws.com"


def _parts(arn: str, service: str, resource_prefix: str) -> list[str]:
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != service or not parts[5].startswith(resource_prefix):
        raise ValueError(f"not an {service} {resource_prefix.rstrip('/')} ARN: {arn}")
    return parts


def scheduler_source_context(schedule_arn: str) -> dict[str, str]:
    """Context for a Scheduler delivery of ``arn:aws:scheduler:R:A:schedule/GROUP/NAME``."""
    parts = _parts(schedule_arn, "scheduler", "schedule/")
    segments = parts[5].split("/")
    if len(segments) != 3 or not all(segments):
        raise ValueError(f"schedule ARN must be .../schedule/GROUP/NAME: {schedule_arn}")
    group_arn = ":".join([*parts[:5], f"schedule-group/{segments[1]}"])
    return {"aws:SourceAccount": parts[4], "aws:SourceArn": group_arn}


def events_source_context(rule_arn: str) -> dict[str, str]:
    """Context for an EventBridge rule delivery (``arn:aws:events:R:A:rule/[BUS/]NAME``)."""
    parts = _parts(rule_arn, "events", "rule/")
    return {"aws:SourceAccount": parts[4], "aws:SourceArn": rule_arn}
