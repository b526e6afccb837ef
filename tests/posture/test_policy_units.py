"""Every custom policy on its passing and failing fixture blocks, through checkov's resource-level
API: no Terraform, no checkov run, milliseconds per verdict (see policy_units.py).

The same table (policy_cases.EXPECTED) is read from the full posture scan in test_policies.py,
which also holds the plan-only verdicts; test_policies.py proves that the verdicts here are the
ones checkov's HCL scan reaches.
"""

from __future__ import annotations

import pytest
from checkov.common.checks.base_check import BaseCheck

from batch_harness.posture import CUSTOM_CHECKS

from .policy_cases import EXPECTED, FIXTURES, fixture_file
from .policy_units import Verdict, block_type_of, check_for, load_blocks, policy_checks, verdict

HCL_CASES = [e for e in EXPECTED if "hcl" in e[5]]
PLAN_ONLY = [e for e in EXPECTED if "hcl" not in e[5]]


def unit_verdict(fixture: str, variant: str, address: str, check_id: str) -> Verdict:
    path = fixture_file(fixture, variant)
    return verdict(check_for(check_id, block_type_of(path, address)), path, address)


@pytest.mark.parametrize(
    ("fixture", "variant", "resource", "check_id", "status", "scans"),
    HCL_CASES,
    ids=[f"{e[3]}-{e[1]}-{e[2]}" for e in HCL_CASES],
)
def test_policy_verdict(fixture, variant, resource, check_id, status, scans) -> None:
    result = unit_verdict(fixture, variant, resource, check_id)
    assert result.status == status, result.details
    if status == "FAILED":
        assert result.details, "a failure must say what is wrong"
        assert not any(d.startswith("sbatch-unknown") for d in result.details), result.details


@pytest.mark.parametrize(
    ("fixture", "variant", "resource", "check_id", "status", "scans"),
    PLAN_ONLY,
    ids=[f"{e[3]}-{e[1]}-{e[2]}" for e in PLAN_ONLY],
)
def test_plan_only_cases_are_unknown_not_guessed_in_hcl(fixture, variant, resource, check_id, status, scans) -> None:
    """A value the HCL cannot show (a data document's JSON, an ARN inside jsonencode) makes the
    check say UNKNOWN with its reason, never PASSED; the plan scan judges these (test_policies)."""
    result = unit_verdict(fixture, variant, resource, check_id)
    assert result.status == "UNKNOWN", result
    assert any(d.startswith(("sbatch-unknown:delegated:", "sbatch-unknown:unresolved:")) for d in result.details)


def test_unknowable_values_are_unknown_with_the_reason() -> None:
    """The coverage-gate fixture: checkov's HCL renderer leaves a for-expression unevaluated."""
    path = FIXTURES / "coverage_unknown" / "main.tf"
    for check_id in ("CKV_SBATCH_1", "CKV_SBATCH_2"):
        result = verdict(check_for(check_id, "resource"), path, "aws_batch_job_definition.unknowable")
        assert result.status == "UNKNOWN"
        assert any(d.startswith("sbatch-unknown:unresolved:") for d in result.details), result.details


def _policy_fixture(check_id: str) -> str:
    number = int(check_id.rsplit("_", 1)[1])
    (policy_dir,) = FIXTURES.glob(f"sbatch_{number:02d}_*")
    return policy_dir.name


@pytest.mark.parametrize("check", policy_checks(), ids=[f"{c.id}-{c.block_type}" for c in policy_checks()])
def test_every_block_of_a_policy_fixture_is_asserted(check: BaseCheck) -> None:
    """Each block the policy judges in its fixtures: nothing fails in the passing variant, and the
    failing variant fails exactly the blocks listed in EXPECTED."""
    fixture = _policy_fixture(check.id)
    for variant in ("pass", "fail"):
        path = fixture_file(fixture, variant)
        judged = {
            address: verdict(check, path, address)
            for kind, address in load_blocks(path)
            if kind == check.block_type and address.split(".", 1)[0] in check.supported_entities
        }
        failed = {address for address, result in judged.items() if result.status == "FAILED"}
        listed = {
            e[2]
            for e in HCL_CASES
            if e[:2] == (fixture, variant) and e[3] == check.id and e[4] == "FAILED" and e[2] in judged
        }
        assert failed == listed, f"{variant}: failed {sorted(failed)}, EXPECTED lists {sorted(listed)}"


def uncovered(checks: list[BaseCheck], cases: list[tuple[str, str, str, str, str, tuple[str, ...]]]) -> list[str]:
    """Checks without a passing and a failing unit case of their own block type."""
    missing = []
    for check in checks:
        statuses = {
            e[4]
            for e in cases
            if e[3] == check.id and block_type_of(fixture_file(e[0], e[1]), e[2]) == check.block_type
        }
        missing += [f"{check.id} ({check.block_type}): no {s} case" for s in ("PASSED", "FAILED") if s not in statuses]
    return missing


def test_every_custom_check_has_a_passing_and_a_failing_unit_case() -> None:
    """Coverage gate: a policy (or a new block type of one) without unit cases fails here."""
    checks = policy_checks()
    assert {c.id for c in checks} == {c.check_id for c in CUSTOM_CHECKS}, "policy files and catalog disagree"
    assert not uncovered(checks, HCL_CASES)


def test_the_coverage_gate_names_a_check_without_cases() -> None:
    without_log_groups = [e for e in HCL_CASES if e[3] != "CKV_SBATCH_6"]
    assert uncovered(policy_checks(), without_log_groups) == [
        "CKV_SBATCH_6 (resource): no PASSED case",
        "CKV_SBATCH_6 (resource): no FAILED case",
    ]
