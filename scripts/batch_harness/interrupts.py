"""Ctrl-C and SIGTERM: stop the work, keep the cleanup.

``SignalGuard`` turns the first SIGINT/SIGTERM into an ``Interrupted`` exception in the main
thread (so ``finally`` blocks run) and passes an interrupt on to running Terraform children, which
then stop gracefully and write their state. While cleanup runs (``guard.cleaning()``) further
signals do not abort it; a second one sets ``forced`` (cleanup skips slow steps it may skip) and
interrupts Terraform again (Terraform exits at once on a second interrupt).

When the signal came from the terminal, Terraform — in our foreground process group — already got
it; forwarding another would count as its second interrupt and lose state, so we do not.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any


class Interrupted(BaseException):
    """The run was interrupted by a signal (BaseException: ``except Exception`` does not eat it)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def child_pids(parent: int | None = None) -> list[int]:
    """Direct children of ``parent`` (default: this process), from /proc (Linux)."""
    parent = os.getpid() if parent is None else parent
    children: list[int] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return children
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent and fields[0] != "Z":
            children.append(int(entry.name))
    return children


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, grandchildren, ...), e.g. Terraform's provider plugins."""
    found: list[int] = []
    pending = [pid]
    while pending:
        children = child_pids(pending.pop())
        found.extend(children)
        pending.extend(children)
    return found


def process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def terraform_children() -> list[int]:
    return [pid for pid in child_pids() if process_name(pid).startswith("terraform")]


def _terminal_delivered(signum: int) -> bool:
    """Did the terminal send this SIGINT to our whole foreground process group?"""
    if signum != signal.SIGINT:
        return False
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return False


def interrupt_children(pids: list[int], sig: int = signal.SIGINT) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def reap_children(pids: list[int], timeout: float) -> list[int]:
    """Wait up to ``timeout`` s for ``pids`` (our children) to exit, then SIGKILL the rest.

    Returns the pids that had to be killed (their descendants, e.g. provider plugins, with them).
    """
    deadline = time.monotonic() + timeout
    remaining = set(pids)
    tree = {pid: descendants(pid) for pid in pids}
    while remaining and time.monotonic() < deadline:
        for pid in list(remaining):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid  # already reaped (by subprocess) or not ours
            if done:
                remaining.discard(pid)
        if remaining:
            time.sleep(0.1)
    for pid in remaining:
        for victim in [pid, *tree[pid], *descendants(pid)]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(victim, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    return sorted(remaining)


class Watchdog:
    """Interrupt Terraform if a command outlives ``seconds`` (a provider retrying forever).

    Terraform gets SIGINT (it stops and writes its state, then fails the command), and SIGKILL
    ``grace`` seconds later if it is still there.
    """

    def __init__(self, seconds: float, what: str, log: Callable[[str], None], grace: float = 60.0) -> None:
        self.seconds, self.what, self.log, self.grace = seconds, what, log, grace
        self.fired = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=5)

    def _watch(self) -> None:
        if self._done.wait(self.seconds):
            return
        self.fired = True
        self.log(f"{self.what} still running after {self.seconds:.0f}s: interrupting Terraform")
        interrupt_children(terraform_children())
        if self._done.wait(self.grace):
            return
        for pid in terraform_children():
            for victim in [pid, *descendants(pid)]:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(victim, signal.SIGKILL)


class SignalGuard:
    """Context manager installing SIGINT/SIGTERM handlers (main thread only; no-op elsewhere)."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, log: Callable[[str], None] | None = None) -> None:
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.signum: int | None = None
        self.forced = False
        self._cleaning = False
        self._previous: dict[int, Any] = {}
        self._active = False

    @property
    def interrupted(self) -> bool:
        return self.signum is not None

    def __enter__(self) -> SignalGuard:
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
            self._active = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._active:
            for sig, previous in self._previous.items():
                signal.signal(sig, previous)
            self._active = False

    @contextlib.contextmanager
    def cleaning(self) -> Iterator[None]:
        """Signals arriving inside this block never raise (cleanup must finish)."""
        self._cleaning = True
        try:
            yield
        finally:
            self._cleaning = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        children = terraform_children()
        if self.signum is not None or self._cleaning:
            self.forced = True
            self.log(f"{name} again: hurrying the cleanup (Terraform is told to stop now)")
            interrupt_children(children)
            return
        self.signum = signum
        if children and not _terminal_delivered(signum):
            interrupt_children(children)  # Terraform stops gracefully and writes its state
        self.log(f"{name} received: stopping and cleaning up (send it again to hurry)")
        raise Interrupted(signum)
