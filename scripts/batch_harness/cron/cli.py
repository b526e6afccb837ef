"""``batch-harness import-crontab`` and ``batch-harness schedules``."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from batch_harness.cron.crontab import DEFAULT_IMAGE, ERROR, WARNING, ImportResult, import_crontab
from batch_harness.cron.preview import EXPRESSION, SchedulePreview, ScheduleSpec, preview_all, specs_from_plan
from batch_harness.cron.render import render_hcl, render_json
from batch_harness.cron.timeline import TimezoneError


def register(subparsers: argparse._SubParsersAction) -> None:
    imp = subparsers.add_parser(
        "import-crontab",
        help="convert a crontab into the module's jobs = { ... } (HCL or .tfvars.json)",
        description=(
            "Convert a crontab (user format, or system format with a user column, e.g. /etc/cron.d/*) into "
            "the module's `jobs` value. Lines that cannot be migrated are reported with the reason; the exit "
            "code is 0 only if every line was converted. The report goes to stderr."
        ),
    )
    imp.add_argument("file", help="crontab file ('-' for stdin)")
    imp.add_argument("--timezone", help="time zone cron ran in (default: CRON_TZ/TZ lines, else UTC)")
    imp.add_argument("--image", default=DEFAULT_IMAGE, help=f"container image for every job (default {DEFAULT_IMAGE})")
    fmt = imp.add_mutually_exclusive_group()
    fmt.add_argument("--user-crontab", dest="system", action="store_false", default=None, help="user crontab format")
    fmt.add_argument(
        "--system", dest="system", action="store_true", help="system format: a user column before the command"
    )
    imp.add_argument(
        "--module-name",
        help="the module's `name`; job keys are kept short enough for its IAM role names (default: assume 16 chars)",
    )
    imp.add_argument("-o", "--output", help="write here instead of stdout (.json => .tfvars.json format)")
    imp.add_argument("--format", choices=("hcl", "json"), help="output format (default: from --output, else hcl)")
    imp.set_defaults(func=cmd_import_crontab)

    sch = subparsers.add_parser(
        "schedules",
        help="next runs, plain-English text and warnings for a config's schedules or one expression",
        description=(
            "For every aws_scheduler_schedule and scheduled aws_cloudwatch_event_rule in a config's plan (or one "
            "--expression), print the next N runs in UTC and local time, a description, and warnings."
        ),
    )
    sch.add_argument("dir", nargs="?", help="root Terraform config to plan")
    sch.add_argument("--expression", help="one expression: cron(...), rate(...) or at(...)")
    sch.add_argument("--timezone", default=None, help="IANA time zone for --expression (default UTC)")
    sch.add_argument("-n", "--count", type=int, default=10, help="how many runs to show (default 10)")
    sch.add_argument("--var-file", action="append", default=[], help="tfvars file for the plan (repeatable)")
    sch.add_argument("--plan-json", help="use this `terraform show -json` plan file instead of planning DIR")
    sch.add_argument(
        "--online",
        action="store_true",
        help="plan with the environment's AWS credentials (default: fake credentials, no API calls)",
    )
    sch.add_argument("--after", help="list runs after this ISO time (default now)")
    sch.add_argument("--json", action="store_true", help="machine-readable output")
    sch.set_defaults(func=cmd_schedules)


# -- import-crontab ------------------------------------------------------------------------------


def cmd_import_crontab(args: argparse.Namespace) -> int:
    report = Console(stderr=True)
    try:
        if args.file == "-":
            text, source = sys.stdin.read(), "<stdin>"
        else:
            path = Path(args.file)
            text, source = path.read_text(), str(path)
        result = import_crontab(
            text,
            source=source,
            timezone=args.timezone,
            image=args.image,
            system=args.system,
            module_name=args.module_name,
        )
    except (OSError, TimezoneError) as error:
        report.print(f"[red]error:[/] {error}")
        return 2
    output_format = args.format or ("json" if (args.output or "").endswith(".json") else "hcl")
    rendered = render_json(result) if output_format == "json" else render_hcl(result)
    if args.output:
        Path(args.output).write_text(rendered)
    else:
        sys.stdout.write(rendered)
    print_import_report(result, report, args.output)
    return 0 if result.ok else 1


def print_import_report(result: ImportResult, console: Console, output: str | None) -> None:
    fmt = "system (user column)" if result.system_format else "user"
    jobs = Table(title=escape(f"{result.source}: {len(result.jobs)} job(s), {fmt} crontab format"))
    for column in ("job", "schedule", "expression", "timezone", "command"):
        jobs.add_column(column, overflow="fold")
    for key, job in result.jobs.items():
        for name, schedule in job.schedules.items():
            jobs.add_row(key, name, escape(schedule.expression), schedule.timezone, escape(" ".join(job.command)))
    console.print(jobs)
    if result.messages:
        messages = Table(title="lines to review")
        messages.add_column("line", justify="right")
        messages.add_column("level")
        messages.add_column("reason", overflow="fold")
        messages.add_column("crontab text", overflow="fold")
        style = {ERROR: "red", WARNING: "yellow"}
        for message in sorted(result.messages, key=lambda m: (m.line, m.level)):
            level = f"[{style.get(message.level, 'cyan')}]{message.level}[/]"
            messages.add_row(str(message.line or "-"), level, escape(message.reason), escape(message.text))
        console.print(messages)
    errors = len(result.by_level(ERROR))
    where = f" to {output}" if output else ""
    if errors:
        console.print(f"[red]{errors} line(s) not migrated[/] (see above); the rest was written{where}.")
    else:
        console.print(f"[green]every line converted[/]{where}.")


# -- schedules -----------------------------------------------------------------------------------


def _plan_specs(args: argparse.Namespace) -> list[ScheduleSpec]:
    from batch_harness.terraform.runner import PlanResult, TerraformRunner, copy_config

    if args.plan_json:
        plan = PlanResult.from_json(json.loads(Path(args.plan_json).read_text()))
        return specs_from_plan(plan.planned_resources)
    with tempfile.TemporaryDirectory(prefix="batch-harness-schedules-") as tmp:
        # Plan a copy: the offline provider override must not land in the user's directory.
        root = copy_config(args.dir, tmp) if not args.online else Path(args.dir)
        runner = TerraformRunner(root, offline_provider=not args.online, scratch=not args.online)
        plan = runner.plan(var_files=[Path(f).resolve() for f in args.var_file])
    return specs_from_plan(plan.planned_resources)


def cmd_schedules(args: argparse.Namespace) -> int:
    console = Console()
    err = Console(stderr=True)
    if bool(args.expression) == bool(args.dir or args.plan_json):
        err.print("[red]error:[/] give either DIR (or --plan-json) or --expression")
        return 2
    now = datetime.now(UTC)
    if args.after:
        now = datetime.fromisoformat(args.after.replace("Z", "+00:00"))
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
    if args.expression:
        specs = [ScheduleSpec(label=args.expression, expression=args.expression, timezone=args.timezone)]
    else:
        from batch_harness.terraform.runner import TerraformError

        try:
            specs = _plan_specs(args)
        except TerraformError as error:
            err.print("[red]terraform failed:[/]\n" + "\n\n".join(error.diagnostics))
            return 2
        if not specs:
            err.print("no aws_scheduler_schedule or scheduled aws_cloudwatch_event_rule in the plan")
    previews = preview_all(specs, count=args.count, now=now)
    if args.json:
        sys.stdout.write(json.dumps([_as_json(p) for p in previews], indent=2) + "\n")
    else:
        for item in previews:
            print_preview(item, console)
    return 1 if any(p.error for p in previews) else 0


def _as_json(item: SchedulePreview) -> dict[str, Any]:
    return {
        "label": item.spec.label,
        "name": item.spec.name,
        "backend": item.spec.backend,
        "expression": item.spec.expression,
        "timezone": item.timezone,
        "description": item.description,
        "runs": [{"utc": r.utc.isoformat(), "local": r.local.isoformat()} for r in item.runs],
        "warnings": item.warnings,
        "error": item.error,
    }


def print_preview(item: SchedulePreview, console: Console) -> None:
    spec = item.spec
    title = f"{spec.expression} -- {item.timezone}"
    if spec.backend != EXPRESSION:
        console.print(f"[bold]{escape(spec.label)}[/] ({spec.backend})", soft_wrap=True, highlight=False)
    if item.error:
        console.print(f"{escape(title)}\n[red]invalid:[/] {escape(item.error)}\n")
        return
    table = Table(title=escape(title), caption=escape(item.description), title_justify="left", caption_justify="left")
    table.add_column("#", justify="right")
    table.add_column("UTC")
    table.add_column(f"local ({item.timezone})")
    for index, run in enumerate(item.runs, start=1):
        table.add_row(str(index), f"{run.utc:%a %Y-%m-%d %H:%M}", f"{run.local:%a %Y-%m-%d %H:%M %Z}")
    console.print(table)
    for warning in item.warnings:
        console.print(f"  [yellow]warning:[/] {escape(warning)}")
    console.print()
