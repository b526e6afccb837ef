"""Upgrading keeps every object: a stack applied with the previous layout (the module as of
PREVIOUS_LAYOUT, before optional roles, `create` and content-keyed rules) into a fresh local
account, then planned with this checkout's module, plans no delete and no replacement; the
addresses that changed are moved by migrations.tf."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from batch_harness.emulator import LocalAccount
from batch_harness.terraform.runner import TerraformRunner

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500)]

REPO = Path(__file__).resolve().parents[2]
PREVIOUS_LAYOUT = "beded95"
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
    report = {
      image                 = "public.ecr.aws/docker/library/busybox:stable"
      iam_policy_statements = [{ actions = ["s3:GetObject"], resources = ["arn:aws:s3:::mig-input/*"] }]
      schedules             = { nightly = { expression = "cron(0 2 * * ? *)" } }
    }
  }
}
"""

# Addresses migrations.tf (root and submodules) must carry over, previous -> current.
MOVES = {
    "module.batch.module.encryption.aws_kms_key.this[0]": "module.batch.module.encryption[0].aws_kms_key.this[0]",
    "module.batch.module.dead_letter_queue.aws_sqs_queue.this": (
        "module.batch.module.dead_letter_queue[0].aws_sqs_queue.this"
    ),
    'module.batch.module.default_security_group.aws_vpc_security_group_egress_rule.this["0-cidr-0"]': (
        'module.batch.module.default_security_group[0].aws_vpc_security_group_egress_rule.this["tcp 443-443 0.0.0.0/0"]'
    ),
    'module.batch.module.job["report"].aws_iam_role.job': 'module.batch.module.job["report"].aws_iam_role.job[0]',
    'module.batch.module.job["report"].aws_iam_role.execution': (
        'module.batch.module.job["report"].aws_iam_role.execution[0]'
    ),
    "module.batch.module.monitoring[0].aws_cloudwatch_log_resource_policy.history": (
        "module.batch.module.monitoring[0].aws_cloudwatch_log_resource_policy.history[0]"
    ),
}


def previous_module(dest: Path) -> None:
    """The module as of PREVIOUS_LAYOUT (git archive of that commit)."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", PREVIOUS_LAYOUT], capture_output=True, check=True
    ).stdout
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


@pytest.fixture
def account() -> Iterator[LocalAccount]:
    account = LocalAccount.start()
    try:
        yield account
    finally:
        account.stop()


def test_previous_layout_plans_without_destroy(account: LocalAccount, tmp_path: Path):
    root = tmp_path / "stack"
    root.mkdir()
    (root / "main.tf").write_text(STACK)
    account.write_provider_override(root)
    previous_module(root / "module")
    runner = TerraformRunner(root, env=account.env())
    try:
        runner.apply_with_retry()

        shutil.rmtree(root / "module")
        current_module(root / "module")
        runner.init(upgrade=True)  # installs the module calls the new layout added
        plan = runner.plan()

        changes = {rc["address"]: rc for rc in plan.raw["resource_changes"]}
        removed = sorted(a for a, rc in changes.items() if "delete" in rc["change"]["actions"])
        # The one documented replacement: monitoring's per-schedule success filters became one
        # filter per kind (a log group holds at most 100 metric filters). They keep no data.
        replaced_filters = [a for a in removed if ".aws_cloudwatch_log_metric_filter.succeeded[" in a]
        assert replaced_filters, "the previous layout had per-schedule success filters"
        removed = [a for a in removed if a not in replaced_filters]
        assert removed == [], "the upgrade would delete or replace these"
        moved = {rc.get("previous_address"): a for a, rc in changes.items() if rc.get("previous_address")}
        assert {k: moved.get(k) for k in MOVES} == MOVES
    finally:
        runner.destroy()
