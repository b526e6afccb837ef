"""List what exists in an account, service by service, to prove a destroy left nothing behind.

Two ways to decide what counts as left behind:

* local account: a snapshot taken right after the account started (moto's default VPC, its
  default security groups, AWS managed policies...) is the baseline; after destroy, anything not
  in the baseline is a leak. No list of "defaults" to maintain.
* real account: other people's resources exist, so only resources of this run count — a name or
  ARN containing the run id, or the run tag (``batch-harness:run-id``) with the run id.

Services whose listing fails are reported (never silently skipped).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from batch_harness.accounts.paging import items

RUN_TAG = "batch-harness:run-id"

Clients = Callable[[str], Any]


@dataclass(frozen=True)
class Resource:
    kind: str  # e.g. "batch job queue"
    id: str  # what the deleting call takes (name, ARN, id)
    arn: str = ""
    name: str = ""
    tags: tuple[tuple[str, str], ...] = ()
    extra: tuple[tuple[str, str], ...] = ()  # e.g. (("group", "default"),) for schedules
    # Deleted but still listed for a while (NAT gateway "deleted", KMS key "PendingDeletion"):
    # not a leftover, but known, so the tagging API's view of it is not reported either.
    gone: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.id)

    def tag(self, key: str) -> str | None:
        return dict(self.tags).get(key)

    def get(self, key: str) -> str | None:
        return dict(self.extra).get(key)

    def __str__(self) -> str:
        shown = self.name or self.id
        return f"{self.kind} {shown}" + (f" ({self.arn})" if self.arn and self.arn != shown else "")


@dataclass
class Inventory:
    resources: list[Resource] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def keys(self) -> set[tuple[str, str]]:
        return {r.key for r in self.resources}


def _tags(value: Any) -> tuple[tuple[str, str], ...]:
    """Tags in any of AWS's shapes: {k: v}, [{Key, Value}], [{key, value}]."""
    if not value:
        return ()
    if isinstance(value, dict):
        return tuple(sorted((str(k), str(v)) for k, v in value.items()))
    pairs = []
    for item in value:
        key = item.get("Key", item.get("key", item.get("TagKey")))
        val = item.get("Value", item.get("value", item.get("TagValue", "")))
        pairs.append((str(key), str(val)))
    return tuple(sorted(pairs))


# --- listers: each yields Resources of one service ------------------------------------------------


def _batch(c: Clients) -> Iterator[Resource]:
    batch = c("batch")
    for ce in items(batch, "describe_compute_environments", "computeEnvironments"):
        tags = _tags(ce.get("tags"))
        yield Resource(
            "batch compute environment",
            ce["computeEnvironmentName"],
            ce["computeEnvironmentArn"],
            # The module lets the provider generate the name; the readable one is the Name tag.
            dict(tags).get("Name") or ce["computeEnvironmentName"],
            tags,
        )
    for q in items(batch, "describe_job_queues", "jobQueues"):
        yield Resource("batch job queue", q["jobQueueName"], q["jobQueueArn"], q["jobQueueName"], _tags(q.get("tags")))
    for d in items(batch, "describe_job_definitions", "jobDefinitions", status="ACTIVE"):
        yield Resource(
            "batch job definition",
            d["jobDefinitionArn"],
            d["jobDefinitionArn"],
            f"{d['jobDefinitionName']}:{d['revision']}",
            _tags(d.get("tags")),
        )
    arns = [p["arn"] for p in items(batch, "list_scheduling_policies", "schedulingPolicies")]
    for start in range(0, len(arns), 100):
        for p in batch.describe_scheduling_policies(arns=arns[start : start + 100]).get("schedulingPolicies", []):
            yield Resource("batch scheduling policy", p["arn"], p["arn"], p["name"], _tags(p.get("tags")))


def _scheduler(c: Clients) -> Iterator[Resource]:
    scheduler = c("scheduler")
    for s in items(scheduler, "list_schedules", "Schedules"):
        group = s.get("GroupName") or "default"
        yield Resource(
            "scheduler schedule", f"{group}/{s['Name']}", s.get("Arn", ""), s["Name"], (), (("group", group),)
        )
    for g in items(scheduler, "list_schedule_groups", "ScheduleGroups"):
        if g["Name"] == "default":
            continue
        tags = scheduler.list_tags_for_resource(ResourceArn=g["Arn"]).get("Tags", [])
        yield Resource("scheduler schedule group", g["Name"], g["Arn"], g["Name"], _tags(tags))


def _events(c: Clients) -> Iterator[Resource]:
    events = c("events")
    buses = [b["Name"] for b in events.list_event_buses().get("EventBuses", [])] or ["default"]
    for bus in buses:
        if bus != "default":
            yield Resource("event bus", bus, "", bus)
        for rule in items(events, "list_rules", "Rules", EventBusName=bus):
            if rule.get("ManagedBy"):
                continue  # owned by an AWS service (e.g. Step Functions' Batch rule)
            yield Resource("event rule", f"{bus}/{rule['Name']}", rule["Arn"], rule["Name"], (), (("bus", bus),))


def _stepfunctions(c: Clients) -> Iterator[Resource]:
    sfn = c("stepfunctions")
    for m in items(sfn, "list_state_machines", "stateMachines"):
        yield Resource("state machine", m["stateMachineArn"], m["stateMachineArn"], m["name"])
    for a in items(sfn, "list_activities", "activities"):
        yield Resource("step functions activity", a["activityArn"], a["activityArn"], a["name"])


def _iam(c: Clients) -> Iterator[Resource]:
    iam = c("iam")
    for role in items(iam, "list_roles", "Roles"):
        if role.get("Path", "/").startswith("/aws-service-role/"):
            continue  # service-linked roles belong to AWS services
        yield Resource("iam role", role["RoleName"], role["Arn"], role["RoleName"], _tags(role.get("Tags")))
    for policy in items(iam, "list_policies", "Policies", Scope="Local"):
        yield Resource("iam policy", policy["Arn"], policy["Arn"], policy["PolicyName"], _tags(policy.get("Tags")))
    for profile in items(iam, "list_instance_profiles", "InstanceProfiles"):
        yield Resource(
            "iam instance profile", profile["InstanceProfileName"], profile["Arn"], profile["InstanceProfileName"]
        )


def _ec2(c: Clients) -> Iterator[Resource]:
    ec2 = c("ec2")

    def name_of(item: dict[str, Any]) -> str:
        return dict(_tags(item.get("Tags"))).get("Name", "")

    for vpc in items(ec2, "describe_vpcs", "Vpcs"):
        yield Resource("vpc", vpc["VpcId"], "", name_of(vpc) or vpc["VpcId"], _tags(vpc.get("Tags")))
    for subnet in items(ec2, "describe_subnets", "Subnets"):
        yield Resource(
            "subnet", subnet["SubnetId"], subnet.get("SubnetArn", ""), name_of(subnet), _tags(subnet.get("Tags"))
        )
    for group in items(ec2, "describe_security_groups", "SecurityGroups"):
        yield Resource(
            "security group",
            group["GroupId"],
            "",
            group["GroupName"],
            _tags(group.get("Tags")),
            (("vpc", group.get("VpcId", "")),),
        )
    for igw in items(ec2, "describe_internet_gateways", "InternetGateways"):
        attached = ",".join(a["VpcId"] for a in igw.get("Attachments", []))
        yield Resource(
            "internet gateway",
            igw["InternetGatewayId"],
            "",
            name_of(igw),
            _tags(igw.get("Tags")),
            (("vpcs", attached),),
        )
    for nat in items(ec2, "describe_nat_gateways", "NatGateways"):
        gone = nat.get("State") in ("deleted", "deleting")
        yield Resource("nat gateway", nat["NatGatewayId"], "", name_of(nat), _tags(nat.get("Tags")), gone=gone)
    for table in items(ec2, "describe_route_tables", "RouteTables"):
        main = any(a.get("Main") for a in table.get("Associations", []))
        yield Resource(
            "route table", table["RouteTableId"], "", name_of(table), _tags(table.get("Tags")), (("main", str(main)),)
        )
    for endpoint in items(ec2, "describe_vpc_endpoints", "VpcEndpoints"):
        yield Resource(
            "vpc endpoint",
            endpoint["VpcEndpointId"],
            "",
            endpoint.get("ServiceName", ""),
            _tags(endpoint.get("Tags")),
            gone=endpoint.get("State", "").lower() in ("deleted", "deleting"),
        )
    for address in ec2.describe_addresses().get("Addresses", []):
        yield Resource(
            "elastic ip",
            address.get("AllocationId", address.get("PublicIp", "")),
            "",
            address.get("PublicIp", ""),
            _tags(address.get("Tags")),
        )
    for template in items(ec2, "describe_launch_templates", "LaunchTemplates"):
        yield Resource(
            "launch template",
            template["LaunchTemplateId"],
            "",
            template["LaunchTemplateName"],
            _tags(template.get("Tags")),
        )


def _logs(c: Clients) -> Iterator[Resource]:
    for group in items(c("logs"), "describe_log_groups", "logGroups"):
        yield Resource("log group", group["logGroupName"], group.get("arn", ""), group["logGroupName"])


def _sqs(c: Clients) -> Iterator[Resource]:
    sqs = c("sqs")
    region = sqs.meta.region_name
    partition = "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
    for url in sqs.list_queues().get("QueueUrls", []):
        account, name = url.rstrip("/").split("/")[-2:]
        yield Resource("sqs queue", url, f"arn:{partition}:sqs:{region}:{account}:{name}", name)


def _sns(c: Clients) -> Iterator[Resource]:
    sns = c("sns")
    for topic in items(sns, "list_topics", "Topics"):
        yield Resource("sns topic", topic["TopicArn"], topic["TopicArn"], topic["TopicArn"].rsplit(":", 1)[-1])
    for sub in items(sns, "list_subscriptions", "Subscriptions"):
        if sub.get("SubscriptionArn", "").startswith("arn:"):
            yield Resource("sns subscription", sub["SubscriptionArn"], sub["SubscriptionArn"], sub.get("Endpoint", ""))


def _kms(c: Clients) -> Iterator[Resource]:
    kms = c("kms")
    for key in items(kms, "list_keys", "Keys"):
        meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        # A destroyed key is scheduled for deletion: that is gone, as far as AWS allows.
        gone = meta.get("KeyManager") == "AWS" or meta.get("KeyState") in ("PendingDeletion", "PendingReplicaDeletion")
        yield Resource("kms key", meta["KeyId"], meta["Arn"], meta.get("Description", "") or meta["KeyId"], gone=gone)
    for alias in items(kms, "list_aliases", "Aliases"):
        if alias["AliasName"].startswith("alias/aws/"):
            continue
        yield Resource("kms alias", alias["AliasName"], alias.get("AliasArn", ""), alias["AliasName"])


def _cloudwatch(c: Clients) -> Iterator[Resource]:
    cloudwatch = c("cloudwatch")
    response = cloudwatch.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    for alarm in response.get("MetricAlarms", []) + response.get("CompositeAlarms", []):
        yield Resource("cloudwatch alarm", alarm["AlarmName"], alarm.get("AlarmArn", ""), alarm["AlarmName"])
    for board in cloudwatch.list_dashboards().get("DashboardEntries", []):
        yield Resource(
            "cloudwatch dashboard", board["DashboardName"], board.get("DashboardArn", ""), board["DashboardName"]
        )


def _secrets(c: Clients) -> Iterator[Resource]:
    for secret in items(c("secretsmanager"), "list_secrets", "SecretList"):
        gone = bool(secret.get("DeletedDate"))  # scheduled for deletion (recovery window)
        yield Resource("secret", secret["ARN"], secret["ARN"], secret["Name"], _tags(secret.get("Tags")), gone=gone)


def _ssm(c: Clients) -> Iterator[Resource]:
    for parameter in items(c("ssm"), "describe_parameters", "Parameters"):
        yield Resource("ssm parameter", parameter["Name"], parameter.get("ARN", ""), parameter["Name"])


def _s3(c: Clients) -> Iterator[Resource]:
    for bucket in c("s3").list_buckets().get("Buckets", []):
        yield Resource("s3 bucket", bucket["Name"], f"arn:aws:s3:::{bucket['Name']}", bucket["Name"])


def _ecr(c: Clients) -> Iterator[Resource]:
    for repo in items(c("ecr"), "describe_repositories", "repositories"):
        yield Resource("ecr repository", repo["repositoryName"], repo["repositoryArn"], repo["repositoryName"])


def _tagged(c: Clients) -> Iterator[Resource]:
    """Anything else the tagging API knows (ARN-keyed; the per-service listers win on overlap)."""
    for item in items(c("resourcegroupstaggingapi"), "get_resources", "ResourceTagMappingList"):
        yield Resource("tagged resource", item["ResourceARN"], item["ResourceARN"], "", _tags(item.get("Tags")))


LISTERS: dict[str, Callable[[Clients], Iterator[Resource]]] = {
    "batch": _batch,
    "scheduler": _scheduler,
    "events": _events,
    "stepfunctions": _stepfunctions,
    "iam": _iam,
    "ec2": _ec2,
    "logs": _logs,
    "sqs": _sqs,
    "sns": _sns,
    "kms": _kms,
    "cloudwatch": _cloudwatch,
    "secretsmanager": _secrets,
    "ssm": _ssm,
    "s3": _s3,
    "ecr": _ecr,
    "resourcegroupstaggingapi": _tagged,
}


def _list(service: str, clients: Clients) -> tuple[list[Resource], str | None]:
    try:
        return list(LISTERS[service](clients)), None
    except (ClientError, BotoCoreError, KeyError) as error:
        return [], f"could not list {service}: {error}"


def take_inventory(clients: Clients, services: tuple[str, ...] | None = None) -> Inventory:
    """Every lister, concurrently (each is a few sequential API calls); the tagging API last."""
    wanted = [s for s in LISTERS if services is None or s in services]
    per_service = [s for s in wanted if s != "resourcegroupstaggingapi"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda s: _list(s, clients), per_service))
    if "resourcegroupstaggingapi" in wanted:
        results.append(_list("resourcegroupstaggingapi", clients))
    inventory = Inventory()
    known: set[str] = set()
    for resources, error in results:
        if error:
            inventory.errors.append(error)
        for resource in resources:
            if resource.kind == "tagged resource" and _already_listed(resource.arn, known):
                continue
            known.update(t for t in (resource.id, resource.name, resource.arn.removesuffix(":*")) if t)
            if not resource.gone:
                inventory.resources.append(resource)
    return inventory


def _already_listed(arn: str, known: set[str]) -> bool:
    """Is a tagging-API ARN one a service lister already returned (by ARN, id or name)?"""
    resource = arn.split(":", 5)[-1]
    candidates = {arn, resource, resource.rsplit("/", 1)[-1], resource.rsplit(":", 1)[-1]}
    if resource.startswith("log-group:"):
        candidates.add(resource.removeprefix("log-group:"))
    return bool(candidates & known)


def left_behind(baseline: Inventory, after: Inventory) -> list[Resource]:
    """Resources present after destroy that were not there before apply (local account)."""
    before = baseline.keys()
    return [r for r in after.resources if r.key not in before]


def tagged_arns(clients: Clients, run_id: str) -> set[str]:
    """ARNs the tagging API lists with the run tag (one call family instead of one per resource)."""
    tagging = clients("resourcegroupstaggingapi")
    found: set[str] = set()
    for item in items(
        tagging, "get_resources", "ResourceTagMappingList", TagFilters=[{"Key": RUN_TAG, "Values": [run_id]}]
    ):
        found.add(item["ResourceARN"])
    return found


def _role_tags(clients: Clients, name: str) -> tuple[tuple[str, str], ...]:
    return _tags(clients("iam").list_role_tags(RoleName=name).get("Tags", []))


def of_run(inventory: Inventory, clients: Clients, run_id: str) -> list[Resource]:
    """Resources of one run (real account): run id in name/ARN, or tagged with it."""
    try:
        by_tag = tagged_arns(clients, run_id)
    except (ClientError, BotoCoreError) as error:
        inventory.errors.append(f"could not query the tagging API: {error}")
        by_tag = set()
    found: list[Resource] = []
    for resource in inventory.resources:
        text = " ".join((resource.id, resource.arn, resource.name))
        tagged = resource.tag(RUN_TAG) == run_id or (resource.arn and resource.arn.removesuffix(":*") in by_tag)
        if resource.kind == "iam role" and not tagged and run_id not in text:
            # list_roles does not return tags: ask for them (the run's roles carry the run tag).
            try:
                tagged = dict(_role_tags(clients, resource.id)).get(RUN_TAG) == run_id
            except (ClientError, BotoCoreError):
                tagged = False
        if run_id in text or tagged:
            found.append(resource)
    return found
