"""Real-account pieces with fakes: the one-time schedule proof, run-scoped inventory, the CLI."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

import pytest

from batch_harness.cleanup.inventory import RUN_TAG, Inventory, Resource, _already_listed, _batch, left_behind, of_run
from batch_harness.cli import commands
from batch_harness.delivery.deliver import Delivery
from batch_harness.delivery.oneshot import OneTimeProver, Trigger, at_expression, cron_expression
from batch_harness.delivery.schedules import Schedule, Target

from .fakes import JOBDEF_ARN, QUEUE_ARN, ROLE_ARN, client_error

INPUT = json.dumps({"JobName": "hello", "JobQueue": QUEUE_ARN, "JobDefinition": JOBDEF_ARN})


class FakeScheduler:
    def __init__(self) -> None:
        self.schedules: dict[tuple[str, str], dict[str, Any]] = {}
        self.deleted: list[tuple[str, str]] = []

    def create_schedule(self, **request: Any) -> dict[str, Any]:
        self.schedules[(request["GroupName"], request["Name"])] = request
        return {"ScheduleArn": "arn"}

    def get_schedule(self, Name: str, GroupName: str) -> dict[str, Any]:
        if (GroupName, Name) not in self.schedules:
            raise client_error("ResourceNotFoundException")
        return self.schedules[(GroupName, Name)]

    def delete_schedule(self, Name: str, GroupName: str) -> None:
        if (GroupName, Name) not in self.schedules:
            raise client_error("ResourceNotFoundException")
        del self.schedules[(GroupName, Name)]
        self.deleted.append((GroupName, Name))


class FakeEvents:
    def __init__(self) -> None:
        self.put: list[dict[str, Any]] = []

    def put_rule(self, **request: Any) -> None:
        self.put.append(request)


class FakeBatch:
    def __init__(self) -> None:
        self.jobs: list[dict[str, Any]] = []

    def list_jobs(self, jobQueue: str, filters: list[dict[str, Any]]) -> dict[str, Any]:
        name = filters[0]["values"][0]
        return {"jobSummaryList": [j for j in self.jobs if j["jobName"] == name]}


class Clients(dict):
    def __call__(self, service: str) -> Any:
        return self[service]


def batch_delivery(backend: str = "scheduler") -> Delivery:
    target_raw = {"Arn": "arn:aws:scheduler:::aws-sdk:batch:submitJob", "RoleArn": ROLE_ARN, "Input": INPUT,
                  "RetryPolicy": {"MaximumRetryAttempts": 3}}  # fmt: skip
    schedule = Schedule(backend, "hello-daily", "reports", "arn:aws:scheduler:r:1:schedule/reports/hello-daily",
                        "cron(0 6 * * ? *)", "ENABLED", [])  # fmt: skip
    delivery = Delivery(schedule, Target(arn=target_raw["Arn"], role_arn=ROLE_ARN, input=INPUT, raw=target_raw))
    delivery.kind = "batch"
    delivery.params = {"jobName": "hello", "jobQueue": QUEUE_ARN, "jobDefinition": JOBDEF_ARN}
    delivery.queue_arn = QUEUE_ARN
    return delivery


def test_one_time_schedule_clones_the_target_fires_and_is_deleted():
    clients = Clients(scheduler=FakeScheduler(), batch=FakeBatch())
    seen: list[dict[str, Any]] = []

    def fire(trigger: Trigger) -> None:  # what AWS would do at the at() time
        seen.append(dict(clients["scheduler"].schedules[(trigger.group, trigger.name)]))
        clients["batch"].jobs.append(
            {"jobId": "j-1", "jobName": "hello", "createdAt": int(dt.datetime.now(dt.UTC).timestamp() * 1000)}
        )

    delivery = batch_delivery()
    prover = OneTimeProver(clients, "bh00abcd", lead_seconds=60, fire=fire, poll=0, log=lambda m: None)
    prover.prove([delivery])
    [created] = seen
    assert created["Target"] == delivery.target.raw
    assert created["ActionAfterCompletion"] == "DELETE" and created["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert created["GroupName"] == "reports" and created["Name"].startswith("bh00abcd-once-hello-daily")
    assert created["ScheduleExpression"].startswith("at(") and created["ScheduleExpressionTimezone"] == "UTC"
    assert delivery.job_id == "j-1"
    assert clients["scheduler"].schedules == {}  # deleted afterwards


def test_nothing_fired_fails_the_delivery_and_still_cleans_up():
    clients = Clients(scheduler=FakeScheduler(), batch=FakeBatch())
    delivery = batch_delivery()
    prover = OneTimeProver(clients, "bh00abcd", lead_seconds=0, find_timeout=0, poll=0, log=lambda m: None)
    prover.prove([delivery])
    assert not delivery.ok and "did not start anything" in delivery.problems[0]
    assert clients["scheduler"].schedules == {}


def test_a_job_older_than_the_trigger_is_not_taken_for_its_run():
    clients = Clients(scheduler=FakeScheduler(), batch=FakeBatch())
    clients["batch"].jobs.append({"jobId": "old", "jobName": "hello", "createdAt": 1000})
    delivery = batch_delivery()
    OneTimeProver(clients, "bh00abcd", lead_seconds=0, find_timeout=0, poll=0, log=lambda m: None).prove([delivery])
    assert delivery.job_id is None


def test_other_api_targets_count_as_delivered_once_aws_deleted_the_one_time_schedule():
    clients = Clients(scheduler=FakeScheduler())
    delivery = batch_delivery()
    delivery.kind = "api"

    def fire(trigger: Trigger) -> None:  # AWS invokes the target, then deletes the schedule
        del clients["scheduler"].schedules[(trigger.group, trigger.name)]

    OneTimeProver(clients, "bh1", fire=fire, poll=0, log=lambda m: None).prove([delivery])
    assert delivery.ok and delivery.delivered
    assert clients["scheduler"].deleted == []  # nothing left for the harness to delete


def test_rules_are_retimed_and_restored():
    clients = Clients(events=FakeEvents(), batch=FakeBatch())
    delivery = batch_delivery("rules")
    delivery.schedule.expression = "rate(1 hour)"
    delivery.schedule.group = "default"

    def fire(trigger: Trigger) -> None:
        clients["batch"].jobs.append(
            {"jobId": "j", "jobName": "hello", "createdAt": int(dt.datetime.now(dt.UTC).timestamp() * 1000)}
        )

    OneTimeProver(clients, "bh1", fire=fire, poll=0, log=lambda m: None).prove([delivery])
    retimed, restored = clients["events"].put
    assert retimed["ScheduleExpression"].startswith("cron(") and retimed["Name"] == "hello-daily"
    assert restored["ScheduleExpression"] == "rate(1 hour)" and restored["State"] == "ENABLED"


def test_expressions():
    when = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    assert at_expression(when) == "at(2026-03-04T05:06:07)"
    assert cron_expression(when) == "cron(6 5 4 3 ? 2026)"


# -- inventory ----------------------------------------------------------------------------------


def test_left_behind_is_what_was_not_there_before():
    before = Inventory([Resource("vpc", "vpc-default"), Resource("security group", "sg-default")])
    after = Inventory([Resource("vpc", "vpc-default"), Resource("log group", "/aws/batch/x")])
    assert [str(r) for r in left_behind(before, after)] == ["log group /aws/batch/x"]


class NoTags:
    def get_paginator(self, name: str) -> Any:
        class P:
            def paginate(self, **_: Any) -> list[dict[str, Any]]:
                return [{"ResourceTagMappingList": [{"ResourceARN": "arn:aws:sqs:r:1:tagged-queue"}]}]

        return P()

    def can_paginate(self, name: str) -> bool:
        return True

    def list_role_tags(self, RoleName: str) -> dict[str, Any]:
        return {"Tags": [{"Key": RUN_TAG, "Value": "bh1"}] if RoleName == "tagged-role" else []}


def test_of_run_matches_names_tags_and_the_tagging_api():
    inventory = Inventory(
        [
            Resource("iam role", "app-bh1-sched", "arn:aws:iam::1:role/app-bh1-sched"),
            Resource("iam role", "tagged-role", "arn:aws:iam::1:role/tagged-role"),
            Resource("iam role", "someone-else", "arn:aws:iam::1:role/someone-else"),
            Resource("batch job queue", "q", "arn:q", "q", ((RUN_TAG, "bh1"),)),
            Resource("sqs queue", "https://q/tagged-queue", "arn:aws:sqs:r:1:tagged-queue"),
            Resource("log group", "other", "arn:other"),
        ]
    )
    found = of_run(inventory, lambda service: NoTags(), "bh1")
    assert sorted(r.id for r in found) == ["app-bh1-sched", "https://q/tagged-queue", "q", "tagged-role"]


def test_tagging_api_duplicates_of_listed_resources_are_recognised():
    known = {"vpc-1", "/aws/batch/job", "arn:aws:sns:r:1:topic"}
    assert _already_listed("arn:aws:ec2:r:1:vpc/vpc-1", known)
    assert _already_listed("arn:aws:logs:r:1:log-group:/aws/batch/job", known)
    assert _already_listed("arn:aws:sns:r:1:topic", known)
    assert not _already_listed("arn:aws:ec2:r:1:vpc/vpc-2", known)


GENERATED = "terraform-20261203130912345600000001"


class OneComputeEnvironment:
    """describe_compute_environments with one environment named by the provider, as the module does."""

    def can_paginate(self, name: str) -> bool:
        return False

    def describe_compute_environments(self, **_: Any) -> dict[str, Any]:
        return {
            "computeEnvironments": [
                {
                    "computeEnvironmentName": GENERATED,
                    "computeEnvironmentArn": f"arn:aws:batch:r:1:compute-environment/{GENERATED}",
                    "tags": {"Name": "app-bh1-fargate"},
                }
            ]
        }

    def __getattr__(self, name: str) -> Any:
        return lambda **_: {}


def test_compute_environment_is_deleted_by_its_generated_name_and_shown_and_matched_by_its_name_tag():
    (environment,) = [
        r for r in _batch(lambda service: OneComputeEnvironment()) if r.kind == "batch compute environment"
    ]
    assert environment.id == GENERATED
    assert str(environment).startswith("batch compute environment app-bh1-fargate (")
    assert of_run(Inventory([environment]), lambda service: NoTags(), "bh1") == [environment]


# -- CLI ----------------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser()
    commands.register(root.add_subparsers(dest="command", required=True))
    return root


def test_e2e_defaults_and_options():
    args = parser().parse_args(["e2e"])
    assert (str(args.dir), args.account, args.keep, args.var_file) == ("examples/complete", "local", False, [])
    args = parser().parse_args(
        ["e2e", "examples/minimal", "--account", "aws", "--var-file", "a.tfvars", "--var-file", "b.tfvars", "--keep",
         "--profile", "sandbox", "--role-arn", "arn:r", "--region", "eu-west-1", "--endpoint-url", "http://x"]
    )  # fmt: skip
    assert [str(f) for f in args.var_file] == ["a.tfvars", "b.tfvars"]
    assert (args.account, args.keep, args.profile, args.role_arn, args.region, args.endpoint_url) == (
        "aws",
        True,
        "sandbox",
        "arn:r",
        "eu-west-1",
        "http://x",
    )


def test_endpoint_url_is_hidden_from_help(capsys):
    with pytest.raises(SystemExit):
        parser().parse_args(["e2e", "--help"])
    help_text = capsys.readouterr().out
    assert "--endpoint-url" not in help_text and "--role-arn" in help_text and "--keep" in help_text


def test_every_command_is_registered_and_janitor_needs_a_run_id():
    root = parser()
    for command in (["up"], ["smoke"], ["down", "--discard"], ["janitor", "--run-id", "bh1"]):
        assert callable(root.parse_args(command).func)
    with pytest.raises(SystemExit):
        root.parse_args(["janitor"])


def test_e2e_on_a_missing_directory_exits_2(tmp_path, capsys):
    args = parser().parse_args(["e2e", str(tmp_path / "missing")])
    assert args.func(args) == 2
