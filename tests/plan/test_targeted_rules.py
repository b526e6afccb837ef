"""Plan of configs/rules: EventBridge scheduled rules with Batch targets, a known account, and the
default queue built from an EC2 Spot and an EC2 On-Demand environment."""

from __future__ import annotations

import json

import pytest
from core_plan import ACCOUNT, CONFIGS, REGION, of_type, one, plan_config, policy, statements_by_sid

from batch_harness.terraform.runner import PlanResult

pytestmark = [pytest.mark.plan, pytest.mark.xdist_group("core-plan-rules")]

B = "module.batch."
QUEUE = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/tr-default"
JOBDEF = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-definition/tr-etl"
DLQ = f"arn:aws:sqs:{REGION}:{ACCOUNT}:tr-schedule-dlq"


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    return plan_config(CONFIGS / "rules", tmp_path_factory)


def target(plan: PlanResult, key: str) -> dict:
    return one(plan, f'{B}module.schedule["{key}"].aws_cloudwatch_event_target.this[0]')


def test_rules_backend_creates_rules_and_targets_not_scheduler_schedules(plan):
    assert not of_type(plan, "aws_scheduler_schedule")
    assert not of_type(plan, "aws_scheduler_schedule_group")
    assert plan.outputs["schedule_group_name"] is None
    rules = {v["name"]: v for v in of_type(plan, "aws_cloudwatch_event_rule").values()}
    assert {name: (r["schedule_expression"], r["state"]) for name, r in rules.items()} == {
        "tr-etl-nightly": ("cron(30 1 * * ? *)", "ENABLED"),
        "tr-etl-delta": ("rate(1 hour)", "ENABLED"),
        "tr-etl-off": ("rate(1 day)", "DISABLED"),
    }
    assert all(r.get("event_bus_name") in (None, "default") for r in rules.values())


def test_batch_target_submits_to_the_queue_with_overrides_as_input(plan):
    delta = target(plan, "etl/delta")
    assert delta["arn"] == QUEUE
    assert delta["batch_target"] == [
        {"job_definition": JOBDEF, "job_name": "tr-etl-delta", "array_size": None, "job_attempts": None}
    ]
    assert json.loads(delta["input"]) == {
        "Parameters": {"scope": "delta"},
        "ContainerOverrides": {"Command": ["etl", "--delta"]},
    }
    assert json.loads(target(plan, "etl/nightly")["input"]) == {}
    for key in ("etl/nightly", "etl/delta", "etl/off"):
        values = target(plan, key)
        assert values["retry_policy"] == [{"maximum_retry_attempts": 10, "maximum_event_age_in_seconds": 7200}]
        assert values["dead_letter_config"] == [{"arn": DLQ}]


def test_rule_role_trusts_events_for_its_own_rule_and_may_only_submit_its_job(plan):
    role = one(plan, f'{B}module.schedule["etl/nightly"].aws_iam_role.this')
    statement = policy(role, "assume_role_policy")["Statement"][0]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["StringEquals"] == {
        "aws:SourceAccount": ACCOUNT,
        "aws:SourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/tr-etl-nightly",
    }
    by_sid = statements_by_sid(policy(one(plan, f'{B}module.schedule["etl/nightly"].aws_iam_role_policy.this')))
    # EventBridge writes dead letters as the service (queue policy), so the role needs no SQS access.
    assert set(by_sid) == {"SubmitOwnJob"}
    assert by_sid["SubmitOwnJob"]["Resource"] == [QUEUE, JOBDEF, f"{JOBDEF}:*"]


def test_dead_letter_queue_admits_only_this_modules_rules(plan):
    statements = statements_by_sid(policy(one(plan, f"{B}module.dead_letter_queue[0].aws_sqs_queue_policy.this")))
    rules = statements["EventBridgeRuleDeadLetters"]
    assert rules["Principal"] == {"Service": "events.amazonaws.com"}
    assert rules["Action"] == "sqs:SendMessage"
    assert rules["Resource"] == DLQ
    assert rules["Condition"] == {"ArnLike": {"aws:SourceArn": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/tr-*"]}}
    assert statements["DenyInsecureTransport"]["Effect"] == "Deny"


def test_default_queue_puts_spot_first(plan):
    assert plan.outputs["job_queue_compute_environments"] == {"default": ["spot", "on_demand"]}
    queue = one(plan, f'{B}module.job_queue["default"].aws_batch_job_queue.this')
    assert queue["name"] == "tr-default"
    assert [o["order"] for o in queue["compute_environment_order"]] == [0, 1]
    spot = one(plan, f'{B}module.compute_environment["spot"].aws_batch_compute_environment.this')["compute_resources"][
        0
    ]
    assert (spot["type"], spot["allocation_strategy"], spot["instance_type"]) == (
        "SPOT",
        "SPOT_PRICE_CAPACITY_OPTIMIZED",
        ["optimal"],
    )
    assert (
        spot["ec2_configuration"] == [{"image_type": "ECS_AL2023", "image_id_override": None}]
        or spot["ec2_configuration"][0]["image_type"] == "ECS_AL2023"
    )


def test_ec2_job_definition(plan):
    values = one(plan, f'{B}module.job["etl"].aws_batch_job_definition.this')
    assert values["platform_capabilities"] == ["EC2"]
    assert values["parameters"] == {"scope": "full"}
    properties = json.loads(values["container_properties"])
    assert properties["resourceRequirements"] == [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "2048"}]
    assert "networkConfiguration" not in properties
