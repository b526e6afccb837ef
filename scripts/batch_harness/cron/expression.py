"""AWS schedule expressions: ``cron(...)``, ``rate(...)`` and ``at(...)`` parsed and validated.

The dialect is AWS's (EventBridge Scheduler / scheduled rules), not Unix cron:

* six fields ``minutes hours day-of-month month day-of-week year``;
* exactly one of day-of-month / day-of-week is ``?`` (AWS cannot express "either");
* day-of-week ``1-7`` means ``SUN-SAT`` (Unix: ``0-6``/``7`` = SUN);
* ``L`` / ``LW`` / ``nW`` in day-of-month, ``L`` / ``nL`` / ``n#k`` in day-of-week;
* year ``1970-2199``.

Only what the AWS documentation documents is accepted; forms that Quartz (the dialect AWS's
resembles) knows but AWS does not document (``L-3``, wrap-around ranges such as ``FRI-MON``) are
rejected with a message saying how to write them instead, so a preview never shows runs for an
expression AWS might refuse or read differently.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# AWS day-of-week numbering: 1 = SUN ... 7 = SAT.
DOW_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
YEAR_MIN, YEAR_MAX = 1970, 2199


class ExpressionError(ValueError):
    """An expression AWS would reject (or that this tool refuses to guess about)."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()  # names[i] means value low + i


MINUTES = FieldSpec("minutes", 0, 59)
HOURS = FieldSpec("hours", 0, 23)
DAY_OF_MONTH = FieldSpec("day-of-month", 1, 31)
MONTH = FieldSpec("month", 1, 12, MONTH_NAMES)
DAY_OF_WEEK = FieldSpec("day-of-week", 1, 7, DOW_NAMES)
YEAR = FieldSpec("year", YEAR_MIN, YEAR_MAX)


def _value(text: str, spec: FieldSpec) -> int:
    upper = text.upper()
    if spec.names and upper in spec.names:
        return spec.low + spec.names.index(upper)
    if not text.isdigit():
        names = f" or names {spec.names[0]}-{spec.names[-1]}" if spec.names else ""
        raise ExpressionError(f"{spec.name}: {text!r} is not a value (numbers {spec.low}-{spec.high}{names})")
    value = int(text)
    if not spec.low <= value <= spec.high:
        raise ExpressionError(f"{spec.name}: {value} is outside {spec.low}-{spec.high}")
    return value


def parse_values(text: str, spec: FieldSpec) -> frozenset[int]:
    """A list of ``*``, ``n``, ``a-b``, ``*/s``, ``a/s``, ``a-b/s`` items (names allowed)."""
    values: set[int] = set()
    for item in text.split(","):
        if not item:
            raise ExpressionError(f"{spec.name}: empty item in {text!r}")
        base, slash, step_text = item.partition("/")
        step = 1
        if slash:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ExpressionError(f"{spec.name}: step {step_text!r} in {item!r} must be a positive number")
            step = int(step_text)
            if step > spec.high:
                raise ExpressionError(f"{spec.name}: step {step} in {item!r} is larger than {spec.high}")
        if base == "*":
            low, high = spec.low, spec.high
        elif "-" in base:
            first, _, last = base.partition("-")
            low, high = _value(first, spec), _value(last, spec)
            if high < low:
                raise ExpressionError(
                    f"{spec.name}: range {base!r} runs backwards; AWS documents no wrap-around ranges, "
                    f"write it as two items (e.g. {first}-{spec.high},{spec.low}-{last})"
                )
        else:
            low = _value(base, spec)
            # "a/s" means a, a+s, ... up to the field maximum (the AWS docs' "1/10" example).
            high = spec.high if slash else low
        values.update(range(low, high + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class DayOfMonth:
    """Day-of-month: plain days, or one of AWS's special forms."""

    days: frozenset[int] = frozenset()
    last: bool = False  # L
    last_weekday: bool = False  # LW
    nearest_weekday: int | None = None  # nW

    def matching(self, year: int, month: int) -> set[int]:
        length = calendar.monthrange(year, month)[1]
        if self.last:
            return {length}
        if self.last_weekday:
            day = length
            while calendar.weekday(year, month, day) >= 5:  # Sat/Sun -> back to Friday
                day -= 1
            return {day}
        if self.nearest_weekday is not None:
            return _nearest_weekday(year, month, self.nearest_weekday, length)
        return {d for d in self.days if d <= length}


def _nearest_weekday(year: int, month: int, day: int, length: int) -> set[int]:
    """Quartz/AWS ``nW``: the weekday closest to day n, never leaving the month.

    Saturday -> the Friday before (Monday the 3rd when n is the 1st); Sunday -> the Monday after
    (Friday when n is the month's last day). A day the month does not have (``31W`` in April) gives
    no run that month; AWS does not document that case.
    """
    if day > length:
        return set()
    weekday = calendar.weekday(year, month, day)  # Monday = 0
    if weekday == 5:
        return {day + 2} if day == 1 else {day - 1}
    if weekday == 6:
        return {day - 2} if day == length else {day + 1}
    return {day}


@dataclass(frozen=True)
class DayOfWeek:
    """Day-of-week in AWS numbering (1 = SUN)."""

    days: frozenset[int] = frozenset()
    last_of_month: int | None = None  # nL: the last <day n> of the month
    nth: tuple[int, int] | None = None  # n#k: the k-th <day n> of the month

    def matching(self, year: int, month: int) -> set[int]:
        length = calendar.monthrange(year, month)[1]
        first_aws = _aws_weekday(date(year, month, 1))
        if self.last_of_month is not None:
            day = length
            while _aws_weekday(date(year, month, day)) != self.last_of_month:
                day -= 1
            return {day}
        if self.nth is not None:
            weekday, k = self.nth
            day = 1 + (weekday - first_aws) % 7 + 7 * (k - 1)
            return {day} if day <= length else set()
        return {d for d in range(1, length + 1) if (first_aws - 1 + d - 1) % 7 + 1 in self.days}


def _aws_weekday(day: date) -> int:
    """1 = Sunday ... 7 = Saturday."""
    return (day.weekday() + 1) % 7 + 1


def _parse_dom(text: str) -> DayOfMonth | None:
    upper = text.upper()
    if upper == "?":
        return None
    if upper == "L":
        return DayOfMonth(last=True)
    if upper == "LW":
        return DayOfMonth(last_weekday=True)
    if re.fullmatch(r"L-\d+", upper):
        raise ExpressionError(
            f"day-of-month: {text!r} (offset from the last day) is not documented for AWS; use L or a day number"
        )
    if upper.endswith("W"):
        day = upper[:-1]
        if not day.isdigit():
            raise ExpressionError(
                f"day-of-month: W takes exactly one day number (e.g. 15W), not {text!r}; no lists or ranges"
            )
        return DayOfMonth(nearest_weekday=_value(day, DAY_OF_MONTH))
    if "L" in upper or "W" in upper:
        raise ExpressionError(f"day-of-month: L and W cannot be combined with lists or ranges ({text!r})")
    return DayOfMonth(days=parse_values(text, DAY_OF_MONTH))


def _parse_dow(text: str) -> DayOfWeek | None:
    upper = text.upper()
    if upper == "?":
        return None
    if "#" in upper:
        if "," in upper or "-" in upper or "/" in upper:
            raise ExpressionError(
                f"day-of-week: with '#' only one expression is allowed ({text!r}); AWS rejects e.g. 3#1,6#3"
            )
        day, _, k = upper.partition("#")
        if not k.isdigit() or not 1 <= int(k) <= 5:
            raise ExpressionError(f"day-of-week: in {text!r} the occurrence after '#' must be 1-5")
        return DayOfWeek(nth=(_value(day, DAY_OF_WEEK), int(k)))
    if upper == "L":
        # "L" alone is the last day of the week: Saturday (7).
        return DayOfWeek(days=frozenset({7}))
    if upper.endswith("L"):
        day = upper[:-1]
        if "," in day or "-" in day or "/" in day or "*" in day:
            raise ExpressionError(f"day-of-week: nL takes exactly one day (e.g. 6L or FRIL), not {text!r}")
        return DayOfWeek(last_of_month=_value(day, DAY_OF_WEEK))
    if "/" in upper:
        raise ExpressionError(
            f"day-of-week: AWS documents no '/' increments for day-of-week ({text!r}); list the days instead"
        )
    return DayOfWeek(days=parse_values(text, DAY_OF_WEEK))


@dataclass(frozen=True)
class CronExpression:
    text: str  # the whole "cron(...)"
    fields: tuple[str, ...]  # the six fields as written (year "*" added when omitted)
    minutes: frozenset[int]
    hours: frozenset[int]
    day_of_month: DayOfMonth | None  # None = "?"
    months: frozenset[int]
    day_of_week: DayOfWeek | None  # None = "?"
    years: frozenset[int]
    notes: tuple[str, ...] = ()
    _cache: dict[tuple[int, int], tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    kind = "cron"

    def days_in(self, year: int, month: int) -> tuple[int, ...]:
        """Days of one month the expression runs on (sorted)."""
        key = (year, month)
        if key not in self._cache:
            if self.day_of_month is not None:
                days = self.day_of_month.matching(year, month)
            else:
                assert self.day_of_week is not None
                days = self.day_of_week.matching(year, month)
            self._cache[key] = tuple(sorted(days))
        return self._cache[key]

    def matches(self, wall: datetime) -> bool:
        """Does the expression name this wall-clock minute?"""
        return (
            wall.minute in self.minutes
            and wall.hour in self.hours
            and wall.month in self.months
            and wall.year in self.years
            and wall.day in self.days_in(wall.year, wall.month)
        )

    @cached_property
    def sorted_minutes(self) -> tuple[int, ...]:
        return tuple(sorted(self.minutes))

    @cached_property
    def sorted_hours(self) -> tuple[int, ...]:
        return tuple(sorted(self.hours))

    def wall_times(self, start: date) -> Iterator[datetime]:
        """Every wall-clock minute the expression names, from ``start`` (a date) on, ascending."""
        for year in sorted(y for y in self.years if y >= start.year):
            for month in sorted(self.months):
                if (year, month) < (start.year, start.month):
                    continue
                for day in self.days_in(year, month):
                    if date(year, month, day) < start:
                        continue
                    for hour in self.sorted_hours:
                        for minute in self.sorted_minutes:
                            yield datetime(year, month, day, hour, minute)


_RATE = re.compile(r"rate\((?P<value>[^ )]*) (?P<unit>[^ )]*)\)")
_RATE_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


@dataclass(frozen=True)
class RateExpression:
    text: str
    value: int
    unit: str  # singular: minute | hour | day
    notes: tuple[str, ...] = ()

    kind = "rate"

    @property
    def seconds(self) -> int:
        return self.value * _RATE_UNITS[self.unit]


_AT = re.compile(r"at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)")


@dataclass(frozen=True)
class AtExpression:
    text: str
    wall: datetime  # naive: read in the schedule's timezone
    notes: tuple[str, ...] = ()

    kind = "at"


Expression = CronExpression | RateExpression | AtExpression


def parse_expression(text: str) -> Expression:
    """Parse and validate one AWS schedule expression; raises ExpressionError with the reason."""
    stripped = text.strip()
    if stripped.startswith("cron(") and stripped.endswith(")"):
        return parse_cron(stripped)
    if stripped.startswith("rate("):
        return _parse_rate(stripped)
    if stripped.startswith("at("):
        return _parse_at(stripped)
    raise ExpressionError(f"{text!r}: an AWS schedule expression is cron(...), rate(...) or at(...)")


def parse_cron(text: str) -> CronExpression:
    inner = text.strip()[len("cron(") : -1]
    parts = inner.split()
    notes: list[str] = []
    # EventBridge rules and Scheduler both refuse fewer than six fields (the year is required).
    if len(parts) == 5:
        raise ExpressionError(
            f"{text!r}: AWS cron takes 6 fields (minutes hours day-of-month month day-of-week year), got 5 — "
            "the year is required: add ' *' for every year"
        )
    if len(parts) != 6:
        raise ExpressionError(
            f"{text!r}: AWS cron takes 6 fields (minutes hours day-of-month month day-of-week year), got {len(parts)}"
        )
    minute_t, hour_t, dom_t, month_t, dow_t, year_t = parts
    for name, value in (("minutes", minute_t), ("hours", hour_t), ("year", year_t), ("month", month_t)):
        if re.search(r"[?#]", value) or (name != "month" and re.search(r"[^0-9*,/-]", value)):
            raise ExpressionError(
                f"{name}: {value!r} — only numbers, *, -, / and , here; ?, L, W and # belong to "
                "day-of-month/day-of-week"
            )
    if (dom_t == "?") == (dow_t == "?"):
        raise ExpressionError(
            f"{text!r}: exactly one of day-of-month ({dom_t}) and day-of-week ({dow_t}) must be '?' — "
            "AWS cannot combine them; use '?' in the field you do not restrict"
        )
    return CronExpression(
        text=f"cron({' '.join(parts)})",
        fields=tuple(parts),
        minutes=parse_values(minute_t, MINUTES),
        hours=parse_values(hour_t, HOURS),
        day_of_month=_parse_dom(dom_t),
        months=parse_values(month_t, MONTH),
        day_of_week=_parse_dow(dow_t),
        years=parse_values(year_t, YEAR),
        notes=tuple(notes),
    )


def _parse_rate(text: str) -> RateExpression:
    match = _RATE.fullmatch(text)
    if not match:
        raise ExpressionError(f"{text!r}: write rate(<value> <unit>), e.g. rate(5 minutes) or rate(1 hour)")
    value_text, unit = match["value"], match["unit"]
    if not value_text.isdigit() or int(value_text) == 0:
        raise ExpressionError(f"{text!r}: the rate value must be a positive whole number")
    if unit not in _RATE_UNITS:
        raise ExpressionError(f"{text!r}: the rate unit is minute(s), hour(s) or day(s), not {unit!r}")
    value = int(value_text)
    singular = unit.rstrip("s")
    if value == 1 and unit.endswith("s"):
        raise ExpressionError(f"{text!r}: with 1 the unit is singular: rate(1 {singular})")
    if value > 1 and not unit.endswith("s"):
        raise ExpressionError(f"{text!r}: with {value} the unit is plural: rate({value} {singular}s)")
    return RateExpression(text=text, value=value, unit=singular)


def _parse_at(text: str) -> AtExpression:
    match = _AT.fullmatch(text)
    if not match:
        raise ExpressionError(f"{text!r}: write at(yyyy-mm-ddThh:mm:ss), e.g. at(2030-01-31T08:00:00)")
    try:
        year, month, day, hour, minute, second = (int(g) for g in match.groups())
        wall = datetime(year, month, day, hour, minute, second)
    except ValueError as error:
        raise ExpressionError(f"{text!r}: {error}") from None
    return AtExpression(text=text, wall=wall)
