"""Plans of the examples, offline, as a consumer would run them (the KMS key is created; the
account is the offline runner's TF_VAR_account_id, as the examples' account_id input)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from core_plan import CORE_MODULES, REPO_ROOT, is_core, of_type, one, plan_config

from batch_harness.terraform.addresses import planned_resources, resource_type, state_resources
from batch_harness.terraform.runner import PlanResult

B = "module.batch."


def counts(plan: PlanResult) -> Counter[str]:
    """Resources the core's submodules create, per type (managed resources only)."""
    return Counter(
        resource_type(address)
        for address, change in plan.resource_changes.items()
        if is_core(address) and ".data." not in address and "create" in change["actions"]
    )


@pytest.fixture(scope="module")
def minimal(tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    return plan_config(REPO_ROOT / "examples" / "minimal", tmp_path_factory)


@pytest.fixture(scope="module")
def complete(tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    return plan_config(REPO_ROOT / "examples" / "complete", tmp_path_factory)


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    return plan_config(REPO_ROOT / "examples" / "eventbridge-rules", tmp_path_factory)


@pytest.mark.plan
@pytest.mark.xdist_group("core-plan-example-minimal")
class TestMinimal:
    def test_creates_the_default_stack_for_one_job(self, minimal):
        assert counts(minimal) == {
            "aws_kms_key": 1,
            "aws_kms_alias": 1,
            "aws_kms_key_policy": 1,
            "aws_sqs_queue": 1,
            "aws_sqs_queue_policy": 1,
            "aws_security_group": 1,
            "aws_vpc_security_group_egress_rule": 1,
            "aws_batch_compute_environment": 2,
            "aws_batch_job_queue": 1,
            "aws_batch_job_definition": 1,
            "aws_cloudwatch_log_group": 1,
            "aws_iam_role": 3,  # job, execution, schedule
            "aws_iam_role_policy": 2,  # execution, schedule (the job role has no permissions)
            "aws_scheduler_schedule_group": 1,
            "aws_scheduler_schedule": 1,
        }

    def test_default_queue_tries_fargate_spot_then_fargate(self, minimal):
        queue = one(minimal, f'{B}module.job_queue["default"].aws_batch_job_queue.this')
        assert (queue["name"], queue["priority"]) == ("sb-minimal-default", 1)
        types = {
            a.split('"')[1]: v["compute_resources"][0]["type"]
            for a, v in of_type(minimal, "aws_batch_compute_environment").items()
        }
        assert types == {"fargate_spot": "FARGATE_SPOT", "fargate": "FARGATE"}
        changes = minimal.resource_changes[f'{B}module.job_queue["default"].aws_batch_job_queue.this']
        assert [o["order"] for o in changes["after"]["compute_environment_order"]] == [0, 1]

    def test_daily_schedule_and_defaults(self, minimal):
        schedule = one(minimal, f'{B}module.schedule["hello/daily"].aws_scheduler_schedule.this[0]')
        assert schedule["schedule_expression"] == "cron(0 6 * * ? *)"
        assert schedule["schedule_expression_timezone"] in (None, "UTC")  # the provider's default
        assert schedule["flexible_time_window"] == [{"mode": "OFF", "maximum_window_in_minutes": None}]
        assert schedule["target"][0]["arn"] == "arn:aws:scheduler:::aws-sdk:batch:submitJob"
        assert schedule["target"][0]["retry_policy"] == [
            {"maximum_retry_attempts": 3, "maximum_event_age_in_seconds": 3600}
        ]
        definition = one(minimal, f'{B}module.job["hello"].aws_batch_job_definition.this')
        assert definition["timeout"] == [{"attempt_duration_seconds": 3600}]
        assert definition["retry_strategy"][0]["attempts"] == 3
        assert definition["retry_strategy"][0]["evaluate_on_exit"][-1]["on_reason"] == "*"
        assert definition["platform_capabilities"] == ["FARGATE"]
        assert one(minimal, f'{B}module.job["hello"].aws_cloudwatch_log_group.this')["retention_in_days"] == 30

    def test_module_creates_a_rotating_kms_key(self, minimal):
        key = one(minimal, f"{B}module.encryption[0].aws_kms_key.this[0]")
        assert key["enable_key_rotation"] is True
        assert one(minimal, f"{B}module.encryption[0].aws_kms_alias.this[0]")["name"] == "alias/sb-minimal-batch"

    def test_no_account_lookup_at_plan_time(self, minimal):
        # Data sources read during plan must not need credentials (no aws_caller_identity).
        data = {r["address"]: r["type"] for r in _all_resources(minimal.raw) if r.get("mode") == "data"}
        assert "aws_caller_identity" not in data.values()
        core = {
            t for a, t in data.items() if any(f"module.{m}" in a for m in CORE_MODULES) or a.startswith(f"{B}data.")
        }
        assert core <= {"aws_partition", "aws_region"}


@pytest.mark.plan
@pytest.mark.xdist_group("core-plan-example-complete")
class TestComplete:
    def test_queues_priorities_and_isolated_copies(self, complete):
        queues = {v["name"]: v["priority"] for v in of_type(complete, "aws_batch_job_queue").values()}
        assert queues == {"sb-complete-default": 1, "sb-complete-urgent": 100, "sb-complete-optimize_db-urgent": 100}
        environments = {a.split('"')[1] for a in of_type(complete, "aws_batch_compute_environment")}
        assert environments == {"fargate_spot", "fargate", "optimize_db/fargate"}
        groups = {a.split('"')[1] for a in of_type(complete, "aws_security_group", "job_security_group")}
        assert groups == {"optimize_db"}

    def test_isolated_job_egress(self, complete):
        rules = of_type(complete, "aws_vpc_security_group_egress_rule", 'job_security_group["optimize_db"]')
        assert sorted((r["ip_protocol"], r["from_port"], r["to_port"]) for r in rules.values()) == [
            ("tcp", 443, 443),
            ("tcp", 5432, 5432),
        ]
        https = next(r for r in rules.values() if r["from_port"] == 443)
        assert https["cidr_ipv4"] == "0.0.0.0/0"

    def test_five_schedules_with_their_options(self, complete):
        schedules = {
            a.split('"')[1]: v for a, v in of_type(complete, "aws_scheduler_schedule", f"{B}module.schedule[").items()
        }
        assert {k: v["schedule_expression"] for k, v in schedules.items()} == {
            "optimize_db/nightly": "cron(0 2 * * ? *)",
            "sales_report/weekly": "cron(0 3 ? * MON *)",
            "sales_report/daily_flash": "rate(1 day)",
            "sales_report/year_end": "at(2030-12-31T18:00:00)",
            "cleanup/hourly": "rate(1 hour)",
        }
        assert schedules["sales_report/weekly"]["flexible_time_window"] == [
            {"mode": "FLEXIBLE", "maximum_window_in_minutes": 30}
        ]
        assert schedules["sales_report/weekly"]["schedule_expression_timezone"] == "Europe/Berlin"
        assert schedules["cleanup/hourly"]["end_date"] == "2035-12-31T23:00:00Z"
        for values in schedules.values():
            assert values["group_name"] == "sb-complete"
            assert values["target"][0]["retry_policy"] == [
                {"maximum_retry_attempts": 5, "maximum_event_age_in_seconds": 1800}
            ]

    def test_retry_rules_and_roles(self, complete):
        sales = one(complete, f'{B}module.job["sales_report"].aws_batch_job_definition.this')["retry_strategy"][0]
        assert sales["attempts"] == 2
        assert [
            (r["action"].upper(), r["on_status_reason"] or r["on_exit_code"] or r["on_reason"])
            for r in sales["evaluate_on_exit"]
        ] == [
            ("RETRY", "Host EC2*"),
            ("RETRY", "Your Spot Task was interrupted*"),
            ("RETRY", "75"),
            ("EXIT", "*"),
        ]
        job_policies = of_type(complete, "aws_iam_role_policy", ".aws_iam_role_policy.job")
        assert [a.split('"')[1] for a in job_policies] == ["sales_report"]
        statement = json.loads(next(iter(job_policies.values()))["policy"])["Statement"]
        assert statement == [
            {
                "Sid": "WriteReports",
                "Effect": "Allow",
                "Action": ["s3:PutObject"],
                "Resource": ["arn:aws:s3:::sb-complete-reports-example/reports/*"],
            }
        ]

    def test_every_job_has_its_own_roles(self, complete):
        names = sorted(v["name"] for v in of_type(complete, "aws_iam_role", "module.job[").values())
        assert names == sorted(
            f"sb-complete-{j}-{k}" for j in ("optimize_db", "sales_report", "cleanup") for k in ("job", "exec")
        )


@pytest.mark.plan
@pytest.mark.xdist_group("core-plan-example-rules")
class TestEventBridgeRules:
    def test_ec2_spot_first_then_on_demand(self, rules):
        spot = one(rules, f'{B}module.compute_environment["spot"].aws_batch_compute_environment.this')[
            "compute_resources"
        ][0]
        ondemand_env = one(rules, f'{B}module.compute_environment["on_demand"].aws_batch_compute_environment.this')
        ondemand = ondemand_env["compute_resources"][0]
        assert (spot["type"], spot["allocation_strategy"]) == ("SPOT", "SPOT_PRICE_CAPACITY_OPTIMIZED")
        assert (ondemand["type"], ondemand["allocation_strategy"]) == ("EC2", "BEST_FIT_PROGRESSIVE")
        assert sorted(spot["instance_type"]) == ["c6i", "m6i", "r6i"]
        assert ondemand_env["update_policy"] == [
            {"job_execution_timeout_minutes": 30, "terminate_jobs_on_update": False}
        ]
        assert spot["tags"] is None and ondemand["tags"] is None
        queue = one(rules, f'{B}module.job_queue["default"].aws_batch_job_queue.this')
        assert queue["priority"] == 10
        assert {a["max_time_seconds"] for a in queue["job_state_time_limit_action"]} == {3600}
        assert counts(rules)["aws_launch_template"] == 2
        assert counts(rules)["aws_iam_instance_profile"] == 2

    def test_scheduled_rules_with_batch_targets(self, rules):
        assert not of_type(rules, "aws_scheduler_schedule", f"{B}module.schedule[")
        expressions = {
            v["name"]: v["schedule_expression"]
            for v in of_type(rules, "aws_cloudwatch_event_rule", f"{B}module.schedule[").values()
        }
        assert expressions == {
            "sb-rules-nightly_etl-nightly": "cron(30 1 * * ? *)",
            "sb-rules-nightly_etl-hourly_delta": "rate(1 hour)",
        }
        delta = one(rules, f'{B}module.schedule["nightly_etl/hourly_delta"].aws_cloudwatch_event_target.this[0]')
        assert json.loads(delta["input"]) == {"Parameters": {"scope": "delta"}}
        assert delta["batch_target"][0]["job_name"] == "sb-rules-nightly_etl-hourly_delta"
        assert delta["retry_policy"] == [{"maximum_retry_attempts": 3, "maximum_event_age_in_seconds": 3600}]

    def test_job_retries_spot_reclaims(self, rules):
        strategy = one(rules, f'{B}module.job["nightly_etl"].aws_batch_job_definition.this')["retry_strategy"][0]
        assert strategy["attempts"] == 5
        assert strategy["evaluate_on_exit"][0]["on_status_reason"] == "Host EC2*"
        assert strategy["evaluate_on_exit"][0]["action"].upper() == "RETRY"


def _all_resources(raw: dict) -> list[dict]:
    """Every resource of the plan's prior state and planned values (incl. data sources)."""
    return [*planned_resources(raw), *state_resources(raw.get("prior_state", {}))]
