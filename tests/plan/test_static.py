"""`terraform fmt -check` and `terraform validate` on the root module, every core submodule and
every example, each on its own (a submodule must be valid without its caller)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from core_plan import PLUGIN_CACHE, REPO_ROOT, init_lock

from batch_harness.terraform.runner import TerraformRunner, copy_config

pytestmark = pytest.mark.plan

CORE_SUBMODULES = (
    "compute-environment",
    "dead-letter-queue",
    "encryption",
    "job",
    "job-queue",
    "schedule",
    "schedule-group",
    "security-group",
)
EXAMPLES = ("minimal", "complete", "eventbridge-rules", "_shared/vpc")
DIRECTORIES = [".", *(f"modules/{m}" for m in CORE_SUBMODULES), *(f"examples/{e}" for e in EXAMPLES)]
# Root files of the core (pipelines.tf, monitoring.tf, ... are checked by their owners).
CORE_ROOT_FILES = ("main.tf", "locals.tf", "variables.tf", "outputs.tf", "versions.tf")


def test_every_core_directory_is_listed():
    on_disk = {p.parent.name for p in (REPO_ROOT / "modules").glob("*/versions.tf")}
    assert set(CORE_SUBMODULES) <= on_disk
    examples = {p.parent.name for p in (REPO_ROOT / "examples").glob("*/main.tf")}
    assert {"minimal", "complete", "eventbridge-rules"} <= examples


@pytest.mark.parametrize("directory", DIRECTORIES)
def test_fmt_check(directory):
    base = REPO_ROOT / directory
    targets = [str(base / f) for f in CORE_ROOT_FILES] if directory == "." else [str(base)]
    result = subprocess.run(
        ["terraform", "fmt", "-check", "-diff", "-no-color", *targets], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"not formatted (run terraform fmt):\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("directory", DIRECTORIES)
def test_validate(directory, tmp_path: Path):
    runner = TerraformRunner(
        copy_config(REPO_ROOT / directory, tmp_path), env={"TF_PLUGIN_CACHE_DIR": str(PLUGIN_CACHE)}
    )
    with init_lock():
        runner.init()
    runner.validate()
