"""Terraform with ``TF_LOG=DEBUG`` writes megabytes to stderr (every provider request and
response): the run must still finish and pass, not block on a full pipe. The session's shared run
of examples/minimal is that run (``stacks.DEBUG_LOGGED``); test_examples checks the rest of it."""

from __future__ import annotations

import pytest

from batch_harness.pytest_plugin import stack_check
from batch_harness.run.e2e import Run

from .stacks import DEBUG_LOGGED, example_run, group

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500), group(DEBUG_LOGGED)]


@stack_check(DEBUG_LOGGED, phase="after_apply")
def terraform_log_level(run: Run) -> str | None:
    """The log level every Terraform command of the run (apply included) was started with."""
    assert run.runner is not None
    return run.runner.env.get("TF_LOG")


def test_e2e_with_terraform_debug_logging_finishes_and_passes(shared_e2e):
    shared = example_run(shared_e2e, DEBUG_LOGGED)
    assert shared.check(terraform_log_level) == "DEBUG"
    summary = shared.summary()
    assert shared.report.errors == [], summary
    assert [s.name for s in shared.report.steps if not s.ok] == [], summary
    assert shared.report.ok and shared.report.exit_code == 0, summary
    assert [s.name for s in shared.report.steps][-2:] == ["destroy", "prove nothing is left"], summary
