"""Run one Terraform command as a child process the harness owns.

Every command gets its own process group (so Terraform and its provider plugins can be interrupted
or killed together, and a terminal's Ctrl-C reaches only the harness, which decides what to
forward), both output pipes drained at once (a provider's stack dump on stderr cannot fill a pipe
and block), a timeout, and its exit code and full output kept. ``running()`` lists the commands in
flight so that a signal handler can forward an interrupt to them. POSIX and Windows alike: no
``/proc``, only ``subprocess``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# After an interrupt Terraform finishes the operation in flight and writes its state: give it
# this long before the group is killed.
DEFAULT_GRACE = 120.0
_WINDOWS = sys.platform == "win32"


@dataclass(frozen=True)
class Completed:
    """A finished command: its arguments, exit code, output and whether the timeout stopped it."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


class _Registry:
    """The commands in flight (thread-safe: tests and pytest-xdist workers run commands in threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processes: list[subprocess.Popen[str]] = []

    def add(self, process: subprocess.Popen[str]) -> None:
        with self._lock:
            self._processes.append(process)

    def remove(self, process: subprocess.Popen[str]) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._processes.remove(process)

    def snapshot(self) -> list[subprocess.Popen[str]]:
        with self._lock:
            return [p for p in self._processes if p.poll() is None]


_REGISTRY = _Registry()


def running() -> list[subprocess.Popen[str]]:
    """Commands started by ``run`` that have not exited yet."""
    return _REGISTRY.snapshot()


def interrupt(process: subprocess.Popen[str]) -> None:
    """Ask a command's whole group to stop gracefully (Terraform: SIGINT / CTRL_BREAK)."""
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        if _WINDOWS:
            process.send_signal(signal.CTRL_BREAK_EVENT)  # type: ignore[attr-defined,unused-ignore]
        else:
            os.killpg(process.pid, signal.SIGINT)


def interrupt_all() -> int:
    """Interrupt every command in flight; returns how many there were."""
    processes = running()
    for process in processes:
        interrupt(process)
    return len(processes)


def kill(process: subprocess.Popen[str]) -> None:
    """Kill a command's whole group (Terraform and its provider plugins)."""
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        if _WINDOWS:
            process.kill()
        else:
            os.killpg(process.pid, signal.SIGKILL)


def _group_options() -> dict[str, object]:
    if _WINDOWS:
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined,unused-ignore]
    return {"start_new_session": True}


def run(
    args: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | Path,
    env: Mapping[str, str],
    timeout: float | None = None,
    grace: float = DEFAULT_GRACE,
) -> Completed:
    """Run ``args`` to completion and return what it did.

    On timeout the group is interrupted, given ``grace`` seconds to write its state, then killed;
    the result says ``timed_out``. If this thread is interrupted (``KeyboardInterrupt`` or the
    harness's ``Interrupted`` raised by a signal handler), the command is interrupted the same way
    and waited for, and the exception goes on.
    """
    process = subprocess.Popen(
        list(args),
        cwd=str(cwd),
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        **_group_options(),  # type: ignore[call-overload]
    )
    _REGISTRY.add(process)
    timed_out = False
    try:
        try:
            # communicate() reads stdout and stderr concurrently (selectors on POSIX, threads on
            # Windows) and keeps what it read when the timeout expires.
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            interrupt(process)
            stdout, stderr = _finish(process, grace)
        except BaseException:
            # The harness's signal handler raised here (or Ctrl-C without one): the command, in
            # its own group, got no signal yet — interrupt it once and let it write its state.
            interrupt(process)
            _finish(process, grace)
            raise
    finally:
        _REGISTRY.remove(process)
    return Completed(tuple(args), process.returncode, stdout or "", stderr or "", timed_out)


def _finish(process: subprocess.Popen[str], grace: float) -> tuple[str, str]:
    """Wait up to ``grace`` seconds for an interrupted command, then kill its group."""
    try:
        return process.communicate(timeout=grace)
    except subprocess.TimeoutExpired:
        kill(process)
        return process.communicate()
