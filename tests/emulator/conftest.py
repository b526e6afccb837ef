"""Fixtures for the emulator tests.

Two kinds of test live here:
- *patched*: AWS behaviour proven through boto3 against a real ``LocalAccount`` over HTTP;
- *canary*: the same call against **unpatched** moto in this process (``mock_aws``), proving the
  gap each patch closes still exists - when a moto upgrade closes it, the canary fails and the
  patch should go. The patches are only ever applied inside the server process.
"""

from __future__ import annotations

import itertools
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from batch_harness.emulator import LocalAccount

_names = itertools.count()


def unique(prefix: str) -> str:
    """A name no other test in this session uses (tests share one account per worker)."""
    return f"{prefix}-{os.getpid()}-{next(_names)}-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="session")
def account() -> Iterator[LocalAccount]:
    with LocalAccount.start(batch_docker="off") as local:
        yield local


@dataclass
class BatchSetup:
    queue: str
    queue_arn: str
    job_definition: str
    job_definition_arn: str
    subnet: str
    security_group: str


def make_network(clients: Any) -> tuple[str, str]:
    ec2 = clients("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName=unique("sg"), Description="batch", VpcId=vpc)["GroupId"]
    return subnet, group


def make_batch(clients: Any, retry_strategy: dict[str, Any] | None = None) -> BatchSetup:
    """A Fargate compute environment, a queue and a job definition, created with boto3."""
    subnet, group = make_network(clients)
    batch = clients("batch")
    env = batch.create_compute_environment(
        computeEnvironmentName=unique("ce"),
        type="MANAGED",
        state="ENABLED",
        serviceRole=_service_role(clients),
        computeResources={"type": "FARGATE", "maxvCpus": 4, "subnets": [subnet], "securityGroupIds": [group]},
    )
    queue_name = unique("q")
    queue = batch.create_job_queue(
        jobQueueName=queue_name,
        priority=1,
        state="ENABLED",
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env["computeEnvironmentArn"]}],
    )
    definition_name = unique("jd")
    extra = {"retryStrategy": retry_strategy} if retry_strategy else {}
    definition = batch.register_job_definition(
        jobDefinitionName=definition_name,
        type="container",
        platformCapabilities=["FARGATE"],
        containerProperties={
            "image": "busybox",
            "command": ["true"],
            "resourceRequirements": [{"type": "VCPU", "value": "0.25"}, {"type": "MEMORY", "value": "512"}],
        },
        **extra,
    )
    return BatchSetup(
        queue=queue_name,
        queue_arn=queue["jobQueueArn"],
        job_definition=definition_name,
        job_definition_arn=definition["jobDefinitionArn"],
        subnet=subnet,
        security_group=group,
    )


def _service_role(clients: Any) -> str:
    # An explicit service role keeps these fixtures independent of the serviceRole patch.
    iam = clients("iam")
    name = unique("batch-service")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "batch.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    return str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"])


@pytest.fixture(scope="module")
def batch_setup(account: LocalAccount) -> BatchSetup:
    return make_batch(account.client)


@pytest.fixture
def unpatched_moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """In-process moto as released (Batch without Docker, Step Functions executing)."""
    from moto import mock_aws

    for variable in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "MOTO_SIMPLE_BATCH_FAIL_AFTER"):
        monkeypatch.delenv(variable, raising=False)
    from batch_harness.emulator import compat

    assert compat.applied() == [], "the compat patches must never be applied in the test process"
    with mock_aws(config={"batch": {"use_docker": False}, "stepfunctions": {"execute_state_machine": True}}):
        import boto3

        def client(service: str) -> Any:
            return boto3.client(
                service,
                region_name="us-east-1",
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )

        yield client
