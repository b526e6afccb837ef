"""An offline plan (fake credentials, no endpoint) of a configuration with pipelines and a
``kms_key_arn``: the account id, and with it every state machine definition, is known at plan
time, so the AWS provider (>= 5.67) calls ``states:ValidateStateMachineDefinition`` while
planning. The runner's offline mode answers that call locally; without it the plan fails."""

from __future__ import annotations

import json

import pytest

from .helpers import FIXTURES, runner_for, write_var_file

pytestmark = [pytest.mark.plan, pytest.mark.timeout(600)]

ACCOUNT = "123456789012"
KMS_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"


def test_offline_plan_with_a_kms_key_and_a_pipeline(tmp_path):
    runner = runner_for(FIXTURES / "root", tmp_path / "config", offline_provider=True)
    variables = {
        "name": "op",
        "kms_key_arn": KMS_KEY,
        "jobs": {"extract": {"image": "busybox"}, "load": {"image": "busybox"}},
        "pipelines": {"etl": {"steps": {"extract": {"job": "extract"}, "load": {"job": "load", "after": ["extract"]}}}},
    }
    plan = runner.plan(var_files=[write_var_file(tmp_path, "offline", variables)])
    (machine,) = plan.of_type("aws_sfn_state_machine").values()
    assert machine["name"] == "op-etl"
    definition = json.loads(machine["definition"])  # known at plan time: it was validated
    assert definition["StartAt"]
