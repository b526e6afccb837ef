"""The checkov scan service: one import of checkov per posture run, one forked child per scan.

A forked scan must give exactly what a scan in a fresh process gives, two scans in flight must
not mix, and a scan that cannot run must fail loudly with its reason.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from batch_harness.posture import POLICY_DIR
from batch_harness.posture.runner import CheckovService, run_checkov_worker

from .conftest import FIXTURES

pytestmark = pytest.mark.posture

LOG_GROUPS = FIXTURES / "sbatch_06_log_groups" / "fail"
SFN = FIXTURES / "sbatch_11_sfn_logging" / "fail"


def _spec(directory: Path, work: Path, policies: Path = POLICY_DIR) -> dict[str, Any]:
    hcl = work / "hcl"
    shutil.copytree(directory, hcl)
    return {"hcl_dir": str(hcl), "plan_file": None, "workdir": str(work), "policies_dir": str(policies)}


def _verdicts(worker: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(r["check_id"], r["resource"], r["result"]) for report in worker["reports"] for r in report["records"]}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CheckovService]:
    started = CheckovService(POLICY_DIR, tmp_path_factory.mktemp("service"))
    yield started
    started.close()
    assert started.returncode == 0, "the service ends cleanly when its input closes"


def test_forked_scans_match_a_fresh_process_and_do_not_mix(service: CheckovService, tmp_path: Path) -> None:
    fresh = run_checkov_worker(_spec(LOG_GROUPS, tmp_path / "fresh"), tmp_path / "fresh")
    # Both requests are in flight at once: the service forks a child for each.
    with ThreadPoolExecutor(2) as pool:
        logs = pool.submit(service.scan, _spec(LOG_GROUPS, tmp_path / "a"), tmp_path / "a")
        sfn = pool.submit(service.scan, _spec(SFN, tmp_path / "b"), tmp_path / "b")
        forked_logs, forked_sfn = logs.result(), sfn.result()
    assert _verdicts(forked_logs) == _verdicts(fresh)
    assert ("CKV_SBATCH_6", "aws_cloudwatch_log_group.no_kms", "FAILED") in _verdicts(forked_logs)
    assert forked_logs["loaded_custom_checks"] == fresh["loaded_custom_checks"]
    assert not {r for r in _verdicts(forked_sfn) if "log_group" in r[1]}
    assert ("CKV_SBATCH_11", "aws_sfn_state_machine.off", "FAILED") in _verdicts(forked_sfn)


def test_a_scan_that_cannot_run_fails_with_its_reason(service: CheckovService, tmp_path: Path) -> None:
    broken = _spec(LOG_GROUPS, tmp_path / "broken")
    broken["plan_file"] = str(tmp_path / "no-such-plan.json")
    with pytest.raises(RuntimeError, match=r"no-such-plan\.json"):
        service.scan(broken, tmp_path / "broken")
    other_policies = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, other_policies)
    with pytest.raises(RuntimeError, match="started for"):
        service.scan(_spec(LOG_GROUPS, tmp_path / "other", other_policies), tmp_path / "other")
    # The service still answers after both.
    assert ("CKV_SBATCH_11", "aws_sfn_state_machine.off", "FAILED") in _verdicts(
        service.scan(_spec(SFN, tmp_path / "after"), tmp_path / "after")
    )
