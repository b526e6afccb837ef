"""Crontab lines -> AWS expressions / messages: the table the issue asks for (>= 40 rows)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from batch_harness.cron.crontab import ERROR, NOTE, WARNING, import_crontab

NOW = datetime(2026, 1, 1, tzinfo=UTC)

# (crontab text, expected expressions of the (only) job in schedule order, expected message or None)
# A message is (level, fragment); "none" means no error/warning may be reported.
TABLE: list[tuple[str, list[str], tuple[str, str] | None]] = [
    # -- plain fields, ranges, lists, steps -------------------------------------------------
    ("0 2 * * * /bin/job", ["cron(0 2 * * ? *)"], None),
    ("30 2 * * 1-5 /bin/job", ["cron(30 2 ? * MON-FRI *)"], None),
    ("0 0 * * 0 /bin/job", ["cron(0 0 ? * SUN *)"], None),
    ("0 0 * * 7 /bin/job", ["cron(0 0 ? * SUN *)"], None),  # Unix 7 = Sunday too
    ("0 0 * * 6,0 /bin/job", ["cron(0 0 ? * SUN,SAT *)"], None),
    ("0 0 * * 5-7 /bin/job", ["cron(0 0 ? * SUN,FRI,SAT *)"], None),
    ("0 0 * * */2 /bin/job", ["cron(0 0 ? * SUN,TUE,THU,SAT *)"], None),
    ("0 12 1 * * /bin/job", ["cron(0 12 1 * ? *)"], None),
    ("0 12 1,15 * * /bin/job", ["cron(0 12 1,15 * ? *)"], None),
    ("0 12 1-7 * * /bin/job", ["cron(0 12 1-7 * ? *)"], None),
    ("0 0 */2 * * /bin/job", ["cron(0 0 1/2 * ? *)"], None),
    ("0 12 * 3-5 * /bin/job", ["cron(0 12 * MAR-MAY ? *)"], None),
    ("0 12 1 1,7 * /bin/job", ["cron(0 12 1 JAN,JUL ? *)"], None),
    ("*/15 * * * * /bin/job", ["cron(0/15 * * * ? *)"], None),  # not rate(): rates are not clock-aligned
    ("*/7 * * * * /bin/job", ["cron(0/7 * * * ? *)"], None),
    ("5-55/10 * * * * /bin/job", ["cron(5/10 * * * ? *)"], None),
    ("0-30/10 * * * * /bin/job", ["cron(0,10,20,30 * * * ? *)"], None),
    ("10/20 * * * * /bin/job", ["cron(10/20 * * * ? *)"], None),
    ("0 */2 * * * /bin/job", ["cron(0 0/2 * * ? *)"], None),
    ("0 */6 * * * /bin/job", ["cron(0 0/6 * * ? *)"], None),
    ("0,30 9-17/2 * * * /bin/job", ["cron(0,30 9,11,13,15,17 * * ? *)"], None),
    ("0 9-17 * * 1-5 /bin/job", ["cron(0 9-17 ? * MON-FRI *)"], None),
    ("0 22-23,0-2 * * * /bin/job", ["cron(0 0-2,22,23 * * ? *)"], None),
    ("* * * * * /bin/job", ["rate(1 minute)"], (NOTE, "every minute")),
    ("* 3 * * * /bin/job", ["cron(* 3 * * ? *)"], None),
    # -- names -------------------------------------------------------------------------------
    ("0 0 * * sat,sun /bin/job", ["cron(0 0 ? * SUN,SAT *)"], None),
    ("0 0 * * Mon-Fri /bin/job", ["cron(0 0 ? * MON-FRI *)"], None),
    ("0 6 1 jan * /bin/job", ["cron(0 6 1 JAN ? *)"], None),
    ("0 6 * JUN-AUG MON /bin/job", ["cron(0 6 ? JUN-AUG MON *)"], None),
    # -- macros ------------------------------------------------------------------------------
    ("@hourly /bin/job", ["cron(0 * * * ? *)"], None),
    ("@daily /bin/job", ["cron(0 0 * * ? *)"], None),
    ("@midnight /bin/job", ["cron(0 0 * * ? *)"], None),
    ("@weekly /bin/job", ["cron(0 0 ? * SUN *)"], None),
    ("@monthly /bin/job", ["cron(0 0 1 * ? *)"], None),
    ("@yearly /bin/job", ["cron(0 0 1 JAN ? *)"], None),
    ("@annually /bin/job", ["cron(0 0 1 JAN ? *)"], None),
    ("@reboot /bin/job", [], (ERROR, "@reboot")),
    ("@every_5m /bin/job", [], (ERROR, "unknown macro")),
    # -- the day-of-month / day-of-week rule ----------------------------------------------------
    ("15 3 1,15 * 1 /bin/job", ["cron(15 3 1,15 * ? *)", "cron(15 3 ? * MON *)"], (WARNING, "runs twice")),
    ("0 0 13 * 5 /bin/job", ["cron(0 0 13 * ? *)", "cron(0 0 ? * FRI *)"], (WARNING, "EITHER day field")),
    ("0 0 1 * 0-6 /bin/job", ["cron(0 0 * * ? *)"], (NOTE, "every day")),
    ("0 0 1-31 * 1 /bin/job", ["cron(0 0 * * ? *)"], (NOTE, "every day")),
    ("0 0 */2 * 1 /bin/job", [], (ERROR, "Vixie AND rule")),
    ("0 0 30 2 * /bin/job", ["cron(0 0 30 FEB ? *)"], (WARNING, "never runs")),
    # -- invalid / unsupported lines ---------------------------------------------------------------
    ("60 * * * * /bin/job", [], (ERROR, "minute: 60 is outside 0-59")),
    ("0 24 * * * /bin/job", [], (ERROR, "hour: 24 is outside 0-23")),
    ("0 0 * * 8 /bin/job", [], (ERROR, "day-of-week: 8 is outside 0-7")),
    ("0 0 * dec-feb * /bin/job", [], (ERROR, "runs backwards")),
    ("0 0 * * * ", [], (ERROR, "command missing")),
    ("0 0 ~ * * /bin/job", [], (ERROR, "random")),
    ("* * * * * sleep 30; /bin/job", [], (ERROR, "per-second")),
    ("*/30 * * * * * /bin/job", [], (ERROR, "per-second")),
    ('0 0 * * * echo "100%"', [], (ERROR, "stdin")),
    ("0 0 * * * /usr/bin/mail -s report ops%Body text%", [], (ERROR, "stdin")),
    # -- environment lines -----------------------------------------------------------------------
    ("MAILTO=ops@example.com\n0 0 * * * /bin/job", ["cron(0 0 * * ? *)"], (ERROR, "MAILTO")),
    ('MAILTO=""\n0 0 * * * /bin/job', ["cron(0 0 * * ? *)"], (NOTE, "mail off")),
    ("API_TOKEN=abc123\n0 0 * * * /bin/job", ["cron(0 0 * * ? *)"], (ERROR, "looks like a secret")),
    ("PATH=/usr/bin:/bin\n0 0 * * * /bin/job", ["cron(0 0 * * ? *)"], (WARNING, "PATH left out")),
    ("RANDOM_DELAY=x\n0 0 * * * /bin/job", ["cron(0 0 * * ? *)"], (ERROR, "RANDOM_DELAY")),
    ("CRON_TZ=Mars/Olympus\n0 0 * * * /bin/job", ["cron(0 0 * * ? *)"], (ERROR, "not an IANA time zone")),
]


def _only_job(result):
    assert len(result.jobs) <= 1, result.jobs
    return next(iter(result.jobs.values()), None)


@pytest.mark.parametrize(("text", "expressions", "message"), TABLE, ids=[row[0] for row in TABLE])
def test_table(text: str, expressions: list[str], message: tuple[str, str] | None) -> None:
    result = import_crontab(text + "\n", timezone="UTC", now=NOW)
    job = _only_job(result)
    got = [s.expression for s in job.schedules.values()] if job else []
    assert got == expressions
    reported = [(m.level, m.reason) for m in result.messages]
    if message is None:
        assert not [r for r in reported if r[0] in (ERROR, WARNING)], reported
        assert result.ok
    else:
        level, fragment = message
        assert any(lvl == level and fragment in reason for lvl, reason in reported), reported
        assert result.ok == (level != ERROR)


def test_table_has_at_least_forty_rows() -> None:
    assert len(TABLE) >= 40


def test_split_schedule_names_and_descriptions() -> None:
    result = import_crontab("15 3 1,15 * 1 /bin/job\n", timezone="UTC", now=NOW)
    job = _only_job(result)
    assert list(job.schedules) == ["line1_dom", "line1_dow"]
    assert job.schedules["line1_dom"].description == "crontab line 1: 15 3 1,15 * 1 (day-of-month half)"
    # Thu 2026-01-01 is the 1st but not a Monday; Mon 2026-06-01 is both.
    warning = next(m for m in result.messages if m.level == WARNING)
    assert "Mon 2026-06-01" in warning.reason


def test_environment_lines_apply_to_the_lines_after_them() -> None:
    text = "\n".join(
        [
            "0 1 * * * /bin/first",
            "LOG_LEVEL=debug",
            "GREETING = 'hello world'",
            "DB_PASSWORD=hunter2",
            "DATABASE_URL=postgres://app:s3cret@db:5432/app",
            "KEYBOARD_LAYOUT=us",
            "PWD=/srv",
            "0 2 * * * /bin/second",
            "LOG_LEVEL=info",
            "0 3 * * * /bin/third",
        ]
    )
    result = import_crontab(text, timezone="UTC", now=NOW)
    env = {key: job.environment for key, job in result.jobs.items()}
    assert env["first"] == {}
    assert env["second"] == {
        "LOG_LEVEL": "debug",
        "GREETING": "hello world",
        "KEYBOARD_LAYOUT": "us",
        "PWD": "/srv",
    }
    assert env["third"]["LOG_LEVEL"] == "info"
    secrets = [m for m in result.messages if "looks like a secret" in m.reason]
    assert [m.line for m in secrets] == [4, 5]
    # the secret values appear nowhere in the result
    assert "hunter2" not in repr(result) and "s3cret" not in repr(result)
    assert not result.ok


def test_timezone_lines_and_option() -> None:
    text = "0 1 * * * /bin/a\nCRON_TZ=America/New_York\n0 2 * * * /bin/b\nTZ=Asia/Tokyo\n0 3 * * * /bin/c\n"
    result = import_crontab(text, timezone="Europe/Berlin", now=NOW)
    zones = {key: [s.timezone for s in job.schedules.values()] for key, job in result.jobs.items()}
    assert zones == {"a": ["Europe/Berlin"], "b": ["America/New_York"], "c": ["Asia/Tokyo"]}
    assert result.jobs["c"].environment == {"TZ": "Asia/Tokyo"}  # the job still sees TZ
    assert "CRON_TZ" not in result.jobs["b"].environment


def test_no_timezone_defaults_to_utc_with_a_warning() -> None:
    result = import_crontab("0 1 * * * /bin/a\n", now=NOW)
    assert result.jobs["a"].schedules["line1"].timezone == "UTC"
    assert any(m.line == 0 and "--timezone" in m.reason for m in result.messages)


def test_random_delay_becomes_a_flexible_window() -> None:
    result = import_crontab("RANDOM_DELAY=10\n0 1 * * * /bin/a\n", timezone="UTC", now=NOW)
    assert result.jobs["a"].schedules["line2"].flexible_window_minutes == 10
    assert result.ok


def test_dst_differences_are_reported() -> None:
    text = "30 2 * * * /bin/fixed\n*/30 * * * * /bin/wild\n"
    result = import_crontab(text, timezone="Europe/Berlin", now=NOW)
    by_line = {(m.line, m.level): m.reason for m in result.messages}
    # fixed time in the spring gap: cron ran it late, Scheduler skips it -> warning
    assert "spring-forward gap" in by_line[(1, WARNING)] and "2026-03-29 02:30" in by_line[(1, WARNING)]
    # wildcard job in the repeated hour: cron ran it twice, Scheduler once -> warning
    assert "fall-back" in by_line[(2, WARNING)] and "2026-10-25 02:00" in by_line[(2, WARNING)]
    assert result.ok  # converted; the differences are warnings


def test_shell_commands_and_argv() -> None:
    text = "\n".join(
        [
            "0 1 * * * cd /srv/app && ./bin/rake db:cleanup >> /var/log/cleanup.log 2>&1",
            "0 2 * * * /usr/local/bin/backup.sh --full --label 'nightly run'",
            "0 3 * * * /usr/bin/mysqldump db > /backups/db-$(date +\\%F).sql",
            "0 4 * * * date +\\%Y-\\%m",
            "0 5 * * * rm -f /tmp/*.tmp",
            "0 6 * * * echo $HOME",
            "0 7 * * * echo '$HOME'",
        ]
    )
    result = import_crontab(text, timezone="UTC", now=NOW)
    commands = [job.command for job in result.jobs.values()]
    assert commands == [
        ["/bin/sh", "-c", "cd /srv/app && ./bin/rake db:cleanup >> /var/log/cleanup.log 2>&1"],
        ["/usr/local/bin/backup.sh", "--full", "--label", "nightly run"],
        ["/bin/sh", "-c", "/usr/bin/mysqldump db > /backups/db-$(date +%F).sql"],
        ["date", "+%Y-%m"],
        ["/bin/sh", "-c", "rm -f /tmp/*.tmp"],
        ["/bin/sh", "-c", "echo $HOME"],
        ["echo", "$HOME"],
    ]
    assert list(result.jobs) == ["rake_db_cleanup", "backup", "mysqldump_db", "date", "rm", "echo", "echo_2"]


def test_shell_from_the_shell_variable() -> None:
    result = import_crontab("SHELL=/bin/bash\n0 1 * * * a && b\n", timezone="UTC", now=NOW)
    assert next(iter(result.jobs.values())).command == ["/bin/bash", "-c", "a && b"]


def test_system_format_and_detection() -> None:
    text = "\n".join(
        [
            "SHELL=/bin/sh",
            "17 *	* * *	root    cd / && run-parts --report /etc/cron.hourly",
            "25 6	* * *	root	test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )",
            "0 4 * * * www-data /usr/bin/php /var/www/cron.php",
        ]
    )
    explicit = import_crontab(text, timezone="UTC", system=True, now=NOW)
    detected = import_crontab(text, timezone="UTC", now=NOW)
    assert detected.system_format and explicit.system_format
    assert list(explicit.jobs) == ["cron_hourly", "cron_daily", "cron"]
    assert explicit.jobs["cron"].user == "www-data"
    assert explicit.jobs["cron"].command == ["/usr/bin/php", "/var/www/cron.php"]
    assert any("www-data" in m.reason for m in explicit.messages)
    user_format = import_crontab("0 4 * * * /usr/bin/php /var/www/cron.php\n", timezone="UTC", now=NOW)
    assert not user_format.system_format


def test_cron_d_path_means_system_format() -> None:
    result = import_crontab("0 4 * * * nobody /bin/x\n", source="/etc/cron.d/x", timezone="UTC", now=NOW)
    assert result.system_format and result.jobs["x"].user == "nobody"


def test_identical_commands_share_a_job_and_keys_stay_unique_and_short() -> None:
    text = "\n".join(
        [
            "0 1 * * * /opt/very-long-program-name-for-reports.sh weekly",
            "0 2 * * * /opt/very-long-program-name-for-reports.sh weekly",
            "0 3 * * * /opt/very-long-program-name-for-reports.sh monthly",
            "0 4 * * * /opt/very-long-program-name-for-reports.sh monthly --full",
        ]
    )
    result = import_crontab(text, timezone="UTC", now=NOW)
    assert len(result.jobs) == 3
    first = next(iter(result.jobs.values()))
    assert list(first.schedules) == ["line1", "line2"]
    for key in result.jobs:
        assert len(key) <= 24 and key.replace("_", "").isalnum() and key == key.lower() and key[0].isalpha()
    assert len(set(result.jobs)) == 3


def test_user_crontab_with_absolute_arguments_is_not_mistaken_for_system_format() -> None:
    result = import_crontab("0 5 * * * backup.sh /var/data\n0 6 * * * sync /srv\n", timezone="UTC", now=NOW)
    assert not result.system_format
    assert [job.command for job in result.jobs.values()] == [["backup.sh", "/var/data"], ["sync", "/srv"]]


def test_module_name_bounds_job_keys_for_iam_role_names() -> None:
    text = "0 1 * * * /opt/a-really-quite-long-script-name.sh\n"
    default = import_crontab(text, timezone="UTC", now=NOW)
    long_prefix = import_crontab(text, timezone="UTC", now=NOW, module_name="x" * 30)
    (key,) = default.jobs
    (short,) = long_prefix.jobs
    assert len(key) == 24
    # "<name>-<job>-<schedule>-sched" must fit 64 characters for every schedule key of the file
    assert len(f"{'x' * 30}-{short}-line1_dom-sched") <= 64 and key.startswith(short)
