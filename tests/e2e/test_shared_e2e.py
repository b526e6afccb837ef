"""The ``shared_e2e`` fixture's bookkeeping, without an apply: checks run at their phase in
registration order, a failing check is recorded (and raised again only to the test that asks for
it) while the run and the other checks go on, a run is made once per name, and asking for the
same name with other settings is refused. The run itself is ``run_e2e``'s hook calls, replayed by
``replay`` in the order the harness makes them (apply, second plan, smoke, destroy)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import batch_harness.pytest_plugin as plugin
from batch_harness.run.e2e import Run, RunOptions, RunReport

STACK = "bookkeeping"


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> list[RunOptions]:
    made: list[RunOptions] = []

    def replay(options: RunOptions) -> RunReport:
        made.append(options)
        run = Run(options, run_id="bh000000")
        for hook in (options.after_apply, options.after_smoke, options.before_destroy):
            assert hook is not None
            hook(run)
        return run.report

    monkeypatch.setattr("batch_harness.run.e2e.run_e2e", replay)
    monkeypatch.setitem(plugin._CHECKS, STACK, [])
    return made


def test_checks_run_at_their_phase_and_failures_reach_only_their_test(runs, tmp_path_factory, tmp_path):
    order: list[str] = []

    @plugin.stack_check(STACK, phase="before_destroy")
    def last(run: Run) -> str:
        order.append("before_destroy")
        return run.run_id

    @plugin.stack_check(STACK, phase="after_apply")
    def broken(run: Run) -> None:
        order.append("after_apply")
        raise AssertionError("the widened role was not reported")

    @plugin.stack_check(STACK, phase="after_smoke")
    def middle(run: Run) -> dict[str, Any]:
        order.append("after_smoke")
        return {"seen": True}

    shared = plugin.SharedE2E(tmp_path_factory)
    first = shared(STACK, tmp_path, env={"TF_LOG": "DEBUG"}, build_images=False)
    assert order == ["after_apply", "after_smoke", "before_destroy"]
    assert first.check(last) == "bh000000" and first.check(middle) == {"seen": True}
    with pytest.raises(AssertionError, match="the widened role was not reported"):
        first.check(broken)
    assert first.checks[plugin.check_name(broken)].phase == "after_apply"

    # Made once: the second test of the stack reads the same run.
    assert shared(STACK, tmp_path, env={"TF_LOG": "DEBUG"}, build_images=False) is first
    assert len(runs) == 1 and runs[0].config_dir == tmp_path and runs[0].build_images is False
    with pytest.raises(ValueError, match="already run with other settings"):
        shared(STACK, tmp_path, build_images=True)


def test_env_is_set_only_during_the_run(runs, tmp_path_factory, tmp_path, monkeypatch):
    import os

    monkeypatch.delenv("BATCH_HARNESS_TEST_VARIABLE", raising=False)

    @plugin.stack_check(STACK, phase="after_apply")
    def variable(run: Run) -> str | None:
        return os.environ.get("BATCH_HARNESS_TEST_VARIABLE")

    shared = plugin.SharedE2E(tmp_path_factory)
    result = shared(STACK, tmp_path, env={"BATCH_HARNESS_TEST_VARIABLE": "on"})
    assert result.check(variable) == "on"
    assert "BATCH_HARNESS_TEST_VARIABLE" not in os.environ


def test_a_check_that_never_ran_fails_its_test(runs, tmp_path_factory, tmp_path):
    shared = plugin.SharedE2E(tmp_path_factory)
    result = shared(STACK, tmp_path)

    def unregistered(run: Run) -> None:
        return None

    with pytest.raises(pytest.fail.Exception, match="did not run on shared stack"):
        result.check(unregistered)
    with pytest.raises(TypeError, match="sets after_apply itself"):
        shared("other", Path(tmp_path), after_apply=unregistered)
