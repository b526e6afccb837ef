"""The posture scan every ``posture_scan`` test reads: made once per session, through the CLI.

One ``batch-harness posture`` run over the root module, every example, the module used with
insecure inputs and the policy fixture suite: each directory is planned once, and one checkov
service scans them all. The tests that read it share one xdist group, so it runs once under
``make test``; ``-m "not posture_scan"`` leaves it out (the policies' unit tests do not need it).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from batch_harness.cli.main import main
from batch_harness.posture import PostureResult, default_directories
from batch_harness.posture import runner as posture_runner
from batch_harness.posture.results import DirectoryResult, Finding

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SUITE = FIXTURES / "suite"
BAD_INPUTS = FIXTURES / "module_bad_inputs"

# The marks of a test that reads the scan: one xdist group (one worker makes the scan; the name
# also ranks the group first among the suite's long units); a busy 2-core machine needs minutes.
SCAN = (
    pytest.mark.posture,
    pytest.mark.posture_scan,
    pytest.mark.xdist_group("posture-repo"),
    pytest.mark.timeout(2400),
)

F = TypeVar("F", bound=Callable[..., Any])


def reads_the_scan(test: F) -> F:
    for mark in SCAN:
        test = mark(test)
    return test


@dataclass
class PostureScan:
    result: PostureResult  # what the CLI's run_posture returned
    exit_code: int
    printed: str  # the CLI's table and summary lines
    output_dir: Path  # posture.junit.xml, posture.sarif, posture.json

    def directory(self, path: Path) -> DirectoryResult:
        (found,) = [d for d in self.result.directories if d.directory == path.resolve()]
        return found


@pytest.fixture(scope="session")
def posture_scan(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Iterator[PostureScan]:
    output_dir = tmp_path_factory.mktemp("posture")
    dirs = [*default_directories(repo_root), BAD_INPUTS, SUITE]
    returned: list[PostureResult] = []
    real_run_posture = posture_runner.run_posture

    def recorded(*args: Any, **kwargs: Any) -> PostureResult:
        returned.append(real_run_posture(*args, **kwargs))
        return returned[-1]

    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
        patch.setattr(posture_runner, "run_posture", recorded)  # the CLI looks it up when it runs
        patch.chdir(repo_root)  # the CLI shows paths relative to the working directory
        code = main(["posture", *map(str, dirs), "--output-dir", str(output_dir)])
    (result,) = returned
    yield PostureScan(result, code, printed.getvalue(), output_dir)


@pytest.fixture(scope="session")
def suite_result(posture_scan: PostureScan) -> DirectoryResult:
    """Every policy fixture (plus the coverage fixture) as one root: HCL and plan."""
    return posture_scan.directory(SUITE)


def finding(directory: DirectoryResult, check_id: str, resource: str) -> Finding:
    matches = [f for f in directory.findings if f.check_id == check_id and f.resource == resource]
    assert matches, f"no {check_id} result for {resource}; have: " + ", ".join(
        sorted({f.resource for f in directory.findings if f.check_id == check_id})
    )
    assert len(matches) == 1, matches
    return matches[0]
