"""Remove everything a run left in an account, found by its run id (name/ARN) or run tag.

Deletion goes in dependency order (schedules and rules before roles, queues before compute
environments, security groups and subnets before the VPC), waits where AWS is asynchronous
(Batch queues and compute environments must be DISABLED, then go away), and keeps going past a
failure: every resource that could not be removed is reported.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from batch_harness.cleanup.inventory import Clients, Resource, of_run, take_inventory

NOT_FOUND = {
    "ResourceNotFoundException",
    "NoSuchEntity",
    "NoSuchEntityException",
    "AWS.SimpleQueueService.NonExistentQueue",
    "QueueDoesNotExist",
    "NotFoundException",
    "InvalidGroup.NotFound",
    "InvalidVpcID.NotFound",
    "InvalidSubnetID.NotFound",
    "ParameterNotFound",
    "StateMachineDoesNotExist",
}

# Lower runs first.
ORDER = [
    "scheduler schedule",
    "event rule",
    "state machine",
    "step functions activity",
    "batch job queue",
    "batch compute environment",
    "batch job definition",
    "batch scheduling policy",
    "scheduler schedule group",
    "event bus",
    "cloudwatch alarm",
    "cloudwatch dashboard",
    "sns subscription",
    "sns topic",
    "sqs queue",
    "log group",
    "secret",
    "ssm parameter",
    "ecr repository",
    "s3 bucket",
    "iam instance profile",
    "iam role",
    "iam policy",
    "launch template",
    "vpc endpoint",
    "nat gateway",
    "elastic ip",
    "security group",
    "subnet",
    "route table",
    "internet gateway",
    "vpc",
    "kms alias",
    "kms key",
    "tagged resource",
]


@dataclass
class JanitorResult:
    removed: list[Resource] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def _wait(check: Callable[[], bool], timeout: float, sleep: Callable[[float], None], poll: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        sleep(poll)
    return check()


class Janitor:
    def __init__(
        self,
        clients: Clients,
        *,
        wait_timeout: float = 600.0,
        poll: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        log: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.clients = clients
        self.wait_timeout = wait_timeout
        self.poll = poll
        self.sleep = sleep
        self.log = log

    def find(self, run_id: str) -> list[Resource]:
        inventory = take_inventory(self.clients)
        return of_run(inventory, self.clients, run_id)

    def clean(self, run_id: str, *, dry_run: bool = False) -> JanitorResult:
        result = JanitorResult()
        found = sorted(self.find(run_id), key=lambda r: ORDER.index(r.kind) if r.kind in ORDER else len(ORDER))
        for resource in found:
            if dry_run:
                result.skipped.append(str(resource))
                continue
            try:
                self.delete(resource)
                result.removed.append(resource)
                self.log(f"removed {resource}")
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                if code in NOT_FOUND:
                    result.removed.append(resource)
                else:
                    result.failed.append(f"{resource}: {code}: {error.response.get('Error', {}).get('Message', '')}")
            except (TimeoutError, NotImplementedError) as error:
                result.failed.append(f"{resource}: {error}")
        return result

    # -- one deleter per kind ------------------------------------------------------------------

    def delete(self, r: Resource) -> None:
        method = getattr(self, "_delete_" + r.kind.replace(" ", "_"), None)
        if method is None:
            raise NotImplementedError(f"the janitor cannot delete a {r.kind}; remove it by hand")
        method(r)

    def _delete_scheduler_schedule(self, r: Resource) -> None:
        self.clients("scheduler").delete_schedule(Name=r.name, GroupName=r.get("group") or "default")

    def _delete_scheduler_schedule_group(self, r: Resource) -> None:
        self.clients("scheduler").delete_schedule_group(Name=r.id)

    def _delete_event_rule(self, r: Resource) -> None:
        events = self.clients("events")
        bus = r.get("bus") or "default"
        targets = events.list_targets_by_rule(Rule=r.name, EventBusName=bus).get("Targets", [])
        if targets:
            events.remove_targets(Rule=r.name, EventBusName=bus, Ids=[t["Id"] for t in targets], Force=True)
        events.delete_rule(Name=r.name, EventBusName=bus, Force=True)

    def _delete_event_bus(self, r: Resource) -> None:
        self.clients("events").delete_event_bus(Name=r.id)

    def _delete_state_machine(self, r: Resource) -> None:
        self.clients("stepfunctions").delete_state_machine(stateMachineArn=r.id)

    def _delete_step_functions_activity(self, r: Resource) -> None:
        self.clients("stepfunctions").delete_activity(activityArn=r.id)

    def _delete_batch_job_queue(self, r: Resource) -> None:
        batch = self.clients("batch")

        def queue() -> dict[str, Any] | None:
            found = batch.describe_job_queues(jobQueues=[r.id]).get("jobQueues", [])
            return found[0] if found else None

        current = queue()
        if current and current.get("state") != "DISABLED":
            batch.update_job_queue(jobQueue=r.id, state="DISABLED")
            self._must(
                lambda: (q := queue()) is None or (q.get("state") == "DISABLED" and q.get("status") != "UPDATING"), r
            )
        batch.delete_job_queue(jobQueue=r.id)
        self._must(lambda: queue() is None, r)

    def _delete_batch_compute_environment(self, r: Resource) -> None:
        batch = self.clients("batch")

        def environment() -> dict[str, Any] | None:
            found = batch.describe_compute_environments(computeEnvironments=[r.id]).get("computeEnvironments", [])
            return found[0] if found else None

        current = environment()
        if current and current.get("state") != "DISABLED":
            batch.update_compute_environment(computeEnvironment=r.id, state="DISABLED")
            self._must(
                lambda: (
                    (e := environment()) is None or (e.get("state") == "DISABLED" and e.get("status") != "UPDATING")
                ),
                r,
            )
        batch.delete_compute_environment(computeEnvironment=r.id)
        self._must(lambda: environment() is None, r)

    def _delete_batch_job_definition(self, r: Resource) -> None:
        self.clients("batch").deregister_job_definition(jobDefinition=r.id)

    def _delete_batch_scheduling_policy(self, r: Resource) -> None:
        self.clients("batch").delete_scheduling_policy(arn=r.id)

    def _delete_cloudwatch_alarm(self, r: Resource) -> None:
        self.clients("cloudwatch").delete_alarms(AlarmNames=[r.id])

    def _delete_cloudwatch_dashboard(self, r: Resource) -> None:
        self.clients("cloudwatch").delete_dashboards(DashboardNames=[r.id])

    def _delete_sns_subscription(self, r: Resource) -> None:
        self.clients("sns").unsubscribe(SubscriptionArn=r.id)

    def _delete_sns_topic(self, r: Resource) -> None:
        self.clients("sns").delete_topic(TopicArn=r.id)

    def _delete_sqs_queue(self, r: Resource) -> None:
        self.clients("sqs").delete_queue(QueueUrl=r.id)

    def _delete_log_group(self, r: Resource) -> None:
        self.clients("logs").delete_log_group(logGroupName=r.id)

    def _delete_secret(self, r: Resource) -> None:
        self.clients("secretsmanager").delete_secret(SecretId=r.id, ForceDeleteWithoutRecovery=True)

    def _delete_ssm_parameter(self, r: Resource) -> None:
        self.clients("ssm").delete_parameter(Name=r.id)

    def _delete_ecr_repository(self, r: Resource) -> None:
        self.clients("ecr").delete_repository(repositoryName=r.id, force=True)

    def _delete_s3_bucket(self, r: Resource) -> None:
        s3 = self.clients("s3")
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=r.id):
            objects = [
                {"Key": o["Key"], "VersionId": o["VersionId"]}
                for o in page.get("Versions", []) + page.get("DeleteMarkers", [])
            ]
            if objects:
                s3.delete_objects(Bucket=r.id, Delete={"Objects": objects})
        s3.delete_bucket(Bucket=r.id)

    def _delete_iam_instance_profile(self, r: Resource) -> None:
        iam = self.clients("iam")
        profile = iam.get_instance_profile(InstanceProfileName=r.id)["InstanceProfile"]
        for role in profile.get("Roles", []):
            iam.remove_role_from_instance_profile(InstanceProfileName=r.id, RoleName=role["RoleName"])
        iam.delete_instance_profile(InstanceProfileName=r.id)

    def _delete_iam_role(self, r: Resource) -> None:
        iam = self.clients("iam")
        for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=r.id):
            for policy in page.get("AttachedPolicies", []):
                iam.detach_role_policy(RoleName=r.id, PolicyArn=policy["PolicyArn"])
        for page in iam.get_paginator("list_role_policies").paginate(RoleName=r.id):
            for name in page.get("PolicyNames", []):
                iam.delete_role_policy(RoleName=r.id, PolicyName=name)
        for page in iam.get_paginator("list_instance_profiles_for_role").paginate(RoleName=r.id):
            for profile in page.get("InstanceProfiles", []):
                iam.remove_role_from_instance_profile(InstanceProfileName=profile["InstanceProfileName"], RoleName=r.id)
        with contextlib.suppress(ClientError):
            iam.delete_role_permissions_boundary(RoleName=r.id)
        iam.delete_role(RoleName=r.id)

    def _delete_iam_policy(self, r: Resource) -> None:
        iam = self.clients("iam")
        for kind, key, detach in (
            ("PolicyRoles", "RoleName", iam.detach_role_policy),
            ("PolicyUsers", "UserName", iam.detach_user_policy),
            ("PolicyGroups", "GroupName", iam.detach_group_policy),
        ):
            for entity in iam.list_entities_for_policy(PolicyArn=r.id).get(kind, []):
                detach(**{key: entity[key], "PolicyArn": r.id})
        for version in iam.list_policy_versions(PolicyArn=r.id).get("Versions", []):
            if not version.get("IsDefaultVersion"):
                iam.delete_policy_version(PolicyArn=r.id, VersionId=version["VersionId"])
        iam.delete_policy(PolicyArn=r.id)

    def _delete_launch_template(self, r: Resource) -> None:
        self.clients("ec2").delete_launch_template(LaunchTemplateId=r.id)

    def _delete_vpc_endpoint(self, r: Resource) -> None:
        self.clients("ec2").delete_vpc_endpoints(VpcEndpointIds=[r.id])

    def _delete_nat_gateway(self, r: Resource) -> None:
        ec2 = self.clients("ec2")
        ec2.delete_nat_gateway(NatGatewayId=r.id)

        def gone() -> bool:
            found = ec2.describe_nat_gateways(NatGatewayIds=[r.id]).get("NatGateways", [])
            return not found or found[0].get("State") == "deleted"

        self._must(gone, r)

    def _delete_elastic_ip(self, r: Resource) -> None:
        self.clients("ec2").release_address(AllocationId=r.id)

    def _delete_security_group(self, r: Resource) -> None:
        ec2 = self.clients("ec2")
        if r.name == "default":
            return  # deleted with its VPC
        group = ec2.describe_security_groups(GroupIds=[r.id])["SecurityGroups"][0]
        # Rules referencing other groups block their deletion: drop this group's rules first.
        if group.get("IpPermissions"):
            ec2.revoke_security_group_ingress(GroupId=r.id, IpPermissions=group["IpPermissions"])
        if group.get("IpPermissionsEgress"):
            ec2.revoke_security_group_egress(GroupId=r.id, IpPermissions=group["IpPermissionsEgress"])
        ec2.delete_security_group(GroupId=r.id)

    def _delete_subnet(self, r: Resource) -> None:
        self.clients("ec2").delete_subnet(SubnetId=r.id)

    def _delete_route_table(self, r: Resource) -> None:
        ec2 = self.clients("ec2")
        if r.get("main") == "True":
            return  # deleted with its VPC
        table = ec2.describe_route_tables(RouteTableIds=[r.id])["RouteTables"][0]
        for association in table.get("Associations", []):
            if not association.get("Main"):
                ec2.disassociate_route_table(AssociationId=association["RouteTableAssociationId"])
        ec2.delete_route_table(RouteTableId=r.id)

    def _delete_internet_gateway(self, r: Resource) -> None:
        ec2 = self.clients("ec2")
        for vpc in filter(None, (r.get("vpcs") or "").split(",")):
            ec2.detach_internet_gateway(InternetGatewayId=r.id, VpcId=vpc)
        ec2.delete_internet_gateway(InternetGatewayId=r.id)

    def _delete_vpc(self, r: Resource) -> None:
        self.clients("ec2").delete_vpc(VpcId=r.id)

    def _delete_kms_alias(self, r: Resource) -> None:
        self.clients("kms").delete_alias(AliasName=r.id)

    def _delete_kms_key(self, r: Resource) -> None:
        self.clients("kms").schedule_key_deletion(KeyId=r.id, PendingWindowInDays=7)

    def _must(self, check: Callable[[], bool], r: Resource) -> None:
        if not _wait(check, self.wait_timeout, self.sleep, self.poll):
            raise TimeoutError(f"{r} did not reach the expected state within {self.wait_timeout:.0f}s")
