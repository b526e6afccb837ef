"""Converted schedules run exactly when the Unix line runs: my AWS evaluator on the converted
expressions vs croniter (an independent Unix-dialect implementation) on the original line."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from itertools import islice

import pytest
from croniter import croniter

from batch_harness.cron.convert import ConversionError, convert
from batch_harness.cron.expression import parse_expression
from batch_harness.cron.timeline import cron_runs, rate_runs, zone
from batch_harness.cron.unix import parse_schedule

START = datetime(2026, 1, 1, tzinfo=UTC)


def _field(rng: random.Random, low: int, high: int) -> str:
    kind = rng.choice(["star", "one", "list", "range", "step", "range_step", "star"])
    if kind == "star":
        return "*"
    if kind == "one":
        return str(rng.randint(low, high))
    if kind == "list":
        return ",".join(str(v) for v in sorted(rng.sample(range(low, high + 1), 3)))
    a = rng.randint(low, high - 1)
    b = rng.randint(a + 1, high)
    if kind == "range":
        return f"{a}-{b}"
    if kind == "step":
        return f"*/{rng.randint(2, max(2, (high - low) // 2))}"
    return f"{a}-{b}/{rng.randint(2, 4)}"


def _lines(count: int) -> list[str]:
    rng = random.Random(20260101)
    return [
        " ".join(
            [
                _field(rng, 0, 59),
                _field(rng, 0, 23),
                _field(rng, 1, 28),
                _field(rng, 1, 12),
                _field(rng, 0, 6),
            ]
        )
        for _ in range(count)
    ]


def aws_union(expressions: list[str], timezone: str, until: datetime) -> list[datetime]:
    times: set[datetime] = set()
    for text in expressions:
        expr = parse_expression(text)
        stream = cron_runs(expr, zone(timezone), START) if expr.kind == "cron" else rate_runs(expr, START, START)
        for moment in stream:
            if moment > until:
                break
            times.add(moment)
    return sorted(times)


def unix_runs(line: str, timezone: str, count: int) -> list[datetime]:
    # implement_cron_bug: Vixie's "a '*'-led day field makes the day rule an AND"
    it = croniter(line, START.astimezone(zone(timezone)), implement_cron_bug=True)
    return [it.get_next(datetime).astimezone(UTC) for _ in range(count)]


LINES = [
    *_lines(120),
    "15 3 1,15 * 1",
    "0 0 13 * 5",
    "0 0 1 * 0-6",
    "0 0 * * 7",
    "0 0 * * 5-7",
    "* * * * *",
    "*/15 * * * *",
    "0 */2 * * *",
]


@pytest.mark.parametrize("timezone", ["UTC", "Asia/Kolkata"])  # Kolkata: +05:30, no DST
def test_converted_expressions_match_croniter(timezone: str) -> None:
    checked = refused = 0
    for line in LINES:
        schedule = parse_schedule(line.split(), line)
        try:
            converted = convert(schedule)
        except ConversionError:
            refused += 1
            continue
        expected = unix_runs(line, timezone, 80)
        got = aws_union([c.expression for c in converted], timezone, expected[-1])
        assert got == expected, (line, [c.expression for c in converted])
        checked += 1
    assert checked >= 100 and refused < 30


def test_refused_lines_really_are_vixie_and_days() -> None:
    line = "0 0 */2 * 1"
    with pytest.raises(ConversionError):
        convert(parse_schedule(line.split(), line))
    # croniter (cron-bug mode) agrees this is "odd days that are Mondays", not an OR
    assert all(t.day % 2 == 1 and t.weekday() == 0 for t in islice(unix_runs(line, "UTC", 10), 10))
