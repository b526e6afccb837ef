"""Deliver a schedule the way EventBridge Scheduler / EventBridge rules would deliver it.

moto never fires schedules (docs/emulator.md), so in the local account the harness does the service's
part, in the service's order:

1. read the schedule/rule and its target back from the API (``schedules.py``);
2. skip what AWS would not fire now (a DISABLED schedule, an end date in the past);
3. check the target role trusts the service principal with the context the service sends
   (``aws:SourceAccount``; ``aws:SourceArn`` = the schedule *group* ARN for Scheduler — AWS's
   behaviour since 2023-09 — or the rule ARN for rules);
4. compute the request exactly as the service would (Scheduler context attributes, the rule's
   Input/InputPath/InputTransformer, BatchParameters) and validate it against the API's shape
   (PascalCase universal-target input -> boto3 parameters via botocore's service model);
5. check the target exists (job queue ENABLED/VALID, job definition ACTIVE, state machine);
6. evaluate the API action against the role's policies on every resource AWS authorises
   (``batch:SubmitJob``: the job queue *and* the job definition; ``states:StartExecution``: the
   state machine) and ``sqs:SendMessage`` on the dead-letter queue (the role for Scheduler, the
   queue policy for rules, plus the KMS key of an encrypted queue);
7. submit the request unchanged.

Step 7 uses the account's own credentials: moto cannot meaningfully assume a role, so the role's
authority is what step 6 proved, not what moto checked. Every problem names the schedule.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from botocore.exceptions import ClientError

from batch_harness.delivery.permissions import (
    Permissions,
    RoleReadError,
    assumed_role_principal,
    error_text,
    resource_policy_allows,
    session_context,
)
from batch_harness.delivery.schedules import Schedule, Target
from batch_harness.delivery.sdk_input import SdkAction, sdk_action, to_boto_params, universal_target_action
from batch_harness.delivery.target_input import (
    InputError,
    parse_json_object,
    rule_input,
    scheduled_event,
    scheduler_input,
)
from batch_harness.iam import (
    PolicyError,
    Request,
    events_source_context,
    resource_policy_admits,
    scheduler_source_context,
    submit_job_requests,
)

# batch: SubmitJob (wait for the job); sfn: StartExecution (wait for the execution); api: any
# other universal-target call the harness knows how to authorise (e.g. the module's missed-run
# heartbeats, cloudwatch:PutMetricData): delivered, nothing to wait for.
Kind = Literal["batch", "sfn", "api"]
Clients = Callable[[str], Any]

JOB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
BATCH_QUEUE_ARN = re.compile(r"^arn:aws[\w-]*:batch:[^:]*:\d{12}:job-queue/.+$")
STATE_MACHINE_ARN = re.compile(r"^arn:aws[\w-]*:states:[^:]*:\d{12}:stateMachine:.+$")
# What a rule's BatchParameters set; a rule's Input may not set these members itself.
RULE_BATCH_MEMBERS = {"JobName", "JobQueue", "JobDefinition", "ArrayProperties", "RetryStrategy"}


@dataclass(frozen=True)
class AccountInfo:
    account_id: str
    region: str

    @property
    def partition(self) -> str:
        return "aws-cn" if self.region.startswith("cn-") else "aws"


@dataclass
class Delivery:
    """One schedule target: what AWS would send, every problem found, and what was submitted."""

    schedule: Schedule
    target: Target
    kind: Kind | None = None
    action: SdkAction | None = None
    params: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    skipped: str | None = None
    checks: list[str] = field(default_factory=list)
    # Resolved for reports and permission checks.
    queue_arn: str | None = None
    job_definition_arn: str | None = None  # with revision, as Batch resolved it
    state_machine_arn: str | None = None
    # Set once submitted.
    job_id: str | None = None
    execution_arn: str | None = None
    delivered: bool = False  # kind "api": the call succeeded

    @property
    def label(self) -> str:
        suffix = f" (target {self.target.target_id})" if len(self.schedule.targets) > 1 else ""
        return self.schedule.label + suffix

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def submitted(self) -> bool:
        return bool(self.job_id or self.execution_arn or self.delivered)

    def fail(self, reason: str) -> None:
        self.problems.append(reason)

    def messages(self) -> list[str]:
        return [f"schedule {self.label}: {p}" for p in self.problems]

    @property
    def job_name(self) -> str | None:
        return self.params.get("jobName") or self.params.get("name")


# --------------------------------------------------------------------------------------------
# 4. the request
# --------------------------------------------------------------------------------------------


def source_context(schedule: Schedule) -> dict[str, str]:
    """The condition keys the service sends with sts:AssumeRole for this schedule."""
    if schedule.backend == "scheduler":
        return scheduler_source_context(schedule.arn)
    return events_source_context(schedule.arn)


def build_request(delivery: Delivery, account: AccountInfo, now: dt.datetime) -> None:
    """Fill ``kind``/``action``/``params`` of ``delivery`` (or add problems)."""
    schedule, target = delivery.schedule, delivery.target
    try:
        if schedule.backend == "scheduler":
            _scheduler_request(delivery, now)
        else:
            _rule_request(delivery, account, now)
    except InputError as error:
        delivery.fail(str(error))
        return
    if target.role_arn is None:
        delivery.fail("the target has no RoleArn (the service needs a role to call the target)")


def _scheduler_request(delivery: Delivery, now: dt.datetime) -> None:
    target = delivery.target
    text = scheduler_input(target.input, delivery.schedule.arn, now)
    if target.arn.startswith("arn:aws") and ":scheduler:::aws-sdk:" in target.arn:
        try:
            action = universal_target_action(target.arn)
        except ValueError as error:
            delivery.fail(str(error))
            return
        body = parse_json_object(text, "the universal target's Input")
        _set_action(delivery, action, body, "Input")
    elif STATE_MACHINE_ARN.match(target.arn):
        parse_json_object(text, "the Step Functions execution input")
        delivery.kind, delivery.action = "sfn", sdk_action("stepfunctions", "StartExecution")
        delivery.params = {"stateMachineArn": target.arn, "input": text}
    elif BATCH_QUEUE_ARN.match(target.arn):
        delivery.fail(
            "Scheduler has no templated AWS Batch target: use the universal target "
            "arn:aws:scheduler:::aws-sdk:batch:submitJob with the SubmitJob request as Input"
        )
    else:
        delivery.fail(
            f"target {target.arn} is not a target the harness can deliver (Batch SubmitJob or Step Functions)"
        )


def _set_action(delivery: Delivery, action: SdkAction, body: dict[str, Any], where: str) -> None:
    name = (action.service, action.operation.name)
    if name == ("batch", "SubmitJob"):
        delivery.kind = "batch"
    elif name == ("stepfunctions", "StartExecution"):
        delivery.kind = "sfn"
    elif name in API_RESOURCES:
        delivery.kind = "api"
    else:
        delivery.fail(
            f"{action.iam_action}: the harness cannot authorise this target (it delivers batch:SubmitJob, "
            f"states:StartExecution and {', '.join(sorted(f'{s}:{o}' for s, o in API_RESOURCES))})"
        )
        return
    delivery.action = action
    params, problems = to_boto_params(action, body)
    delivery.params = params
    for problem in problems:
        delivery.fail(f"{where} is not a valid {action.operation.name} request: {problem}")


def _rule_request(delivery: Delivery, account: AccountInfo, now: dt.datetime) -> None:
    schedule, target = delivery.schedule, delivery.target
    event = scheduled_event(schedule.arn, account.region, account.account_id, now)
    text = rule_input(target.raw, event, schedule.arn, schedule.name)
    if BATCH_QUEUE_ARN.match(target.arn):
        batch = target.batch_parameters
        if not batch or not batch.get("JobDefinition") or not batch.get("JobName"):
            delivery.fail("a Batch job queue target needs BatchParameters with JobDefinition and JobName")
            return
        body: dict[str, Any] = {}
        if text is not None:
            body = parse_json_object(text, "the rule target's Input")
            clash = sorted(RULE_BATCH_MEMBERS & body.keys())
            if clash:
                delivery.fail(
                    f"the rule target's Input sets {', '.join(clash)}, which EventBridge takes from the "
                    "target ARN and BatchParameters"
                )
                return
        body.update({"JobName": batch["JobName"], "JobQueue": target.arn, "JobDefinition": batch["JobDefinition"]})
        if batch.get("ArrayProperties", {}).get("Size"):
            body["ArrayProperties"] = {"Size": batch["ArrayProperties"]["Size"]}
        if batch.get("RetryStrategy", {}).get("Attempts"):
            body["RetryStrategy"] = {"Attempts": batch["RetryStrategy"]["Attempts"]}
        _set_action(delivery, sdk_action("batch", "SubmitJob"), body, "the rule target's Input")
    elif STATE_MACHINE_ARN.match(target.arn):
        execution_input = text if text is not None else json.dumps(event)
        parse_json_object(execution_input, "the Step Functions execution input")
        delivery.kind, delivery.action = "sfn", sdk_action("stepfunctions", "StartExecution")
        delivery.params = {"stateMachineArn": target.arn, "input": execution_input}
    else:
        delivery.fail(
            f"target {target.arn} is not a target the harness can deliver (Batch job queue or Step Functions)"
        )


def _queue_arn_from_url(url: str, account: AccountInfo) -> str:
    owner, name = url.rstrip("/").split("/")[-2:]
    return f"arn:{account.partition}:sqs:{account.region}:{owner}:{name}"


def _function_arn(name: str, account: AccountInfo) -> str:
    if name.startswith("arn:"):
        return name
    return f"arn:{account.partition}:lambda:{account.region}:{account.account_id}:function:{name}"


def _bus_arns(params: dict[str, Any], account: AccountInfo) -> list[str]:
    buses = {entry.get("EventBusName") or "default" for entry in params.get("Entries", [])} or {"default"}
    return sorted(
        b
        if b.startswith("arn:")
        else f"arn:{account.partition}:events:{account.region}:{account.account_id}:event-bus/{b}"
        for b in buses
    )


# Other universal targets: the resources (and condition keys) each call is authorised on, from
# the Service Authorization Reference.
API_RESOURCES: dict[tuple[str, str], Callable[[dict[str, Any], AccountInfo], tuple[list[str], dict[str, Any]]]] = {
    # PutMetricData supports no resource-level permission; cloudwatch:namespace conditions it.
    ("cloudwatch", "PutMetricData"): lambda p, a: (["*"], {"cloudwatch:namespace": p.get("Namespace", "")}),
    ("sqs", "SendMessage"): lambda p, a: ([_queue_arn_from_url(p.get("QueueUrl", ""), a)], {}),
    ("sns", "Publish"): lambda p, a: ([p.get("TopicArn") or p.get("TargetArn") or ""], {}),
    ("lambda", "Invoke"): lambda p, a: ([_function_arn(p.get("FunctionName", ""), a)], {}),
    ("events", "PutEvents"): lambda p, a: (_bus_arns(p, a), {}),
}


# --------------------------------------------------------------------------------------------
# 5. the target exists
# --------------------------------------------------------------------------------------------


def check_target_exists(delivery: Delivery, clients: Clients) -> None:
    if delivery.kind == "batch":
        _check_batch_target(delivery, clients("batch"))
    elif delivery.kind == "sfn":
        arn = delivery.params.get("stateMachineArn", "")
        try:
            machine = clients("stepfunctions").describe_state_machine(stateMachineArn=arn)
        except ClientError as error:
            delivery.fail(f"state machine {arn} does not exist ({error_text(error)})")
            return
        if machine.get("status", "ACTIVE") != "ACTIVE":
            delivery.fail(f"state machine {arn} is {machine['status']}")
        delivery.state_machine_arn = machine["stateMachineArn"]


def _check_batch_target(delivery: Delivery, batch: Any) -> None:
    params = delivery.params
    name = params.get("jobName", "")
    if not JOB_NAME.match(name):
        delivery.fail(
            f"job name {name!r} is not valid "
            "(1-128 letters, digits, hyphens, underscores; starts with a letter or digit)"
        )
    queue_id = params.get("jobQueue", "")
    queues = batch.describe_job_queues(jobQueues=[queue_id]).get("jobQueues", [])
    if not queues:
        delivery.fail(f"job queue {queue_id} does not exist")
    else:
        queue = queues[0]
        delivery.queue_arn = queue["jobQueueArn"]
        if queue.get("state") != "ENABLED":
            delivery.fail(f"job queue {queue['jobQueueName']} is {queue.get('state')} (it accepts no jobs)")
        if queue.get("status") not in (None, "VALID", "UPDATING"):
            delivery.fail(
                f"job queue {queue['jobQueueName']} is {queue.get('status')}: {queue.get('statusReason', '')}"
            )
    definition = params.get("jobDefinition", "")
    found = _find_job_definition(batch, definition)
    if found is None:
        delivery.fail(f"job definition {definition} does not exist (or has no ACTIVE revision)")
    else:
        delivery.job_definition_arn = found["jobDefinitionArn"]
        if found.get("status") != "ACTIVE":
            delivery.fail(f"job definition {found['jobDefinitionName']}:{found['revision']} is {found.get('status')}")


def _find_job_definition(batch: Any, identifier: str) -> dict[str, Any] | None:
    """As SubmitJob resolves it: an ARN or NAME:REV is one revision; a NAME is its latest ACTIVE one."""
    if identifier.startswith("arn:") or ":" in identifier:
        found = batch.describe_job_definitions(jobDefinitions=[identifier]).get("jobDefinitions", [])
        if not found and identifier.startswith("arn:") and not re.search(r":\d+$", identifier):
            name = identifier.rsplit("/", 1)[-1]
            return _find_job_definition(batch, name)
        return found[0] if found else None
    found = batch.describe_job_definitions(jobDefinitionName=identifier, status="ACTIVE").get("jobDefinitions", [])
    return max(found, key=lambda d: d["revision"]) if found else None


# --------------------------------------------------------------------------------------------
# 3 + 6. trust and permissions
# --------------------------------------------------------------------------------------------


def _request_context(delivery: Delivery, account: AccountInfo, now: dt.datetime) -> dict[str, Any]:
    context: dict[str, Any] = session_context(delivery.target.role_arn or "", account.account_id, account.region, now)
    if delivery.kind == "batch":
        if delivery.params.get("shareIdentifier"):
            context["batch:ShareIdentifier"] = delivery.params["shareIdentifier"]
        tags = delivery.params.get("tags") or {}
        for key, value in tags.items():
            context[f"aws:RequestTag/{key}"] = value
        if tags:
            context["aws:TagKeys"] = sorted(tags)
    return context


def permission_requests(delivery: Delivery, account: AccountInfo, now: dt.datetime) -> list[Request]:
    """Every (action, resource) AWS authorises for the target call."""
    context = _request_context(delivery, account, now)
    principal = assumed_role_principal(delivery.target.role_arn or "")
    if delivery.kind == "api" and delivery.action is not None:
        key = (delivery.action.service, delivery.action.operation.name)
        resources, extra = API_RESOURCES[key](delivery.params, account)
        action = delivery.action.iam_action
        return [Request(action, resource, {**context, **extra}, principal) for resource in resources]
    if delivery.kind == "batch" and delivery.queue_arn:
        # The job definition as submitted (a bare name authorises job-definition/NAME, see iam.batch).
        definition = delivery.params["jobDefinition"]
        return submit_job_requests(delivery.queue_arn, definition, context, principal)
    if delivery.kind == "sfn" and delivery.state_machine_arn:
        return [Request("states:StartExecution", delivery.state_machine_arn, context, principal)]
    return []


def check_role(delivery: Delivery, account: AccountInfo, permissions: Permissions, now: dt.datetime) -> None:
    role_arn = delivery.target.role_arn
    if role_arn is None:
        return
    schedule = delivery.schedule
    try:
        trust = permissions.trusts(role_arn, schedule.service_principal, source_context(schedule))
        if not trust.allowed:
            delivery.fail(f"role {role_arn} does not trust {schedule.service_principal}: {trust.reason}")
        else:
            delivery.checks.append(f"trust: {trust.reason}")
        requests = permission_requests(delivery, account, now)
        if requests:
            decision = permissions.allows(role_arn, requests)
            if decision.allowed:
                delivery.checks.append(f"{requests[0].action}: {decision.reason}")
            else:
                delivery.fail(f"role {role_arn} may not {requests[0].action}: {decision.reason}")
    except (RoleReadError, PolicyError) as error:
        delivery.fail(str(error))


def check_schedule_key(
    delivery: Delivery, account: AccountInfo, permissions: Permissions, clients: Clients, now: dt.datetime
) -> None:
    """A schedule encrypted with a customer managed key: Scheduler decrypts it with the role."""
    key_arn = delivery.schedule.raw.get("KmsKeyArn") if delivery.schedule.backend == "scheduler" else None
    role_arn = delivery.target.role_arn
    if not key_arn or not role_arn:
        return
    principal = assumed_role_principal(role_arn)
    request = Request("kms:Decrypt", key_arn, _request_context(delivery, account, now), principal)
    try:
        decision = permissions.allows(role_arn, [request])
        if not decision.allowed:
            delivery.fail(f"role {role_arn} may not decrypt the schedule (key {key_arn}): {decision.reason}")
            return
        _check_key_policy(delivery, clients("kms"), key_arn, [request], principal)
    except (RoleReadError, PolicyError) as error:
        delivery.fail(str(error))


def check_dead_letter_queue(
    delivery: Delivery, account: AccountInfo, permissions: Permissions, clients: Clients, now: dt.datetime
) -> None:
    dlq = delivery.target.dead_letter_arn
    if not dlq:
        return
    parts = dlq.split(":")
    if len(parts) != 6 or parts[2] != "sqs":
        delivery.fail(f"dead-letter queue {dlq} is not an SQS queue ARN")
        return
    sqs = clients("sqs")
    try:
        url = sqs.get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]).get("Attributes", {})
    except ClientError as error:
        delivery.fail(f"dead-letter queue {dlq} does not exist ({error_text(error)})")
        return
    if attributes.get("FifoQueue") == "true":
        delivery.fail(f"dead-letter queue {dlq} is FIFO; EventBridge needs a standard queue")
    schedule = delivery.schedule
    send = [Request("sqs:SendMessage", dlq)]
    key = attributes.get("KmsMasterKeyId")
    key_arn = _customer_key_arn(clients("kms"), key, account) if key else None
    key_requests = [Request(a, key_arn) for a in ("kms:GenerateDataKey", "kms:Decrypt")] if key_arn else []
    try:
        if schedule.backend == "scheduler":
            # Scheduler sends to the DLQ with the schedule's execution role.
            role_arn = delivery.target.role_arn or ""
            context = _request_context(delivery, account, now)
            principal = assumed_role_principal(role_arn)
            reqs = [Request(r.action, r.resource, context, principal) for r in send + key_requests]
            decision = permissions.allows(role_arn, reqs)
            if not decision.allowed:
                delivery.fail(f"role {role_arn} may not send to dead-letter queue {dlq}: {decision.reason}")
                return
            if key_arn:
                _check_key_policy(delivery, clients("kms"), key_arn, reqs[len(send) :], principal)
        else:
            # Rules send to the DLQ as events.amazonaws.com: the queue policy must allow it.
            context = {
                **source_context(schedule),
                "aws:PrincipalServiceName": "events.amazonaws.com",
                "aws:PrincipalIsAWSService": "true",
            }
            request = Request("sqs:SendMessage", dlq, context, "events.amazonaws.com")
            policy = attributes.get("Policy")
            queue_decision = resource_policy_allows(request, policy) if policy else None
            if queue_decision is None or not queue_decision.allowed:
                reason = queue_decision.reason if queue_decision else "the queue has no policy"
                delivery.fail(f"dead-letter queue {dlq} does not let events.amazonaws.com send: {reason}")
                return
            if key_arn:
                reqs = [Request(r.action, r.resource, context, "events.amazonaws.com") for r in key_requests]
                _check_key_policy(delivery, clients("kms"), key_arn, reqs, "events.amazonaws.com")
    except (RoleReadError, PolicyError) as error:
        delivery.fail(str(error))
        return
    delivery.checks.append(f"dead-letter queue {dlq}: sqs:SendMessage allowed")


def _customer_key_arn(kms: Any, key_id: str, account: AccountInfo) -> str | None:
    """The ARN of a customer managed key (AWS managed ``alias/aws/sqs`` needs no grant)."""
    if key_id.startswith("alias/aws/"):
        return None
    try:
        metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    except ClientError:
        return None
    return None if metadata.get("KeyManager") == "AWS" else metadata["Arn"]


def _check_key_policy(delivery: Delivery, kms: Any, key_arn: str, requests: list[Request], principal: str) -> None:
    """A KMS key policy must admit the caller itself (directly, or by delegating to its account —
    then the identity policies, checked separately, decide)."""
    policy = kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"]
    for request in requests:
        decision = resource_policy_admits(request, policy)
        if not decision.allowed:
            delivery.fail(f"the key policy of {key_arn} does not let {principal} {request.action}: {decision.reason}")
            return


# --------------------------------------------------------------------------------------------
# the whole delivery
# --------------------------------------------------------------------------------------------


def _expired(schedule: Schedule, now: dt.datetime) -> bool:
    end = schedule.end_date
    if end is None:
        return False
    if isinstance(end, str):
        end = dt.datetime.fromisoformat(end.replace("Z", "+00:00"))
    if end.tzinfo is None:
        end = end.replace(tzinfo=dt.UTC)
    return end <= now


def plan_deliveries(
    schedules: list[Schedule],
    account: AccountInfo,
    permissions: Permissions,
    clients: Clients,
    now: dt.datetime | None = None,
) -> list[Delivery]:
    """Steps 2-6 for every target of every schedule: nothing is submitted yet."""
    now = now or dt.datetime.now(dt.UTC)
    deliveries: list[Delivery] = []
    for schedule in schedules:
        if not schedule.targets:
            delivery = Delivery(schedule, Target(arn="", role_arn=None))
            delivery.fail("the rule has no target")
            deliveries.append(delivery)
            continue
        for target in schedule.targets:
            delivery = Delivery(schedule, target)
            deliveries.append(delivery)
            if not schedule.enabled:
                delivery.skipped = f"{schedule.state}: AWS does not fire it"
                continue
            if _expired(schedule, now):
                delivery.skipped = f"end date {schedule.end_date} has passed: AWS no longer fires it"
                continue
            build_request(delivery, account, now)
            if delivery.kind is None or delivery.problems:
                continue  # nothing valid to check further: AWS would reject the input itself
            check_target_exists(delivery, clients)
            check_role(delivery, account, permissions, now)
            check_schedule_key(delivery, account, permissions, clients, now)
            check_dead_letter_queue(delivery, account, permissions, clients, now)
    return deliveries


def submit(delivery: Delivery, clients: Clients) -> None:
    """Step 7: send the request unchanged, with the account's credentials (see module docstring)."""
    if not delivery.ok or delivery.skipped or delivery.kind is None:
        return
    try:
        if delivery.kind == "batch":
            response = clients("batch").submit_job(**delivery.params)
            delivery.job_id = response["jobId"]
        elif delivery.kind == "sfn":
            response = clients("stepfunctions").start_execution(**delivery.params)
            delivery.execution_arn = response["executionArn"]
        else:
            assert delivery.action is not None
            getattr(clients(delivery.action.service), delivery.action.boto_method)(**delivery.params)
            delivery.delivered = True
    except ClientError as error:
        delivery.fail(f"{delivery.action.iam_action if delivery.action else 'submission'} failed: {error_text(error)}")


def deliver_all(
    schedules: list[Schedule],
    account: AccountInfo,
    permissions: Permissions,
    clients: Clients,
    now: dt.datetime | None = None,
) -> list[Delivery]:
    """Plan every delivery, then submit those without problems (a bad one never blocks the rest)."""
    deliveries = plan_deliveries(schedules, account, permissions, clients, now)
    for delivery in deliveries:
        submit(delivery, clients)
    return deliveries
