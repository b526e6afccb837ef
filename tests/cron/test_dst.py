"""EventBridge Scheduler's daylight-saving rules, in two northern and one southern zone.

Transitions used (from the zones' rules, checked against a calendar):
* Europe/Berlin 2026: Sun Mar 29 02:00 CET -> 03:00 CEST (01:00 UTC);
  Sun Oct 25 03:00 CEST -> 02:00 CET (01:00 UTC).
* America/New_York 2026: Sun Mar 8 02:00 EST -> 03:00 EDT (07:00 UTC);
  Sun Nov 1 02:00 EDT -> 01:00 EST (06:00 UTC).
* Australia/Sydney 2026: Sun Apr 5 03:00 AEDT -> 02:00 AEST (16:00 UTC Apr 4);
  Sun Oct 4 02:00 AEST -> 03:00 AEDT (16:00 UTC Oct 3).
"""

from __future__ import annotations

from datetime import UTC, datetime

from batch_harness.cron.expression import parse_expression
from batch_harness.cron.timeline import dst_impacts, next_runs, transitions, zone


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def preview(expression: str, timezone: str, after: datetime, count: int, **kwargs):
    return next_runs(parse_expression(expression), timezone, after=after, count=count, **kwargs)


def test_berlin_spring_forward_skips_the_missing_time() -> None:
    result = preview("cron(30 2 * * ? *)", "Europe/Berlin", utc(2026, 3, 27), 4)
    # 02:30 CET = 01:30 UTC; 02:30 CEST = 00:30 UTC; no 02:30 on Mar 29.
    assert [r.utc for r in result.runs] == [
        utc(2026, 3, 27, 1, 30),
        utc(2026, 3, 28, 1, 30),
        utc(2026, 3, 30, 0, 30),
        utc(2026, 3, 31, 0, 30),
    ]
    assert [(e.kind, e.wall) for e in result.dst_events] == [("skipped", datetime(2026, 3, 29, 2, 30))]


def test_berlin_fall_back_runs_once_at_the_first_occurrence() -> None:
    result = preview("cron(30 2 * * ? *)", "Europe/Berlin", utc(2026, 10, 24), 3)
    # Oct 25 02:30 happens at 00:30 UTC (CEST) and 01:30 UTC (CET): only the first one runs.
    assert [r.utc for r in result.runs] == [
        utc(2026, 10, 24, 0, 30),
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 26, 1, 30),
    ]
    assert [(e.kind, e.wall) for e in result.dst_events] == [("once", datetime(2026, 10, 25, 2, 30))]


def test_berlin_fall_back_every_30_minutes_leaves_a_90_minute_hole() -> None:
    # From 01:00 CEST (23:00 UTC): 01:30, 02:00, 02:30 CEST; the repeated 02:00/02:30 CET do not run.
    result = preview("cron(0/30 * * * ? *)", "Europe/Berlin", utc(2026, 10, 24, 23), 5)
    assert [r.utc for r in result.runs] == [
        utc(2026, 10, 24, 23, 30),
        utc(2026, 10, 25, 0, 0),
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 25, 2, 0),  # 03:00 CET
        utc(2026, 10, 25, 2, 30),
    ]


def test_new_york_spring_forward() -> None:
    result = preview("cron(30 2 * * ? *)", "America/New_York", utc(2026, 3, 7), 2)
    assert [r.utc for r in result.runs] == [utc(2026, 3, 7, 7, 30), utc(2026, 3, 9, 6, 30)]
    assert result.dst_events[0].kind == "skipped"


def test_new_york_hourly_loses_two_am_on_spring_forward() -> None:
    result = preview("cron(0 * * * ? *)", "America/New_York", utc(2026, 3, 8, 5), 3)  # from 00:00 EST
    assert [r.local.strftime("%H:%M %Z") for r in result.runs] == ["01:00 EST", "03:00 EDT", "04:00 EDT"]
    assert [r.utc for r in result.runs] == [utc(2026, 3, 8, 6), utc(2026, 3, 8, 7), utc(2026, 3, 8, 8)]


def test_new_york_fall_back() -> None:
    result = preview("cron(30 1 * * ? *)", "America/New_York", utc(2026, 10, 31), 3)
    # 01:30 EDT = 05:30 UTC (Oct 31 and the first Nov 1 one); 01:30 EST = 06:30 UTC (Nov 2).
    assert [r.utc for r in result.runs] == [utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]
    assert [e.kind for e in result.dst_events] == ["once"]


def test_sydney_fall_back_in_april_and_spring_forward_in_october() -> None:
    april = preview("cron(30 2 * * ? *)", "Australia/Sydney", utc(2026, 4, 3), 3)
    # 02:30 AEDT = 15:30 UTC the day before; 02:30 AEST = 16:30 UTC the day before.
    assert [r.utc for r in april.runs] == [utc(2026, 4, 3, 15, 30), utc(2026, 4, 4, 15, 30), utc(2026, 4, 5, 16, 30)]
    october = preview("cron(30 2 * * ? *)", "Australia/Sydney", utc(2026, 10, 2), 2)
    assert [r.utc for r in october.runs] == [utc(2026, 10, 2, 16, 30), utc(2026, 10, 4, 15, 30)]


def test_rate_days_are_24_hours_so_local_time_moves() -> None:
    # Start 02:30 CET (01:30 UTC) on Mar 28: the next run is 24 h later = 03:30 CEST.
    result = preview("rate(1 day)", "Europe/Berlin", utc(2026, 3, 28), 2, start_date=utc(2026, 3, 28, 1, 30))
    assert [r.local.strftime("%d %H:%M") for r in result.runs] == ["28 02:30", "29 03:30"]


def test_transitions_found_to_the_minute() -> None:
    found = transitions(zone("America/New_York"), utc(2026, 1, 1), 366)
    assert [t.utc for t in found] == [utc(2026, 3, 8, 7), utc(2026, 11, 1, 6)]
    assert transitions(zone("Asia/Tokyo"), utc(2026, 1, 1), 366) == []


def test_dst_impacts_over_a_year() -> None:
    events = dst_impacts(parse_expression("cron(30 2 * * ? *)"), "Europe/Berlin", utc(2026, 1, 1))
    assert [(e.kind, e.wall) for e in events] == [
        ("skipped", datetime(2026, 3, 29, 2, 30)),
        ("once", datetime(2026, 10, 25, 2, 30)),
    ]
    assert dst_impacts(parse_expression("cron(0 12 * * ? *)"), "Europe/Berlin", utc(2026, 1, 1)) == []
    # 0/15 in the 02:00 hour: four times each way.
    quarter = dst_impacts(parse_expression("cron(0/15 * * * ? *)"), "America/New_York", utc(2026, 1, 1))
    assert [e.wall.strftime("%m-%d %H:%M") for e in quarter if e.kind == "skipped"] == [
        "03-08 02:00",
        "03-08 02:15",
        "03-08 02:30",
        "03-08 02:45",
    ]
    assert [e.wall.strftime("%m-%d %H:%M") for e in quarter if e.kind == "once"] == [
        "11-01 01:00",
        "11-01 01:15",
        "11-01 01:30",
        "11-01 01:45",
    ]


def test_at_in_a_dst_gap_is_flagged() -> None:
    result = preview("at(2026-03-29T02:30:00)", "Europe/Berlin", utc(2026, 1, 1), 5)
    assert len(result.runs) == 1
    assert any("does not exist" in note for note in result.notes)
