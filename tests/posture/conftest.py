"""Posture test fixtures: each expensive scan runs once per session (the tests using it share an xdist group)."""

from __future__ import annotations

from pathlib import Path

import pytest

from batch_harness.posture import PostureResult, run_posture
from batch_harness.posture.results import DirectoryResult, Finding

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SUITE = FIXTURES / "suite"


@pytest.fixture(scope="session")
def suite_result(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> PostureResult:
    """Every policy fixture (plus the coverage fixture) scanned as one root: HCL and plan."""
    return run_posture([SUITE], output_dir=tmp_path_factory.mktemp("posture-suite"), display_base=repo_root)


def finding(directory: DirectoryResult, check_id: str, resource: str) -> Finding:
    matches = [f for f in directory.findings if f.check_id == check_id and f.resource == resource]
    assert matches, f"no {check_id} result for {resource}; have: " + ", ".join(
        sorted({f.resource for f in directory.findings if f.check_id == check_id})
    )
    assert len(matches) == 1, matches
    return matches[0]
