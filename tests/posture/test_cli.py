"""`batch-harness posture DIR ...` on failing directories: exit code, table, JUnit, SARIF and JSON.

The session's posture scan is this CLI run (conftest.py); the policy fixture suite in it fails.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from .conftest import FIXTURES, SUITE, PostureScan, reads_the_scan

NO_KMS = "module.sbatch_06_log_groups_fail.aws_cloudwatch_log_group.no_kms"


def table_rows(printed: str) -> list[list[str]]:
    """The cells of the CLI's table, each row's folded lines joined back together."""
    rows: list[list[str]] = []
    current: list[str] | None = None
    for line in printed.splitlines():
        if line.startswith(("┏", "┡", "├", "└")):  # rule lines between header and rows
            if current:
                rows.append(current)
            current = None
            continue
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip("│").split("│")]
        current = cells if current is None else [a + b for a, b in zip(current, cells, strict=True)]
    return rows


@reads_the_scan
def test_posture_fails_and_names_the_check(posture_scan: PostureScan, repo_root: Path) -> None:
    assert posture_scan.exit_code == 1
    rows = [r for r in table_rows(posture_scan.printed) if r[1].startswith("CKV_SBATCH_6") and NO_KMS in r[2]]
    assert len(rows) == 1, posture_scan.printed[-3000:]
    (status, _, _, location, why) = rows[0]
    assert status == "FAILED"
    assert "main.tf:" in location  # file:line of the offending resource
    assert "docs/posture.md#ckv_sbatch_6" in why  # the guideline

    suites = ET.parse(posture_scan.output_dir / "posture.junit.xml").getroot()
    failures = [
        case.get("name")
        for case in suites.iter("testcase")
        if case.find("failure") is not None and case.find("failure").get("type") == "check"
    ]
    assert f"CKV_SBATCH_6 {NO_KMS}" in failures

    sarif = json.loads((posture_scan.output_dir / "posture.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    hits = [r for r in results if r["ruleId"] == "CKV_SBATCH_6"]
    log_groups = "module.sbatch_06_log_groups_fail.aws_cloudwatch_log_group"
    assert {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in hits} >= {
        f"{log_groups}.no_kms",
        f"{log_groups}.no_retention",
        f"{log_groups}.never_expire",
    }
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] > 0 for r in hits)

    posture = json.loads((posture_scan.output_dir / "posture.json").read_text())
    by_name = {d["name"]: d for d in posture["directories"]}
    suite = by_name.pop(str(SUITE.relative_to(repo_root)))
    assert suite["plan"]["rounds"] >= 1
    # A log group with a literal key needs nothing resolved, but a first plan still creates
    # everything; a round against a synthetic state settles it (and every other directory).
    for name, directory in by_name.items():
        if not name.startswith(str(FIXTURES.relative_to(repo_root))):
            assert directory["plan"]["status"] == "resolved", (name, directory["plan"])
            assert not directory["errors"], (name, directory["errors"])
