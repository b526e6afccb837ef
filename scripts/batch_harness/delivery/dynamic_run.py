"""The e2e's part for dynamic schedules: create them through the client (every call authorised by
the manager policy), read them back for delivery like any schedule, delete them, prove the group
is empty.

Terraform state never holds these schedules, so they are found through the module's outputs
(``dynamic_schedule_group_name`` / ``dynamic_schedule_targets``), not through state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from batch_harness.delivery.manager_gate import ManagerGate
from batch_harness.delivery.schedules import Schedule, read_scheduler_schedule
from batch_harness.dynamic_schedules import DynamicScheduleClient, DynamicScheduleConfig

HARNESS_OWNER = "harness"
# A user in a zone with DST, weekly: a schedule the module's static ones do not cover.
HARNESS_EXPRESSION = "cron(0 8 ? * MON *)"
HARNESS_TIMEZONE = "Europe/Berlin"


def outputs_in_state_file(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Root output values of a local ``terraform.tfstate`` (no ``terraform output`` start-up)."""
    return {name: item.get("value") for name, item in (raw.get("outputs") or {}).items()}


def config_from_outputs(outputs: Mapping[str, Any]) -> DynamicScheduleConfig | None:
    """The dynamic schedule config, or None when the stack enables no dynamic schedules."""
    if not outputs.get("dynamic_schedule_group_name") or not outputs.get("dynamic_schedule_targets"):
        return None
    return DynamicScheduleConfig.from_outputs(outputs)


@dataclass
class DynamicRun:
    config: DynamicScheduleConfig
    gate: ManagerGate
    client: DynamicScheduleClient
    created: list[tuple[str, str]] = field(default_factory=list)  # (owner, name)

    @classmethod
    def open(
        cls, outputs: Mapping[str, Any], new_scheduler_client: Callable[[], Any], account_id: str, region: str
    ) -> DynamicRun | None:
        """``outputs``: the root module's output values; None when it enables no dynamic schedules."""
        config = config_from_outputs(outputs)
        if config is None:
            return None
        app_role = f"arn:aws:iam::{account_id}:role/{config.group_name}-application"
        gate = ManagerGate(outputs["dynamic_schedule_manager_policy_json"], app_role, account_id, region)
        # A client of its own: the gate must not authorise the harness's own Scheduler calls.
        scheduler = gate.install(new_scheduler_client())
        return cls(config, gate, DynamicScheduleClient(config, scheduler))

    def create_for_every_job(self) -> list[str]:
        """One schedule per job that enables dynamic schedules, with the job's declared parameters."""
        names: list[str] = []
        for job, target in sorted(self.config.targets.items()):
            self.client.create(
                HARNESS_OWNER,
                job.replace("_", "-"),
                job,
                HARNESS_EXPRESSION,
                timezone=HARNESS_TIMEZONE,
                parameters=dict(target.parameters),
            )
            self.created.append((HARNESS_OWNER, job.replace("_", "-")))
            names.append(f"{HARNESS_OWNER}_{job.replace('_', '-')}")
        return names

    def read_all(self, scheduler: Any) -> list[Schedule]:
        """Every schedule of the group (the harness's and any the application made), for delivery."""
        names = list(self.client.names())
        return [read_scheduler_schedule(scheduler, name, self.config.group_name) for name in sorted(names)]

    def delete_all(self) -> list[str]:
        """Delete every schedule of the group through the client; what is left is a leak."""
        for full in list(self.client.names()):
            owner, _, name = full.partition("_")
            self.client.delete(owner, name)
        return [f"dynamic schedule {self.config.group_name}/{n} left after deleting" for n in self.client.names()]
