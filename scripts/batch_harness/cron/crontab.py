"""Import a crontab: every line becomes a module job/schedule, or a message saying why not.

Formats: a user crontab (``crontab -e``: five time fields + command), and the system format with
a user column (``/etc/crontab``, ``/etc/cron.d/*``). Lines are read in order the way cron reads
them: an environment line (``NAME=value``) applies to the job lines *after* it, ``CRON_TZ`` /
``TZ`` set the time zone of the following jobs, ``RANDOM_DELAY`` (cronie) becomes a flexible
time window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from batch_harness.cron import shell
from batch_harness.cron.convert import ConversionError, convert, first_overlap
from batch_harness.cron.expression import parse_expression
from batch_harness.cron.timeline import TimezoneError, dst_impacts, next_runs, zone
from batch_harness.cron.unix import MACROS, UnixCronError, parse_schedule, split_entry

DEFAULT_IMAGE = "REPLACE_ME/cron-job:latest"
DEFAULT_TIMEZONE = "UTC"

ERROR, WARNING, NOTE = "error", "warning", "note"

_ENV_LINE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
# A name segment from this list, or a name containing one of the longer words, looks secret.
_SECRET_SEGMENTS = {
    "PASSWORD", "PASSWD", "PASS", "PASSPHRASE", "PWD_HASH", "SECRET", "SECRETS", "TOKEN", "TOKENS", "KEY",
    "KEYS", "APIKEY", "CREDENTIAL", "CREDENTIALS", "CREDS", "AUTH", "PRIVATE", "DSN", "COOKIE", "SALT",
    "SIGNATURE", "CERT", "PEM", "PAT", "OTP",
}  # fmt: skip
_SECRET_WORDS = (
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "API_KEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
)
_URL_WITH_PASSWORD = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/@\s:]*:[^/@\s]+@")
# Variables that configure cron itself (or the cron box), not the job.
_SIX_FIELD = re.compile(r"[0-9*/,-]+")
_SLEEP_PREFIX = re.compile(r"\s*sleep\s+\d+(\.\d+)?\s*(;|&&)")
_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")


def looks_secret(name: str, value: str = "") -> bool:
    upper = name.upper()
    if upper == "PWD":  # the working directory, not a password
        return False
    if set(upper.split("_")) & _SECRET_SEGMENTS or any(word in upper for word in _SECRET_WORDS):
        return True
    return bool(_URL_WITH_PASSWORD.match(value))


@dataclass
class Message:
    line: int  # 1-based; 0 = the file as a whole
    level: str  # error (not migrated) | warning (migrated, behaves differently) | note
    reason: str
    text: str = ""  # the crontab line (never the value of a secret-looking variable)


@dataclass
class Schedule:
    expression: str
    timezone: str
    description: str
    flexible_window_minutes: int | None = None


@dataclass
class Job:
    key: str
    image: str
    command: list[str]
    environment: dict[str, str]
    schedules: dict[str, Schedule] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    unix_schedules: list[tuple[str, str]] = field(default_factory=list)  # (unix fields, timezone) per line
    user: str | None = None


@dataclass
class ImportResult:
    jobs: dict[str, Job]
    messages: list[Message]
    source: str
    system_format: bool

    @property
    def ok(self) -> bool:
        """Exit status 0 only if every line was converted."""
        return not any(m.level == ERROR for m in self.messages)

    def by_level(self, level: str) -> list[Message]:
        return [m for m in self.messages if m.level == level]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


# Accounts that own system crontab entries; a user crontab's command rarely starts with one.
_SYSTEM_USERS = {
    "root", "nobody", "daemon", "www-data", "apache", "nginx", "postgres", "mysql", "redis", "ubuntu",
    "ec2-user", "admin", "operator", "backup", "mail", "news", "www", "http", "cron",
}  # fmt: skip


def detect_system_format(lines: list[str], path: str = "") -> bool:
    """Guess the format: /etc/crontab and cron.d files, or every job line naming a system account
    (root, www-data, ...) before its command. Anything else is read as a user crontab; pass
    ``system=True`` (``--system``) for other account names."""
    if path == "/etc/crontab" or "/cron.d/" in path.replace("\\", "/"):
        return True
    entries = [
        line for line in lines if line.strip() and not line.lstrip().startswith("#") and not _ENV_LINE.match(line)
    ]
    if not entries:
        return False
    for line in entries:
        tokens = line.split()
        offset = 1 if tokens[0].startswith("@") else 5
        if len(tokens) < offset + 2 or tokens[offset] not in _SYSTEM_USERS:
            return False
    return True


class _Importer:
    def __init__(
        self, *, timezone: str | None, image: str, system: bool, now: datetime, source: str, key_limit: int
    ) -> None:
        self.key_limit = key_limit
        self.default_timezone = timezone or DEFAULT_TIMEZONE
        self.timezone_given = timezone is not None
        self.image = image
        self.system = system
        self.now = now
        self.source = source
        self.env: dict[str, str] = {}
        self.shell = "/bin/sh"
        self.timezone = self.default_timezone
        self.random_delay: int | None = None
        self.jobs: dict[str, Job] = {}
        self.messages: list[Message] = []
        self.used_timezone_default = False
        self.timezone_from_line = False

    def message(self, number: int, level: str, reason: str, text: str = "") -> None:
        self.messages.append(Message(number, level, reason, text))

    # -- environment lines -------------------------------------------------------------------
    def env_line(self, number: int, name: str, raw_value: str, line: str) -> None:
        value = _unquote(raw_value)
        upper = name.upper()
        if looks_secret(name, value):
            self.message(
                number,
                ERROR,
                f"{name} looks like a secret: left out (never written in plain text); store it in Secrets "
                f"Manager or SSM and reference it in the job's `secrets` map",
                f"{name}=<redacted>",
            )
            self.env.pop(name, None)
            return
        if upper == "MAILTO":
            if value:
                self.message(
                    number,
                    ERROR,
                    "MAILTO: cron mails job output; AWS Batch sends output to CloudWatch Logs -- use the "
                    "module's `notifications` (SNS e-mail on failure) instead",
                    line,
                )
            else:
                self.message(number, NOTE, "MAILTO empty (mail off): nothing to migrate", line)
            return
        if upper == "MAILFROM" or upper.startswith("CONTENT_"):
            self.message(number, ERROR, f"{name} configures cron's mail, which has no Batch equivalent", line)
            return
        if name in ("CRON_TZ", "TZ"):
            try:
                zone(value)
            except TimezoneError as error:
                self.message(number, ERROR, f"{name}: {error}", line)
                return
            self.timezone = value
            self.timezone_from_line = True
            if name == "TZ":
                self.env[name] = value  # the job itself also sees TZ
            return
        if name == "RANDOM_DELAY":
            if not value.isdigit():
                self.message(number, ERROR, "RANDOM_DELAY must be a number of minutes", line)
                return
            delay = int(value)
            self.random_delay = min(delay, 1440) or None
            if delay > 1440:
                self.message(number, WARNING, "RANDOM_DELAY capped at 1440 minutes (the flexible window maximum)", line)
            return
        if name == "SHELL":
            self.shell = value or "/bin/sh"
            self.message(number, NOTE, f"commands that need a shell run as [{self.shell!r}, '-c', ...]", line)
            return
        if name == "PATH":
            self.message(
                number,
                WARNING,
                "PATH left out: the container image's PATH applies (install the programs there, or use full paths)",
                line,
            )
            return
        if name == "MLS_LEVEL":
            self.message(number, NOTE, "MLS_LEVEL (SELinux) does not apply in a container: ignored", line)
            return
        self.env[name] = value

    # -- job lines ---------------------------------------------------------------------------
    def job_line(self, number: int, line: str) -> None:
        try:
            schedule_text, fields, user, command = split_entry(line, self.system)
        except UnixCronError as error:
            self.message(number, ERROR, str(error), line)
            return
        if schedule_text.startswith("@") and schedule_text.lower() not in MACROS:
            if schedule_text.lower() == "@reboot":
                reason = (
                    "@reboot runs when the cron box boots; Batch has no boot event -- run it from the image's "
                    "entrypoint, or once with an at() schedule"
                )
            else:
                reason = f"unknown macro {schedule_text}"
            self.message(number, ERROR, reason, line)
            return
        if not self.system and _SIX_FIELD.fullmatch(command.split()[0]) and len(command.split()) > 1:
            self.message(
                number,
                ERROR,
                "looks like a six-field (per-second) schedule; AWS schedules have one-minute precision",
                line,
            )
            return
        if _SLEEP_PREFIX.match(command):
            self.message(
                number,
                ERROR,
                "'sleep N;' shifts the job by seconds within the minute (a per-second schedule); AWS schedules "
                "have one-minute precision and start anywhere within the minute",
                line,
            )
            return
        if _UNESCAPED_PERCENT.search(command):
            self.message(
                number,
                ERROR,
                "unescaped % in the command: cron turns it into a newline and feeds the rest to stdin, which a "
                "container command cannot receive (escape it as \\% if it was meant literally)",
                line,
            )
            return
        command = command.replace("\\%", "%")
        try:
            unix = parse_schedule(fields, schedule_text)
            converted = convert(unix)
        except (UnixCronError, ConversionError) as error:
            self.message(number, ERROR, str(error), line)
            return
        if self.system and user not in (None, "root"):
            self.message(number, NOTE, f"ran as user {user!r}; the container runs as the image's user", line)
        argv = shell.to_argv(command, self.shell)
        program = argv[0].rsplit("/", 1)[-1]
        written = shell.written_files(command) if argv[1:2] == ["-c"] else []
        if written:
            self.message(
                number,
                WARNING,
                f"writes {', '.join(written)}: job containers have a read-only root filesystem by default -- "
                "add the directory to the job's writable_paths, or write to stdout (CloudWatch Logs)",
                line,
            )
        if program in ("sudo", "su"):
            self.message(
                number, WARNING, f"{program} in a container rarely works: the job runs as the image's user", line
            )
        if not self.timezone_given and not self.timezone_from_line:
            self.used_timezone_default = True
        job = self._job_for(argv, user, command)
        job.lines.append(number)
        job.unix_schedules.append((" ".join(fields), self.timezone))
        for part in converted:
            name = f"line{number}" + (f"_{part.name_suffix}" if part.name_suffix else "")
            half = {"dom": " (day-of-month half)", "dow": " (day-of-week half)"}.get(part.name_suffix, "")
            job.schedules[name] = Schedule(
                expression=part.expression,
                timezone=self.timezone,
                description=f"crontab line {number}: {schedule_text}{half}"[:512],
                flexible_window_minutes=self.random_delay,
            )
        notes = {part.note for part in converted if part.note}
        for note in sorted(notes):
            if len(converted) == 2:
                overlap = first_overlap(unix, self.now.date())
                example = f" (next: {overlap:%a %Y-%m-%d})" if overlap else " (none in the next 3 years)"
                self.message(number, WARNING, note + example, line)
            else:
                self.message(number, NOTE, note, line)
        for part in converted:
            if not next_runs(parse_expression(part.expression), self.timezone, after=self.now, count=1).runs:
                self.message(number, WARNING, f"{part.expression} never runs (no such date)", line)
        wildcard = bool(fields) and (fields[0].startswith("*") or fields[1].startswith("*"))
        self._dst_warnings(number, line, [p.expression for p in converted], wildcard)

    def _job_for(self, argv: list[str], user: str | None, command: str) -> Job:
        """The job running exactly this command with this environment (lines may share one)."""
        environment = dict(self.env)
        for job in self.jobs.values():
            if job.command == argv and job.environment == environment and job.user == user:
                return job
        limit = self.key_limit
        key = shell.unique_key(shell.job_key(command, limit), set(self.jobs), limit)
        job = Job(key=key, image=self.image, command=argv, environment=environment, user=user)
        self.jobs[key] = job
        return job

    def _dst_warnings(self, number: int, line: str, expressions: list[str], wildcard: bool) -> None:
        """Where Scheduler's DST rule and cron's differ, warn; where they agree, note.

        cronie: a job whose minute or hour field starts with '*' is a "wildcard" job and simply
        follows the clock (skipped in a gap, run twice in a repeated hour); a fixed-time job that
        falls into a gap runs right after the change, and is not repeated in a repeated hour.
        Scheduler always skips gap times and runs repeated times once.
        """
        if self.timezone == "UTC":
            return
        for text in expressions:
            impacts = dst_impacts(parse_expression(text), self.timezone, self.now)
            for kind in ("skipped", "once"):
                found = [e for e in impacts if e.kind == kind]
                if not found:
                    continue
                first = f"first {found[0].wall:%Y-%m-%d %H:%M} {self.timezone}"
                if kind == "skipped":
                    differs = not wildcard
                    reason = (
                        f"DST: {len(found)} run(s) in the next year fall into a spring-forward gap ({first}); "
                        "EventBridge Scheduler skips them"
                        + ("; cron ran such a fixed-time job right after the change" if differs else ", as cron did")
                    )
                else:
                    differs = wildcard
                    reason = (
                        f"DST: {len(found)} run time(s) in the next year happen twice at fall-back ({first}); "
                        "EventBridge Scheduler runs them once"
                        + ("; cron ran this '*' minute/hour job at both" if differs else ", as cron did")
                    )
                self.message(number, WARNING if differs else NOTE, reason, line)


def import_crontab(
    text: str,
    *,
    source: str = "<crontab>",
    timezone: str | None = None,
    image: str = DEFAULT_IMAGE,
    system: bool | None = None,
    now: datetime | None = None,
    module_name: str | None = None,
) -> ImportResult:
    """Convert a crontab's text. ``system=None`` detects the format.

    ``module_name`` (the module's ``name``; 16 characters assumed when not given) bounds the job
    keys so every IAM role name the module derives from them stays within 64 characters.
    """
    lines = text.splitlines()
    prefix = len(module_name) if module_name else shell.ASSUMED_PREFIX
    longest_schedule_key = len(f"line{max(len(lines), 1)}_dom")
    limit = shell.key_limit(prefix, longest_schedule_key)
    if timezone is not None:
        zone(timezone)  # raises TimezoneError for a bad --timezone
    system_format = detect_system_format(lines, source) if system is None else system
    importer = _Importer(
        timezone=timezone,
        image=image,
        system=system_format,
        now=now or datetime.now(UTC),
        source=source,
        key_limit=limit,
    )
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        env = _ENV_LINE.fullmatch(line)
        if env and not stripped.startswith("@"):
            importer.env_line(number, env.group(1), env.group(2), stripped)
            continue
        importer.job_line(number, stripped)
    if importer.used_timezone_default:
        importer.message(
            0,
            WARNING,
            "no CRON_TZ/TZ line and no --timezone: schedules use UTC; cron used the box's local time -- "
            "pass --timezone (e.g. Europe/Berlin) if that was not UTC",
        )
    if not importer.jobs and not any(m.level == ERROR for m in importer.messages):
        importer.message(0, ERROR, "no job lines found")
    return ImportResult(jobs=importer.jobs, messages=importer.messages, source=source, system_format=system_format)
