"""The real-account code path (`--account aws`), driven against a local endpoint: only the endpoint
differs. Nothing fires there, so the test plays AWS: when the harness has created its one-time
schedule, the test reads it back and delivers it with the local delivery code."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from batch_harness.cleanup.inventory import RUN_TAG
from batch_harness.cli.main import main
from batch_harness.delivery.deliver import AccountInfo, deliver_all
from batch_harness.delivery.oneshot import Trigger
from batch_harness.delivery.permissions import LocalPermissions
from batch_harness.delivery.schedules import read_scheduler_schedule
from batch_harness.run.e2e import RunOptions, run_e2e

from .support import REPO

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500)]


@pytest.fixture
def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    # The "real account" is the emulator: the SDK's default chain finds these.
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_aws_path_tags_names_and_proves_schedules_with_one_time_schedules(local_account, fake_credentials, tmp_path):
    account = local_account
    scheduler, iam, batch = (account.client(s) for s in ("scheduler", "iam", "batch"))
    fired: list[dict[str, Any]] = []
    seen: dict[str, Any] = {}

    def play_aws(trigger: Trigger) -> None:
        run_id = trigger.name.split("-", 1)[0]
        created = scheduler.get_schedule(Name=trigger.name, GroupName=trigger.group)
        original = trigger.delivery.schedule.raw
        fired.append({"created": created, "original": original})
        # What the run deployed carries the run id in its names and its tag.
        roles = [r for r in iam.list_roles()["Roles"] if not r["Path"].startswith("/aws-service-role/")]
        seen["roles"] = {r["RoleName"]: iam.list_role_tags(RoleName=r["RoleName"])["Tags"] for r in roles}
        seen["queues"] = batch.describe_job_queues()["jobQueues"]
        seen["run_id"] = run_id
        # AWS fires the one-time schedule at its at() time: deliver it as AWS would.
        schedule = read_scheduler_schedule(scheduler, trigger.name, trigger.group)
        [delivery] = deliver_all(
            [schedule], AccountInfo(account.account_id, account.region), LocalPermissions(iam), account.client
        )
        assert delivery.ok and delivery.job_id, delivery.problems

    report = run_e2e(
        RunOptions(
            config_dir=REPO / "examples" / "minimal",
            account="aws",
            region=account.region,
            endpoint_url=account.endpoint,
            state_dir=tmp_path / "state",
            fire=play_aws,
            lead_seconds=1,
            poll=0.5,
            timeout=120,
        )
    )
    summary = json.dumps(report.to_dict(), indent=1, default=str)[:5000]
    assert report.ok, summary
    # The permission question went to iam:SimulatePrincipalPolicy (the emulator implements it).
    assert not [w for w in report.warnings if "SimulatePrincipalPolicy" in w], summary

    run_id = report.run_id
    assert seen["run_id"] == run_id
    assert seen["roles"] and all(run_id in name for name in seen["roles"]), seen["roles"]
    for name, tags in seen["roles"].items():
        assert {"Key": RUN_TAG, "Value": run_id} in tags, name
    assert seen["queues"] and all(
        run_id in q["jobQueueName"] and q["tags"].get(RUN_TAG) == run_id for q in seen["queues"]
    )

    # The one-time schedule: same target, role and input as the real one, at(), deleted after.
    [entry] = fired
    created, original = entry["created"], entry["original"]
    assert created["ActionAfterCompletion"] == "DELETE"
    assert created["ScheduleExpression"].startswith("at(") and created["GroupName"] == original["GroupName"]
    for key in ("Arn", "RoleArn", "Input"):
        assert created["Target"][key] == original["Target"][key]
    assert created["Name"].startswith(run_id)
    with pytest.raises(ClientError, match="ResourceNotFound"):
        scheduler.get_schedule(Name=created["Name"], GroupName=created["GroupName"])

    # The job found was the one the one-time schedule submitted.
    [outcome] = report.outcomes
    assert outcome.status == "SUCCEEDED" and outcome.job is not None
    assert outcome.job.created_at is not None
    assert outcome.job.created_at / 1000 >= created["CreationDate"].timestamp() - 5

    # Destroyed and swept by run id (the janitor found nothing left to remove).
    assert report.leaks == []
    assert not (tmp_path / "state").exists()


def test_janitor_removes_everything_of_a_run_and_nothing_else(local_account, fake_credentials, capsys):
    account = local_account
    run_id = "bh0janit"
    tag = [{"Key": RUN_TAG, "Value": run_id}]
    iam, sqs, logs, scheduler, events, batch = (
        account.client(s) for s in ("iam", "sqs", "logs", "scheduler", "events", "batch")
    )
    trust = json.dumps(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ]
        }
    )
    # Leftovers of the run: found by tag or by name.
    iam.create_role(RoleName="tagged-role", AssumeRolePolicyDocument=trust, Tags=tag)
    iam.put_role_policy(
        RoleName="tagged-role",
        PolicyName="p",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]}
        ),
    )
    iam.create_role(RoleName=f"app-{run_id}-sched", AssumeRolePolicyDocument=trust)
    sqs.create_queue(QueueName="tagged-dlq", tags={RUN_TAG: run_id})
    logs.create_log_group(logGroupName=f"/aws/batch/app-{run_id}", tags={RUN_TAG: run_id})
    scheduler.create_schedule(
        Name=f"app-{run_id}-daily",
        ScheduleExpression="rate(1 day)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": "arn:aws:sqs:us-east-1:123456789012:tagged-dlq",
            "RoleArn": f"arn:aws:iam::123456789012:role/app-{run_id}-sched",
        },
    )
    events.put_rule(Name=f"app-{run_id}-hourly", ScheduleExpression="rate(1 hour)", Tags=tag)
    batch.register_job_definition(
        jobDefinitionName=f"app-{run_id}-job",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128},
    )
    # Someone else's resources, in the same account.
    iam.create_role(RoleName="someone-else", AssumeRolePolicyDocument=trust)
    sqs.create_queue(QueueName="someone-elses-queue", tags={RUN_TAG: "bh0other"})

    code = main(["janitor", "--run-id", run_id, "--region", account.region, "--endpoint-url", account.endpoint])
    out = capsys.readouterr().out
    assert code == 0, out
    roles = {r["RoleName"] for r in iam.list_roles()["Roles"]}
    assert "someone-else" in roles and "tagged-role" not in roles and f"app-{run_id}-sched" not in roles
    queues = " ".join(sqs.list_queues().get("QueueUrls", []))
    assert "someone-elses-queue" in queues and "tagged-dlq" not in queues
    assert logs.describe_log_groups()["logGroups"] == []
    assert scheduler.list_schedules()["Schedules"] == []
    assert [r["Name"] for r in events.list_rules()["Rules"]] == []
    assert batch.describe_job_definitions(status="ACTIVE")["jobDefinitions"] == []
    assert "removed 7" in out

    dry = main(
        ["janitor", "--run-id", run_id, "--dry-run", "--region", account.region, "--endpoint-url", account.endpoint]
    )
    assert dry == 0 and "0 resource(s)" in capsys.readouterr().out
