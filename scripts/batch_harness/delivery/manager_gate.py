"""Authorise an application's Scheduler calls with the module's manager policy, as AWS would.

moto authorises nothing usable (docs/iam-evaluator.md), so the harness puts the question itself:
every call a gated ``scheduler`` client makes is evaluated by ``batch_harness.iam`` against the
policy the application's role would hold (``dynamic_schedule_manager_policy_json``) before it is
sent; a denial becomes the ``AccessDeniedException`` AWS returns. What AWS authorises per call
(Service Authorization Reference): Create/Update/Delete/GetSchedule on the schedule's ARN,
ListSchedules on ``*``, and — for a schedule with a role — ``iam:PassRole`` on that role with
``iam:PassedToService = scheduler.amazonaws.com``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from batch_harness.iam import Decision, Request, evaluate

SCHEDULE_OPERATIONS = ("CreateSchedule", "UpdateSchedule", "DeleteSchedule", "GetSchedule")
PASSES_ROLE = ("CreateSchedule", "UpdateSchedule")


@dataclass
class ManagerGate:
    """``gate.install(client)``: from then on the client's calls are evaluated, then sent."""

    policy: object  # the manager policy document (JSON text or dict)
    principal: str  # the application's role ARN
    account_id: str
    region: str
    partition: str = "aws"
    decisions: list[tuple[str, Decision]] = field(default_factory=list)

    def schedule_arn(self, group: str, name: str) -> str:
        return f"arn:{self.partition}:scheduler:{self.region}:{self.account_id}:schedule/{group}/{name}"

    def requests(self, operation: str, params: dict[str, Any]) -> list[Request]:
        context = {"aws:PrincipalArn": self.principal, "aws:PrincipalAccount": self.account_id}
        action = f"scheduler:{operation}"
        if operation in SCHEDULE_OPERATIONS:
            arn = self.schedule_arn(params.get("GroupName") or "default", params.get("Name", ""))
            requests = [Request(action, arn, context, self.principal)]
        else:  # ListSchedules and anything else without a resource type
            requests = [Request(action, "*", context, self.principal)]
        role = (params.get("Target") or {}).get("RoleArn")
        if operation in PASSES_ROLE and role:
            passed = {**context, "iam:PassedToService": "scheduler.amazonaws.com"}
            requests.append(Request("iam:PassRole", role, passed, self.principal))
        return requests

    def check(self, operation: str, params: dict[str, Any]) -> None:
        for request in self.requests(operation, params):
            decision = evaluate(request, [self.policy], identity_policy_names=["manager policy"])
            self.decisions.append((f"{request.action} {request.resource}", decision))
            if not decision.allowed:
                message = (
                    f"User: {self.principal} is not authorized to perform: {request.action} on resource: "
                    f"{request.resource} ({decision.reason})"
                )
                raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}}, operation)

    def install(self, client: Any) -> Any:
        def before(params: dict[str, Any], model: Any, **_: Any) -> None:
            self.check(model.name, params)

        client.meta.events.register("provide-client-params.scheduler.*", before)
        return client
