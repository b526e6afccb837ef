"""`batch-harness posture DIR` on a failing directory: exit code, table, JUnit and SARIF."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from batch_harness.cli.main import main

from .conftest import FIXTURES

pytestmark = pytest.mark.posture


def test_posture_fails_and_names_the_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reports"
    code = main(["posture", str(FIXTURES / "sbatch_06_log_groups" / "fail"), "--output-dir", str(out)])
    printed = capsys.readouterr().out
    assert code == 1
    assert "CKV_SBATCH_6" in printed and "aws_cloudwatch_log_group.no_kms" in printed
    assert "main.tf:" in printed  # file:line of the offending resource
    assert "docs/posture.md#ckv_sbatch_6" in printed  # the guideline

    suites = ET.parse(out / "posture.junit.xml").getroot()
    failures = [
        case.get("name")
        for case in suites.iter("testcase")
        if case.find("failure") is not None and case.find("failure").get("type") == "check"
    ]
    assert "CKV_SBATCH_6 aws_cloudwatch_log_group.no_kms" in failures

    sarif = json.loads((out / "posture.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    hits = [r for r in results if r["ruleId"] == "CKV_SBATCH_6"]
    assert {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in hits} >= {
        "aws_cloudwatch_log_group.no_kms",
        "aws_cloudwatch_log_group.no_retention",
        "aws_cloudwatch_log_group.never_expire",
    }
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] > 0 for r in hits)

    posture = json.loads((out / "posture.json").read_text())
    (directory,) = posture["directories"]
    # The log group with a literal key ARN needs nothing resolved, but a first plan still
    # creates everything; one round against a synthetic state settles it.
    assert directory["plan"]["status"] == "resolved", directory["plan"]
    assert not directory["errors"]
