"""Least privilege, proved on the deployed policies.

checkov judges the *configuration*; this judges what IAM actually holds after apply. From the
applied state we derive, for every role the stack creates, what it must be allowed and what
it must be denied, read each role back from IAM (``batch_harness.iam.read_role_policies``) and
evaluate the requests with the project's IAM evaluator:

* schedule roles (Scheduler and rule targets): submit their own job to their own queue (and,
  for Scheduler, send to their dead-letter queue); denied another queue, another job
  definition and an unrelated action;
* pipeline (Step Functions) roles: submit each step's job; denied a queue and a job
  definition outside the pipeline and an unrelated action;
* job roles: denied actions they were not given (reading secrets, submitting jobs, reading an
  unrelated bucket, passing roles);
* execution roles: read their own secrets and write their own log group; denied another
  job's secret and log group and an unrelated action.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from batch_harness.iam import Request, least_privilege_problems, read_role_policies, submit_job_requests
from batch_harness.terraform.addresses import state_resources

UNRELATED = (
    Request("s3:GetObject", "arn:aws:s3:::posture-unrelated-bucket/object", {}),
    Request("iam:PassRole", "*", {}),
)


@dataclass
class RoleExpectation:
    role_arn: str
    kind: str  # schedule | pipeline | job | execution
    owner: str  # the resource address that uses the role
    must_allow: list[Request] = field(default_factory=list)
    must_deny: list[Request] = field(default_factory=list)


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _first(values: Any) -> dict[str, Any]:
    return values[0] if isinstance(values, list) and values and isinstance(values[0], dict) else {}


@dataclass
class _Job:
    address: str
    arn: str
    job_role: str | None
    execution_role: str | None
    secrets: list[str]
    log_group: str | None


def _jobs(resources: list[dict[str, Any]]) -> list[_Job]:
    jobs = []
    for r in resources:
        if r.get("type") != "aws_batch_job_definition" or r.get("mode") != "managed":
            continue
        values = r.get("values", {})
        containers: list[tuple[dict[str, Any], dict[str, Any]]] = []
        cp = _json(values.get("container_properties"))
        if isinstance(cp, dict):
            containers.append((cp, cp))
        ecs = _json(values.get("ecs_properties"))
        if isinstance(ecs, dict):
            for task in ecs.get("taskProperties") or []:
                containers += [(c, task) for c in task.get("containers") or []]
        for container, owner in containers:
            log_options = (container.get("logConfiguration") or {}).get("options") or {}
            jobs.append(
                _Job(
                    address=r["address"],
                    arn=values.get("arn", ""),
                    job_role=owner.get("jobRoleArn") or owner.get("taskRoleArn"),
                    execution_role=owner.get("executionRoleArn"),
                    secrets=[s.get("valueFrom", "") for s in container.get("secrets") or [] if s.get("valueFrom")],
                    log_group=log_options.get("awslogs-group"),
                )
            )
    return jobs


def _arn_parts(arn: str) -> tuple[str, str, str]:
    """(partition, region, account) of an ARN."""
    parts = arn.split(":", 5)
    return parts[1], parts[3], parts[4]


def _log_stream_arn(template_arn: str, group: str) -> str:
    partition, region, account = _arn_parts(template_arn)
    return f"arn:{partition}:logs:{region}:{account}:log-group:{group}:log-stream:posture-probe"


def _secret_request(arn: str) -> Request:
    if ":ssm:" in arn:
        return Request("ssm:GetParameters", arn, {})
    return Request("secretsmanager:GetSecretValue", arn, {})


def _other(values: list[str], own: str | set[str]) -> str | None:
    owned = {own} if isinstance(own, str) else own
    others = sorted(v for v in values if v and v not in owned)
    return others[0] if others else None


def _strip_revision(arn: str) -> str:
    return re.sub(r":\d+$", "", arn)


def expectations_from_state(state: Mapping[str, Any]) -> list[RoleExpectation]:
    """What every role of an applied stack must and must not be able to do."""
    resources = list(state_resources(state))
    jobs = _jobs(resources)
    queues = [r["values"]["arn"] for r in resources if r.get("type") == "aws_batch_job_queue"]
    job_definitions = sorted({j.arn for j in jobs if j.arn})
    template = (queues or job_definitions or ["arn:aws:batch:us-east-1:000000000000:x"])[0]
    partition, region, account = _arn_parts(template)
    foreign_queue = f"arn:{partition}:batch:{region}:{account}:job-queue/posture-not-in-this-stack"
    foreign_definition = f"arn:{partition}:batch:{region}:{account}:job-definition/posture-not-in-this-stack:1"
    foreign_secret = f"arn:{partition}:secretsmanager:{region}:{account}:secret:posture-not-this-jobs-AbCdEf"
    expectations: list[RoleExpectation] = []

    def submit_expectation(role_arn: str, kind: str, owner: str, pairs: list[tuple[str, str]]) -> RoleExpectation:
        own_queues = {q for q, _ in pairs}
        own_definitions = {_strip_revision(d) for _, d in pairs}
        allow = [req for q, d in pairs for req in submit_job_requests(q, d)]
        queue, definition = pairs[0]
        other_queue = _other(queues, own_queues) or foreign_queue
        other_definition = _other([_strip_revision(d) for d in job_definitions], own_definitions) or foreign_definition
        deny = [
            submit_job_requests(other_queue, definition)[0],
            submit_job_requests(queue, other_definition)[1],
            Request("batch:DeleteJobQueue", queue, {}),
            *UNRELATED,
        ]
        return RoleExpectation(role_arn, kind, owner, allow, deny)

    for r in resources:
        values = r.get("values", {})
        if r.get("type") == "aws_scheduler_schedule":
            target = _first(values.get("target"))
            body = _json(target.get("input")) or {}
            if not target.get("arn", "").endswith("batch:submitJob") or not isinstance(body, dict):
                continue
            queue, definition = body.get("JobQueue", ""), body.get("JobDefinition", "")
            expectation = submit_expectation(target["role_arn"], "schedule", r["address"], [(queue, definition)])
            dlq = _first(target.get("dead_letter_config")).get("arn")
            if dlq:
                expectation.must_allow.append(Request("sqs:SendMessage", dlq, {}))
            expectations.append(expectation)
        elif r.get("type") == "aws_cloudwatch_event_target" and values.get("batch_target"):
            batch = _first(values.get("batch_target"))
            expectations.append(
                submit_expectation(
                    values["role_arn"], "schedule", r["address"], [(values["arn"], batch.get("job_definition", ""))]
                )
            )
        elif r.get("type") == "aws_sfn_state_machine":
            definition = _json(values.get("definition")) or {}
            pairs = [
                (params.get("JobQueue", ""), params.get("JobDefinition", ""))
                for state_ in (definition.get("States") or {}).values()
                if isinstance(params := state_.get("Parameters") or state_.get("Arguments"), dict)
                and "JobQueue" in params
                and isinstance(params.get("JobQueue"), str)
                and isinstance(params.get("JobDefinition"), str)
            ]
            if pairs:
                expectations.append(submit_expectation(values["role_arn"], "pipeline", r["address"], pairs))

    all_secrets = sorted({s for j in jobs for s in j.secrets})
    all_groups = sorted({j.log_group for j in jobs if j.log_group})
    for job in jobs:
        if job.job_role:
            deny = [*UNRELATED, Request("batch:SubmitJob", queues[0] if queues else foreign_queue, {})]
            deny += [_secret_request(s) for s in job.secrets] or [_secret_request(foreign_secret)]
            expectations.append(RoleExpectation(job.job_role, "job", job.address, [], deny))
        if job.execution_role:
            allow = [_secret_request(s) for s in job.secrets]
            deny = [*UNRELATED, _secret_request(_other(all_secrets, set(job.secrets)) or foreign_secret)]
            if job.log_group:
                stream = _log_stream_arn(template, job.log_group)
                allow += [Request("logs:CreateLogStream", stream, {}), Request("logs:PutLogEvents", stream, {})]
                other_group = _other(all_groups, job.log_group) or "/posture/not-this-jobs-log-group"
                deny.append(Request("logs:PutLogEvents", _log_stream_arn(template, other_group), {}))
            expectations.append(RoleExpectation(job.execution_role, "execution", job.address, allow, deny))
    return expectations


def deployed_problems(iam_client: Any, state: Mapping[str, Any]) -> tuple[list[str], list[RoleExpectation]]:
    """Every expectation that the policies as read back from IAM do not meet (one line each)."""
    expectations = expectations_from_state(state)
    problems: list[str] = []
    cache: dict[str, Any] = {}
    for expectation in expectations:
        role = cache.get(expectation.role_arn)
        if role is None:
            role = cache[expectation.role_arn] = read_role_policies(iam_client, expectation.role_arn)
        for line in least_privilege_problems(role, expectation.must_allow, expectation.must_deny):
            problems.append(f"{expectation.kind} role of {expectation.owner}: {line}")
    return problems, expectations
