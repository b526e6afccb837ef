"""Each custom policy against its passing and failing fixture, in the HCL scan and the plan scan.

All fixtures are modules of one suite root (tests/posture/fixtures/suite), planned and scanned
with the repository in the session's one posture scan (conftest.py). The policies' verdicts on
the HCL alone are unit-tested in test_policy_units.py; here the plan-only verdicts are checked,
every verdict reaches the gate through checkov's real run, and the unit level is proved to see
what checkov's HCL scan sees.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from batch_harness.posture import CUSTOM_CHECKS

from .conftest import FIXTURES, SCAN, SUITE, finding, reads_the_scan
from .policy_cases import EXPECTED
from .test_policy_units import unit_verdict


def _address(fixture: str, variant: str, resource: str) -> str:
    return f"module.{fixture}_{variant}.{resource}"


@pytest.mark.parametrize(
    ("fixture", "variant", "resource", "check_id", "status", "scans"),
    [pytest.param(*e, marks=SCAN) for e in EXPECTED],
    ids=[f"{e[3]}-{e[1]}-{e[2]}" for e in EXPECTED],
)
def test_policy_result(suite_result, fixture, variant, resource, check_id, status, scans) -> None:
    result = finding(suite_result, check_id, _address(fixture, variant, resource))
    assert result.status == status, result.details
    for mode in scans:
        assert result.modes.get(mode) == status, f"{mode} scan: {result.modes}"
    if status == "FAILED":
        assert result.details, "a failure must say what is wrong"
        assert result.file.endswith(f"{fixture}/{variant}/main.tf"), result.file
        assert result.lines[0] > 0
    # The unit level (checkov's resource-level API on the parsed HCL) sees what the HCL scan sees.
    unit = unit_verdict(fixture, variant, resource, check_id)
    assert result.modes.get("hcl", "UNKNOWN") == unit.status, (result.modes, unit)


@pytest.mark.parametrize("check", [pytest.param(c, marks=SCAN) for c in CUSTOM_CHECKS], ids=lambda c: c.check_id)
def test_every_policy_has_a_passing_and_a_failing_fixture(suite_result, check) -> None:
    """The passing fixture raises no finding of its policy; the failing one does, every time."""
    number = int(check.check_id.rsplit("_", 1)[1])
    (policy_dir,) = FIXTURES.glob(f"sbatch_{number:02d}_*")
    own = [f for f in suite_result.findings if f.check_id == check.check_id]
    passing = [f for f in own if f.resource.startswith(f"module.{policy_dir.name}_pass.")]
    failing = [f for f in own if f.resource.startswith(f"module.{policy_dir.name}_fail.")]
    assert passing and all(f.status == "PASSED" for f in passing), [(f.resource, f.status) for f in passing]
    assert any(f.status == "FAILED" for f in failing)
    listed = {e[2] for e in EXPECTED if e[0] == policy_dir.name and e[3] == check.check_id and e[4] == "FAILED"}
    actually_failed = {f.resource.split(".", 2)[2] for f in failing if f.status == "FAILED"}
    assert actually_failed == listed, "every failing fixture resource must be asserted in EXPECTED"


def test_suite_lists_every_fixture() -> None:
    text = (SUITE / "main.tf").read_text()
    sources = set(re.findall(r'source\s*=\s*"\.\./([^"]+)"', text))
    fixtures = {str(p.parent.relative_to(FIXTURES)) for p in FIXTURES.glob("*/*/main.tf")} | {
        str(p.parent.relative_to(FIXTURES)) for p in FIXTURES.glob("*/main.tf") if p.parent != SUITE
    }
    fixtures -= {d for d in fixtures if d.startswith("module_")}  # module fixtures need the repo root
    assert fixtures <= sources, f"add to fixtures/suite/main.tf: {sorted(fixtures - sources)}"


@reads_the_scan
def test_suite_plan_was_resolved(suite_result) -> None:
    """Role ARNs in jsonencode()d properties are unknown at plan time; the resolver fills them."""
    assert suite_result.plan is not None and suite_result.plan.status in ("resolved", "partial"), suite_result.plan
    assert suite_result.plan.rounds >= 1
    same_role = finding(
        suite_result, "CKV_SBATCH_9", "module.sbatch_09_job_timeout_roles_fail.aws_batch_job_definition.same_role"
    )
    assert any("fixture-shared-role" in d for d in same_role.details), same_role.details


@reads_the_scan
def test_unknowable_values_fail_the_coverage_gate(suite_result) -> None:
    """checkov drops UNKNOWN results; the gate reports them as NOT_EVALUATED with both reasons."""
    for check_id in ("CKV_SBATCH_1", "CKV_SBATCH_2"):
        gap = finding(suite_result, check_id, "module.coverage_unknown.aws_batch_job_definition.unknowable")
        assert gap.status == "NOT_EVALUATED"
        assert gap.modes == {"hcl": "UNKNOWN", "plan": "UNKNOWN"}
        assert any(d.startswith("hcl: unresolved") for d in gap.details), gap.details
        assert any(d.startswith("plan: after-apply") for d in gap.details), gap.details
    assert not suite_result.ok


def test_custom_checks_have_docs(repo_root: Path) -> None:
    docs = (repo_root / "docs" / "posture.md").read_text()
    for check in CUSTOM_CHECKS:
        assert f'id="{check.check_id.lower()}"' in docs or f"### {check.check_id}" in docs, check.check_id
