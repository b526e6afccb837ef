"""`terraform fmt -check` and `terraform validate` on the root module, every core submodule and
every example, each on its own (a submodule must be valid without its caller)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from core_plan import REPO_ROOT, init_lock, plugin_cache_env

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


def fmt_targets(directory: str) -> list[Path]:
    base = REPO_ROOT / directory
    return [base / f for f in CORE_ROOT_FILES] if directory == "." else [base]


def fmt_check(targets: list[Path], *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["terraform", "fmt", "-check", "-no-color", *options, *map(str, targets)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def fmt_everything() -> subprocess.CompletedProcess[str]:
    """One `terraform fmt -check` over every directory's targets (it lists each unformatted file)."""
    return fmt_check([target for directory in DIRECTORIES for target in fmt_targets(directory)])


@pytest.mark.parametrize("directory", DIRECTORIES)
def test_fmt_check(directory, fmt_everything):
    targets = fmt_targets(directory)
    listed = [Path(line).resolve() for line in fmt_everything.stdout.splitlines() if line.strip()]
    if fmt_everything.returncode != 0 and not listed:
        # A file fmt cannot parse stops the shared run before it lists anything: check alone.
        result = fmt_check(targets, "-diff")
        assert result.returncode == 0, f"not formatted (run terraform fmt):\n{result.stdout}{result.stderr}"
        return
    # fmt on a directory (no -recursive) checks the files directly in it.
    mine = [path for path in listed if path in targets or path.parent in targets]
    assert not mine, f"not formatted (run terraform fmt):\n{fmt_check(mine, '-diff').stdout}"


@pytest.mark.parametrize("directory", DIRECTORIES)
def test_validate(directory, tmp_path: Path):
    runner = TerraformRunner(copy_config(REPO_ROOT / directory, tmp_path), env=plugin_cache_env(), scratch=True)
    with init_lock():
        runner.init()
    runner.validate()
