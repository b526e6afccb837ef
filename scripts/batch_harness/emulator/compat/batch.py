"""AWS Batch resource shapes: what moto 5.2.5 drops, so that a second `terraform plan` is empty.

Each patch wraps a moto function (never copies it): the original runs, then the field AWS keeps
is stored on moto's own model object and returned by the describe call that reads it back.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from moto.batch.exceptions import ClientException
from moto.batch.models import BatchBackend, JobDefinition, JobQueue, SchedulingPolicy
from moto.batch.responses import BatchResponse

from .patching import Patch, replace

BATCH_SERVICE_LINKED_ROLE = "AWSServiceRoleForBatch"
BATCH_SERVICE_PRINCIPAL = "batch.amazonaws.com"
_role_lock = threading.Lock()  # Terraform creates compute environments in parallel


def _service_linked_role_arn(backend: BatchBackend) -> str:
    """Find or create AWSServiceRoleForBatch in moto IAM, the way AWS creates it on first use."""
    iam = backend.iam_backend
    with _role_lock:
        try:
            return str(iam.get_role(BATCH_SERVICE_LINKED_ROLE).arn)
        except Exception:  # moto raises IAMNotFoundException; any miss means "create it"
            return _create_service_linked_role(iam)


def _create_service_linked_role(iam: Any) -> str:
    # Not iam.create_service_linked_role: moto would name it "AWSServiceRoleForbatch".
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": BATCH_SERVICE_PRINCIPAL}, "Action": "sts:AssumeRole"}
        ],
    }
    role = iam.create_role(
        BATCH_SERVICE_LINKED_ROLE,
        json.dumps(trust),
        f"/aws-service-role/{BATCH_SERVICE_PRINCIPAL}/",
        permissions_boundary=None,
        description="Allows Batch to create and manage AWS resources on your behalf.",
        tags=[],
        max_session_duration="3600",
        linked_service=BATCH_SERVICE_PRINCIPAL,
    )
    return str(role.arn)


def patch_compute_environment_service_role() -> None:
    """CreateComputeEnvironment without serviceRole.

    AWS: serviceRole is optional; Batch then uses (and, on first use, creates) the service-linked
    role AWSServiceRoleForBatch and DescribeComputeEnvironments returns its ARN.
    moto 5.2.5: raises ``ClientException: ServiceRole is required``.
    """
    create = BatchBackend.create_compute_environment

    def create_compute_environment(self: BatchBackend, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("service_role"):
            kwargs["service_role"] = _service_linked_role_arn(self)
        return create(self, *args, **kwargs)

    replace(BatchBackend, "create_compute_environment", create_compute_environment)


def patch_compute_environment_updates() -> None:
    """UpdateComputeEnvironment changes computeResources; updatePolicy is stored and returned.

    AWS: UpdateComputeEnvironment applies the given computeResources fields (max/min/desired vCPUs,
    subnets, security groups, allocation strategy, ...) and both Create and Update accept an
    updatePolicy that DescribeComputeEnvironments returns.
    moto 5.2.5: ignores computeResources on update (a TODO) and drops updatePolicy, so an in-place
    change never converges and the plan after it is never empty.
    """
    create_response = BatchResponse.createcomputeenvironment
    update_response = BatchResponse.updatecomputeenvironment
    update_backend = BatchBackend.update_compute_environment
    describe = BatchBackend.describe_compute_environments

    def createcomputeenvironment(self: BatchResponse) -> str:
        body = create_response(self)
        update_policy = self._get_param("updatePolicy")
        if update_policy:
            env = self.batch_backend.get_compute_environment(json.loads(body)["computeEnvironmentArn"])
            env.batch_harness_update_policy = update_policy  # type: ignore[union-attr]
        return body

    def updatecomputeenvironment(self: BatchResponse) -> str:
        body = update_response(self)
        update_policy = self._get_param("updatePolicy")
        if update_policy:
            env = self.batch_backend.get_compute_environment(json.loads(body)["computeEnvironmentArn"])
            previous = getattr(env, "batch_harness_update_policy", None) or {}
            env.batch_harness_update_policy = {**previous, **update_policy}  # type: ignore[union-attr]
        return body

    def update_compute_environment(
        self: BatchBackend,
        compute_environment_name: str,
        state: str | None,
        compute_resources: Any | None,
        service_role: str | None,
    ) -> tuple[str, str]:
        result = update_backend(self, compute_environment_name, state, compute_resources, service_role)
        if compute_resources:
            env = self.get_compute_environment(compute_environment_name)
            if env is not None and env.compute_resources is not None:
                env.compute_resources.update(compute_resources)
        return result

    def describe_compute_environments(
        self: BatchBackend, environments: list[str] | None = None
    ) -> list[dict[str, Any]]:
        result = describe(self, environments)
        for item in result:
            env = self.get_compute_environment_by_arn(item["computeEnvironmentArn"])
            policy = getattr(env, "batch_harness_update_policy", None)
            if policy:
                item["updatePolicy"] = policy
        return result

    replace(BatchResponse, "createcomputeenvironment", createcomputeenvironment)
    replace(BatchResponse, "updatecomputeenvironment", updatecomputeenvironment)
    replace(BatchBackend, "update_compute_environment", update_compute_environment)
    replace(BatchBackend, "describe_compute_environments", describe_compute_environments)


def patch_job_queue_state_time_limit_actions() -> None:
    """Job queues keep jobStateTimeLimitActions.

    AWS: CreateJobQueue/UpdateJobQueue accept jobStateTimeLimitActions (cancel a job stuck in
    RUNNABLE after maxTimeSeconds) and DescribeJobQueues returns them.
    moto 5.2.5: drops the field, so `job_state_time_limit_action` shows a diff on every plan.
    """
    create = BatchResponse.createjobqueue
    update = BatchResponse.updatejobqueue
    describe = JobQueue.describe

    def _store(self: BatchResponse, body: str) -> str:
        actions = self._get_param("jobStateTimeLimitActions")
        if actions is not None:
            queue = self.batch_backend.get_job_queue(json.loads(body)["jobQueueArn"])
            queue.batch_harness_time_limit_actions = actions  # type: ignore[union-attr]
        return body

    def createjobqueue(self: BatchResponse) -> str:
        return _store(self, create(self))

    def updatejobqueue(self: BatchResponse) -> str:
        return _store(self, update(self))

    def describe_queue(self: JobQueue) -> dict[str, Any]:
        result = describe(self)
        result["jobStateTimeLimitActions"] = getattr(self, "batch_harness_time_limit_actions", [])
        return result

    replace(BatchResponse, "createjobqueue", createjobqueue)
    replace(BatchResponse, "updatejobqueue", updatejobqueue)
    replace(JobQueue, "describe", describe_queue)


def patch_job_definition_scheduling_priority() -> None:
    """Job definitions keep schedulingPriority.

    AWS: RegisterJobDefinition accepts schedulingPriority (used by fair-share queues) and
    DescribeJobDefinitions returns it.
    moto 5.2.5: drops it, so `scheduling_priority` shows a diff on every plan.
    """
    register = BatchResponse.registerjobdefinition
    describe = JobDefinition.describe

    def registerjobdefinition(self: BatchResponse) -> str:
        body = register(self)
        priority = self._get_param("schedulingPriority")
        if priority is not None:
            job_def = self.batch_backend.get_job_definition_by_arn(json.loads(body)["jobDefinitionArn"])
            job_def.batch_harness_scheduling_priority = priority  # type: ignore[union-attr]
        return body

    def describe_job_definition(self: JobDefinition) -> dict[str, Any]:
        result = describe(self)
        priority = getattr(self, "batch_harness_scheduling_priority", None)
        if priority is not None:
            result["schedulingPriority"] = priority
        return result

    replace(BatchResponse, "registerjobdefinition", registerjobdefinition)
    replace(JobDefinition, "describe", describe_job_definition)


def patch_scheduling_policy_fairshare() -> None:
    """A scheduling policy created without fairsharePolicy describes without one.

    AWS: fairsharePolicy is optional in CreateSchedulingPolicy and is only returned when set.
    moto 5.2.5: always returns a zero-filled fairsharePolicy, so a policy without the block shows
    a diff on every plan.
    """
    create = BatchResponse.createschedulingpolicy
    update = BatchResponse.updateschedulingpolicy
    to_dict = SchedulingPolicy.to_dict

    def _mark(self: BatchResponse, arn: str) -> None:
        given = json.loads(self.body or "{}").get("fairsharePolicy") is not None
        for policy in self.batch_backend.describe_scheduling_policies([arn]):
            policy.batch_harness_fairshare_given = given  # type: ignore[attr-defined]  # ours

    def createschedulingpolicy(self: BatchResponse) -> str:
        body = create(self)
        _mark(self, json.loads(body)["arn"])
        return body

    def updateschedulingpolicy(self: BatchResponse) -> str:
        body = update(self)
        _mark(self, json.loads(self.body)["arn"])
        return body

    def policy_to_dict(self: SchedulingPolicy, create: bool = False) -> dict[str, Any]:
        result = to_dict(self, create=create)
        if not getattr(self, "batch_harness_fairshare_given", True):
            result.pop("fairsharePolicy", None)
        return result

    replace(BatchResponse, "createschedulingpolicy", createschedulingpolicy)
    replace(BatchResponse, "updateschedulingpolicy", updateschedulingpolicy)
    replace(SchedulingPolicy, "to_dict", policy_to_dict)


def patch_compute_environment_delete_in_use() -> None:
    """DeleteComputeEnvironment refuses an environment a job queue still uses.

    AWS: ``ClientException: Cannot delete, found existing JobQueue relationship`` - the reason a
    compute environment replacement needs create_before_destroy (the queue moves to the new
    environment first).
    moto 5.2.5: deletes it and leaves the queue pointing at nothing, so a replacement that would
    fail on AWS passes locally.
    """
    delete = BatchBackend.delete_compute_environment

    def delete_compute_environment(self: BatchBackend, compute_environment_name: str) -> None:
        env = self.get_compute_environment(compute_environment_name) if compute_environment_name else None
        if env is not None and any(env in queue.environments for queue in self._job_queues.values()):
            raise ClientException("Cannot delete, found existing JobQueue relationship")
        delete(self, compute_environment_name)

    replace(BatchBackend, "delete_compute_environment", delete_compute_environment)


PATCHES = [
    Patch(
        "batch.compute_environment_delete_in_use",
        "DeleteComputeEnvironment refuses an environment a job queue uses",
        patch_compute_environment_delete_in_use,
    ),
    Patch(
        "batch.compute_environment_service_role",
        "CreateComputeEnvironment without serviceRole uses AWSServiceRoleForBatch",
        patch_compute_environment_service_role,
    ),
    Patch(
        "batch.compute_environment_updates",
        "UpdateComputeEnvironment applies computeResources; updatePolicy round-trips",
        patch_compute_environment_updates,
    ),
    Patch(
        "batch.job_queue_state_time_limit_actions",
        "job queues keep jobStateTimeLimitActions",
        patch_job_queue_state_time_limit_actions,
    ),
    Patch(
        "batch.job_definition_scheduling_priority",
        "job definitions keep schedulingPriority",
        patch_job_definition_scheduling_priority,
    ),
    Patch(
        "batch.scheduling_policy_fairshare",
        "a scheduling policy without fairsharePolicy describes without one",
        patch_scheduling_policy_fairshare,
    ),
]
