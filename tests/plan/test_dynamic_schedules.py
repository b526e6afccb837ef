"""Plan of configs/dynamic: the group, target roles, manager policy and outputs of the jobs that
enable dynamic_schedules, exactly (the account is known, so every value is)."""

from __future__ import annotations

import json

import pytest
from core_plan import ACCOUNT, CONFIGS, KMS_KEY, REGION, offline_runner, one, plan_config, policy, statements_by_sid

from batch_harness.dynamic_schedules import DynamicScheduleConfig, ScheduleRequest
from batch_harness.terraform.runner import PlanResult, TerraformError

pytestmark = [pytest.mark.plan, pytest.mark.xdist_group("dynamic-plan")]

D = "module.batch.module.dynamic_schedules[0]."
GROUP_ARN = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/dp-dynamic"
DLQ_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:dp-schedule-dlq"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/batch/dp-{{job}}-dyn"


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    return plan_config(CONFIGS / "dynamic", tmp_path_factory)


def test_one_group_and_one_role_per_opted_in_job(plan):
    assert one(plan, f"{D}aws_scheduler_schedule_group.this")["name"] == "dp-dynamic"
    roles = {a: v for a, v in plan.of_type("aws_iam_role").items() if a.startswith(D)}
    assert {v["name"] for v in roles.values()} == {"dp-report-dyn", "dp-export-dyn"}
    for values in roles.values():
        assert values["path"] == "/batch/"
        assert values["permissions_boundary"] == f"arn:aws:iam::{ACCOUNT}:policy/boundary"
    # The job without dynamic schedules gets nothing of it; its static schedule is unchanged.
    assert f'{D}aws_iam_role.target["nightly"]' not in plan.planned_resources


def test_target_role_trusts_only_this_groups_schedules(plan):
    trust = policy(one(plan, f'{D}aws_iam_role.target["report"]'), "assume_role_policy")
    assert trust["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "scheduler.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": GROUP_ARN}},
        }
    ]


def test_target_role_submits_exactly_its_job_and_writes_dead_letters(plan):
    statements = statements_by_sid(policy(one(plan, f'{D}aws_iam_role_policy.target["report"]')))
    definition = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-definition/dp-report"
    assert statements["SubmitOwnJob"]["Action"] == ["batch:SubmitJob"]
    assert statements["SubmitOwnJob"]["Resource"] == [
        f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/dp-default",
        definition,
        f"{definition}:*",
    ]
    assert statements["DeadLetters"] == {
        "Sid": "DeadLetters",
        "Effect": "Allow",
        "Action": ["sqs:SendMessage"],
        "Resource": [DLQ_ARN],
    }
    assert statements["DeadLetterEncryption"]["Resource"] == [KMS_KEY]
    assert set(statements) == {"SubmitOwnJob", "DeadLetters", "DeadLetterEncryption"}


def test_manager_policy_is_scoped_to_the_group_and_its_roles(plan):
    document = json.loads(plan.outputs["manager_policy_json"])
    assert document == policy(one(plan, f"{D}aws_iam_policy.manager"))
    assert one(plan, f"{D}aws_iam_policy.manager")["name"] == "dp-dynamic-manager"
    assert document["Statement"] == [
        {
            "Sid": "ManageOwnGroupSchedules",
            "Effect": "Allow",
            "Action": [
                "scheduler:CreateSchedule",
                "scheduler:UpdateSchedule",
                "scheduler:DeleteSchedule",
                "scheduler:GetSchedule",
            ],
            "Resource": [f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/dp-dynamic/*"],
        },
        {"Sid": "ListSchedules", "Effect": "Allow", "Action": ["scheduler:ListSchedules"], "Resource": ["*"]},
        {
            "Sid": "PassTargetRolesToScheduler",
            "Effect": "Allow",
            "Action": ["iam:PassRole"],
            "Resource": [ROLE.format(job="export"), ROLE.format(job="report")],
            "Condition": {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
        },
    ]


def test_outputs_give_the_application_a_complete_target(plan):
    assert plan.outputs["group_name"] == "dp-dynamic"
    targets = plan.outputs["targets"]
    assert set(targets) == {"report", "export"}
    assert targets["report"] == {
        "target_arn": "arn:aws:scheduler:::aws-sdk:batch:submitJob",
        "role_arn": ROLE.format(job="report"),
        "dead_letter_queue_arn": DLQ_ARN,
        "retry_policy": {"maximum_retry_attempts": 4, "maximum_event_age_in_seconds": 1800},
        "input_template": {
            "JobQueue": f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/dp-default",
            "JobDefinition": f"arn:aws:batch:{REGION}:{ACCOUNT}:job-definition/dp-report",
        },
        "parameters": {"format": "pdf", "period": "daily"},
        "max_per_user": 5,
    }
    # Per-job override of the retry policy; defaults for the rest.
    assert targets["export"]["retry_policy"] == {"maximum_retry_attempts": 0, "maximum_event_age_in_seconds": 1800}
    assert targets["export"]["parameters"] == {}
    assert targets["export"]["max_per_user"] == 10


def test_dynamic_runs_are_covered_by_the_stacks_monitoring(plan):
    """Failed-job notifications match this stack's queues, which the dynamic targets submit to."""
    rules = {a: v for a, v in plan.of_type("aws_cloudwatch_event_rule").items() if ".module.monitoring[0]." in a}
    queue = plan.outputs["targets"]["report"]["input_template"]["JobQueue"]
    patterns = [json.loads(v["event_pattern"]) for v in rules.values() if v.get("event_pattern")]
    assert any(queue in json.dumps(p.get("detail", {}).get("jobQueue", [])) for p in patterns), patterns


def test_the_client_builds_the_target_exactly_as_the_module_does(plan):
    """The module's own schedule of the same job and parameters, against the client's target."""
    module_target = one(plan, 'module.batch.module.schedule["report/weekly"].aws_scheduler_schedule.this[0]')["target"][
        0
    ]
    config = DynamicScheduleConfig.from_outputs(
        {"dynamic_schedule_group_name": "dp-dynamic", "dynamic_schedule_targets": plan.outputs["targets"]}
    )
    request = ScheduleRequest("u1", "weekly", "report", "cron(0 8 ? * MON *)", "Europe/Berlin", {"format": "csv"})
    client_target = request.target(config.target("report"))
    # Same text, byte for byte, but for the job name (the schedule's name in both cases).
    assert client_target["Input"].replace('"u1_weekly"', '"dp-report-weekly"') == module_target["input"]
    assert client_target["Arn"] == module_target["arn"]
    assert client_target["RetryPolicy"] == {
        "MaximumRetryAttempts": module_target["retry_policy"][0]["maximum_retry_attempts"],
        "MaximumEventAgeInSeconds": module_target["retry_policy"][0]["maximum_event_age_in_seconds"],
    }
    assert client_target["DeadLetterConfig"] == {"Arn": module_target["dead_letter_config"][0]["arn"]}


def test_bad_dynamic_schedules_input_fails_the_real_modules_plan(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The rules of validations_dynamic.tf reach the plan through modules/dynamic-schedules."""
    runner = offline_runner(CONFIGS / "dynamic", tmp_path_factory.mktemp("dynamic-bad"))
    # Terraform merges *_override.tf files: this one replaces the jobs of the module call.
    (runner.workdir / "bad_jobs_override.tf").write_text(
        'module "batch" {\n'
        '  jobs = { report = { image = "busybox", dynamic_schedules = { enabled = true, max_per_user = 0 } } }\n'
        "}\n"
    )
    with pytest.raises(TerraformError) as raised:
        runner.plan()
    text = " ".join(" ".join(raised.value.diagnostics).split())
    assert (
        'jobs["report"].dynamic_schedules: max_per_user 0 is out of range (use a whole number from 1 to 100000).'
        in text
    ), text
