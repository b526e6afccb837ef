"""One stack applied with the module as of PREVIOUS_LAYOUT, then planned with this checkout's
module: the upgrade tests (tests/enterprise/test_migrations.py, tests/pipeline/test_migration.py)
all read the same plan, so the previous layout is applied once per test session, not once per
test file. Tests reading it carry ``GROUP`` so one xdist worker makes it.

The stack holds what each upgrade test needs: a job with a custom policy statement and the
default monitoring (roles, encryption, dead-letter queue, default security group, job history),
and a pipeline with its own schedule (the separate `module "pipeline_schedule"` call of the
previous layout).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from batch_harness.emulator import LocalAccount
from batch_harness.terraform.runner import PlanResult, TerraformRunner

from .support import REPO

# The last commit with the separate pipeline schedule call, before optional roles, `create` and
# content-keyed rules.
PREVIOUS_LAYOUT = "beded95fd2d1566607bc1e690a55c8b8626f935e"
GROUP = pytest.mark.xdist_group("e2e-previous-layout")
IMAGE = "public.ecr.aws/docker/library/busybox:stable"
# The module's own files: root *.tf and its submodules.
MODULE_PARTS = ("modules",)

STACK = """\
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.this.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

module "batch" {
  source = "./module"

  name       = "mig"
  vpc_id     = aws_vpc.this.id
  subnet_ids = [aws_subnet.a.id]

  jobs = {
    extract = {
      image     = "%(image)s"
      schedules = { nightly = { expression = "cron(0 2 * * ? *)" } }
    }
    report = {
      image                 = "%(image)s"
      iam_policy_statements = [{ actions = ["s3:GetObject"], resources = ["arn:aws:s3:::mig-input/*"] }]
      schedules             = { nightly = { expression = "cron(0 2 * * ? *)" } }
    }
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


class MissingCommit(Exception):
    """The repository's history does not hold PREVIOUS_LAYOUT (a shallow clone)."""


def previous_module(dest: Path) -> None:
    """The module as of PREVIOUS_LAYOUT (git archive of that commit)."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", PREVIOUS_LAYOUT], capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise MissingCommit(f"the repository's history does not hold {PREVIOUS_LAYOUT} (a shallow clone?)") from error
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")


def current_module(dest: Path) -> None:
    """This checkout's module: its root *.tf files and its submodules."""
    dest.mkdir(parents=True)
    for path in REPO.glob("*.tf"):
        shutil.copy2(path, dest / path.name)
    for part in MODULE_PARTS:
        shutil.copytree(REPO / part, dest / part)


_UPGRADE: list[PlanResult | BaseException] = []


def upgrade_plan(work: Path) -> PlanResult:
    """Apply the previous layout into a fresh local account, then plan with the current module.

    Made once per process (the first caller's ``work`` folder); a failure is remembered and raised
    again to every caller. The account is discarded afterwards: the tests read only the plan.
    """
    if not _UPGRADE:
        try:
            _UPGRADE.append(_upgrade_plan(work))
        except Exception as error:
            _UPGRADE.append(error)
    result = _UPGRADE[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _upgrade_plan(work: Path) -> PlanResult:
    root = work / "stack"
    root.mkdir(parents=True)
    (root / "main.tf").write_text(STACK % {"image": IMAGE})
    previous_module(root / "module")
    with LocalAccount.start() as account:
        account.write_provider_override(root)
        runner = TerraformRunner(root, env=account.env(), scratch=True)
        runner.apply_with_retry()
        shutil.rmtree(root / "module")
        current_module(root / "module")
        runner.init(upgrade=True)  # installs the module calls the new layout added
        return runner.plan()
