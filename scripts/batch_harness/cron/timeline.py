"""When does an AWS schedule run? Next-N runs in UTC with EventBridge Scheduler's DST rules.

EventBridge Scheduler evaluates cron and at expressions as wall-clock times in the schedule's IANA
time zone. Its user guide ("Daylight savings time on EventBridge Scheduler") says:

* spring forward: "if a cron expression falls on a non-existent date and time, your schedule
  invocation is skipped" -- a wall time inside the gap produces no run that day;
* fall back: "your schedule runs only once and does not repeat its invocation" -- its example
  runs at the *first* 2:30 a.m. (before the shift) and not again after it;
* ``rate(... days)`` is 24 hours of elapsed time, so its local run time moves by an hour at
  each change (rates are elapsed time in any unit).

Rates start at the schedule's start date, or at creation when there is none; EventBridge scheduled
rules evaluate cron in UTC. Everything here works on whole minutes (AWS's precision is 60 s).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from batch_harness.cron.expression import AtExpression, CronExpression, Expression, RateExpression


class TimezoneError(ValueError):
    pass


def zone(name: str | None) -> ZoneInfo:
    """An IANA zone (tzdata ships the database, so this works without the OS's zoneinfo)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise TimezoneError(f"{name!r} is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)") from None


@dataclass(frozen=True)
class DstEvent:
    """A wall time the expression names that a DST change removes or repeats."""

    kind: str  # "skipped" (spring-forward gap) | "once" (fall-back: the time happens twice, runs once)
    wall: datetime  # naive local time
    zone: str

    def describe(self) -> str:
        when = self.wall.strftime("%Y-%m-%d %H:%M")
        if self.kind == "skipped":
            return f"{when} does not exist in {self.zone} (clocks spring forward): EventBridge Scheduler skips this run"
        return (
            f"{when} happens twice in {self.zone} (clocks fall back): EventBridge Scheduler runs once, at the first one"
        )


@dataclass(frozen=True)
class Run:
    utc: datetime  # aware, UTC
    local: datetime  # aware, in the schedule's zone


def classify(wall: datetime, tz: ZoneInfo) -> tuple[str, datetime]:
    """("ok" | "gap" | "fold", the UTC instant AWS uses). For a fold, the first occurrence."""
    first = wall.replace(tzinfo=tz, fold=0)
    utc = first.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != wall:
        return "gap", utc
    second = wall.replace(tzinfo=tz, fold=1)
    if second.utcoffset() != first.utcoffset():
        return "fold", utc
    return "ok", utc


def _ceil_minute(moment: datetime) -> datetime:
    floored = moment.replace(second=0, microsecond=0)
    return floored if floored == moment else floored + timedelta(minutes=1)


def _aware_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(UTC)


def cron_runs(
    expr: CronExpression, tz: ZoneInfo, after: datetime, events: list[DstEvent] | None = None
) -> Iterator[datetime]:
    """UTC instants strictly after ``after``, ascending, with Scheduler's DST behaviour.

    Wall times are generated in order; with each fold resolved to its first occurrence the UTC
    instants stay in order too, so the stream can be cut anywhere.
    """
    after = _aware_utc(after)
    start_day = after.astimezone(tz).date() - timedelta(days=1)  # a fold can reach back over midnight
    zone_name = str(tz.key)
    for wall in expr.wall_times(start_day):
        kind, utc = classify(wall, tz)
        if kind == "gap":
            if utc > after and events is not None:
                events.append(DstEvent("skipped", wall, zone_name))
            continue
        if utc <= after:
            continue
        if kind == "fold" and events is not None:
            events.append(DstEvent("once", wall, zone_name))
        yield utc


def rate_runs(expr: RateExpression, anchor: datetime, after: datetime) -> Iterator[datetime]:
    """anchor, anchor + rate, ... (elapsed time, so no DST effect in UTC) strictly after ``after``."""
    anchor, after = _aware_utc(anchor), _aware_utc(after)
    step = timedelta(seconds=expr.seconds)
    k = 0 if after < anchor else (after - anchor) // step + 1
    moment = anchor + k * step
    while True:
        yield moment
        moment += step


@dataclass
class Preview:
    runs: list[Run]
    dst_events: list[DstEvent]
    notes: list[str]


def next_runs(
    expr: Expression,
    timezone: str | None = None,
    *,
    after: datetime | None = None,
    count: int = 10,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    created: datetime | None = None,
) -> Preview:
    """The next ``count`` runs of a schedule, honouring start/end dates (EndDate is exclusive).

    ``created`` anchors a rate() without start date ("starts invoking the target immediately");
    it defaults to ``after`` rounded up to the minute, i.e. "if the schedule were created now".
    """
    tz = zone(timezone)
    after = _aware_utc(after or datetime.now(UTC))
    notes: list[str] = []
    events: list[DstEvent] = []
    floor = after
    if start_date is not None:
        start_date = _aware_utc(start_date)
        floor = max(after, start_date - timedelta(microseconds=1))
    if isinstance(expr, CronExpression):
        stream: Iterator[datetime] = cron_runs(expr, tz, floor, events)
    elif isinstance(expr, RateExpression):
        anchor = start_date or _ceil_minute(_aware_utc(created) if created else after)
        if start_date is None:
            notes.append(
                f"{expr.text} counts from the schedule's creation (no start date); times assume creation at "
                f"{anchor:%Y-%m-%d %H:%M} UTC"
            )
        stream = rate_runs(expr, anchor, floor)
    else:
        assert isinstance(expr, AtExpression)
        kind, utc = classify(expr.wall, tz)
        if kind == "gap":
            notes.append(
                f"{expr.wall:%Y-%m-%d %H:%M} does not exist in {tz.key} (DST gap); AWS does not document "
                f"what at() does then, shown as {utc.astimezone(tz):%H:%M %Z}"
            )
        elif kind == "fold":
            notes.append(f"{expr.wall:%Y-%m-%d %H:%M} happens twice in {tz.key}; shown at the first one")
        if start_date or end_date:
            notes.append("at() schedules ignore start and end dates")
        start_date = end_date = None
        if utc <= after:
            notes.append(f"{expr.text} is in the past: this one-time schedule will not run again")
        stream = iter([utc] if utc > after else [])
    runs: list[Run] = []
    for utc in stream:
        if end_date is not None and utc >= _aware_utc(end_date):
            break
        runs.append(Run(utc=utc, local=utc.astimezone(tz)))
        if len(runs) >= count:
            break
    return Preview(runs=runs, dst_events=_dedupe(events), notes=notes)


def _dedupe(events: list[DstEvent]) -> list[DstEvent]:
    seen: dict[tuple[str, datetime], DstEvent] = {}
    for event in events:
        seen.setdefault((event.kind, event.wall), event)
    return list(seen.values())


@dataclass(frozen=True)
class Transition:
    utc: datetime
    before: timedelta  # UTC offset before
    after: timedelta  # UTC offset after

    @property
    def wall_range(self) -> tuple[datetime, datetime]:
        """Naive local [start, end): the gap (forward) or the repeated span (backward)."""
        naive = self.utc.replace(tzinfo=None)
        low, high = sorted((naive + self.before, naive + self.after))
        return low, high

    @property
    def forward(self) -> bool:
        return self.after > self.before


def transitions(tz: ZoneInfo, start: datetime, days: int = 366) -> list[Transition]:
    """UTC-offset changes of ``tz`` in [start, start + days): hourly probe, then bisect to the minute."""
    start = _aware_utc(start).replace(minute=0, second=0, microsecond=0)
    found: list[Transition] = []
    previous = start
    offset = previous.astimezone(tz).utcoffset()
    for hour in range(1, days * 24 + 1):
        probe = start + timedelta(hours=hour)
        probe_offset = probe.astimezone(tz).utcoffset()
        if probe_offset != offset:
            low, high = previous, probe  # offset(low) == offset, offset(high) == probe_offset
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) // 2
                middle = middle.replace(second=0, microsecond=0)
                if middle.astimezone(tz).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            assert offset is not None and probe_offset is not None
            found.append(Transition(utc=high, before=offset, after=probe_offset))
            offset = probe_offset
        previous = probe
    return found


@lru_cache(maxsize=64)
def _cached_transitions(timezone: str, start: datetime, days: int) -> tuple[Transition, ...]:
    return tuple(transitions(zone(timezone), start, days))


def dst_impacts(expr: Expression, timezone: str | None, start: datetime, days: int = 366) -> list[DstEvent]:
    """Runs a cron expression loses ("skipped") or does not repeat ("once") at DST changes ahead."""
    if not isinstance(expr, CronExpression):
        return []
    tz = zone(timezone)
    events: list[DstEvent] = []
    hour = _aware_utc(start).replace(minute=0, second=0, microsecond=0)
    for change in _cached_transitions(str(tz.key), hour, days):
        low, high = change.wall_range
        wall = low
        while wall < high:
            if expr.matches(wall):
                events.append(DstEvent("skipped" if change.forward else "once", wall, str(tz.key)))
            wall += timedelta(minutes=1)
    return events


def observes_dst(timezone: str | None, start: datetime, days: int = 366) -> bool:
    hour = _aware_utc(start).replace(minute=0, second=0, microsecond=0)
    return bool(_cached_transitions(str(zone(timezone).key), hour, days))


def rate_drift_note(expr: RateExpression, timezone: str | None, start: datetime) -> str | None:
    """rate() is elapsed time: in a zone with DST its local run times move by the change."""
    if expr.unit == "minute" or not observes_dst(timezone, start):
        return None
    return (
        f"{expr.text} counts elapsed time: after a DST change in {timezone} the local run time moves by "
        "an hour (use cron() for a fixed local time)"
    )
