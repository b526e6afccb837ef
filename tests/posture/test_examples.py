"""The gate on this repository: the root module and every example pass with zero failed checks,
every inline skip is documented, and the module used with insecure inputs is caught."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from batch_harness.posture import PostureResult, default_directories

from .conftest import BAD_INPUTS, SCAN, PostureScan, finding, reads_the_scan


@pytest.fixture(scope="session")
def repo_result(posture_scan: PostureScan) -> PostureResult:
    return posture_scan.result


def _module_dirs(result: PostureResult):
    """The root module and the examples (the scan also holds the bad-inputs and policy fixtures)."""
    fixtures = BAD_INPUTS.parent.resolve()
    return [d for d in result.directories if not d.directory.is_relative_to(fixtures)]


def test_default_directories_are_the_root_module_and_every_example(repo_root: Path) -> None:
    dirs = default_directories(repo_root)
    assert dirs[0] == repo_root
    examples = {p.parent for p in (repo_root / "examples").glob("*/*.tf")}
    assert set(dirs[1:]) == examples


@reads_the_scan
def test_module_and_examples_pass_with_zero_failed_checks(repo_result: PostureResult) -> None:
    report = []
    for d in _module_dirs(repo_result):
        report += [f"{d.name}: error: {e}" for e in d.errors]
        report += [f"{d.name}: {f.status} {f.check_id} {f.resource} ({f.location}) {f.details}" for f in d.failed]
        report += [f"{d.name}: {f.status} {f.check_id} {f.resource} ({f.location}) {f.details}" for f in d.gaps]
    assert not report, "\n".join(report)


@reads_the_scan
def test_every_plan_was_made_and_resolved(repo_result: PostureResult) -> None:
    for d in _module_dirs(repo_result):
        assert d.plan is not None and d.plan.ok, (d.name, d.plan)
        assert not d.plan.pending, (d.name, d.plan.pending)


def _documented_skips(repo_root: Path) -> set[tuple[str, str]]:
    docs = (repo_root / "docs" / "posture.md").read_text()
    table = docs.split("## Inline skips", 1)[1].split("\n## ", 1)[0]
    return {
        (m.group(1), m.group(2))
        for m in re.finditer(r"^\|\s*`?(CKV\w+)`?\s*\|[^|]*\|\s*`?([^|`]+?)`?\s*\|", table, re.MULTILINE)
    }


def _skip_comments(repo_root: Path) -> set[tuple[str, str]]:
    """(check, file) of every ``#checkov:skip`` in the module and the examples."""
    found = set()
    for tf in [*repo_root.glob("*.tf"), *repo_root.glob("modules/**/*.tf"), *repo_root.glob("examples/**/*.tf")]:
        if ".terraform" in tf.parts:
            continue
        for match in re.finditer(r"(?:checkov|bridgecrew):skip=([\w,]+)", tf.read_text()):
            for check_id in match.group(1).split(","):
                found.add((check_id, str(tf.relative_to(repo_root))))
    return found


def test_skip_table_matches_the_skip_comments(repo_root: Path) -> None:
    documented, present = _documented_skips(repo_root), _skip_comments(repo_root)
    assert not present - documented, f"add to the Inline skips table of docs/posture.md: {sorted(present - documented)}"
    assert not documented - present, (
        f"no such skip any more, remove from docs/posture.md: {sorted(documented - present)}"
    )


@reads_the_scan
def test_every_applied_skip_is_documented(repo_result: PostureResult, repo_root: Path) -> None:
    applied = {(f.check_id, f.file) for d in _module_dirs(repo_result) for f in d.skipped}
    missing = sorted(applied - _documented_skips(repo_root))
    assert not missing, f"add these inline skips to docs/posture.md (check, file): {missing}"


# (check, resource in the module used with bad inputs)
BAD_INPUT_FINDINGS = [
    ("CKV_SBATCH_3", 'module.batch.module.job["leaky"].aws_batch_job_definition.this'),
    ("CKV_SBATCH_2", 'module.batch.module.job["leaky"].aws_batch_job_definition.this'),
]


@pytest.mark.parametrize(
    ("check_id", "resource"),
    [pytest.param(*f, marks=SCAN) for f in BAD_INPUT_FINDINGS],
    ids=[c for c, _ in BAD_INPUT_FINDINGS],
)
def test_module_with_insecure_inputs_is_caught(repo_result: PostureResult, check_id: str, resource: str) -> None:
    (bad,) = [d for d in repo_result.directories if d.directory == BAD_INPUTS.resolve()]
    result = finding(bad, check_id, resource)
    assert result.status == "FAILED", (result.modes, result.details)
    assert result.modes.get("plan") == "FAILED", "the resolved plan sees the rendered job definition"
    assert not bad.ok


@reads_the_scan
def test_module_with_insecure_iam_inputs_is_caught(repo_result: PostureResult) -> None:
    (bad,) = [d for d in repo_result.directories if d.directory == BAD_INPUTS.resolve()]
    failed = {(f.check_id, f.resource) for f in bad.failed}
    iam = {r for c, r in failed if c == "CKV_SBATCH_5"}
    assert any("s3:*" in d for f in bad.failed if f.check_id == "CKV_SBATCH_5" for d in f.details), failed
    assert any("AmazonS3FullAccess" in d for f in bad.failed if f.check_id == "CKV_SBATCH_5" for d in f.details), iam
