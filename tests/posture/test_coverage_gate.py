"""The gate fails when custom policies silently did not run: checkov skips a policy folder or file
it cannot load with one INFO line (docs/posture.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from batch_harness.posture import CUSTOM_CHECKS, POLICY_DIR, run_posture
from batch_harness.posture.cli import register  # noqa: F401 - the CLI entry must import cleanly

from .conftest import FIXTURES, finding

pytestmark = pytest.mark.posture

LOG_GROUPS_FAIL = FIXTURES / "sbatch_06_log_groups" / "fail"


def _copy_policies(tmp_path: Path, *, drop: tuple[str, ...]) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, target, ignore=shutil.ignore_patterns("__pycache__", *drop))
    return target


def test_policy_folder_without_init_fails_the_gate(tmp_path: Path) -> None:
    policies = _copy_policies(tmp_path, drop=("__init__.py",))
    assert not (policies / "__init__.py").exists()
    result = run_posture([LOG_GROUPS_FAIL], output_dir=tmp_path / "out", with_plan=False, policies_dir=policies)
    (directory,) = result.directories
    assert result.exit_code == 1
    assert not [f for f in directory.findings if f.custom], "checkov should have loaded no custom check"
    missing = [e for e in directory.errors if "was not loaded" in e]
    assert len(missing) == len(CUSTOM_CHECKS), directory.errors
    assert any("CKV_SBATCH_6" in e for e in missing)


def test_a_policy_file_that_does_not_import_fails_the_gate(tmp_path: Path) -> None:
    policies = _copy_policies(tmp_path, drop=())
    (policies / "sbatch_06_log_groups.py").write_text("this is not python\n")
    result = run_posture([LOG_GROUPS_FAIL], output_dir=tmp_path / "out", with_plan=False, policies_dir=policies)
    (directory,) = result.directories
    assert result.exit_code == 1
    assert [e for e in directory.errors if "CKV_SBATCH_6 was not loaded" in e], directory.errors
    assert not [f for f in directory.findings if f.check_id == "CKV_SBATCH_6"]


def test_unresolved_value_in_hcl_fails_the_gate(tmp_path: Path) -> None:
    """A required input without a value: checkov sees the string "var.privileged" and, for the
    built-in CKV_AWS_210, calls it privileged; our checks refuse to guess and the gate says so."""
    root = tmp_path / "unresolved"
    root.mkdir()
    (root / "main.tf").write_text(
        """
variable "privileged" { type = bool }

resource "aws_batch_job_definition" "job" {
  name = "unresolved"
  type = "container"
  container_properties = jsonencode({
    image                  = "busybox"
    jobRoleArn             = "arn:aws:iam::123456789012:role/job"
    readonlyRootFilesystem = true
    privileged             = var.privileged
  })
  timeout {
    attempt_duration_seconds = 600
  }
}
"""
    )
    result = run_posture([root], output_dir=tmp_path / "out", with_plan=False, display_base=tmp_path)
    (directory,) = result.directories
    gap = finding(directory, "CKV_SBATCH_1", "aws_batch_job_definition.job")
    assert gap.status == "NOT_EVALUATED"
    assert any("var.privileged" in d for d in gap.details), gap.details
    assert finding(directory, "CKV_SBATCH_2", "aws_batch_job_definition.job").status == "PASSED"
    assert result.exit_code == 1


def test_skip_without_reason_fails_the_gate(tmp_path: Path) -> None:
    root = tmp_path / "skip"
    root.mkdir()
    (root / "main.tf").write_text(
        """
resource "aws_cloudwatch_log_group" "reasoned" {
  #checkov:skip=CKV_SBATCH_6:Fixture: logs of a throwaway sandbox, deleted with it
  name = "/fixture/reasoned"
}

resource "aws_cloudwatch_log_group" "unreasoned" {
  #checkov:skip=CKV_SBATCH_6
  name = "/fixture/unreasoned"
}
"""
    )
    result = run_posture([root], output_dir=tmp_path / "out", with_plan=False, display_base=tmp_path)
    (directory,) = result.directories
    reasoned = finding(directory, "CKV_SBATCH_6", "aws_cloudwatch_log_group.reasoned")
    assert reasoned.status == "SKIPPED" and "sandbox" in (reasoned.suppress_comment or "")
    assert finding(directory, "CKV_SBATCH_6", "aws_cloudwatch_log_group.unreasoned").status == "SKIPPED"
    assert [e for e in directory.errors if "unreasoned" in e and "without a real reason" in e], directory.errors
