"""Inputs of the standalone monitoring fixture shared by the plan and event-pattern tests."""

from __future__ import annotations

from typing import Any

ACCOUNT = "123456789012"
STATE_MACHINE = f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:mon-weekly"
GIVEN_TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:oncall"
LONG_JOB = "a-very-long-job-name-for-testing-the-schedule-name-limit"


def job(expression: str, job_key: str, schedule: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "job",
        "expression": expression,
        "job_name": f"mon-{job_key}-{schedule}",
        **extra,
    }


# One check per way an interval is found (or not), with the alarm it must get. Expected values are
# worked out by hand: window = interval + grace (60) + flexible window + runtime (+60 for a cron
# in a daylight-saving time zone); 5-minute periods while (window/5 + 1) periods fit in a day,
# else hourly; "heartbeat" where no interval is known or window/60 + 1 > 168 hourly periods.
CHECKS: dict[str, dict[str, Any]] = {
    "job/report/nightly": job("cron(0 2 * * ? *)", "report", "nightly", timezone="Europe/Berlin", runtime_minutes=60),
    "job/sync/quarter-hourly": job("rate(15 minutes)", "sync", "quarter-hourly", flexible_window_minutes=5),
    "job/sync/hourly": job("cron(5 * * * ? *)", "sync", "hourly", timezone="UTC"),
    "job/report/weekdays": job("cron(30 6 ? * MON-FRI *)", "report", "weekdays"),
    "job/cleanup/twice-daily": job("cron(0 2,14 * * ? *)", "cleanup", "twice-daily"),
    "job/cleanup/six-hourly": job("cron(0 0/6 * * ? *)", "cleanup", "six-hourly"),
    "job/export/every-2-days": job("rate(2 days)", "export", "every-2-days"),
    "job/export/monthly": job("cron(0 4 1 * ? *)", "export", "monthly"),
    "job/once/launch": job("at(2026-06-01T09:00:00)", "once", "launch"),
    "job/poll/given": job("rate(1 hour)", "poll", "given", expected_interval_minutes=180),
    "job/off/paused": job("rate(1 day)", "off", "paused", enabled=False),
    "job/campaign/until-june": job(
        "rate(1 hour)", "campaign", "until-june", start_date="2026-05-01T00:00:00Z", end_date="2026-06-30T00:00:00Z"
    ),
    f"job/{LONG_JOB}/first-of-month": job("cron(0 4 1 * ? *)", LONG_JOB, "first-of-month"),
    "pipeline/weekly/sunday": {
        "kind": "pipeline",
        "expression": "cron(0 3 ? * SUN *)",
        "timezone": "Europe/Berlin",
        "runtime_minutes": 90,
        "state_machine_arn": STATE_MACHINE,
    },
}

# check -> (mode, interval_minutes, window_minutes, period, evaluation_periods, datapoints_to_alarm)
EXPECTED_ALARMS: dict[str, tuple[str, int, int, int, int, int]] = {
    # 1440 + 60 grace + 60 runtime + 60 DST = 1620 -> hourly, ceil(27) + 1
    "job/report/nightly": ("window", 1440, 1620, 3600, 28, 28),
    # 15 + 60 + 5 = 80 -> 16 + 1 five-minute periods
    "job/sync/quarter-hourly": ("window", 15, 80, 300, 17, 17),
    # UTC: no DST slack; 60 + 60 = 120 -> 25
    "job/sync/hourly": ("window", 60, 120, 300, 25, 25),
    # Friday 06:30 -> Monday 06:30 = 4320; + 60 = 4380 -> 73 + 1 hours
    "job/report/weekdays": ("window", 4320, 4380, 3600, 74, 74),
    "job/cleanup/twice-daily": ("window", 720, 780, 300, 157, 157),
    "job/cleanup/six-hourly": ("window", 360, 420, 300, 85, 85),
    "job/export/every-2-days": ("window", 2880, 2940, 3600, 50, 50),
    # day-of-month cron: interval not derived -> heartbeat, slack 60 -> 12 of 15 five-minute periods
    "job/export/monthly": ("heartbeat", -1, -1, 300, 15, 12),
    "job/once/launch": ("heartbeat", -1, -1, 300, 15, 12),
    "job/poll/given": ("window", 180, 240, 300, 49, 49),
    "job/off/paused": ("window", 1440, 1500, 3600, 26, 26),
    f"job/{LONG_JOB}/first-of-month": ("heartbeat", -1, -1, 300, 15, 12),
    # start/end dates: a window would report the time outside them as missed runs -> heartbeat
    "job/campaign/until-june": ("heartbeat", 60, 120, 300, 15, 12),
    # 10080 + 60 + 90 + 60 = 10290 > 167 h -> heartbeat; slack 150 -> 30 of 33 periods
    "pipeline/weekly/sunday": ("heartbeat", 10080, 10290, 300, 33, 30),
}

# Daily and weekly crons whose derived interval is checked against croniter (test_plan.py).
ORACLE_CRONS = [
    "cron(0 2 * * ? *)",
    "cron(15 * * * ? *)",
    "cron(0/20 * * * ? *)",
    "cron(0 2,14 * * ? *)",
    "cron(0 8-18 ? * MON-FRI *)",
    "cron(30 6 ? * MON,WED,FRI *)",
    "cron(0 22 ? * SAT-SUN *)",
    "cron(0 0/4 ? * TUE *)",
    "cron(45 23 ? * 2-6 *)",
    "cron(10,40 9 ? * FRI-MON *)",
]
ORACLE_CHECKS = {f"job/oracle/c{i}": job(expression, "oracle", f"c{i}") for i, expression in enumerate(ORACLE_CRONS)}

FULL: dict[str, Any] = {
    "missed_run_checks": {**CHECKS, **ORACLE_CHECKS},
    "state_machine_arns": {"weekly": STATE_MACHINE},
    "create_dashboard": True,
}

GIVEN_TOPIC_VARIABLES: dict[str, Any] = {
    "notifications": {
        "sns_topic_arn": GIVEN_TOPIC,
        "email_addresses": ["oncall@example.com", "data-team@example.com"],
        "notify_on": ["FAILED", "SUCCEEDED"],
        "notify_on_recovery": False,
    },
    "missed_run_checks": {
        "job/report/nightly": CHECKS["job/report/nightly"],
        "pipeline/weekly/sunday": CHECKS["pipeline/weekly/sunday"],
    },
    "state_machine_arns": {"weekly": STATE_MACHINE},
}
