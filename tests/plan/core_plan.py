"""Helpers of the module's plan tests: offline plans (fake credentials, no endpoint) of the
examples and of the targeted configs under configs/, and readers for planned values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from batch_harness.terraform.runner import PlanResult, TerraformRunner, copy_config, plugin_cache_env
from batch_harness.terraform.runner import plugin_cache_lock as init_lock

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIGS = Path(__file__).resolve().parent / "configs"
ACCOUNT = "123456789012"
REGION = "us-east-1"
KMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"


def offline_runner(src: Path, dest_root: Path) -> TerraformRunner:
    """A copy of ``src`` (with its local modules), initialised, planning with fake credentials."""
    root = copy_config(src, dest_root)
    runner = TerraformRunner(root, env=plugin_cache_env(), offline_provider=True, scratch=True)
    with init_lock():
        runner.init()
    return runner


def plan_config(src: Path, tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    return offline_runner(src, tmp_path_factory.mktemp(src.name)).plan()


# --- helpers for reading planned values --------------------------------------------------------


def one(plan: PlanResult, address: str) -> dict[str, Any]:
    """Planned values of exactly this address."""
    assert address in plan.planned_resources, f"{address} is not planned; planned: {sorted(plan.planned_resources)}"
    return plan.planned_resources[address]


# The core's submodules under the module call "batch"; pipelines and monitoring add their own
# next to them, which these tests leave to their owners.
CORE_MODULES = (
    "encryption",
    "dead_letter_queue",
    "default_security_group",
    "job_security_group",
    "compute_environment",
    "isolated_compute_environment",
    "job_queue",
    "job",
    "schedule_group",
    "schedule",
)


def is_core(address: str, module: str = "module.batch.") -> bool:
    return any(address.startswith((f"{module}module.{m}.", f"{module}module.{m}[")) for m in CORE_MODULES)


def of_type(plan: PlanResult, resource_type: str, contains: str = "") -> dict[str, dict[str, Any]]:
    """Planned values of the core's resources of one type whose address contains ``contains``."""
    return {a: v for a, v in plan.of_type(resource_type).items() if contains in a and is_core(a)}


def policy(values: dict[str, Any], attribute: str = "policy") -> dict[str, Any]:
    """A JSON policy attribute, decoded (it must be known at plan time)."""
    raw = values.get(attribute)
    assert isinstance(raw, str), f"{attribute} is not known at plan time: {raw!r}"
    return json.loads(raw)


def statements_by_sid(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {statement.get("Sid", f"#{i}"): statement for i, statement in enumerate(document["Statement"])}


def container(plan: PlanResult, job: str, module: str = "module.batch.") -> dict[str, Any]:
    values = one(plan, f'{module}module.job["{job}"].aws_batch_job_definition.this')
    raw = values["container_properties"]
    assert isinstance(raw, str), f"container_properties of {job} is not known at plan time"
    return json.loads(raw)


def after_unknown(plan: PlanResult, address: str) -> dict[str, Any]:
    return plan.resource_changes[address].get("after_unknown", {})
