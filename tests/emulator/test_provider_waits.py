"""The emulator answers every provider waiter's first poll with the final state.

The AWS provider polls after each create, update and delete (docs/emulator.md lists each waiter).
Its fixed parts (a job queue's 30 s ``Delay``, SQS's six equal reads 5 s apart) cost the same as
against AWS; anything more would come from the emulator answering an intermediate state, a value
that does not read back equal, or a deleted object still described. Each test here reads once,
right after the call, exactly what the waiter reads, and fails if the answer would make it poll on.
"""

from __future__ import annotations

import json
from typing import Any

from batch_harness.emulator import LocalAccount

from .conftest import make_network, unique


def _compute_environment(account: LocalAccount) -> str:
    subnet, group = make_network(account.client)
    return str(
        account.client("batch").create_compute_environment(
            computeEnvironmentName=unique("ce"),
            type="MANAGED",
            state="ENABLED",
            computeResources={"type": "FARGATE", "maxvCpus": 4, "subnets": [subnet], "securityGroupIds": [group]},
        )["computeEnvironmentArn"]
    )


def _described_environment(batch: Any, arn: str) -> list[dict[str, Any]]:
    return list(batch.describe_compute_environments(computeEnvironments=[arn])["computeEnvironments"])


def _described_queue(batch: Any, name: str) -> list[dict[str, Any]]:
    return list(batch.describe_job_queues(jobQueues=[name])["jobQueues"])


def test_compute_environment_is_valid_at_once_and_gone_at_once(account: LocalAccount) -> None:
    batch = account.client("batch")
    arn = _compute_environment(account)
    # waitComputeEnvironmentCreated: Pending CREATING, Target VALID.
    assert [(e["status"], e["state"]) for e in _described_environment(batch, arn)] == [("VALID", "ENABLED")]
    batch.update_compute_environment(computeEnvironment=arn, state="DISABLED")
    # waitComputeEnvironmentUpdated (the destroy's disable): Pending UPDATING, Target VALID.
    assert [(e["status"], e["state"]) for e in _described_environment(batch, arn)] == [("VALID", "DISABLED")]
    batch.delete_compute_environment(computeEnvironment=arn)
    # waitComputeEnvironmentDeleted: Pending DELETING, Target gone (or DELETED).
    assert [e["status"] for e in _described_environment(batch, arn)] in ([], ["DELETED"])


def test_job_queue_is_valid_at_once_and_gone_at_once(account: LocalAccount) -> None:
    batch = account.client("batch")
    environment = _compute_environment(account)
    name = unique("q")
    batch.create_job_queue(
        jobQueueName=name,
        priority=1,
        state="ENABLED",
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment}],
    )
    # waitJobQueueCreated: after its fixed 30 s Delay, Pending CREATING/UPDATING, Target VALID.
    assert [(q["status"], q["state"]) for q in _described_queue(batch, name)] == [("VALID", "ENABLED")]
    batch.update_job_queue(jobQueue=name, state="DISABLED")
    assert [(q["status"], q["state"]) for q in _described_queue(batch, name)] == [("VALID", "DISABLED")]
    batch.delete_job_queue(jobQueue=name)
    # waitJobQueueDeleted: Pending DELETING; a DELETED queue counts as gone.
    assert [q["status"] for q in _described_queue(batch, name)] in ([], ["DELETED"])


def test_sqs_attributes_read_back_equal_at_once(account: LocalAccount) -> None:
    sqs = account.client("sqs")
    key = account.client("kms").create_key()["KeyMetadata"]["KeyId"]
    url = sqs.create_queue(
        QueueName=unique("dlq"),
        Attributes={"KmsMasterKeyId": key, "MessageRetentionPeriod": "1209600", "KmsDataKeyReusePeriodSeconds": "300"},
    )["QueueUrl"]
    # waitQueueAttributesPropagated compares every attribute the provider sent, six times in a row.
    got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (got["KmsMasterKeyId"], got["MessageRetentionPeriod"], got["KmsDataKeyReusePeriodSeconds"]) == (
        key,
        "1209600",
        "300",
    )
    arn = got["QueueArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "events",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": arn,
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    read = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"]
    assert json.loads(read) == policy
    # aws_sqs_queue_policy destroy sets Policy "" and waits until it reads back empty or absent.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
    assert (
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {}).get("Policy", "") == ""
    )
    sqs.delete_queue(QueueUrl=url)
    queues = sqs.list_queues(QueueNamePrefix=url.rsplit("/", 1)[1]).get("QueueUrls", [])
    assert queues == []


def test_kms_key_policy_rotation_and_deletion_read_back_at_once(account: LocalAccount) -> None:
    kms = account.client("kms")
    key = kms.create_key(Description="waits")["KeyMetadata"]["KeyId"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "root",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account.account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(policy))
    # waitKeyPolicyPropagated / waitKeyRotationEnabledPropagated: five equal reads in a row.
    assert json.loads(kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"]) == policy
    kms.enable_key_rotation(KeyId=key)
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["Description"] == "waits"
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    # waitKeyDeleted: a key PendingDeletion counts as deleted.
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "PendingDeletion"


def test_vpc_attribute_and_nat_gateway_answer_their_final_state_at_once(account: LocalAccount) -> None:
    ec2 = account.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]
    assert vpc["State"] == "available" or ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]["State"] == "available"
    ec2.modify_vpc_attribute(VpcId=vpc["VpcId"], EnableDnsHostnames={"Value": True})
    # waitVPCAttributeUpdated: after its fixed 10 s Delay, the value must read back.
    answer = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")
    assert answer["EnableDnsHostnames"]["Value"] is True
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    # waitNATGatewayCreated: Pending pending, Target available.
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] == "available"
    ec2.delete_nat_gateway(NatGatewayId=nat)
    # waitNATGatewayDeleted: after its fixed 10 s Delay, Pending deleting, Target deleted or gone.
    gone = ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"]
    assert [g["State"] for g in gone] in ([], ["deleted"])
