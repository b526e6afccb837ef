"""Ctrl-C and SIGTERM: stop the work, keep the cleanup.

``SignalGuard`` turns the first SIGINT/SIGTERM into an ``Interrupted`` exception in the main
thread (so ``finally`` blocks run). A Terraform command in flight runs in its own process group
(``tfprocess``), so the terminal's Ctrl-C never reaches it directly; ``tfprocess.run`` sees the
exception, interrupts Terraform once (it stops gracefully and writes its state) and waits for it.
While cleanup runs (``guard.cleaning()``) further signals do not abort it; a second one sets
``forced`` (cleanup skips slow steps it may skip) and interrupts Terraform again (Terraform exits at
once on a second interrupt).
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from batch_harness.terraform import process as tfprocess


class Interrupted(BaseException):
    """The run was interrupted by a signal (BaseException: ``except Exception`` does not eat it)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


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
        if self.signum is not None or self._cleaning:
            self.forced = True
            self.log(f"{name} again: hurrying the cleanup (Terraform is told to stop now)")
            tfprocess.interrupt_all()
            return
        self.signum = signum
        self.log(f"{name} received: stopping and cleaning up (send it again to hurry)")
        raise Interrupted(signum)
