"""e2e: upgrading a stack applied with the previous layout (a separate `module "pipeline_schedule"`
call, schedules ordered by a module-wide depends_on) to one `module "schedule"` call destroys and
re-creates nothing: migrations.tf moves the pipeline schedules, the job schedules keep their
addresses. The previous layout is the module at PREVIOUS_LAYOUT, taken from the repository's
history; one apply into a fresh local account, then a plan with the current module.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

from batch_harness.emulator import LocalAccount
from batch_harness.terraform.runner import PlanResult, TerraformRunner

from .helpers import PLUGIN_CACHE, REPO_ROOT, _init_lock

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("pipeline-migration")]

# The last commit with the separate pipeline schedule call.
PREVIOUS_LAYOUT = "beded95fd2d1566607bc1e690a55c8b8626f935e"
IMAGE = "public.ecr.aws/docker/library/busybox:stable"

ROOT = """\
resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.0.1.0/24"
}

module "batch" {
  source = "%(module)s"

  name       = "mig"
  vpc_id     = aws_vpc.this.id
  subnet_ids = [aws_subnet.private.id]
  monitoring = { enabled = false }

  jobs = {
    extract = {
      image     = "%(image)s"
      schedules = { nightly = { expression = "cron(0 2 * * ? *)" } }
    }
    report = { image = "%(image)s" }
  }

  pipelines = {
    etl = {
      steps = {
        extract = { job = "extract" }
        report  = { job = "report", after = ["extract"] }
      }
      schedules = { weekly = { expression = "cron(0 3 ? * SUN *)" } }
    }
  }
}
"""


def export_commit(commit: str, dest: Path) -> Path:
    """The repository's files at ``commit`` (git archive), or skip when the history lacks it."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", commit],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"the repository's history does not hold {commit} (a shallow clone?)")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def runner(root: Path, module: Path, account: LocalAccount) -> TerraformRunner:
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.tf").write_text(ROOT % {"module": module, "image": IMAGE})
    account.write_provider_override(root)
    tf = TerraformRunner(root, env={**account.env(), "TF_PLUGIN_CACHE_DIR": str(PLUGIN_CACHE)})
    with _init_lock():
        tf.init(upgrade=True)
    return tf


@pytest.fixture(scope="module")
def upgrade_plan(tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    work = tmp_path_factory.mktemp("migration")
    previous = export_commit(PREVIOUS_LAYOUT, work / "previous")
    with LocalAccount.start() as account:
        root = work / "root"
        runner(root, previous, account).apply_with_retry()
        return runner(root, REPO_ROOT, account).plan()


def changes(plan: PlanResult) -> list[dict[str, Any]]:
    return plan.raw.get("resource_changes", [])


def test_the_upgrade_destroys_and_creates_nothing(upgrade_plan):
    replaced = [
        (c["address"], c["change"]["actions"])
        for c in changes(upgrade_plan)
        if {"create", "delete"} & set(c["change"]["actions"])
    ]
    assert replaced == []


def test_pipeline_schedules_are_moved_into_the_one_schedule_call(upgrade_plan):
    moved = {c["previous_address"]: c["address"] for c in changes(upgrade_plan) if "previous_address" in c}
    prefix = 'module.batch.module.pipeline_schedule["etl/weekly"].'
    assert f"{prefix}aws_scheduler_schedule.this[0]" in moved
    assert moved[f"{prefix}aws_scheduler_schedule.this[0]"] == (
        'module.batch.module.schedule["etl/weekly"].aws_scheduler_schedule.this[0]'
    )
    pipeline_moves = {old: new for old, new in moved.items() if old.startswith("module.batch.module.pipeline_schedule")}
    assert all(new.startswith('module.batch.module.schedule["etl/weekly"].') for new in pipeline_moves.values())
    job_schedule = 'module.batch.module.schedule["extract/nightly"].aws_scheduler_schedule.this[0]'
    assert job_schedule in {c["address"] for c in changes(upgrade_plan)}
