"""The one e2e run of each example per test session, shared by every test that needs the example
applied (``shared_e2e`` of the harness's pytest plugin). Every test of a stack carries the stack's
``xdist_group`` so one worker owns the run; checks that need the applied stack register with
``stack_check(example, phase=...)`` at import and run inside that run, before its destroy.

How an example runs here: with a container engine (started by `make engine`'s script where
possible) an example with its own job image (``image/Dockerfile``) runs its jobs as containers,
the others simulated; examples/minimal runs with ``TF_LOG=DEBUG`` (Terraform writes megabytes to
stderr, every provider request and response: the run must still finish and pass, not block on a
full pipe).
"""

from __future__ import annotations

import functools
import subprocess

import pytest

from batch_harness.emulator.docker_probe import docker_engine_answers
from batch_harness.pytest_plugin import SharedE2E, SharedRun

from .support import REPO

DEBUG_LOGGED = "minimal"


@functools.cache
def engine() -> bool:
    if not docker_engine_answers():
        subprocess.run([str(REPO / "scripts" / "engine.sh")], capture_output=True, check=False)
    return docker_engine_answers()


def containers(example: str) -> bool:
    """Whether the example's jobs run as containers (an example without its own image: simulated)."""
    return (REPO / "examples" / example / "image" / "Dockerfile").is_file() and engine()


def group(example: str) -> pytest.MarkDecorator:
    """The xdist group of every test that reads the example's shared run."""
    return pytest.mark.xdist_group(f"e2e-{example}")


def example_run(shared_e2e: SharedE2E, example: str) -> SharedRun:
    """The session's e2e run of ``examples/<example>`` (run on first use)."""
    env = {"BATCH_HARNESS_JOB_RUNNER": "container" if containers(example) else "simulated"}
    if example == DEBUG_LOGGED:
        env["TF_LOG"] = "DEBUG"
    return shared_e2e(example, REPO / "examples" / example, env=env, build_images=containers(example))
