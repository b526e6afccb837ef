"""Unix five-field schedules -> AWS schedule expressions with the same run times.

Decisions (docs/crontab.md explains them):

* day fields: AWS needs ``?`` in exactly one of day-of-month/day-of-week. Unix ORs the two when
  both are restricted, which no single AWS expression can say, so that becomes two schedules
  (``dom`` and ``dow``); on a day matching both, the job then runs twice -- reported.
  Vixie's AND case (one field starts with ``*`` but has a step, e.g. ``*/2``, and the other is
  restricted) cannot be expressed at all and is refused.
* ``rate()`` only for ``* * * * *`` -> ``rate(1 minute)``: every minute is every minute whenever
  the schedule was created. ``*/15`` is *not* ``rate(15 minutes)``: a rate counts from the
  schedule's creation (or start date), so it would run at :07, :22, ... instead of :00, :15, ...,
  and an hourly rate drifts against local time at DST changes. Those stay ``cron(0/15 ...)``.
* days of week and months are written as names (``MON-FRI``, ``JAN``), which sidesteps the
  Unix 0=SUN vs AWS 1=SUN trap for anyone reading the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from batch_harness.cron.expression import DOW_NAMES, MONTH_NAMES
from batch_harness.cron.unix import UnixSchedule


class ConversionError(ValueError):
    pass


@dataclass(frozen=True)
class Converted:
    name_suffix: str  # "" or "dom"/"dow" for the two halves of an OR split
    expression: str
    note: str | None = None


def _runs(values: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for value in values:
        if runs and value == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], value)
        else:
            runs.append((value, value))
    return runs


def render_values(values: frozenset[int], low: int, high: int, names: tuple[str, ...] | None = None) -> str:
    """The shortest documented AWS spelling of a set: ``*``, ``a/s``, ``a-b``, or a list of those."""
    ordered = sorted(values)
    if ordered == list(range(low, high + 1)):
        return "*"

    def label(value: int) -> str:
        return names[value - low] if names else str(value)

    if not names and len(ordered) >= 3:
        step = ordered[1] - ordered[0]
        if step > 1 and ordered == list(range(ordered[0], high + 1, step)):
            return f"{ordered[0]}/{step}"  # "0/15": every 15 from 0 up to the field's end
    parts = []
    for first, last in _runs(ordered):
        if first == last:
            parts.append(label(first))
        elif last == first + 1:
            parts.extend([label(first), label(last)])
        else:
            parts.append(f"{label(first)}-{label(last)}")
    return ",".join(parts)


def convert(schedule: UnixSchedule) -> list[Converted]:
    """One or two AWS expressions that together run exactly when the Unix schedule does."""
    full = (
        schedule.minutes == frozenset(range(60))
        and schedule.hours == frozenset(range(24))
        and not schedule.dom_restricted
        and not schedule.dow_restricted
        and schedule.months == frozenset(range(1, 13))
    )
    if full:
        return [Converted("", "rate(1 minute)", "every minute: rate(1 minute) runs in the same minutes")]
    minutes = render_values(schedule.minutes, 0, 59)
    hours = render_values(schedule.hours, 0, 23)
    months = render_values(schedule.months, 1, 12, MONTH_NAMES)
    dom = render_values(schedule.days_of_month, 1, 31)
    # AWS day-of-week = Unix day-of-week + 1 (1 = SUN).
    dow = render_values(frozenset(d + 1 for d in schedule.days_of_week), 1, 7, DOW_NAMES)

    def cron(day_of_month: str, day_of_week: str) -> str:
        return f"cron({minutes} {hours} {day_of_month} {months} {day_of_week} *)"

    dom_r, dow_r = schedule.dom_restricted, schedule.dow_restricted
    if schedule.dom_star or schedule.dow_star:
        # Vixie: a "*"-led day field makes the day rule an AND.
        if dom_r and dow_r:
            raise ConversionError(
                "day-of-month and day-of-week are both restricted but one starts with '*': Unix cron then "
                "requires both to match (Vixie AND rule), which no AWS expression can say"
            )
    elif dom_r and dow_r:
        note = (
            "Unix runs when EITHER day field matches; AWS cannot say that in one expression, so this line "
            "became two schedules (dom, dow) -- on a day matching both the job runs twice"
        )
        return [Converted("dom", cron(dom, "?"), note), Converted("dow", cron("?", dow), note)]
    elif dom_r or dow_r:
        # Neither starts with "*" but one of them lists every day: Unix ORs -> every day.
        return [
            Converted(
                "",
                cron("*", "?"),
                "one day field lists every day, so (Unix OR rule) the job runs every day",
            )
        ]
    if dow_r:
        return [Converted("", cron("?", dow))]
    return [Converted("", cron(dom, "?"))]


def first_overlap(schedule: UnixSchedule, start: date, days: int = 3 * 366) -> date | None:
    """The first day on which both day fields match: an OR-split job runs twice that day."""
    for offset in range(days):
        day = start + timedelta(days=offset)
        unix_weekday = (day.weekday() + 1) % 7
        if day.month in schedule.months and day.day in schedule.days_of_month and unix_weekday in schedule.days_of_week:
            return day
    return None
