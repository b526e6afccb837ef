"""Batch resource shapes: each patch proven over HTTP, each gap pinned by a canary on bare moto."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from batch_harness.emulator import LocalAccount

from .conftest import BatchSetup, make_network, unique


def _fargate_env(clients: Any, **extra: Any) -> dict[str, Any]:
    subnet, group = make_network(clients)
    return {
        "computeEnvironmentName": unique("ce"),
        "type": "MANAGED",
        "state": "ENABLED",
        "computeResources": {"type": "FARGATE", "maxvCpus": 4, "subnets": [subnet], "securityGroupIds": [group]},
        **extra,
    }


# -- compute environment without serviceRole -------------------------------------------------


def test_compute_environment_without_service_role_uses_the_service_linked_role(account: LocalAccount) -> None:
    batch = account.client("batch")
    first = batch.create_compute_environment(**_fargate_env(account.client))
    second = batch.create_compute_environment(**_fargate_env(account.client))  # the role is reused
    described = batch.describe_compute_environments(
        computeEnvironments=[first["computeEnvironmentArn"], second["computeEnvironmentArn"]]
    )["computeEnvironments"]
    expected = f"arn:aws:iam::{account.account_id}:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch"
    assert [env["serviceRole"] for env in described] == [expected, expected]
    role = account.client("iam").get_role(RoleName="AWSServiceRoleForBatch")["Role"]
    assert role["Path"] == "/aws-service-role/batch.amazonaws.com/"


def test_canary_moto_requires_service_role(unpatched_moto: Any) -> None:
    with pytest.raises(ClientError, match="ServiceRole is required"):
        unpatched_moto("batch").create_compute_environment(**_fargate_env(unpatched_moto))


# -- compute environment updates ------------------------------------------------------------


def test_update_compute_environment_applies_compute_resources_and_update_policy(account: LocalAccount) -> None:
    batch = account.client("batch")
    arn = batch.create_compute_environment(**_fargate_env(account.client))["computeEnvironmentArn"]
    batch.update_compute_environment(
        computeEnvironment=arn,
        computeResources={"maxvCpus": 32},
        updatePolicy={"terminateJobsOnUpdate": False, "jobExecutionTimeoutMinutes": 45},
    )
    env = batch.describe_compute_environments(computeEnvironments=[arn])["computeEnvironments"][0]
    assert env["computeResources"]["maxvCpus"] == 32
    assert env["computeResources"]["type"] == "FARGATE"  # untouched fields stay
    assert env["updatePolicy"] == {"terminateJobsOnUpdate": False, "jobExecutionTimeoutMinutes": 45}


def test_compute_environment_without_update_policy_describes_without_one(account: LocalAccount) -> None:
    batch = account.client("batch")
    arn = batch.create_compute_environment(**_fargate_env(account.client))["computeEnvironmentArn"]
    env = batch.describe_compute_environments(computeEnvironments=[arn])["computeEnvironments"][0]
    assert "updatePolicy" not in env


def test_canary_moto_ignores_compute_resources_on_update(unpatched_moto: Any) -> None:
    batch = unpatched_moto("batch")
    role = unpatched_moto("iam").create_role(RoleName="svc", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    arn = batch.create_compute_environment(**_fargate_env(unpatched_moto, serviceRole=role))["computeEnvironmentArn"]
    batch.update_compute_environment(
        computeEnvironment=arn,
        computeResources={"maxvCpus": 32},
        updatePolicy={"terminateJobsOnUpdate": False, "jobExecutionTimeoutMinutes": 45},
    )
    env = batch.describe_compute_environments(computeEnvironments=[arn])["computeEnvironments"][0]
    assert env["computeResources"]["maxvCpus"] == 4
    assert "updatePolicy" not in env


# -- compute environment in use --------------------------------------------------------------


def test_delete_compute_environment_used_by_a_queue_is_refused(account: LocalAccount, batch_setup: BatchSetup) -> None:
    batch = account.client("batch")
    queue = batch.describe_job_queues(jobQueues=[batch_setup.queue])["jobQueues"][0]
    env_arn = queue["computeEnvironmentOrder"][0]["computeEnvironment"]
    with pytest.raises(ClientError, match="found existing JobQueue relationship"):
        batch.delete_compute_environment(computeEnvironment=env_arn)
    assert batch.describe_compute_environments(computeEnvironments=[env_arn])["computeEnvironments"]


def test_delete_compute_environment_after_its_queue_is_gone(account: LocalAccount) -> None:
    batch = account.client("batch")
    env_arn = batch.create_compute_environment(**_fargate_env(account.client))["computeEnvironmentArn"]
    queue = unique("q")
    batch.create_job_queue(
        jobQueueName=queue,
        priority=1,
        state="ENABLED",
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env_arn}],
    )
    batch.delete_job_queue(jobQueue=queue)
    batch.delete_compute_environment(computeEnvironment=env_arn)
    assert batch.describe_compute_environments(computeEnvironments=[env_arn])["computeEnvironments"] == []


def test_canary_moto_deletes_a_compute_environment_in_use(unpatched_moto: Any) -> None:
    batch = unpatched_moto("batch")
    role = unpatched_moto("iam").create_role(RoleName="svc", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    env_arn = batch.create_compute_environment(**_fargate_env(unpatched_moto, serviceRole=role))[
        "computeEnvironmentArn"
    ]
    batch.create_job_queue(
        jobQueueName="q",
        priority=1,
        state="ENABLED",
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env_arn}],
    )
    batch.delete_compute_environment(computeEnvironment=env_arn)  # AWS refuses this
    assert batch.describe_compute_environments(computeEnvironments=[env_arn])["computeEnvironments"] == []


# -- job queue jobStateTimeLimitActions ------------------------------------------------------

TIME_LIMIT = {
    "reason": "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
    "state": "RUNNABLE",
    "maxTimeSeconds": 600,
    "action": "CANCEL",
}


def test_job_queue_keeps_state_time_limit_actions(account: LocalAccount, batch_setup: BatchSetup) -> None:
    batch = account.client("batch")
    env_arn = batch.describe_job_queues(jobQueues=[batch_setup.queue])["jobQueues"][0]["computeEnvironmentOrder"][0][
        "computeEnvironment"
    ]
    name = unique("q")
    batch.create_job_queue(
        jobQueueName=name,
        priority=1,
        state="ENABLED",
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env_arn}],
        jobStateTimeLimitActions=[TIME_LIMIT],
    )
    assert batch.describe_job_queues(jobQueues=[name])["jobQueues"][0]["jobStateTimeLimitActions"] == [TIME_LIMIT]
    longer = {**TIME_LIMIT, "maxTimeSeconds": 900}
    batch.update_job_queue(jobQueue=name, jobStateTimeLimitActions=[longer])
    assert batch.describe_job_queues(jobQueues=[name])["jobQueues"][0]["jobStateTimeLimitActions"] == [longer]
    batch.update_job_queue(jobQueue=name, priority=5)  # an update without the field keeps it
    assert batch.describe_job_queues(jobQueues=[name])["jobQueues"][0]["jobStateTimeLimitActions"] == [longer]


def test_canary_moto_drops_state_time_limit_actions(unpatched_moto: Any) -> None:
    batch = unpatched_moto("batch")
    role = unpatched_moto("iam").create_role(RoleName="svc", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    env_arn = batch.create_compute_environment(**_fargate_env(unpatched_moto, serviceRole=role))[
        "computeEnvironmentArn"
    ]
    batch.create_job_queue(
        jobQueueName="q",
        priority=1,
        state="ENABLED",
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env_arn}],
        jobStateTimeLimitActions=[TIME_LIMIT],
    )
    assert "jobStateTimeLimitActions" not in batch.describe_job_queues(jobQueues=["q"])["jobQueues"][0]


# -- job definition schedulingPriority -------------------------------------------------------

CONTAINER = {
    "image": "busybox",
    "resourceRequirements": [{"type": "VCPU", "value": "0.25"}, {"type": "MEMORY", "value": "512"}],
}


def test_job_definition_keeps_scheduling_priority(account: LocalAccount) -> None:
    batch = account.client("batch")
    name = unique("jd")
    batch.register_job_definition(
        jobDefinitionName=name, type="container", schedulingPriority=7, containerProperties=CONTAINER
    )
    batch.register_job_definition(jobDefinitionName=name, type="container", containerProperties=CONTAINER)
    revisions = batch.describe_job_definitions(jobDefinitionName=name)["jobDefinitions"]
    by_revision = {item["revision"]: item for item in revisions}
    assert by_revision[1]["schedulingPriority"] == 7
    assert "schedulingPriority" not in by_revision[2]


def test_canary_moto_drops_scheduling_priority(unpatched_moto: Any) -> None:
    batch = unpatched_moto("batch")
    batch.register_job_definition(
        jobDefinitionName="jd", type="container", schedulingPriority=7, containerProperties=CONTAINER
    )
    assert "schedulingPriority" not in batch.describe_job_definitions(jobDefinitionName="jd")["jobDefinitions"][0]


# -- scheduling policy without fairsharePolicy -----------------------------------------------


def test_scheduling_policy_without_fairshare_describes_without_one(account: LocalAccount) -> None:
    batch = account.client("batch")
    plain = batch.create_scheduling_policy(name=unique("sp"))["arn"]
    fair = batch.create_scheduling_policy(
        name=unique("sp"),
        fairsharePolicy={"shareDecaySeconds": 3600, "computeReservation": 1},
    )["arn"]
    policies = {p["arn"]: p for p in batch.describe_scheduling_policies(arns=[plain, fair])["schedulingPolicies"]}
    assert "fairsharePolicy" not in policies[plain]
    assert policies[fair]["fairsharePolicy"]["shareDecaySeconds"] == 3600
    assert policies[fair]["fairsharePolicy"]["computeReservation"] == 1
    batch.update_scheduling_policy(arn=plain, fairsharePolicy={"shareDecaySeconds": 60})
    updated = batch.describe_scheduling_policies(arns=[plain])["schedulingPolicies"][0]
    assert updated["fairsharePolicy"]["shareDecaySeconds"] == 60


def test_canary_moto_invents_an_empty_fairshare_policy(unpatched_moto: Any) -> None:
    batch = unpatched_moto("batch")
    arn = batch.create_scheduling_policy(name="sp")["arn"]
    policy = batch.describe_scheduling_policies(arns=[arn])["schedulingPolicies"][0]
    assert policy["fairsharePolicy"] == {"computeReservation": 0, "shareDecaySeconds": 0, "shareDistribution": []}
