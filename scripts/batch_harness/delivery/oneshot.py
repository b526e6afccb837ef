"""Real-account proof of a schedule: make AWS itself fire it, now, then find what it submitted.

* Scheduler schedule: a one-time schedule ``at(now + lead)`` in the same group, cloned from the
  real target (same Arn, RoleArn, Input with its context attributes, DLQ, retry policy),
  ``ActionAfterCompletion = DELETE``. Same group = same ``aws:SourceArn`` for the role's trust.
* Scheduled rule: rules have no one-time form and the role trusts that rule's ARN, so the rule
  itself is re-timed to a ``cron(...)`` one to two minutes ahead, and its original expression
  restored afterwards.

The job (or execution) AWS submitted is then found by name/queue (or state machine) and start
time. Against an emulator nothing fires: the caller passes ``fire`` — the tests deliver the
one-time schedule themselves with the local delivery code, and check it was created as intended
and is deleted afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from batch_harness.delivery.deliver import Clients, Delivery

Fire = Callable[["Trigger"], None]


@dataclass
class Trigger:
    """What the harness set up to make AWS fire one delivery."""

    delivery: Delivery
    kind: str  # "one-time schedule" | "retimed rule"
    name: str
    group: str
    expression: str
    request: dict[str, Any] = field(default_factory=dict)  # CreateSchedule / PutRule request
    original_expression: str | None = None
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    removed: bool = False


def one_time_name(run_id: str, delivery: Delivery) -> str:
    digest = hashlib.sha1(delivery.schedule.arn.encode()).hexdigest()[:8]
    return f"{run_id}-once-{delivery.schedule.name}"[: 64 - 9] + f"-{digest}"


def at_expression(when: dt.datetime) -> str:
    return "at(" + when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S") + ")"


def cron_expression(when: dt.datetime) -> str:
    when = when.astimezone(dt.UTC)
    return f"cron({when.minute} {when.hour} {when.day} {when.month} ? {when.year})"


class OneTimeProver:
    def __init__(
        self,
        clients: Clients,
        run_id: str,
        *,
        lead_seconds: int = 60,
        find_timeout: float = 600.0,
        poll: float = 10.0,
        fire: Fire | None = None,
        log: Callable[[str], None] = print,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.clients = clients
        self.run_id = run_id
        self.lead_seconds = lead_seconds
        self.find_timeout = find_timeout
        self.poll = poll
        self.fire = fire
        self.log = log
        self.sleep = sleep
        self.triggers: list[Trigger] = []

    # -- set up ------------------------------------------------------------------------------

    def arm(self, delivery: Delivery) -> Trigger:
        now = dt.datetime.now(dt.UTC)
        if delivery.schedule.backend == "scheduler":
            trigger = self._one_time_schedule(delivery, now)
        else:
            trigger = self._retime_rule(delivery, now)
        self.triggers.append(trigger)
        self.log(f"{delivery.label}: {trigger.kind} {trigger.name} {trigger.expression}")
        return trigger

    def _one_time_schedule(self, delivery: Delivery, now: dt.datetime) -> Trigger:
        original = delivery.target.raw
        target: dict[str, Any] = {"Arn": original["Arn"], "RoleArn": original["RoleArn"]}
        for key in ("Input", "DeadLetterConfig", "RetryPolicy"):
            if original.get(key):
                target[key] = original[key]
        expression = at_expression(now + dt.timedelta(seconds=self.lead_seconds))
        request: dict[str, Any] = {
            "Name": one_time_name(self.run_id, delivery),
            "GroupName": delivery.schedule.group,
            "ScheduleExpression": expression,
            "ScheduleExpressionTimezone": "UTC",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "ActionAfterCompletion": "DELETE",
            "State": "ENABLED",
            "Description": f"batch-harness {self.run_id}: one-time proof of {delivery.schedule.label}",
            "Target": target,
        }
        if delivery.schedule.raw.get("KmsKeyArn"):
            request["KmsKeyArn"] = delivery.schedule.raw["KmsKeyArn"]  # the role must decrypt it, as for the real one
        self.clients("scheduler").create_schedule(**request)
        return Trigger(delivery, "one-time schedule", request["Name"], request["GroupName"], expression, request)

    def _retime_rule(self, delivery: Delivery, now: dt.datetime) -> Trigger:
        schedule = delivery.schedule
        # Rules have minute precision: the next full minute at least lead seconds away.
        when = (now + dt.timedelta(seconds=self.lead_seconds + 60)).replace(second=0, microsecond=0)
        expression = cron_expression(when)
        rule = schedule.raw
        request = {
            "Name": schedule.name,
            "EventBusName": schedule.group,
            "ScheduleExpression": expression,
            "State": "ENABLED",
        }
        for key in ("Description", "RoleArn"):
            if rule.get(key):
                request[key] = rule[key]
        self.clients("events").put_rule(**request)
        return Trigger(
            delivery, "retimed rule", schedule.name, schedule.group, expression, request, schedule.expression
        )

    # -- fire and find ------------------------------------------------------------------------

    def prove(self, deliveries: list[Delivery]) -> None:
        """Arm every deliverable target, let it fire, and record the job/execution it started."""
        for delivery in deliveries:
            if delivery.ok and delivery.kind == "api" and delivery.schedule.backend == "rules":
                delivery.fail("a rule target other than Batch or Step Functions cannot be observed in a real account")
        armed = [self.arm(d) for d in deliveries if d.ok and not d.skipped and d.kind]
        try:
            for trigger in armed:
                if self.fire is not None:
                    self.fire(trigger)
            deadline = time.monotonic() + self.lead_seconds + self.find_timeout
            waiting = list(armed)
            while waiting:
                waiting = [t for t in waiting if not self._found(t)]
                if not waiting:
                    break
                if time.monotonic() > deadline:
                    for trigger in waiting:
                        trigger.delivery.fail(
                            f"AWS did not start anything within {self.lead_seconds + self.find_timeout:.0f}s "
                            f"of the {trigger.kind} {trigger.name}"
                        )
                    break
                self.sleep(self.poll)
        finally:
            self.disarm()

    def _found(self, trigger: Trigger) -> bool:
        delivery = trigger.delivery
        since = trigger.created_at - dt.timedelta(seconds=5)
        if delivery.kind == "batch":
            job_id = self._find_job(delivery, since)
            if job_id:
                delivery.job_id = job_id
        elif delivery.kind == "sfn":
            arn = self._find_execution(delivery, since)
            if arn:
                delivery.execution_arn = arn
        elif trigger.kind == "one-time schedule" and self._completed(trigger):
            # Any other API call leaves no job to find: a one-time schedule with
            # ActionAfterCompletion DELETE is deleted once its target has been invoked.
            delivery.delivered = True
            trigger.removed = True
        return delivery.submitted

    def _completed(self, trigger: Trigger) -> bool:
        try:
            self.clients("scheduler").get_schedule(Name=trigger.name, GroupName=trigger.group)
        except ClientError as error:
            return error.response["Error"]["Code"] == "ResourceNotFoundException"
        return False

    def _find_job(self, delivery: Delivery, since: dt.datetime) -> str | None:
        batch = self.clients("batch")
        queue = delivery.queue_arn or delivery.params.get("jobQueue")
        name = delivery.params.get("jobName")
        response = batch.list_jobs(jobQueue=queue, filters=[{"name": "JOB_NAME", "values": [name]}])
        candidates = [
            j for j in response.get("jobSummaryList", []) if j.get("createdAt", 0) >= since.timestamp() * 1000
        ]
        if not candidates:
            return None
        return str(max(candidates, key=lambda j: j["createdAt"])["jobId"])

    def _find_execution(self, delivery: Delivery, since: dt.datetime) -> str | None:
        sfn = self.clients("stepfunctions")
        arn = delivery.state_machine_arn or delivery.params.get("stateMachineArn")
        executions = sfn.list_executions(stateMachineArn=arn).get("executions", [])
        recent = [e for e in executions if e["startDate"] >= since]
        if not recent:
            return None
        return str(max(recent, key=lambda e: e["startDate"])["executionArn"])

    # -- tear down -----------------------------------------------------------------------------

    def disarm(self) -> None:
        """Delete one-time schedules AWS has not deleted yet; restore re-timed rules."""
        for trigger in self.triggers:
            if trigger.removed:
                continue
            try:
                if trigger.kind == "one-time schedule":
                    try:
                        self.clients("scheduler").delete_schedule(Name=trigger.name, GroupName=trigger.group)
                    except ClientError as error:
                        if error.response["Error"]["Code"] != "ResourceNotFoundException":
                            raise
                else:
                    request = dict(trigger.request, ScheduleExpression=trigger.original_expression)
                    request["State"] = trigger.delivery.schedule.state
                    self.clients("events").put_rule(**request)
                trigger.removed = True
            except ClientError as error:
                self.log(f"could not remove {trigger.kind} {trigger.name}: {error}")
