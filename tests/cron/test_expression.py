"""AWS expression parsing/validation and next runs, against run times worked out by hand from a
calendar (the comment on each case says how)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from batch_harness.cron.describe import describe
from batch_harness.cron.expression import ExpressionError, parse_expression
from batch_harness.cron.timeline import next_runs


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def runs(expression: str, after: datetime, count: int, timezone: str = "UTC") -> list[datetime]:
    return [r.utc for r in next_runs(parse_expression(expression), timezone, after=after, count=count).runs]


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        # L in day-of-month: last day; Feb 2025 has 28 days, Feb 2024 29.
        ("cron(0 12 L * ? *)", utc(2025, 2, 1), [utc(2025, 2, 28, 12), utc(2025, 3, 31, 12), utc(2025, 4, 30, 12)]),
        ("cron(0 12 L FEB ? *)", utc(2024, 1, 1), [utc(2024, 2, 29, 12), utc(2025, 2, 28, 12)]),
        # LW: last weekday. May 31 2025 is a Saturday -> Fri 30; Jun 30 is a Monday; Jul 31 a Thursday;
        # Aug 31 a Sunday -> Fri 29.
        (
            "cron(0 12 LW * ? *)",
            utc(2025, 5, 1),
            [utc(2025, 5, 30, 12), utc(2025, 6, 30, 12), utc(2025, 7, 31, 12), utc(2025, 8, 29, 12)],
        ),
        # 1W: Feb 1 and Mar 1 2025 are Saturdays -> Monday the 3rd (never back into the previous
        # month); Apr 1 is a Tuesday; Jun 1 a Sunday -> Monday 2nd.
        (
            "cron(0 9 1W * ? *)",
            utc(2025, 2, 1),
            [utc(2025, 2, 3, 9), utc(2025, 3, 3, 9), utc(2025, 4, 1, 9), utc(2025, 5, 1, 9), utc(2025, 6, 2, 9)],
        ),
        # 15W: Feb 15 2025 is a Saturday -> Friday 14; Jun 15 2025 a Sunday -> Monday 16.
        ("cron(0 9 15W FEB,JUN ? *)", utc(2025, 1, 1), [utc(2025, 2, 14, 9), utc(2025, 6, 16, 9)]),
        # 30W in Nov 2025: the 30th is a Sunday and the month's last day -> Friday 28.
        ("cron(0 9 30W NOV ? 2025)", utc(2025, 1, 1), [utc(2025, 11, 28, 9)]),
        # 2#1: first Monday. Feb 3, Mar 3, Apr 7 2025.
        ("cron(0 8 ? * 2#1 *)", utc(2025, 2, 1), [utc(2025, 2, 3, 8), utc(2025, 3, 3, 8), utc(2025, 4, 7, 8)]),
        # MON#1 is the same with a name.
        ("cron(0 8 ? * MON#1 *)", utc(2025, 2, 1), [utc(2025, 2, 3, 8)]),
        # 6#3: third Friday. Fridays of Feb 2025: 7, 14, 21; of Mar: 7, 14, 21; of May: 2, 9, 16.
        ("cron(0 8 ? * 6#3 *)", utc(2025, 2, 1), [utc(2025, 2, 21, 8), utc(2025, 3, 21, 8), utc(2025, 4, 18, 8)]),
        # 1#5: fifth Sunday -- only months that have one: Mar 30, Jun 29, Aug 31 2025.
        ("cron(0 8 ? * 1#5 *)", utc(2025, 2, 1), [utc(2025, 3, 30, 8), utc(2025, 6, 29, 8), utc(2025, 8, 31, 8)]),
        # 6L: last Friday (the AWS guide's example): Feb 28, Mar 28, Apr 25, May 30 2025.
        (
            "cron(15 10 ? * 6L 2025)",
            utc(2025, 2, 1),
            [utc(2025, 2, 28, 10, 15), utc(2025, 3, 28, 10, 15), utc(2025, 4, 25, 10, 15), utc(2025, 5, 30, 10, 15)],
        ),
        # L alone in day-of-week is Saturday (7): Feb 1 2025 is a Saturday.
        ("cron(0 0 ? * L *)", utc(2025, 1, 31, 12), [utc(2025, 2, 1), utc(2025, 2, 8)]),
        # Day-of-week 1 = SUNDAY in AWS (Unix would say Monday): Feb 2 and 9 2025 are Sundays.
        ("cron(0 0 ? * 1 *)", utc(2025, 2, 1), [utc(2025, 2, 2), utc(2025, 2, 9)]),
        ("cron(0 0 ? * 7 *)", utc(2025, 1, 31, 12), [utc(2025, 2, 1), utc(2025, 2, 8)]),
        ("cron(0 18 ? * MON-FRI *)", utc(2025, 2, 1), [utc(2025, 2, 3, 18), utc(2025, 2, 4, 18)]),
        # Year field: only 2027 and 2028.
        ("cron(0 0 1 1 ? 2027-2028)", utc(2025, 1, 1), [utc(2027, 1, 1), utc(2028, 1, 1)]),
        # Year step: 2030, 2035, 2040.
        ("cron(0 0 1 JAN ? 2030/5)", utc(2025, 1, 1), [utc(2030, 1, 1), utc(2035, 1, 1), utc(2040, 1, 1)]),
        # Feb 29 only in leap years: 2028, 2032.
        ("cron(0 0 29 2 ? *)", utc(2025, 3, 1), [utc(2028, 2, 29), utc(2032, 2, 29)]),
        # 5/20: minutes 5, 25, 45.
        (
            "cron(5/20 * * * ? *)",
            utc(2025, 1, 1),
            [utc(2025, 1, 1, 0, 5), utc(2025, 1, 1, 0, 25), utc(2025, 1, 1, 0, 45)],
        ),
        # Range with step in hours: 8, 11, 14, 17 (the first run is strictly after `after`).
        ("cron(0 8-17/3 * * ? *)", utc(2025, 1, 1, 8), [utc(2025, 1, 1, 11), utc(2025, 1, 1, 14), utc(2025, 1, 1, 17)]),
        # rate(): counted from the start date; at(): once.
        ("at(2030-01-31T08:00:00)", utc(2025, 1, 1), [utc(2030, 1, 31, 8)]),
    ],
)
def test_next_runs_by_hand(expression: str, after: datetime, expected: list[datetime]) -> None:
    assert runs(expression, after, len(expected) + 1)[: len(expected)] == expected
    if expression.endswith(("NOV ? 2025)", "2027-2028)")) or expression.startswith("at("):
        assert runs(expression, after, 10) == expected  # and nothing after the last year


def test_rate_counts_from_start_date() -> None:
    expr = parse_expression("rate(90 minutes)")
    preview = next_runs(expr, "UTC", after=utc(2025, 1, 1, 1), count=3, start_date=utc(2025, 1, 1, 0, 10))
    assert [r.utc for r in preview.runs] == [utc(2025, 1, 1, 1, 40), utc(2025, 1, 1, 3, 10), utc(2025, 1, 1, 4, 40)]


def test_end_date_is_exclusive_and_start_date_inclusive() -> None:
    expr = parse_expression("cron(0 12 * * ? *)")
    preview = next_runs(
        expr, "UTC", after=utc(2025, 1, 1), count=10, start_date=utc(2025, 1, 2, 12), end_date=utc(2025, 1, 4, 12)
    )
    assert [r.utc for r in preview.runs] == [utc(2025, 1, 2, 12), utc(2025, 1, 3, 12)]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("cron(0 12 * * * *)", "exactly one of day-of-month"),
        ("cron(0 12 ? * ? *)", "exactly one of day-of-month"),
        ("cron(0 12 1 * MON *)", "exactly one of day-of-month"),
        ("cron(0 12 * *)", "6 fields"),
        ("cron(0 12 * * ? * *)", "6 fields"),
        ("cron(60 12 * * ? *)", "minutes: 60 is outside 0-59"),
        ("cron(0 24 * * ? *)", "hours: 24 is outside 0-23"),
        ("cron(0 0 32 * ? *)", "day-of-month: 32 is outside 1-31"),
        ("cron(0 0 0 * ? *)", "day-of-month: 0 is outside 1-31"),
        ("cron(0 0 ? * 0 *)", "day-of-week: 0 is outside 1-7"),
        ("cron(0 0 ? * 8 *)", "day-of-week: 8 is outside 1-7"),
        ("cron(0 0 1 13 ? *)", "month: 13 is outside 1-12"),
        ("cron(0 0 1 * ? 1969)", "year: 1969 is outside 1970-2199"),
        ("cron(0 0 1 * ? 2200)", "year: 2200 is outside 1970-2199"),
        ("cron(0 0 ? * 3#1,6#3 *)", "only one expression"),
        ("cron(0 0 ? * 3#6 *)", "must be 1-5"),
        ("cron(0 0 1,15W * ? *)", "W takes exactly one day"),
        ("cron(0 0 L-3 * ? *)", "not documented"),
        ("cron(0 0 ? * FRI-MON *)", "runs backwards"),
        ("cron(0 0 ? * MON/2 *)", "no '/' increments"),
        ("cron(0/0 * * * ? *)", "positive number"),
        ("cron(L 0 * * ? *)", "only numbers"),
        ("cron(0 0 * FOO ? *)", "month: 'FOO' is not a value"),
        ("rate(1 minutes)", "rate(1 minute)"),
        ("rate(5 minute)", "rate(5 minutes)"),
        ("rate(0 minutes)", "positive whole number"),
        ("rate(5 weeks)", "minute(s), hour(s) or day(s)"),
        ("rate(5minutes)", "rate(<value> <unit>)"),
        ("at(2030-02-30T00:00:00)", "day is out of range"),
        ("at(2030-01-01 00:00:00)", "at(yyyy-mm-ddThh:mm:ss)"),
        ("0 12 * * ? *", "cron(...), rate(...) or at(...)"),
    ],
)
def test_invalid_expressions_say_why(expression: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=None) as caught:
        parse_expression(expression)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 10 * * ? *)",
        "cron(15 12 * * ? *)",
        "cron(0 18 ? * MON-FRI *)",
        "cron(0 8 1 * ? *)",
        "cron(0/15 * * * ? *)",
        "cron(0/10 * ? * MON-FRI *)",
        "cron(0/5 8-17 ? * MON-FRI *)",
        "cron(0 9 ? * 2#1 *)",
        "cron(15 10 ? * 6L 2022-2023)",
        "cron(0 12 * * ? 2030)",
        "rate(1 minute)",
        "rate(5 minutes)",
        "rate(1 hour)",
        "rate(12 hours)",
        "rate(1 day)",
        "rate(7 days)",
        "at(2022-11-20T13:00:00)",
    ],
)
def test_documented_examples_parse(expression: str) -> None:
    assert parse_expression(expression).kind in ("cron", "rate", "at")


def test_five_field_cron_is_refused() -> None:
    """EventBridge User Guide, "Schedule expressions for rules" (cron expressions "have six
    required fields") and the EventBridge Scheduler User Guide, "Schedule types" (cron: six
    fields, the year included); both APIs reject cron(0 12 * * ?) with a ValidationException."""
    with pytest.raises(ExpressionError) as raised:
        parse_expression("cron(0 12 * * ?)")
    assert str(raised.value) == (
        "'cron(0 12 * * ?)': AWS cron takes 6 fields (minutes hours day-of-month month day-of-week year), got 5 — "
        "the year is required: add ' *' for every year"
    )


@pytest.mark.parametrize(
    ("expression", "timezone", "fragment"),
    [
        ("cron(15 10 ? * 6L 2022-2023)", "UTC", "last Friday of the month"),
        ("cron(0 8 ? * 2#1 *)", "UTC", "first Monday of the month"),
        ("cron(0 12 LW * ? *)", "UTC", "last weekday of the month"),
        ("cron(0 12 ? * 1 *)", "UTC", "Sunday"),  # AWS 1 = Sunday, not Monday
        ("cron(0 12 ? * L *)", "UTC", "Saturday"),
        ("cron(30 2 * * ? *)", "Europe/Berlin", "Europe/Berlin"),
        ("rate(5 minutes)", "UTC", "Every 5 minutes"),
        ("at(2030-01-31T08:00:00)", "America/New_York", "Once, at 2030-01-31 08:00:00"),
    ],
)
def test_describe(expression: str, timezone: str, fragment: str) -> None:
    assert fragment in describe(parse_expression(expression), timezone)
