"""Ctrl-C / SIGTERM handling and the cleanup policy, with fakes (the real thing: tests/e2e)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from batch_harness.run import e2e as e2e_module
from batch_harness.run.e2e import Run, RunOptions
from batch_harness.run.interrupts import Interrupted, SignalGuard
from batch_harness.run.workspace import Workspace

main_thread_only = pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(), reason="signal handlers need the main thread"
)


@main_thread_only
def test_signals_during_cleanup_do_not_abort_it_but_hurry_it():
    with SignalGuard(log=lambda m: None) as guard, guard.cleaning():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.1)
        finished = True
    assert finished and guard.forced and not guard.interrupted


@main_thread_only
def test_second_signal_after_the_first_sets_forced_without_raising_again():
    with SignalGuard(log=lambda m: None) as guard:
        with pytest.raises(Interrupted):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.1)
    assert guard.forced
    # Handlers are restored on exit.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_guard_is_a_no_op_outside_the_main_thread():
    result: list[Any] = []

    def body() -> None:
        with SignalGuard() as guard:
            result.append(guard._active)

    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    assert result == [False]


# -- the cleanup policy -----------------------------------------------------------------------


class FakeAccount:
    def __init__(self) -> None:
        self.stopped = 0
        self.account_id, self.region = "123456789012", "us-east-1"

    def stop(self) -> None:
        self.stopped += 1

    def client(self, service: str) -> Any:
        raise AssertionError("no API call expected")


class FakeRunner:
    workdir = Path("/nonexistent")

    def __init__(self) -> None:
        self.destroyed = 0

    def destroy(self, *args: Any) -> None:
        self.destroyed += 1

    def state_addresses(self) -> list[str]:
        return []


def make_run(tmp_path: Path, account: str) -> tuple[Run, FakeAccount, FakeRunner]:
    run = Run(RunOptions(config_dir=tmp_path, account=account, state_dir=tmp_path / "state"))
    run.account, run.runner = FakeAccount(), FakeRunner()
    run.workspace = Workspace(tmp_path / "state" / "e2e-x")
    run.workspace.root.mkdir(parents=True)
    run.apply_started = True
    return run, run.account, run.runner


def interrupted_guard() -> SignalGuard:
    guard = SignalGuard()
    guard.signum = signal.SIGINT
    return guard


def test_interrupted_local_run_discards_the_account_without_destroying(tmp_path):
    run, account, runner = make_run(tmp_path, "local")
    run.cleanup(interrupted_guard(), failed=False)
    assert (account.stopped, runner.destroyed) == (1, 0)
    assert not (tmp_path / "state").exists()  # workspace and the empty state folder are gone


def test_failed_run_destroys_and_sweeps_then_stops(tmp_path, monkeypatch):
    run, account, runner = make_run(tmp_path, "local")
    swept: list[bool] = []
    monkeypatch.setattr(Run, "leftovers", lambda self: swept.append(True) or [])
    run.cleanup(SignalGuard(), failed=True)
    assert (runner.destroyed, account.stopped, swept) == (1, 1, [True])
    assert run.report.leaks == []


def test_interrupted_aws_run_destroys_and_runs_the_janitor(tmp_path, monkeypatch):
    run, account, runner = make_run(tmp_path, "aws")
    janitor_runs: list[str] = []
    monkeypatch.setattr(Run, "leftovers", lambda self: [])
    monkeypatch.setattr(Run, "_janitor", lambda self: janitor_runs.append(self.run_id))
    run.cleanup(interrupted_guard(), failed=False)
    assert (runner.destroyed, janitor_runs, account.stopped) == (1, [run.run_id], 1)


def test_forced_cleanup_skips_destroy_but_still_stops_and_removes(tmp_path, monkeypatch):
    run, account, runner = make_run(tmp_path, "aws")
    monkeypatch.setattr(Run, "_janitor", lambda self: pytest.fail("janitor must be skipped when forced"))
    guard = interrupted_guard()
    guard.forced = True
    run.cleanup(guard, failed=False)
    assert (runner.destroyed, account.stopped) == (0, 1)
    assert not run.workspace.root.exists()


def test_a_failing_cleanup_step_is_reported_and_the_rest_still_runs(tmp_path):
    run, account, runner = make_run(tmp_path, "local")

    def broken_destroy(*args: Any) -> None:
        raise RuntimeError("destroy exploded")

    runner.destroy = broken_destroy  # type: ignore[method-assign]
    run.cleanup(SignalGuard(), failed=True)
    assert account.stopped == 1
    assert any("destroy exploded" in e for e in run.report.errors)
    assert not run.report.ok


def test_e2e_interrupted_before_anything_exists_exits_with_the_signal_code(tmp_path, monkeypatch):
    def interrupted_start(self: Run, *, detached: bool = False) -> None:
        raise Interrupted(signal.SIGINT)

    monkeypatch.setattr(Run, "start_account", interrupted_start)
    report = e2e_module.run_e2e(RunOptions(config_dir=tmp_path, state_dir=tmp_path / "state"))
    assert report.interrupted == signal.SIGINT and report.exit_code == 130
    assert not (tmp_path / "state").exists()


def test_interrupt_exit_code_is_distinct_from_failure(tmp_path):
    report = e2e_module.RunReport("r", "local", str(tmp_path), interrupted=signal.SIGTERM)
    assert report.exit_code == 143 and not report.ok


@pytest.mark.parametrize(
    "field",
    ["plan_changes", "leaks", "errors"],
)
def test_any_problem_fails_the_run(tmp_path, field):
    report = e2e_module.RunReport("r", "local", str(tmp_path))
    assert report.ok and report.exit_code == 0
    getattr(report, field).append("something")
    assert not report.ok and report.exit_code == 1
