"""Find every schedule a config deployed, and read it (and its targets) back from the AWS API.

Discovery uses only Terraform state and the AWS API — never module internals — so any config
works: every ``aws_scheduler_schedule`` and every ``aws_cloudwatch_event_rule`` with a schedule
expression in the state is read back with ``scheduler:GetSchedule`` or ``events:DescribeRule`` +
``events:ListTargetsByRule``. What was deployed is what gets delivered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from batch_harness.accounts.paging import items
from batch_harness.terraform.addresses import state_resources

Backend = Literal["scheduler", "rules"]


@dataclass(frozen=True)
class ScheduleRef:
    """A schedule as Terraform state knows it."""

    backend: Backend
    name: str
    group: str  # Scheduler group name, or the rule's event bus name
    address: str = ""


@dataclass
class Target:
    arn: str
    role_arn: str | None
    input: str | None = None
    target_id: str | None = None  # rules only
    dead_letter_arn: str | None = None
    retry_policy: dict[str, Any] = field(default_factory=dict)
    batch_parameters: dict[str, Any] | None = None  # rules only
    input_path: str | None = None  # rules only
    input_transformer: dict[str, Any] | None = None  # rules only
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Schedule:
    backend: Backend
    name: str
    group: str
    arn: str
    expression: str
    state: str  # ENABLED | DISABLED
    targets: list[Target]
    timezone: str | None = None
    end_date: Any = None
    address: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """How reports name the schedule: ``default/reports-nightly`` or ``rule reports-nightly``."""
        if self.backend == "scheduler":
            return f"{self.group}/{self.name}"
        return f"rule {self.name}" if self.group == "default" else f"rule {self.group}/{self.name}"

    @property
    def enabled(self) -> bool:
        return self.state == "ENABLED"

    @property
    def service_principal(self) -> str:
        return "scheduler.amazonaws.com" if self.backend == "scheduler" else "events.amazonaws.com"


def schedules_in_state(state: Mapping[str, Any]) -> list[ScheduleRef]:
    """Every Scheduler schedule and every *scheduled* EventBridge rule in ``terraform show -json``."""
    refs: list[ScheduleRef] = []
    for resource in state_resources(state):
        if resource.get("mode") != "managed":
            continue
        values = resource.get("values") or {}
        if resource["type"] == "aws_scheduler_schedule":
            refs.append(
                ScheduleRef("scheduler", values["name"], values.get("group_name") or "default", resource["address"])
            )
        elif resource["type"] == "aws_cloudwatch_event_rule" and values.get("schedule_expression"):
            refs.append(
                ScheduleRef("rules", values["name"], values.get("event_bus_name") or "default", resource["address"])
            )
    return sorted(refs, key=lambda r: (r.backend, r.group, r.name))


def schedules_in_state_file(raw: Mapping[str, Any]) -> list[ScheduleRef]:
    """The same, from a local ``terraform.tfstate`` (format 4) — no provider start-up needed."""
    refs: list[ScheduleRef] = []
    for resource in raw.get("resources", []):
        if resource.get("mode") != "managed":
            continue
        prefix = f"{resource['module']}." if resource.get("module") else ""
        for instance in resource.get("instances", []):
            values = instance.get("attributes") or {}
            key = instance.get("index_key")
            index = "" if key is None else f"[{key}]" if isinstance(key, int) else f'["{key}"]'
            address = f"{prefix}{resource['type']}.{resource['name']}{index}"
            if resource["type"] == "aws_scheduler_schedule":
                refs.append(ScheduleRef("scheduler", values["name"], values.get("group_name") or "default", address))
            elif resource["type"] == "aws_cloudwatch_event_rule" and values.get("schedule_expression"):
                refs.append(ScheduleRef("rules", values["name"], values.get("event_bus_name") or "default", address))
    return sorted(refs, key=lambda r: (r.backend, r.group, r.name))


def read_scheduler_schedule(client: Any, name: str, group: str = "default", address: str = "") -> Schedule:
    got = client.get_schedule(Name=name, GroupName=group)
    target = got["Target"]
    return Schedule(
        backend="scheduler",
        name=got["Name"],
        group=got.get("GroupName") or group,
        arn=got["Arn"],
        expression=got["ScheduleExpression"],
        state=got.get("State", "ENABLED"),
        timezone=got.get("ScheduleExpressionTimezone"),
        end_date=got.get("EndDate"),
        address=address,
        raw=got,
        targets=[
            Target(
                arn=target["Arn"],
                role_arn=target.get("RoleArn"),
                input=target.get("Input"),
                dead_letter_arn=(target.get("DeadLetterConfig") or {}).get("Arn"),
                retry_policy=target.get("RetryPolicy") or {},
                raw=target,
            )
        ],
    )


def read_rule(client: Any, name: str, bus: str = "default", address: str = "") -> Schedule:
    rule = client.describe_rule(Name=name, EventBusName=bus)
    targets = [
        Target(
            arn=t["Arn"],
            role_arn=t.get("RoleArn"),
            input=t.get("Input"),
            target_id=t.get("Id"),
            dead_letter_arn=(t.get("DeadLetterConfig") or {}).get("Arn"),
            retry_policy=t.get("RetryPolicy") or {},
            batch_parameters=t.get("BatchParameters"),
            input_path=t.get("InputPath"),
            input_transformer=t.get("InputTransformer"),
            raw=t,
        )
        for t in items(client, "list_targets_by_rule", "Targets", Rule=name, EventBusName=bus)
    ]
    return Schedule(
        backend="rules",
        name=rule["Name"],
        group=rule.get("EventBusName") or bus,
        arn=rule["Arn"],
        expression=rule.get("ScheduleExpression", ""),
        state=rule.get("State", "ENABLED"),
        address=address,
        raw=rule,
        targets=targets,
    )


def read_schedule(clients: Any, ref: ScheduleRef) -> Schedule:
    """Read one schedule back; ``clients(service)`` returns a boto3 client."""
    if ref.backend == "scheduler":
        return read_scheduler_schedule(clients("scheduler"), ref.name, ref.group, ref.address)
    return read_rule(clients("events"), ref.name, ref.group, ref.address)


def discover(clients: Any, state: Mapping[str, Any]) -> list[Schedule]:
    """``state``: ``terraform show -json`` output, or the raw local state file."""
    refs = (
        schedules_in_state_file(state) if "resources" in state and "values" not in state else schedules_in_state(state)
    )
    return [read_schedule(clients, ref) for ref in refs]
