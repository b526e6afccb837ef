"""Helpers of the pipeline tests: Terraform runners for the fixtures, graph builders, messages."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from batch_harness.terraform.runner import TerraformRunner, copy_config, plugin_cache_env, plugin_cache_lock

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
FIXTURES = HERE / "fixtures"


def runner_for(
    src: Path, dest_root: Path, *, offline_provider: bool = True, env: Mapping[str, str] | None = None
) -> TerraformRunner:
    """A copy of ``src`` (with the local modules it uses), initialised."""
    root = copy_config(src, dest_root)
    runner = TerraformRunner(
        root, env={**plugin_cache_env(), **(env or {})}, offline_provider=offline_provider, scratch=True
    )
    with plugin_cache_lock():
        runner.init()
    return runner


def write_var_file(directory: Path, name: str, values: Mapping[str, Any]) -> Path:
    path = directory / f"{name}.tfvars.json"
    path.write_text(json.dumps(values, indent=1))
    return path


def flat(text: str) -> str:
    """Terraform wraps diagnostics at ~78 columns: compare messages with whitespace collapsed."""
    return re.sub(r"\s+", " ", text).strip()


# -- graphs (step => the steps it runs after) ------------------------------------------------

Graph = dict[str, list[str]]


def chain(n: int, prefix: str = "c") -> Graph:
    names = [f"{prefix}{i:02d}" for i in range(n)]
    return {name: ([names[i - 1]] if i else []) for i, name in enumerate(names)}


def fan(width: int) -> Graph:
    """start -> width parallel steps -> end."""
    middle = [f"w{i:02d}" for i in range(width)]
    return {"start": [], **{m: ["start"] for m in middle}, "end": middle}


def random_series_parallel(rng: random.Random, n: int) -> Graph:
    """A random series-parallel graph: series and parallel compositions of smaller ones."""
    names = [f"s{i:02d}" for i in range(n)]
    rng.shuffle(names)

    def build(part: list[str]) -> tuple[dict[str, set[str]], set[str], set[str]]:
        if len(part) == 1:
            return {part[0]: set()}, {part[0]}, {part[0]}
        cut = rng.randint(1, len(part) - 1)
        left, left_sources, left_sinks = build(part[:cut])
        right, right_sources, right_sinks = build(part[cut:])
        graph = {**left, **right}
        if rng.random() < 0.5:  # series: everything right runs after everything left
            for source in right_sources:
                graph[source] |= left_sinks
            return graph, left_sources, right_sinks
        return graph, left_sources | right_sources, left_sinks | right_sinks

    graph, _, _ = build(names)
    return {step: sorted(after) for step, after in graph.items()}


def random_dag(rng: random.Random, n: int, density: float) -> Graph:
    names = [f"d{i:02d}" for i in range(n)]
    return {names[j]: [names[i] for i in range(j) if rng.random() < density] for j in range(n)}
