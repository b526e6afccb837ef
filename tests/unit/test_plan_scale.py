"""benchmarks/plan_scale.py: how a plan that does not finish is reported, and the fairness check."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from batch_harness.terraform.runner import TerraformError

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "plan_scale.py"
spec = importlib.util.spec_from_file_location("plan_scale", SCRIPT)
assert spec and spec.loader
plan_scale = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = plan_scale  # dataclasses look their module up there
spec.loader.exec_module(plan_scale)
PlanTiming = plan_scale.PlanTiming


class FailingRunner:
    """Stands in for TerraformRunner: init works, plan fails with the given exit status."""

    returncode = 0

    def __init__(self, *args, **kwargs):
        pass

    def init(self):
        pass

    def plan(self):
        raise TerraformError("plan", self.returncode, "", "Error: boom")


@pytest.mark.parametrize("returncode", [1, 2])
def test_a_plan_that_fails_is_an_error_not_a_measurement(monkeypatch, tmp_path, returncode):
    monkeypatch.setattr(plan_scale, "TerraformRunner", type("Runner", (FailingRunner,), {"returncode": returncode}))
    with pytest.raises(TerraformError):
        plan_scale.time_plan(tmp_path, {})


def test_a_plan_killed_by_a_signal_is_reported_with_what_it_used(monkeypatch, tmp_path):
    monkeypatch.setattr(plan_scale, "TerraformRunner", type("Runner", (FailingRunner,), {"returncode": -9}))
    timing = plan_scale.time_plan(tmp_path, {})
    assert timing.failure == "terraform plan killed by signal 9"
    assert timing.resources == 0 and timing.seconds >= 0


def test_ratios_to_a_flat_plan_that_did_not_finish_are_upper_bounds():
    module = PlanTiming(seconds=300.0, cpu_seconds=330.0, resources=1000)
    flat = PlanTiming(seconds=900.0, cpu_seconds=990.0, resources=1000, failure="terraform plan killed by signal 9")
    assert plan_scale.describe(1000, "module", module, flat) == (
        "1000 jobs, module: 1000 resources, plan 300.0 s (300.0 ms per resource, at most 0.33x),"
        " CPU 330.0 s (330.0 ms per resource, at most 0.33x)"
    )
    assert plan_scale.describe(1000, "flat", flat, flat) == (
        "1000 jobs, flat: 1000 resources, plan at least 900.0 s (at least 900.0 ms per resource, 1.00x),"
        " CPU at least 990.0 s (at least 990.0 ms per resource, 1.00x);"
        " did not finish: terraform plan killed by signal 9"
    )


def plans(module_values, flat_values):
    return {
        "module": PlanTiming(1.0, 1.0, len(module_values), module_values),
        "flat": PlanTiming(1.0, 1.0, len(flat_values), flat_values),
    }


POLICY = {"name": "execution", "policy": '{"Statement":[]}'}


def test_role_names_spelled_out_are_the_one_allowed_difference():
    module = {'module.batch.module.job["j0001"].aws_iam_role_policy.execution': {**POLICY, "role": None}}
    flat = {'aws_iam_role_policy.execution["j0001"]': {**POLICY, "role": "bench-j0001-exec"}}
    assert plan_scale.unfair(plans(module, flat)) == []


def test_a_different_policy_or_a_missing_resource_is_unfair():
    module = {'module.batch.module.job["j0001"].aws_iam_role_policy.execution': POLICY}
    flat = {'aws_iam_role_policy.execution["j0001"]': {**POLICY, "policy": '{"Statement":[{"Effect":"Allow"}]}'}}
    assert plan_scale.unfair(plans(module, flat)) == ["aws_iam_role_policy of job j0001: the planned values differ"]
    assert plan_scale.unfair(plans(module, {})) == [
        "resource kinds differ: module {'aws_iam_role_policy': 1}, flat {}",
        "aws_iam_role_policy of job j0001: the planned values differ",
    ]
