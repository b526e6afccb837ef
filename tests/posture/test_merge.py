"""How the runner merges the HCL and plan scans (pure: fabricated checkov worker output)."""

from __future__ import annotations

from pathlib import Path

from batch_harness.posture.findings import PathMap, merge

UNEXPANDED = "module.jobs.aws_batch_job_definition.this"
INSTANCE_A = 'module.jobs["a"].aws_batch_job_definition.this'
INSTANCE_B = 'module.jobs["b"].aws_batch_job_definition.this'
PATHS = PathMap(Path("/scratch"), Path("/repo"), Path("/repo"))


def _record(result: str, check: str, resource: str, *details: str, comment: str | None = None, block="resource"):
    return {
        "result": result,
        "check_id": check,
        "check_name": check,
        "block_type": block,
        "resource": resource,
        "file_path": "/main.tf",
        "file_abs_path": "/scratch/modules/jobs/main.tf",
        "file_line_range": [3, 9],
        "guideline": None,
        "details": list(details),
        "suppress_comment": comment,
    }


def _worker(hcl: list[dict], plan: list[dict] | None, plan_resources: list[str] = ()) -> dict:
    reports = [{"check_type": "terraform", "resources": [], "parsing_errors": [], "records": hcl}]
    if plan is not None:
        reports.append(
            {
                "check_type": "terraform_plan",
                "resources": [f"/plan.json:{r}" for r in plan_resources],
                "parsing_errors": [],
                "records": plan,
            }
        )
    return {"reports": reports, "loaded_custom_checks": {}}


def _by(findings):
    return {(f.check_id, f.resource): f for f in findings}


def test_unexpanded_hcl_unknown_is_covered_by_plan_instances() -> None:
    worker = _worker(
        [_record("UNKNOWN", "CKV_SBATCH_1", UNEXPANDED, "sbatch-unknown:unresolved: privileged is each.value.x")],
        [_record("PASSED", "CKV_SBATCH_1", INSTANCE_A), _record("FAILED", "CKV_SBATCH_1", INSTANCE_B, "privileged")],
        [INSTANCE_A, INSTANCE_B],
    )
    findings, errors = merge(worker, PATHS, "plan.json", plan_scanned=True)
    by = _by(findings)
    assert set(by) == {("CKV_SBATCH_1", INSTANCE_A), ("CKV_SBATCH_1", INSTANCE_B)}
    assert by[("CKV_SBATCH_1", INSTANCE_B)].status == "FAILED"
    assert by[("CKV_SBATCH_1", INSTANCE_B)].file == "modules/jobs/main.tf"  # located through the HCL block
    assert not errors


def test_same_unknown_without_a_plan_is_a_gap() -> None:
    worker = _worker([_record("UNKNOWN", "CKV_SBATCH_1", UNEXPANDED, "sbatch-unknown:unresolved: x")], None)
    findings, _ = merge(worker, PATHS, None, plan_scanned=False)
    (gap,) = findings
    assert gap.status == "NOT_EVALUATED" and "plan: not scanned" in gap.details


def test_resources_the_plan_does_not_create_are_dropped() -> None:
    worker = _worker([_record("FAILED", "CKV_AWS_297", UNEXPANDED)], [], [])
    findings, _ = merge(worker, PATHS, "plan.json", plan_scanned=True)
    assert findings == []


def test_inline_skip_in_hcl_covers_every_plan_instance() -> None:
    worker = _worker(
        [_record("SKIPPED", "CKV_AWS_338", UNEXPANDED, comment="retention is the caller's input")],
        [_record("FAILED", "CKV_AWS_338", INSTANCE_A), _record("FAILED", "CKV_AWS_338", INSTANCE_B)],
        [INSTANCE_A, INSTANCE_B],
    )
    findings, errors = merge(worker, PATHS, "plan.json", plan_scanned=True)
    assert {(f.resource, f.status) for f in findings} == {(INSTANCE_A, "SKIPPED"), (INSTANCE_B, "SKIPPED")}
    assert all(f.suppress_comment == "retention is the caller's input" for f in findings)
    assert not errors


def test_failure_in_either_scan_fails() -> None:
    worker = _worker(
        [_record("FAILED", "CKV_AWS_66", "aws_cloudwatch_log_group.x")],
        [_record("PASSED", "CKV_AWS_66", "aws_cloudwatch_log_group.x")],
        ["aws_cloudwatch_log_group.x"],
    )
    (finding,), _ = merge(worker, PATHS, "plan.json", plan_scanned=True)
    assert finding.status == "FAILED" and finding.modes == {"hcl": "FAILED", "plan": "PASSED"}


def test_document_the_hcl_cannot_render_is_covered_by_its_users_in_the_plan() -> None:
    doc = "module.m.aws_iam_policy_document.job"
    user = "module.m.aws_iam_role_policy.job"
    worker = _worker(
        [
            _record("UNKNOWN", "CKV_SBATCH_5", doc, "sbatch-unknown:unresolved: dynamic", block="data"),
            _record(
                "UNKNOWN",
                "CKV_SBATCH_5",
                user,
                "sbatch-unknown:delegated: policy is data.aws_iam_policy_document.job.json; checked on its own",
            ),
        ],
        [_record("FAILED", "CKV_SBATCH_5", user, "s3:*")],
        [user],
    )
    findings, _ = merge(worker, PATHS, "plan.json", plan_scanned=True)
    assert [(f.resource, f.status) for f in findings] == [(user, "FAILED")]


def test_document_without_a_judged_user_is_a_gap() -> None:
    doc = "module.m.aws_iam_policy_document.job"
    worker = _worker([_record("UNKNOWN", "CKV_SBATCH_5", doc, "sbatch-unknown:unresolved: dynamic", block="data")], [])
    (gap,), _ = merge(worker, PATHS, "plan.json", plan_scanned=True)
    assert gap.status == "NOT_EVALUATED"


def test_loaded_custom_check_without_any_record_is_a_gap() -> None:
    worker = _worker([], None)
    worker["reports"][0]["resources"] = ["/main.tf:aws_sfn_state_machine.sm"]
    worker["loaded_custom_checks"] = {"CKV_SBATCH_11": {"name": "sfn logs", "resource": ["aws_sfn_state_machine"]}}
    (gap,), _ = merge(worker, PATHS, None, plan_scanned=False)
    assert (gap.check_id, gap.resource, gap.status) == ("CKV_SBATCH_11", "aws_sfn_state_machine.sm", "NOT_EVALUATED")
