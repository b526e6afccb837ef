"""Schedule previews: next runs, plain-English text and warnings for one schedule or a plan's."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from batch_harness.cron.describe import describe
from batch_harness.cron.expression import (
    AtExpression,
    CronExpression,
    ExpressionError,
    RateExpression,
    parse_expression,
)
from batch_harness.cron.timeline import Run, TimezoneError, dst_impacts, next_runs, rate_drift_note, zone
from batch_harness.terraform.addresses import resource_type

SCHEDULER, RULES, EXPRESSION = "scheduler", "rules", "expression"


@dataclass(frozen=True)
class ScheduleSpec:
    """One schedule as AWS will hold it."""

    label: str  # resource address, or the expression itself
    expression: str
    timezone: str | None = None  # None = UTC
    backend: str = EXPRESSION  # scheduler | rules | expression
    start_date: datetime | None = None
    end_date: datetime | None = None
    flexible_window_minutes: int | None = None
    enabled: bool = True
    name: str | None = None


@dataclass
class SchedulePreview:
    spec: ScheduleSpec
    description: str = ""
    runs: list[Run] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def timezone(self) -> str:
        return "UTC" if self.spec.backend == RULES else (self.spec.timezone or "UTC")


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def specs_from_plan(planned_resources: Mapping[str, Mapping[str, Any]]) -> list[ScheduleSpec]:
    """Every scheduled thing in a plan: Scheduler schedules and scheduled EventBridge rules."""
    specs: list[ScheduleSpec] = []
    for address, values in sorted(planned_resources.items()):
        kind = resource_type(address)
        if kind == "aws_scheduler_schedule":
            window = (values.get("flexible_time_window") or [{}])[0]
            flexible = window.get("maximum_window_in_minutes") if window.get("mode") == "FLEXIBLE" else None
            specs.append(
                ScheduleSpec(
                    label=address,
                    name=values.get("name"),
                    expression=values.get("schedule_expression") or "",
                    timezone=values.get("schedule_expression_timezone") or "UTC",
                    backend=SCHEDULER,
                    start_date=_parse_time(values.get("start_date")),
                    end_date=_parse_time(values.get("end_date")),
                    flexible_window_minutes=flexible,
                    enabled=(values.get("state") or "ENABLED") == "ENABLED",
                )
            )
        elif kind == "aws_cloudwatch_event_rule" and values.get("schedule_expression"):
            state = values.get("state")
            enabled = state in (None, "ENABLED") if state is not None else values.get("is_enabled", True) is not False
            specs.append(
                ScheduleSpec(
                    label=address,
                    name=values.get("name"),
                    expression=values["schedule_expression"],
                    timezone="UTC",
                    backend=RULES,
                    enabled=enabled,
                )
            )
    return specs


def preview(spec: ScheduleSpec, *, count: int = 10, now: datetime | None = None) -> SchedulePreview:
    now = (now or datetime.now(UTC)).astimezone(UTC)
    result = SchedulePreview(spec=spec)
    try:
        expr = parse_expression(spec.expression)
        if spec.backend != RULES:
            zone(spec.timezone)
    except (ExpressionError, TimezoneError) as error:
        result.error = str(error)
        return result
    timezone = result.timezone
    warnings = result.warnings
    warnings.extend(expr.notes)
    if spec.backend == RULES:
        if isinstance(expr, AtExpression):
            result.error = "EventBridge rules do not support at(); use the scheduler backend for one-time runs"
            return result
        warnings.append("rules backend: the expression is evaluated in UTC (scheduled rules have no time zone)")
        if spec.timezone not in (None, "UTC"):
            warnings.append(f"timezone {spec.timezone} is ignored by the rules backend")
    result.description = describe(expr, timezone)
    preview_ = next_runs(
        expr,
        timezone,
        after=now,
        count=count,
        start_date=spec.start_date if not isinstance(expr, AtExpression) else None,
        end_date=spec.end_date if not isinstance(expr, AtExpression) else None,
    )
    result.runs = preview_.runs
    warnings.extend(preview_.notes)
    for event in preview_.dst_events:
        warnings.append("DST: " + event.describe())
    if isinstance(expr, CronExpression) and timezone != "UTC":
        upcoming = {(e.kind, e.wall) for e in preview_.dst_events}
        later = [e for e in dst_impacts(expr, timezone, now) if (e.kind, e.wall) not in upcoming]
        for kind in ("skipped", "once"):
            found = [e for e in later if e.kind == kind]
            if found:
                warnings.append(
                    f"DST within a year: {len(found)} run(s) {'skipped' if kind == 'skipped' else 'not repeated'}"
                    f", first {found[0].describe()}"
                )
    if isinstance(expr, RateExpression):
        note = rate_drift_note(expr, timezone, now)
        if note:
            warnings.append(note)
    if spec.flexible_window_minutes:
        warnings.append(
            f"flexible window: each run starts at a time of AWS's choosing up to {spec.flexible_window_minutes} "
            "minute(s) after the times shown"
        )
    if spec.end_date is not None and spec.end_date <= now and not isinstance(expr, AtExpression):
        warnings.append(f"end date {spec.end_date:%Y-%m-%d %H:%M} UTC is in the past: the schedule no longer runs")
    if spec.start_date is not None and spec.start_date > now and not isinstance(expr, AtExpression):
        warnings.append(f"start date {spec.start_date:%Y-%m-%d %H:%M} UTC is in the future: no runs before it")
    if not spec.enabled:
        warnings.append("state DISABLED: the schedule does not run until it is enabled")
    if not result.runs and not any("past" in w for w in warnings):
        warnings.append("no future runs")
    return result


def preview_all(
    specs: Iterable[ScheduleSpec], *, count: int = 10, now: datetime | None = None
) -> list[SchedulePreview]:
    return [preview(spec, count=count, now=now) for spec in specs]
