"""Generated HCL is `terraform fmt`-clean and Terraform reads back exactly the imported values."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from batch_harness.cron.crontab import import_crontab
from batch_harness.cron.render import hcl_string, jobs_value, render_hcl, render_json, to_hcl

NOW = datetime(2026, 1, 1, tzinfo=UTC)
TRICKY = r"""
SHELL=/bin/bash
CRON_TZ=Europe/Berlin
LOG_LEVEL=info
GREETING="say \"hi\" ${USER} %{x} \t"
RANDOM_DELAY=5
30 2 * * * /usr/local/bin/backup.sh --label 'quote " and back\slash'
0 3 * * 1-5 echo "${HOME}" && printf '\%s\n' done
15 4 1,15 * mon /opt/report.sh "monthly ✓ summary"
*/10 * * * * /opt/poll
"""

needs_terraform = pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform not installed")


def test_hcl_string_escapes() -> None:
    assert hcl_string('a"b') == '"a\\"b"'
    assert hcl_string("a\\b") == '"a\\\\b"'
    assert hcl_string("${x} %{y}") == '"$${x} %%{y}"'
    assert hcl_string("a\nb\tc") == '"a\\nb\\tc"'


def test_alignment_follows_terraform_fmt() -> None:
    text = to_hcl({"jobs": {"a": {"image": "x", "command": ["y"], "schedules": {"s": {"expression": "e"}}}}})
    assert text.splitlines() == [
        "jobs = {",
        "  a = {",
        '    image   = "x"',
        '    command = ["y"]',
        "    schedules = {",
        "      s = {",
        '        expression = "e"',
        "      }",
        "    }",
        "  }",
        "}",
    ]


@needs_terraform
def test_generated_hcl_is_fmt_clean(tmp_path: Path) -> None:
    result = import_crontab(TRICKY, timezone="UTC", now=NOW)
    path = tmp_path / "jobs.tfvars"
    path.write_text(render_hcl(result))
    check = subprocess.run(
        ["terraform", "fmt", "-check", "-diff", str(path)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.plan
@needs_terraform
def test_terraform_reads_back_the_same_values(tmp_path: Path) -> None:
    from batch_harness.terraform.runner import TerraformRunner

    result = import_crontab(TRICKY, timezone="UTC", now=NOW)
    (tmp_path / "main.tf").write_text('variable "jobs" {\n  type = any\n}\n\noutput "jobs" {\n  value = var.jobs\n}\n')
    (tmp_path / "jobs.tfvars").write_text(render_hcl(result))
    (tmp_path / "jobs.tfvars.json").write_text(render_json(result))
    runner = TerraformRunner(tmp_path, scratch=True)
    expected = json.loads(json.dumps(jobs_value(result)))
    assert runner.plan(var_files=[tmp_path / "jobs.tfvars"]).outputs["jobs"] == expected
    assert runner.plan(var_files=[tmp_path / "jobs.tfvars.json"]).outputs["jobs"] == expected
    # the values really contain the characters that needed escaping
    job = expected["backup"]
    assert job["command"][-1] == 'quote " and back\\slash'
    assert job["environment"]["GREETING"] == 'say \\"hi\\" ${USER} %{x} \\t'
