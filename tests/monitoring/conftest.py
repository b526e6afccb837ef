"""Fixtures of the monitoring tests: sample events, plans of the standalone monitoring fixture."""

from __future__ import annotations

import copy
import fcntl
import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from batch_harness.terraform.runner import PlanResult, TerraformRunner, copy_config

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "samples"
STANDALONE = HERE / "fixtures" / "standalone"

# The provider cache the other plan tests use: init links the provider instead of copying it.
PLUGIN_CACHE = Path(tempfile.gettempdir()) / "batch-harness" / "plugin-cache"


@contextmanager
def init_lock() -> Iterator[None]:
    """Terraform's plugin cache is not safe for concurrent first use: serialise inits."""
    PLUGIN_CACHE.mkdir(parents=True, exist_ok=True)
    with open(PLUGIN_CACHE.parent / "plugin-cache.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def offline_runner(src: Path, workdir: Path) -> TerraformRunner:
    """An initialised copy of ``src`` that plans with fake credentials and no endpoint."""
    runner = TerraformRunner(
        copy_config(src, workdir), env={"TF_PLUGIN_CACHE_DIR": str(PLUGIN_CACHE)}, offline_provider=True
    )
    with init_lock():
        runner.init()
    return runner


def load_sample(name: str) -> dict[str, Any]:
    """A sample event from samples/<name>.json (a fresh copy each call)."""
    return copy.deepcopy(json.loads((SAMPLES / f"{name}.json").read_text()))


@pytest.fixture
def sample() -> Callable[[str], dict[str, Any]]:
    return load_sample


class CachedPlans:
    """Plans of one fixture config: one init per worker, one plan per distinct input."""

    def __init__(self, src: Path, workdir: Path) -> None:
        self.runner = offline_runner(src, workdir)
        self._cache: dict[str, PlanResult] = {}

    def plan(self, variables: dict[str, Any] | None = None) -> PlanResult:
        key = json.dumps(variables or {}, sort_keys=True)
        if key not in self._cache:
            self._cache[key] = self.runner.plan(variables or {})
        return self._cache[key]


@pytest.fixture(scope="session")
def standalone(tmp_path_factory: pytest.TempPathFactory) -> CachedPlans:
    """tests/monitoring/fixtures/standalone: the monitoring module alone, with fixed ARNs."""
    return CachedPlans(STANDALONE, tmp_path_factory.mktemp("monitoring-standalone"))


@pytest.fixture(scope="session")
def root_plans(tmp_path_factory: pytest.TempPathFactory) -> CachedPlans:
    """tests/monitoring/fixtures/root: the root module with monitoring wired in."""
    return CachedPlans(HERE / "fixtures" / "root", tmp_path_factory.mktemp("monitoring-root"))
