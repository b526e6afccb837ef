"""The plan-time Step Functions endpoint offline plans use (emulator/sfn_validation.py)."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from batch_harness.emulator.sfn_validation import SfnValidationServer

VALID = '{"StartAt": "a", "States": {"a": {"Type": "Pass", "End": true}}}'


def client(url: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        "stepfunctions", endpoint_url=url, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
    )


def test_definitions_are_judged_by_the_asl_parser():
    with SfnValidationServer() as server:
        sfn = client(server.url)
        assert sfn.validate_state_machine_definition(definition=VALID)["result"] == "OK"
        failed = sfn.validate_state_machine_definition(definition='{"StartAt": "missing", "States": {}}')
        assert failed["result"] == "FAIL" and failed["diagnostics"][0]["severity"] == "ERROR"


def test_any_other_call_fails_loudly():
    with SfnValidationServer() as server, pytest.raises(ClientError, match="answers only"):
        client(server.url).list_state_machines()
