"""Round trip: crontab -> import-crontab HCL -> a root config calling this module -> terraform plan
-> the planned aws_scheduler_schedule resources -> their runs for a week (this package's AWS
evaluator) == the crontab's runs for that week computed independently (croniter on the original
Unix lines, in each line's time zone)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from croniter import croniter

from batch_harness.cron import cli
from batch_harness.cron.crontab import import_crontab
from batch_harness.cron.expression import parse_expression
from batch_harness.cron.preview import specs_from_plan
from batch_harness.cron.render import render_hcl
from batch_harness.cron.timeline import next_runs, zone

pytestmark = [
    pytest.mark.plan,
    pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform not installed"),
]

CRONTAB = """\
# nightly jobs of the reporting box
LOG_LEVEL=info
0 2 * * * /usr/local/bin/backup.sh --full
*/30 9-17 * * 1-5 /opt/app/bin/poll --quiet
CRON_TZ=Europe/Berlin
15 3 1,15 * mon /opt/report.sh monthly
@hourly /usr/bin/find /tmp -mtime +7 -delete
0 6 * * 1-5 /opt/report.sh monthly
CRON_TZ=America/New_York
45 23 * * 0,6 cd /srv && ./weekend.sh > /dev/null 2>&1
5 0 * * * /usr/bin/certbot renew
"""
# Mon 2026-06-01 .. Mon 2026-06-08: no DST change in either zone; June 1st is a Monday, so the
# OR-split report line runs from both of its halves that day.
WEEK_START = datetime(2026, 6, 1, tzinfo=UTC)
WEEK_END = WEEK_START + timedelta(days=7)
MODULE_NAME = "cron"

ROOT_CONFIG = """\
variable "jobs" {{
  type = any
}}

variable "account_id" {{
  default = null
}}

provider "aws" {{
  region = "us-east-1"
}}

module "batch" {{
  source     = "{source}"
  name       = "{name}"
  vpc_id     = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  jobs       = var.jobs
  account_id = var.account_id
}}
"""


def croniter_week(line: str, timezone: str) -> set[datetime]:
    it = croniter(line, (WEEK_START - timedelta(microseconds=1)).astimezone(zone(timezone)), implement_cron_bug=True)
    found: set[datetime] = set()
    while (moment := it.get_next(datetime).astimezone(UTC)) < WEEK_END:
        found.add(moment)
    return found


def aws_week(expression: str, timezone: str) -> list[datetime]:
    preview = next_runs(
        parse_expression(expression), timezone, after=WEEK_START - timedelta(microseconds=1), count=10_000,
        end_date=WEEK_END,
    )  # fmt: skip
    return [r.utc for r in preview.runs]


def test_imported_crontab_plans_and_runs_like_the_crontab(
    tmp_path: Path, repo_root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from batch_harness.terraform.runner import TerraformError, TerraformRunner, plugin_cache_env, plugin_cache_lock

    # Both inits below (this runner's and the CLI's copy) link the cached provider, not copy it.
    for name, value in plugin_cache_env().items():
        monkeypatch.setenv(name, value)

    if not (repo_root / "main.tf").is_file():
        pytest.fail("the module's root main.tf does not exist yet (module core is still being written)")
    result = import_crontab(CRONTAB, source="crontab", timezone="UTC", now=WEEK_START)
    assert result.ok, [(m.line, m.reason) for m in result.messages if m.level == "error"]

    root = tmp_path / "root"
    root.mkdir()
    source = os.path.relpath(repo_root, root)  # "../.."-style: a local module, not copied
    (root / "main.tf").write_text(ROOT_CONFIG.format(source=source, name=MODULE_NAME))
    (root / "jobs.auto.tfvars").write_text(render_hcl(result))
    runner = TerraformRunner(root, offline_provider=True, scratch=True)
    with plugin_cache_lock():  # fills the cache if empty, so the CLI's later init only reads it
        runner.init()
    try:
        plan = runner.plan()
    except TerraformError as error:
        pytest.fail("the imported jobs do not plan with the module:\n" + "\n\n".join(error.diagnostics))

    # Monitoring's missed-run heartbeats are schedules too (same expressions), but not the jobs'.
    specs = [s for s in specs_from_plan(plan.planned_resources) if ".module.monitoring" not in s.label]
    planned: dict[str, set[datetime]] = defaultdict(set)
    per_job_count: dict[str, int] = defaultdict(int)
    for spec in specs:
        assert spec.backend == "scheduler" and spec.name, spec
        job = next(k for k in result.jobs if spec.name.startswith(f"{MODULE_NAME}-{k}-"))
        runs = aws_week(spec.expression, spec.timezone)
        planned[job].update(runs)
        per_job_count[job] += len(runs)
    assert set(planned) == set(result.jobs), "every imported job has planned schedules"
    assert len(specs) == sum(len(job.schedules) for job in result.jobs.values())

    for key, job in result.jobs.items():
        expected: set[datetime] = set()
        for fields, timezone in job.unix_schedules:
            expected |= croniter_week(fields, timezone)
        assert planned[key] == expected, key
        assert expected, f"{key}: the week should contain runs"

    # The one visible difference is the reported one: the OR-split line runs twice on Mon June 1.
    report = result.jobs["report_monthly"]
    assert per_job_count["report_monthly"] == len(planned["report_monthly"]) + 1
    assert any(m.line == 6 and "runs twice" in m.reason for m in result.messages)
    assert {s.timezone for s in report.schedules.values()} == {"Europe/Berlin"}

    # The same config through `batch-harness schedules DIR` (copies the config, plans it offline).
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["schedules", str(root), "--json", "-n", "3", "--after", (WEEK_START - timedelta(seconds=1)).isoformat()]
    )
    capsys.readouterr()
    assert args.func(args) == 0
    shown = {item["name"]: item for item in json.loads(capsys.readouterr().out)}
    # The command also lists monitoring's heartbeat schedules (real schedules of the config).
    assert {spec.name for spec in specs} <= set(shown)
    for spec in specs:
        first = [datetime.fromisoformat(r["utc"]) for r in shown[spec.name]["runs"]]
        after = WEEK_START - timedelta(seconds=1)
        expected_first = next_runs(parse_expression(spec.expression), spec.timezone, after=after, count=3).runs
        assert first == [r.utc for r in expected_first]
        assert shown[spec.name]["description"]
