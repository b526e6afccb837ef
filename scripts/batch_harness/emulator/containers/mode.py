"""Which runner decides the jobs of this emulator: real containers, or the simulated runner."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

RUNNER_ENV = "BATCH_HARNESS_JOB_RUNNER"  # auto (default) | container | simulated


@dataclass(frozen=True)
class RunnerMode:
    name: str  # "container" | "simulated"
    reason: str  # why, for every report

    @property
    def containers(self) -> bool:
        return self.name == "container"

    def describe(self) -> str:
        return f"{self.name}: {self.reason}"


_lock = threading.Lock()
_mode = RunnerMode("simulated", "not configured")
_images: dict[str, str] = {}  # job definition name (or image) -> local image to run instead


def choose(requested: str, engine_answers: bool) -> RunnerMode:
    """``requested``: auto | on | off (the server's --batch-docker); with auto, RUNNER_ENV
    (container | simulated) decides, else whether an engine answers."""
    origin = f"--batch-docker {requested}"
    forced = os.environ.get(RUNNER_ENV, "").strip().lower()
    if requested == "auto" and forced in ("container", "simulated"):
        requested, origin = ("on" if forced == "container" else "off"), f"{RUNNER_ENV}={forced}"
    if requested == "off":
        return RunnerMode("simulated", f"containers switched off ({origin})")
    if engine_answers:
        return RunnerMode("container", "every job attempt runs its image in the local Docker engine")
    return RunnerMode("simulated", "no container engine answered")


def set_mode(mode: RunnerMode) -> None:
    global _mode
    _mode = mode


def current() -> RunnerMode:
    return _mode


def set_images(images: dict[str, str]) -> None:
    with _lock:
        _images.update(images)


def images() -> dict[str, str]:
    with _lock:
        return dict(_images)
