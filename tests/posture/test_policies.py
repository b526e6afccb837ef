"""Each custom policy against its passing and failing fixture, in the HCL scan and the plan scan.

All fixtures are modules of one suite root (tests/posture/fixtures/suite), so the suite is
planned and scanned once, through the same runner the CLI uses.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from batch_harness.posture import CUSTOM_CHECKS

from .conftest import FIXTURES, SUITE, finding

# A session scan of several directories can take minutes on a busy 2-core machine.
pytestmark = [pytest.mark.posture, pytest.mark.xdist_group("posture-suite"), pytest.mark.timeout(2400)]

BOTH = ("hcl", "plan")
HCL = ("hcl",)  # data sources: checkov's plan scan does not read them
PLAN = ("plan",)  # the HCL renderer leaves these unevaluated; the resolved plan knows them

# (policy fixture, variant, resource, check, status, scans that must reach that status)
EXPECTED: list[tuple[str, str, str, str, str, tuple[str, ...]]] = [
    ("sbatch_01_privileged", "pass", "aws_batch_job_definition.container", "CKV_SBATCH_1", "PASSED", BOTH),
    ("sbatch_01_privileged", "pass", "aws_batch_job_definition.ecs", "CKV_SBATCH_1", "PASSED", BOTH),
    ("sbatch_01_privileged", "fail", "aws_batch_job_definition.container", "CKV_SBATCH_1", "FAILED", BOTH),
    ("sbatch_01_privileged", "fail", "aws_batch_job_definition.ecs", "CKV_SBATCH_1", "FAILED", BOTH),
    ("sbatch_01_privileged", "fail", "aws_batch_job_definition.node", "CKV_SBATCH_1", "FAILED", BOTH),
    ("sbatch_01_privileged", "fail", "aws_batch_job_definition.eks", "CKV_SBATCH_1", "FAILED", BOTH),
    ("sbatch_02_readonly_root", "pass", "aws_batch_job_definition.container", "CKV_SBATCH_2", "PASSED", BOTH),
    ("sbatch_02_readonly_root", "fail", "aws_batch_job_definition.omitted", "CKV_SBATCH_2", "FAILED", BOTH),
    ("sbatch_02_readonly_root", "fail", "aws_batch_job_definition.ecs_false", "CKV_SBATCH_2", "FAILED", BOTH),
    ("sbatch_03_env_secrets", "pass", "aws_batch_job_definition.container", "CKV_SBATCH_3", "PASSED", BOTH),
    ("sbatch_03_env_secrets", "pass", "aws_scheduler_schedule.nightly", "CKV_SBATCH_3", "PASSED", BOTH),
    ("sbatch_03_env_secrets", "fail", "aws_batch_job_definition.by_name", "CKV_SBATCH_3", "FAILED", BOTH),
    ("sbatch_03_env_secrets", "fail", "aws_batch_job_definition.by_value", "CKV_SBATCH_3", "FAILED", BOTH),
    ("sbatch_03_env_secrets", "fail", "aws_scheduler_schedule.override", "CKV_SBATCH_3", "FAILED", BOTH),
    ("sbatch_03_env_secrets", "fail", "aws_cloudwatch_event_target.override", "CKV_SBATCH_3", "FAILED", BOTH),
    ("sbatch_04_public_ip", "pass", "aws_batch_job_definition.explicit", "CKV_SBATCH_4", "PASSED", BOTH),
    ("sbatch_04_public_ip", "pass", "aws_batch_job_definition.default", "CKV_SBATCH_4", "PASSED", BOTH),
    ("sbatch_04_public_ip", "fail", "aws_batch_job_definition.container", "CKV_SBATCH_4", "FAILED", BOTH),
    ("sbatch_04_public_ip", "fail", "aws_batch_job_definition.ecs", "CKV_SBATCH_4", "FAILED", BOTH),
    ("sbatch_05_iam_actions", "pass", "aws_iam_policy.scoped", "CKV_SBATCH_5", "PASSED", BOTH),
    ("sbatch_05_iam_actions", "pass", "aws_iam_role.job", "CKV_SBATCH_5", "PASSED", BOTH),
    ("sbatch_05_iam_actions", "pass", "aws_iam_role_policy.job", "CKV_SBATCH_5", "PASSED", PLAN),
    ("sbatch_05_iam_actions", "pass", "aws_iam_role_policy_attachment.ecs", "CKV_SBATCH_5", "PASSED", BOTH),
    ("sbatch_05_iam_actions", "pass", "aws_iam_policy_document.job", "CKV_SBATCH_5", "PASSED", HCL),
    ("sbatch_05_iam_actions", "pass", "aws_iam_policy_document.key", "CKV_SBATCH_5", "PASSED", HCL),
    ("sbatch_05_iam_actions", "fail", "aws_iam_role_policy.star", "CKV_SBATCH_5", "FAILED", BOTH),
    ("sbatch_05_iam_actions", "fail", "aws_iam_role_policy.from_document", "CKV_SBATCH_5", "FAILED", PLAN),
    ("sbatch_05_iam_actions", "fail", "aws_iam_policy.not_action", "CKV_SBATCH_5", "FAILED", PLAN),
    ("sbatch_05_iam_actions", "fail", "aws_iam_policy.service_prefix_wildcard", "CKV_SBATCH_5", "FAILED", BOTH),
    ("sbatch_05_iam_actions", "fail", "aws_iam_role.inline", "CKV_SBATCH_5", "FAILED", BOTH),
    ("sbatch_05_iam_actions", "fail", "aws_iam_role.managed", "CKV_SBATCH_5", "FAILED", BOTH),
    ("sbatch_05_iam_actions", "fail", "aws_iam_role_policy_attachment.s3_full", "CKV_SBATCH_5", "FAILED", BOTH),
    ("sbatch_05_iam_actions", "fail", "aws_iam_policy_document.service_wildcard", "CKV_SBATCH_5", "FAILED", HCL),
    ("sbatch_05_iam_actions", "fail", "aws_iam_policy_document.not_action", "CKV_SBATCH_5", "FAILED", HCL),
    ("sbatch_06_log_groups", "pass", "aws_cloudwatch_log_group.literal_key", "CKV_SBATCH_6", "PASSED", BOTH),
    ("sbatch_06_log_groups", "pass", "aws_cloudwatch_log_group.created_key", "CKV_SBATCH_6", "PASSED", BOTH),
    ("sbatch_06_log_groups", "fail", "aws_cloudwatch_log_group.no_retention", "CKV_SBATCH_6", "FAILED", BOTH),
    ("sbatch_06_log_groups", "fail", "aws_cloudwatch_log_group.never_expire", "CKV_SBATCH_6", "FAILED", BOTH),
    ("sbatch_06_log_groups", "fail", "aws_cloudwatch_log_group.no_kms", "CKV_SBATCH_6", "FAILED", BOTH),
    ("sbatch_07_delivery_dlq_retry", "pass", "aws_cloudwatch_event_target.batch", "CKV_SBATCH_7", "PASSED", BOTH),
    ("sbatch_07_delivery_dlq_retry", "pass", "aws_scheduler_schedule.nightly", "CKV_SBATCH_7", "PASSED", BOTH),
    ("sbatch_07_delivery_dlq_retry", "fail", "aws_cloudwatch_event_target.no_dlq", "CKV_SBATCH_7", "FAILED", BOTH),
    ("sbatch_07_delivery_dlq_retry", "fail", "aws_cloudwatch_event_target.no_retry", "CKV_SBATCH_7", "FAILED", BOTH),
    ("sbatch_07_delivery_dlq_retry", "fail", "aws_scheduler_schedule.no_dlq", "CKV_SBATCH_7", "FAILED", BOTH),
    ("sbatch_07_delivery_dlq_retry", "fail", "aws_scheduler_schedule.no_retry", "CKV_SBATCH_7", "FAILED", BOTH),
    ("sbatch_08_trust_confused_deputy", "pass", "aws_iam_role.scheduler", "CKV_SBATCH_8", "PASSED", BOTH),
    ("sbatch_08_trust_confused_deputy", "pass", "aws_iam_role.events", "CKV_SBATCH_8", "PASSED", PLAN),
    ("sbatch_08_trust_confused_deputy", "pass", "aws_iam_policy_document.events_trust", "CKV_SBATCH_8", "PASSED", HCL),
    ("sbatch_08_trust_confused_deputy", "pass", "aws_iam_role.ecs_task", "CKV_SBATCH_8", "PASSED", BOTH),
    ("sbatch_08_trust_confused_deputy", "fail", "aws_iam_role.scheduler", "CKV_SBATCH_8", "FAILED", BOTH),
    ("sbatch_08_trust_confused_deputy", "fail", "aws_iam_role.states", "CKV_SBATCH_8", "FAILED", PLAN),
    ("sbatch_08_trust_confused_deputy", "fail", "aws_iam_policy_document.states_trust", "CKV_SBATCH_8", "FAILED", HCL),
    ("sbatch_08_trust_confused_deputy", "fail", "aws_iam_role.wildcard_condition", "CKV_SBATCH_8", "FAILED", BOTH),
    (
        "sbatch_09_job_timeout_roles",
        "pass",
        "aws_batch_job_definition.referenced_roles",
        "CKV_SBATCH_9",
        "PASSED",
        BOTH,
    ),
    ("sbatch_09_job_timeout_roles", "pass", "aws_batch_job_definition.literal_roles", "CKV_SBATCH_9", "PASSED", BOTH),
    ("sbatch_09_job_timeout_roles", "fail", "aws_batch_job_definition.no_timeout", "CKV_SBATCH_9", "FAILED", BOTH),
    ("sbatch_09_job_timeout_roles", "fail", "aws_batch_job_definition.same_role", "CKV_SBATCH_9", "FAILED", PLAN),
    ("sbatch_09_job_timeout_roles", "fail", "aws_batch_job_definition.no_job_role", "CKV_SBATCH_9", "FAILED", BOTH),
    ("sbatch_10_network", "pass", "aws_batch_compute_environment.fargate", "CKV_SBATCH_10", "PASSED", BOTH),
    ("sbatch_10_network", "pass", "aws_security_group.jobs", "CKV_SBATCH_10", "PASSED", BOTH),
    ("sbatch_10_network", "fail", "aws_batch_compute_environment.no_security_groups", "CKV_SBATCH_10", "FAILED", BOTH),
    ("sbatch_10_network", "fail", "aws_security_group.inline_ingress", "CKV_SBATCH_10", "FAILED", BOTH),
    ("sbatch_10_network", "fail", "aws_security_group_rule.ingress", "CKV_SBATCH_10", "FAILED", BOTH),
    ("sbatch_10_network", "fail", "aws_vpc_security_group_ingress_rule.ingress", "CKV_SBATCH_10", "FAILED", BOTH),
    ("sbatch_11_sfn_logging", "pass", "aws_sfn_state_machine.logged", "CKV_SBATCH_11", "PASSED", BOTH),
    ("sbatch_11_sfn_logging", "fail", "aws_sfn_state_machine.no_logging", "CKV_SBATCH_11", "FAILED", BOTH),
    ("sbatch_11_sfn_logging", "fail", "aws_sfn_state_machine.off", "CKV_SBATCH_11", "FAILED", BOTH),
    ("sbatch_12_schedule_manager", "pass", "aws_iam_policy.manager", "CKV_SBATCH_12", "PASSED", BOTH),
    ("sbatch_12_schedule_manager", "pass", "aws_iam_policy.unrelated", "CKV_SBATCH_12", "PASSED", BOTH),
    ("sbatch_12_schedule_manager", "fail", "aws_iam_policy.every_group", "CKV_SBATCH_12", "FAILED", BOTH),
    ("sbatch_12_schedule_manager", "fail", "aws_iam_policy.star", "CKV_SBATCH_12", "FAILED", BOTH),
    ("sbatch_12_schedule_manager", "fail", "aws_iam_role_policy.unconditioned_pass", "CKV_SBATCH_12", "FAILED", BOTH),
    ("sbatch_12_schedule_manager", "fail", "aws_iam_policy.wildcard_pass", "CKV_SBATCH_12", "FAILED", BOTH),
]


def _address(fixture: str, variant: str, resource: str) -> str:
    return f"module.{fixture}_{variant}.{resource}"


@pytest.mark.parametrize(
    ("fixture", "variant", "resource", "check_id", "status", "scans"),
    EXPECTED,
    ids=[f"{e[3]}-{e[1]}-{e[2]}" for e in EXPECTED],
)
def test_policy_result(suite_result, fixture, variant, resource, check_id, status, scans) -> None:
    (suite,) = suite_result.directories
    result = finding(suite, check_id, _address(fixture, variant, resource))
    assert result.status == status, result.details
    for scan in scans:
        assert result.modes.get(scan) == status, f"{scan} scan: {result.modes}"
    if status == "FAILED":
        assert result.details, "a failure must say what is wrong"
        assert result.file.endswith(f"{fixture}/{variant}/main.tf"), result.file
        assert result.lines[0] > 0


@pytest.mark.parametrize("check", CUSTOM_CHECKS, ids=[c.check_id for c in CUSTOM_CHECKS])
def test_every_policy_has_a_passing_and_a_failing_fixture(suite_result, check) -> None:
    """The passing fixture raises no finding of its policy; the failing one does, every time."""
    (suite,) = suite_result.directories
    number = int(check.check_id.rsplit("_", 1)[1])
    (policy_dir,) = FIXTURES.glob(f"sbatch_{number:02d}_*")
    own = [f for f in suite.findings if f.check_id == check.check_id]
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


def test_suite_plan_was_resolved(suite_result) -> None:
    """Role ARNs in jsonencode()d properties are unknown at plan time; the resolver fills them."""
    (suite,) = suite_result.directories
    assert suite.plan is not None and suite.plan.status in ("resolved", "partial"), suite.plan
    assert suite.plan.rounds >= 1
    same_role = finding(
        suite, "CKV_SBATCH_9", "module.sbatch_09_job_timeout_roles_fail.aws_batch_job_definition.same_role"
    )
    assert any("fixture-shared-role" in d for d in same_role.details), same_role.details


def test_unknowable_values_fail_the_coverage_gate(suite_result) -> None:
    """checkov drops UNKNOWN results; the gate reports them as NOT_EVALUATED with both reasons."""
    (suite,) = suite_result.directories
    for check_id in ("CKV_SBATCH_1", "CKV_SBATCH_2"):
        gap = finding(suite, check_id, "module.coverage_unknown.aws_batch_job_definition.unknowable")
        assert gap.status == "NOT_EVALUATED"
        assert gap.modes == {"hcl": "UNKNOWN", "plan": "UNKNOWN"}
        assert any(d.startswith("hcl: unresolved") for d in gap.details), gap.details
        assert any(d.startswith("plan: after-apply") for d in gap.details), gap.details
    assert not suite.ok


def test_custom_checks_have_docs(repo_root: Path) -> None:
    docs = (repo_root / "docs" / "posture.md").read_text()
    for check in CUSTOM_CHECKS:
        assert f'id="{check.check_id.lower()}"' in docs or f"### {check.check_id}" in docs, check.check_id
