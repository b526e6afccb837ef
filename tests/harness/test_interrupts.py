"""Ctrl-C / SIGTERM handling and the cleanup policy, with fakes (the real thing: tests/e2e)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from batch_harness import e2e as e2e_module
from batch_harness.e2e import Run, RunOptions
from batch_harness.interrupts import (
    Interrupted,
    SignalGuard,
    Watchdog,
    child_pids,
    reap_children,
    terraform_children,
)
from batch_harness.workspace import Workspace

main_thread_only = pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(), reason="signal handlers need the main thread"
)


def fake_terraform(tmp_path: Path, *, ignore_int: bool = False) -> subprocess.Popen[bytes]:
    """A child process named ``terraform`` that records the SIGINT it gets."""
    script = tmp_path / "terraform"
    marker = tmp_path / "got-sigint"
    handler = "true" if ignore_int else f"echo got > {marker}; exit 0"
    script.write_text(f"#!/bin/sh\ntrap '{handler}' INT\nwhile true; do sleep 0.05; done\n")
    script.chmod(0o755)
    process = subprocess.Popen([str(script)])
    deadline = time.monotonic() + 5
    while process.pid not in terraform_children() and time.monotonic() < deadline:
        time.sleep(0.02)
    return process


@main_thread_only
def test_first_signal_raises_interrupted_and_forwards_to_terraform(tmp_path):
    process = fake_terraform(tmp_path)
    try:
        with pytest.raises(Interrupted) as raised, SignalGuard(log=lambda m: None) as guard:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # never reached: the handler raises
        assert raised.value.signum == signal.SIGTERM and raised.value.exit_code == 128 + signal.SIGTERM
        assert guard.interrupted
        assert reap_children([process.pid], timeout=5) == []  # it exited by itself, on SIGINT
        assert (tmp_path / "got-sigint").read_text().strip() == "got"
    finally:
        process.kill()


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


def test_watchdog_interrupts_terraform_that_runs_too_long(tmp_path):
    process = fake_terraform(tmp_path)
    messages: list[str] = []
    with Watchdog(0.2, "terraform destroy", messages.append, grace=5) as watchdog:
        assert process.wait(timeout=10) == 0  # it exited on the watchdog's SIGINT
    assert watchdog.fired and "terraform destroy still running after 0s" in messages[0]
    assert (tmp_path / "got-sigint").is_file()


def test_watchdog_stays_quiet_when_the_command_finishes_in_time(tmp_path):
    with Watchdog(30, "terraform apply", lambda m: pytest.fail(m)) as watchdog:
        pass
    assert not watchdog.fired


def test_reap_kills_children_that_do_not_exit(tmp_path):
    process = fake_terraform(tmp_path, ignore_int=True)
    os.kill(process.pid, signal.SIGINT)
    assert reap_children([process.pid], timeout=0.5) == [process.pid]
    assert process.pid not in child_pids()


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
    assert sys.platform.startswith("linux")


@pytest.mark.parametrize(
    "field",
    ["plan_changes", "leaks", "errors"],
)
def test_any_problem_fails_the_run(tmp_path, field):
    report = e2e_module.RunReport("r", "local", str(tmp_path))
    assert report.ok and report.exit_code == 0
    getattr(report, field).append("something")
    assert not report.ok and report.exit_code == 1
