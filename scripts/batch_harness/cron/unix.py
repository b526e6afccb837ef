"""Unix (Vixie/cronie) five-field cron schedules, read with the semantics of the cron daemon.

What matters for a faithful translation:

* day-of-week ``0-7``: 0 and 7 are Sunday; names ``sun``-``sat`` and ``jan``-``dec`` in any case;
* ``a-b/s``, ``*/s`` and ``a/s`` (read as ``a-<max>/s``, as cronie >= 1.5 and croniter do);
* the day rule: when *both* day fields are restricted, a day matches if *either* does (OR);
  a field that starts with ``*`` counts as unrestricted for this rule even when it has a step
  (``*/2``) -- then the two fields are ANDed (the historical Vixie behaviour cronie keeps);
* ``@hourly`` ... ``@annually`` macros; ``@reboot`` has no schedule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")

MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


class UnixCronError(ValueError):
    pass


@dataclass(frozen=True)
class UnixField:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    names_start: int = 0


U_MINUTE = UnixField("minute", 0, 59)
U_HOUR = UnixField("hour", 0, 23)
U_DOM = UnixField("day-of-month", 1, 31)
U_MONTH = UnixField("month", 1, 12, MONTHS, 1)
U_DOW = UnixField("day-of-week", 0, 7, DAYS, 0)


def _number(text: str, spec: UnixField) -> int:
    lower = text.lower()
    if spec.names and lower in spec.names:
        return spec.names_start + spec.names.index(lower)
    if not text.isdigit():
        raise UnixCronError(f"{spec.name}: {text!r} is not a number or name")
    value = int(text)
    if not spec.low <= value <= spec.high:
        raise UnixCronError(f"{spec.name}: {value} is outside {spec.low}-{spec.high}")
    return value


def parse_field(text: str, spec: UnixField) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        if not item:
            raise UnixCronError(f"{spec.name}: empty list item in {text!r}")
        if "~" in item:
            raise UnixCronError(f"{spec.name}: random ranges ({item!r}) have no AWS equivalent")
        base, slash, step_text = item.partition("/")
        step = 1
        if slash:
            if not step_text.isdigit() or int(step_text) == 0:
                raise UnixCronError(f"{spec.name}: bad step in {item!r}")
            step = int(step_text)
        if base == "*":
            low, high = spec.low, spec.high
            if spec is U_DOW:
                high = 6  # 7 is an alias of 0, not an extra day for "*/2"
        elif "-" in base:
            first, _, last = base.partition("-")
            low, high = _number(first, spec), _number(last, spec)
            if high < low:
                raise UnixCronError(f"{spec.name}: range {base!r} runs backwards")
        else:
            low = _number(base, spec)
            high = (6 if spec is U_DOW else spec.high) if slash else low
        values.update(range(low, high + 1, step))
    if spec is U_DOW and 7 in values:
        values.discard(7)
        values.add(0)
    return frozenset(values)


@dataclass(frozen=True)
class UnixSchedule:
    """The five fields of a Unix cron line, expanded."""

    text: str  # the fields (or macro) as written
    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: frozenset[int]
    months: frozenset[int]
    days_of_week: frozenset[int]  # 0 = Sunday
    dom_star: bool  # field text starts with "*": unrestricted for the day rule
    dow_star: bool

    @property
    def dom_restricted(self) -> bool:
        return self.days_of_month != frozenset(range(1, 32))

    @property
    def dow_restricted(self) -> bool:
        return self.days_of_week != frozenset(range(7))


def parse_schedule(fields: list[str], text: str) -> UnixSchedule:
    if len(fields) != 5:
        raise UnixCronError(f"expected 5 time fields, got {len(fields)}")
    minute, hour, dom, month, dow = fields
    return UnixSchedule(
        text=text,
        minutes=parse_field(minute, U_MINUTE),
        hours=parse_field(hour, U_HOUR),
        days_of_month=parse_field(dom, U_DOM),
        months=parse_field(month, U_MONTH),
        days_of_week=parse_field(dow, U_DOW),
        dom_star=dom.startswith("*"),
        dow_star=dow.startswith("*"),
    )


_FIELD_TOKEN = re.compile(r"\S+")


def split_entry(line: str, system: bool) -> tuple[str, list[str], str | None, str]:
    """Split a job line into (schedule text, fields, user, command).

    ``fields`` is empty for ``@macro`` lines other than the schedule macros (e.g. @reboot), whose
    text is returned as the schedule text. Whitespace inside the command is kept as written.
    """
    stripped = line.lstrip()
    tokens = []
    position = len(line) - len(stripped)
    wanted = (1 if stripped.startswith("@") else 5) + (1 if system else 0)
    for match in _FIELD_TOKEN.finditer(line, position):
        tokens.append(match.group())
        position = match.end()
        if len(tokens) == wanted:
            break
    command = line[position:].strip()
    if len(tokens) < wanted or not command:
        raise UnixCronError("incomplete line: " + ("user and " if system else "") + "command missing")
    user = tokens[-1] if system else None
    schedule_tokens = tokens[:-1] if system else tokens
    if stripped.startswith("@"):
        macro = schedule_tokens[0].lower()
        if macro in MACROS:
            return schedule_tokens[0], MACROS[macro].split(), user, command
        return schedule_tokens[0], [], user, command
    return " ".join(schedule_tokens), schedule_tokens, user, command
