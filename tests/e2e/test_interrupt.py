"""Ctrl-C in the middle of `terraform apply`: the run stops, and leaves no emulator, no Terraform
process, no resources (the account is gone) and no state behind."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time

import pytest

from batch_harness.emulator.account import pid_alive

from .support import REPO, port_open, processes_mentioning

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


def read_until(process: subprocess.Popen[str], pattern: str, timeout: float, seen: list[str]) -> re.Match[str]:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    regex = re.compile(pattern)
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 1.0)
        if not ready:
            if process.poll() is not None:
                break
            continue
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        match = regex.search(line)
        if match:
            return match
    raise AssertionError(f"no line matching {pattern!r} within {timeout}s:\n{''.join(seen)}")


def test_sigint_during_apply_leaves_nothing(tmp_path):
    sig = signal.SIGINT  # SIGTERM takes the same path (tests/harness/test_interrupts.py)
    state = tmp_path / "state"
    process = subprocess.Popen(
        [sys.executable, "-m", "batch_harness.cli", "e2e", "examples/minimal", "--state-dir", str(state)],
        cwd=REPO,
        env={**os.environ, "COLUMNS": "200", "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen: list[str] = []
    try:
        started = read_until(process, r"local emulator http://127\.0\.0\.1:(\d+) \(pid (\d+)\)", 180, seen)
        port, emulator_pid = int(started.group(1)), int(started.group(2))
        read_until(process, r"\bapply …", 180, seen)
        # Let Terraform get going: resources are being created when the signal arrives.
        deadline = time.monotonic() + 60
        while not list(state.glob("e2e-*/config/**/terraform.tfstate")) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(3)
        assert process.poll() is None, "".join(seen)
        process.send_signal(sig)
        output, _ = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
    output = "".join(seen) + output

    assert process.returncode == 128 + sig, output
    assert f"{signal.Signals(sig).name} received" in output and "interrupted" in output
    assert "PASSED" not in output
    assert not pid_alive(emulator_pid), "the emulator survived the interrupt"
    assert not port_open(port), "something still listens on the emulator's port"
    assert processes_mentioning(str(tmp_path)) == [], "a process (terraform?) survived the interrupt"
    assert not state.exists(), f"state left behind: {list(state.rglob('*'))[:10]}"
