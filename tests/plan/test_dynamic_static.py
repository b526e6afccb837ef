"""`terraform fmt -check` and `terraform validate` of what dynamic schedules add: the submodule on
its own (valid without its caller), the self-service example, and the root files."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from core_plan import REPO_ROOT, init_lock, plugin_cache_env

from batch_harness.terraform.runner import TerraformRunner, copy_config

pytestmark = pytest.mark.plan

DIRECTORIES = ("modules/dynamic-schedules", "examples/self-service")
ROOT_FILES = ("dynamic_schedules.tf", "validations_dynamic.tf")


def test_fmt_check() -> None:
    targets = [str(REPO_ROOT / d) for d in DIRECTORIES] + [str(REPO_ROOT / f) for f in ROOT_FILES]
    result = subprocess.run(
        ["terraform", "fmt", "-check", "-diff", "-no-color", *targets], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"not formatted (run terraform fmt):\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("directory", DIRECTORIES)
def test_validate(directory: str, tmp_path: Path) -> None:
    runner = TerraformRunner(copy_config(REPO_ROOT / directory, tmp_path), env=plugin_cache_env(), scratch=True)
    with init_lock():
        runner.init()
    runner.validate()
