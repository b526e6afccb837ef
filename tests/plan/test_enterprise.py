"""The enterprise interface, planned offline (configs/enterprise): a KMS key from a central
account, a required permissions boundary and IAM path, an existing job role, queue and compute
environments (one unmanaged), network-isolated copies, `create = false`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from core_plan import ACCOUNT, CONFIGS, container, of_type, offline_runner, one, policy

from batch_harness.terraform.runner import PlanResult, TerraformRunner

pytestmark = [pytest.mark.plan, pytest.mark.xdist_group("core-plan-enterprise")]

B = "module.batch."
CENTRAL = "999999999999"
KEY = f"arn:aws:kms:us-east-1:{CENTRAL}:key/11111111-2222-3333-4444-555555555555"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/platform-boundary"
PATH = "/batch/"
JOB_ROLE = f"arn:aws:iam::{ACCOUNT}:role/platform/reporting-job"
EXEC_ROLE = f"arn:aws:iam::{ACCOUNT}:role/platform/reporting-exec"
QUEUE = f"arn:aws:batch:us-east-1:{ACCOUNT}:job-queue/platform-shared"
PLATFORM_CE = f"arn:aws:batch:us-east-1:{ACCOUNT}:compute-environment/platform-fargate"
UNMANAGED_CE = f"arn:aws:batch:us-east-1:{ACCOUNT}:compute-environment/on-premises"
# arn:<partition>:<service>:<region>:<account>:...
ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}|aws)?:[^\"'\s,\]]*")


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> TerraformRunner:
    return offline_runner(CONFIGS / "enterprise", tmp_path_factory.mktemp("enterprise"))


@pytest.fixture(scope="module")
def plan(runner: TerraformRunner) -> PlanResult:
    return runner.plan()


def strings(value: Any) -> Iterator[str]:
    """Every string in a planned value, JSON documents (policies, inputs) decoded as well."""
    if isinstance(value, str):
        yield value
        try:
            decoded = json.loads(value)
        except ValueError:
            return
        if isinstance(decoded, dict | list):
            yield from strings(decoded)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def known_output(plan: PlanResult, name: str) -> dict[str, Any]:
    """The known part of an output (the created roles' and queues' ARNs are known after apply)."""
    return plan.raw["output_changes"][name]["after"]


def module_resources(plan: PlanResult) -> dict[str, dict[str, Any]]:
    return {a: v for a, v in plan.planned_resources.items() if a.startswith(B)}


def test_every_arn_names_the_callers_account_except_the_central_key_itself(plan):
    arns = {m.group(0) for values in module_resources(plan).values() for s in strings(values) for m in ARN.finditer(s)}
    assert KEY in arns  # the key is used ...
    foreign = sorted(a for a in arns if ARN.match(a).group(1) not in (ACCOUNT, "aws", None) and a != KEY)
    assert foreign == []  # ... and nothing else names its account
    assert plan.outputs["account_id"] == ACCOUNT


def test_every_source_account_condition_is_the_callers(plan):
    conditions = []
    for values in module_resources(plan).values():
        for s in strings(values):
            conditions += re.findall(r'"aws:SourceAccount":\s*"?\[?"?([0-9]+)', s)
    assert conditions and set(conditions) == {ACCOUNT}


def test_the_execution_role_trust_names_the_source_account(plan):
    trust = policy(one(plan, f'{B}module.job["own"].aws_iam_role.execution[0]'), "assume_role_policy")
    assert trust["Statement"][0]["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_every_role_has_the_boundary_and_the_path(plan):
    roles = {a: v for a, v in plan.of_type("aws_iam_role").items() if a.startswith(B)}
    kinds = {re.sub(r'\["[^"]*"\]|\[\d+\]', "", a).removeprefix(B) for a in roles}
    # job, execution, schedule, instance and monitoring heartbeat roles are all covered here.
    assert kinds == {
        "module.job.aws_iam_role.job",
        "module.job.aws_iam_role.execution",
        "module.schedule.aws_iam_role.this",
        "module.compute_environment.aws_iam_role.instance",
        "module.monitoring.aws_iam_role.heartbeat",
    }
    assert {a: (v["permissions_boundary"], v["path"]) for a, v in roles.items()} == {a: (BOUNDARY, PATH) for a in roles}
    profiles = {a: v for a, v in plan.of_type("aws_iam_instance_profile").items() if a.startswith(B)}
    assert profiles and {v["path"] for v in profiles.values()} == {PATH}


def test_created_role_arns_carry_the_path(plan):
    properties = container(plan, "own")
    assert properties["jobRoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/batch/ent-own-job"
    assert properties["executionRoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/batch/ent-own-exec"


def test_existing_roles_are_used_and_none_is_created_for_them(plan):
    properties = container(plan, "byo")
    assert (properties["jobRoleArn"], properties["executionRoleArn"]) == (JOB_ROLE, EXEC_ROLE)
    assert [a for a in plan.planned_resources if 'module.job["byo"].aws_iam_' in a] == []
    assert known_output(plan, "job_role_arns")["byo"] == JOB_ROLE
    assert known_output(plan, "execution_role_arns")["byo"] == EXEC_ROLE


def test_existing_queue_gets_the_schedule_and_no_queue_is_created_for_it(plan):
    schedule = one(plan, f'{B}module.schedule["byo/hourly"].aws_scheduler_schedule.this[0]')
    submitted = json.loads(schedule["target"][0]["input"])
    # Revision-less: a new job definition revision does not touch the schedule.
    assert submitted["JobQueue"] == QUEUE
    assert submitted["JobDefinition"] == f"arn:aws:batch:us-east-1:{ACCOUNT}:job-definition/ent-byo"
    role_policy = policy(one(plan, f'{B}module.schedule["byo/hourly"].aws_iam_role_policy.this'))
    submit = next(s for s in role_policy["Statement"] if s.get("Sid") == "SubmitOwnJob")
    assert submit["Resource"] == [
        QUEUE,
        f"arn:aws:batch:us-east-1:{ACCOUNT}:job-definition/ent-byo",
        f"arn:aws:batch:us-east-1:{ACCOUNT}:job-definition/ent-byo:*",
    ]
    names = {v["name"] for v in of_type(plan, "aws_batch_job_queue").values()}
    assert names == {"ent-default", "ent-ec2", "ent-private", "ent-private_a-private", "ent-private_b-private"}
    assert known_output(plan, "job_queue_arn_by_job")["byo"] == QUEUE


def test_existing_compute_environments_are_queued_and_not_created(plan):
    created = {v["tags"]["Name"] for v in of_type(plan, "aws_batch_compute_environment").values()}
    assert created == {"ent-fargate", "ent-ec2", "ent-private_a-ec2", "ent-private_b-ec2"}
    default = one(plan, f'{B}module.job_queue["default"].aws_batch_job_queue.this')
    assert [o.get("compute_environment") for o in default["compute_environment_order"]][1:] == [PLATFORM_CE]
    ec2 = one(plan, f'{B}module.job_queue["ec2"].aws_batch_job_queue.this')
    assert [o.get("compute_environment") for o in ec2["compute_environment_order"]][1:] == [UNMANAGED_CE]


def test_isolated_copies_share_the_instance_profile_and_launch_template_of_their_original(plan):
    roles = [a for a in plan.of_type("aws_iam_role") if ".aws_iam_role.instance" in a]
    profiles = list(plan.of_type("aws_iam_instance_profile"))
    templates = list(plan.of_type("aws_launch_template"))
    assert roles == [f'{B}module.compute_environment["ec2"].aws_iam_role.instance[0]']
    assert profiles == [f'{B}module.compute_environment["ec2"].aws_iam_instance_profile.instance[0]']
    assert templates == [f'{B}module.compute_environment["ec2"].aws_launch_template.this[0]']
    for job in ("private_a", "private_b"):
        address = f'{B}module.isolated_compute_environment["{job}/ec2"].aws_batch_compute_environment.this'
        unknown = plan.resource_changes[address]["after_unknown"]["compute_resources"][0]
        assert unknown["instance_role"] is True  # the original's profile, known after apply
        assert unknown["launch_template"][0]["launch_template_id"] is True


def test_policy_arns_known_only_after_apply_are_keyed_by_name(plan):
    attachment = f'{B}module.job["own"].aws_iam_role_policy_attachment.job["extra"]'
    assert attachment in plan.resource_changes
    assert plan.resource_changes[attachment]["after_unknown"]["policy_arn"] is True


def test_egress_rules_are_keyed_by_content(plan):
    rules = [a for a in plan.of_type("aws_vpc_security_group_egress_rule") if 'job_security_group["private_a"]' in a]
    assert sorted(a.split(".this")[-1] for a in rules) == [
        '["tcp 443-443 10.0.0.0/8"]',
        '["tcp 5432-5432 security_group#0"]',
    ]


def test_one_shared_log_resource_policy_for_the_account(plan):
    values = one(plan, f"{B}module.monitoring[0].aws_cloudwatch_log_resource_policy.history[0]")
    assert values["policy_name"] == "scheduled-batch-events-to-logs"
    statement = policy(values, "policy_document")["Statement"][0]
    assert statement["Resource"] == f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/events/*:*"
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_create_false_creates_nothing(runner, tmp_path: Path):
    changes = runner.plan({"create": False}).resource_changes
    created = sorted(a for a, c in changes.items() if a.startswith(B) and c["actions"] != ["no-op"])
    assert created == []
    assert "aws_iam_policy.extra" in changes  # the config's own resource: the plan did run
