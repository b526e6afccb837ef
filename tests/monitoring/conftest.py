"""Fixtures of the monitoring tests: sample events, plans of the standalone monitoring fixture."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from batch_harness.terraform.runner import PlanResult, TerraformRunner, copy_config, plugin_cache_env
from batch_harness.terraform.runner import plugin_cache_lock as init_lock

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "samples"
STANDALONE = HERE / "fixtures" / "standalone"


def offline_runner(src: Path, workdir: Path) -> TerraformRunner:
    """An initialised copy of ``src`` that plans with fake credentials and no endpoint."""
    runner = TerraformRunner(copy_config(src, workdir), env=plugin_cache_env(), offline_provider=True, scratch=True)
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
