"""Plan of configs/scheduler: every input path with the Scheduler backend and a known account,
so that policies, container properties and schedule inputs can be compared exactly."""

from __future__ import annotations

import json

import pytest
from core_plan import ACCOUNT, CONFIGS, KMS_KEY, REGION, container, of_type, one, plan_config, policy, statements_by_sid

from batch_harness.terraform.runner import PlanResult

pytestmark = [pytest.mark.plan, pytest.mark.xdist_group("core-plan-scheduler")]

B = "module.batch."
JOBS = ("report", "isolated", "gpu_train", "fair_job", "arm_fargate", "arm_ec2", "no_perms")
QUEUE_ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/"
JOBDEF_ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-definition/"
DLQ_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:tp-schedule-dlq"


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    return plan_config(CONFIGS / "scheduler", tmp_path_factory)


def schedule_input(plan: PlanResult, key: str) -> dict:
    target = one(plan, f'{B}module.schedule["{key}"].aws_scheduler_schedule.this[0]')["target"][0]
    return json.loads(target["input"])


# --- jobs: one definition, job role, execution role and log group each -------------------------


def test_each_job_has_its_own_definition_roles_and_log_group(plan):
    definitions = of_type(plan, "aws_batch_job_definition")
    assert {v["name"] for v in definitions.values()} == {f"tp-{job}" for job in JOBS}
    roles = {v["name"] for v in of_type(plan, "aws_iam_role", "module.job[").values()}
    assert roles == {f"tp-{job}-{kind}" for job in JOBS for kind in ("job", "exec")}
    groups = of_type(plan, "aws_cloudwatch_log_group")
    assert {v["name"] for v in groups.values()} == {f"/aws/batch/tp/{job}" for job in JOBS}
    for values in groups.values():
        assert values["kms_key_id"] == KMS_KEY
    assert one(plan, f'{B}module.job["report"].aws_cloudwatch_log_group.this')["retention_in_days"] == 90
    assert one(plan, f'{B}module.job["isolated"].aws_cloudwatch_log_group.this')["retention_in_days"] == 30


def test_container_properties_are_hardened_and_wired_to_the_jobs_own_roles(plan):
    report = container(plan, "report")
    assert report["jobRoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/tp-report-job"
    assert report["executionRoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/tp-report-exec"
    assert report["readonlyRootFilesystem"] is True
    assert report["privileged"] is False
    assert report["networkConfiguration"] == {"assignPublicIp": "DISABLED"}
    assert report["runtimePlatform"] == {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"}
    assert report["resourceRequirements"] == [{"type": "VCPU", "value": "0.25"}, {"type": "MEMORY", "value": "1024"}]
    assert report["command"] == ["report", "Ref::period"]
    assert report["environment"] == [{"name": "A_FIRST", "value": "1"}, {"name": "LOG_LEVEL", "value": "debug"}]
    assert report["secrets"] == [
        {"name": "API_TOKEN", "valueFrom": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/tp/api-token"},
        {"name": "DB_PASSWORD", "valueFrom": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db"},
    ]
    assert report["user"] == "1000:1000"
    assert report["ephemeralStorage"] == {"sizeInGiB": 50}
    assert report["volumes"] == [{"name": "writable-0"}]
    assert report["mountPoints"] == [{"sourceVolume": "writable-0", "containerPath": "/tmp", "readOnly": False}]
    assert report["logConfiguration"]["options"]["awslogs-group"] == "/aws/batch/tp/report"
    # Secrets never leak into the plain environment.
    assert not {e["name"] for e in report["environment"]} & {s["name"] for s in report["secrets"]}
    assert container(plan, "no_perms")["readonlyRootFilesystem"] is False


def test_platform_follows_the_queue_family(plan):
    definitions = {v["name"]: v for v in of_type(plan, "aws_batch_job_definition").values()}
    assert definitions["tp-report"]["platform_capabilities"] == ["FARGATE"]
    assert definitions["tp-gpu_train"]["platform_capabilities"] == ["EC2"]
    assert definitions["tp-arm_ec2"]["platform_capabilities"] == ["EC2"]
    gpu = container(plan, "gpu_train")
    assert gpu["resourceRequirements"] == [
        {"type": "VCPU", "value": "4"},
        {"type": "MEMORY", "value": "16384"},
        {"type": "GPU", "value": "1"},
    ]
    # Fargate-only settings stay off EC2 job definitions.
    for key in ("networkConfiguration", "runtimePlatform", "fargatePlatformConfiguration", "ephemeralStorage"):
        assert key not in gpu
    assert container(plan, "arm_fargate")["runtimePlatform"]["cpuArchitecture"] == "ARM64"
    assert all(v["propagate_tags"] is True for v in definitions.values())


def test_default_retry_rules_retry_infrastructure_losses_in_order_then_exit(plan):
    strategy = one(plan, f'{B}module.job["report"].aws_batch_job_definition.this')["retry_strategy"][0]
    assert strategy["attempts"] == 3
    rules = [
        (r["action"].upper(), r["on_status_reason"], r["on_reason"], r["on_exit_code"])
        for r in strategy["evaluate_on_exit"]
    ]
    assert rules == [
        ("RETRY", "Host EC2*", None, None),
        ("RETRY", "Your Spot Task was interrupted*", None, None),
        ("RETRY", "Task failed to start*", None, None),
        ("RETRY", None, "AGENT*", None),
        ("EXIT", None, "*", None),
    ]


def test_explicit_retry_rules_keep_their_order(plan):
    strategy = one(plan, f'{B}module.job["gpu_train"].aws_batch_job_definition.this')["retry_strategy"][0]
    assert strategy["attempts"] == 5
    rules = [
        (r["action"].upper(), r["on_exit_code"] or r["on_status_reason"] or r["on_reason"])
        for r in strategy["evaluate_on_exit"]
    ]
    assert rules == [("RETRY", "137"), ("RETRY", "Host EC2*"), ("EXIT", "*")]


def test_timeouts(plan):
    timeouts = {
        v["name"]: v["timeout"][0]["attempt_duration_seconds"]
        for v in of_type(plan, "aws_batch_job_definition").values()
    }
    assert timeouts["tp-report"] == 600
    assert timeouts["tp-isolated"] == 3600


# --- least privilege ---------------------------------------------------------------------------


def test_execution_role_reaches_only_its_image_log_group_and_secrets(plan):
    document = policy(one(plan, f'{B}module.job["report"].aws_iam_role_policy.execution[0]'))
    by_sid = statements_by_sid(document)
    log_group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/batch/tp/report"
    assert by_sid["EcrAuth"]["Action"] == ["ecr:GetAuthorizationToken"]
    assert by_sid["EcrPull"]["Resource"] == [f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/reports"]
    assert by_sid["OwnLogGroup"]["Resource"] == [log_group, f"{log_group}:log-stream:*"]
    assert by_sid["OwnSecrets"]["Resource"] == [
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db",
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db-??????",
    ]
    assert by_sid["OwnParameters"]["Resource"] == [f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/tp/api-token"]
    assert by_sid["DecryptSecrets"]["Resource"] == [
        f"arn:aws:kms:{REGION}:{ACCOUNT}:key/99999999-8888-7777-6666-555555555555"
    ]
    # Only GetAuthorizationToken (no resource-level permissions exist for it) uses "*".
    wildcards = [s["Sid"] for s in document["Statement"] if "*" in s["Resource"]]
    assert wildcards == ["EcrAuth"]


def test_execution_roles_name_no_other_jobs_resources(plan):
    for job in JOBS:
        text = one(plan, f'{B}module.job["{job}"].aws_iam_role_policy.execution[0]')["policy"]
        others = [other for other in JOBS if other != job and f"/aws/batch/tp/{other}" in text]
        assert not others, f"{job}'s execution role names log groups of {others}"
    # A public image needs no ECR permission at all.
    public = statements_by_sid(policy(one(plan, f'{B}module.job["isolated"].aws_iam_role_policy.execution[0]')))
    assert set(public) == {"OwnLogGroup"}


def test_job_role_has_exactly_the_given_statements(plan):
    document = policy(one(plan, f'{B}module.job["report"].aws_iam_role_policy.job[0]'))
    assert document["Statement"] == [
        {"Sid": "ReadInput", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::tp-input/*"]},
        {
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": ["arn:aws:s3:::tp-input"],
            "Condition": {"StringLike": {"s3:prefix": ["daily/*"]}},
        },
    ]
    trust = policy(one(plan, f'{B}module.job["report"].aws_iam_role.job[0]'), "assume_role_policy")
    assert trust["Statement"][0]["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
    assert trust["Statement"][0]["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_a_job_without_statements_gets_a_role_with_no_permissions(plan):
    assert f'{B}module.job["no_perms"].aws_iam_role.job[0]' in plan.planned_resources
    attached = [a for a in plan.planned_resources if 'module.job["no_perms"]' in a and ".aws_iam_role_policy.job" in a]
    attached += [a for a in plan.planned_resources if 'module.job["no_perms"]' in a and "policy_attachment" in a]
    assert attached == []


def test_schedule_role_may_submit_only_its_own_job_and_write_dead_letters(plan):
    document = policy(one(plan, f'{B}module.schedule["report/nightly"].aws_iam_role_policy.this'))
    by_sid = statements_by_sid(document)
    assert by_sid["SubmitOwnJob"] == {
        "Sid": "SubmitOwnJob",
        "Effect": "Allow",
        "Action": ["batch:SubmitJob"],
        "Resource": [f"{QUEUE_ARN}tp-default", f"{JOBDEF_ARN}tp-report", f"{JOBDEF_ARN}tp-report:*"],
    }
    assert by_sid["DeadLetters"]["Action"] == ["sqs:SendMessage"]
    assert by_sid["DeadLetters"]["Resource"] == [DLQ_ARN]
    assert by_sid["DeadLetterEncryption"]["Resource"] == [KMS_KEY]
    assert set(by_sid) == {"SubmitOwnJob", "DeadLetters", "DeadLetterEncryption"}
    # The isolated job's schedule targets the job's own queue.
    isolated = statements_by_sid(policy(one(plan, f'{B}module.schedule["isolated/hourly"].aws_iam_role_policy.this')))
    assert isolated["SubmitOwnJob"]["Resource"][0] == f"{QUEUE_ARN}tp-isolated-default"


def test_schedule_role_trusts_only_scheduler_from_this_account_and_group(plan):
    role = one(plan, f'{B}module.schedule["report/nightly"].aws_iam_role.this')
    assert role["name"] == "tp-report-nightly-sched"
    statement = policy(role, "assume_role_policy")["Statement"]
    assert statement == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "scheduler.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {
                    "aws:SourceAccount": ACCOUNT,
                    "aws:SourceArn": f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/tp",
                }
            },
        }
    ]


# --- schedules ---------------------------------------------------------------------------------


def test_scheduler_input_is_the_submit_job_request_with_overrides(plan):
    assert schedule_input(plan, "report/nightly") == {
        "JobName": "tp-report-nightly",
        "JobQueue": f"{QUEUE_ARN}tp-default",
        "JobDefinition": f"{JOBDEF_ARN}tp-report",
        "Parameters": {"period": "nightly"},
        "ContainerOverrides": {"Command": ["report", "--full"]},
    }
    assert schedule_input(plan, "report/paused") == {
        "JobName": "tp-report-paused",
        "JobQueue": f"{QUEUE_ARN}tp-default",
        "JobDefinition": f"{JOBDEF_ARN}tp-report",
    }
    assert schedule_input(plan, "fair_job/every")["ShareIdentifier"] == "fairjob"
    assert schedule_input(plan, "isolated/hourly")["JobQueue"] == f"{QUEUE_ARN}tp-isolated-default"


def test_scheduler_schedule_settings(plan):
    nightly = one(plan, f'{B}module.schedule["report/nightly"].aws_scheduler_schedule.this[0]')
    assert nightly["name"] == "tp-report-nightly"
    assert nightly["group_name"] == "tp"
    assert nightly["schedule_expression"] == "cron(0 2 * * ? *)"
    assert nightly["schedule_expression_timezone"] == "Europe/Berlin"
    assert nightly["flexible_time_window"] == [{"mode": "FLEXIBLE", "maximum_window_in_minutes": 15}]
    assert (nightly["start_date"], nightly["end_date"]) == ("2030-01-01T00:00:00Z", "2031-01-01T00:00:00Z")
    assert nightly["state"] == "ENABLED"
    target = nightly["target"][0]
    assert target["arn"] == "arn:aws:scheduler:::aws-sdk:batch:submitJob"
    assert target["retry_policy"] == [{"maximum_retry_attempts": 3, "maximum_event_age_in_seconds": 3600}]
    assert target["dead_letter_config"] == [{"arn": DLQ_ARN}]
    paused = one(plan, f'{B}module.schedule["report/paused"].aws_scheduler_schedule.this[0]')
    assert paused["state"] == "DISABLED"
    assert paused["flexible_time_window"] == [{"mode": "OFF", "maximum_window_in_minutes": None}]
    assert one(plan, f"{B}module.schedule_group[0].aws_scheduler_schedule_group.this")["name"] == "tp"
    # Every schedule has a retry policy and the dead-letter queue.
    for values in of_type(plan, "aws_scheduler_schedule").values():
        assert values["target"][0]["dead_letter_config"] == [{"arn": DLQ_ARN}]
        assert values["target"][0]["retry_policy"]


# --- capacity: queues, compute environments, network isolation ---------------------------------


def test_queues_keep_priorities_and_compute_environment_order(plan):
    queues = {v["name"]: v for v in of_type(plan, "aws_batch_job_queue").values()}
    assert set(queues) == {"tp-default", "tp-urgent", "tp-gpu", "tp-fair", "tp-graviton", "tp-isolated-default"}
    assert queues["tp-urgent"]["priority"] == 100
    assert queues["tp-isolated-default"]["priority"] == queues["tp-default"]["priority"] == 1
    assert [o["order"] for o in queues["tp-default"]["compute_environment_order"]] == [0, 1]
    order = plan.outputs["job_queue_compute_environments"]
    assert order["default"] == ["fargate_spot", "fargate"]
    assert order["gpu"] == ["gpu_spot", "gpu_ondemand"]
    assert order["isolated/default"] == ["isolated/fargate_spot", "isolated/fargate"]
    limits = queues["tp-default"]["job_state_time_limit_action"]
    assert {(a["action"], a["state"], a["max_time_seconds"]) for a in limits} == {("CANCEL", "RUNNABLE", 3600)}
    assert {a["reason"] for a in limits} == {
        "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
        "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
        "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
    }
    assert queues["tp-urgent"]["job_state_time_limit_action"] == []


def test_fair_share_queue_gets_a_policy_and_jobs_a_priority(plan):
    policies = of_type(plan, "aws_batch_scheduling_policy")
    assert list(policies) == [f'{B}module.job_queue["fair"].aws_batch_scheduling_policy.this[0]']
    fair = next(iter(policies.values()))["fair_share_policy"][0]
    assert (fair["share_decay_seconds"], fair["compute_reservation"]) == (3600, 10)
    assert fair["share_distribution"] == [{"share_identifier": "fairjob", "weight_factor": 1.5}]
    definitions = {v["name"]: v for v in of_type(plan, "aws_batch_job_definition").values()}
    assert definitions["tp-fair_job"]["scheduling_priority"] == 10
    assert definitions["tp-report"]["scheduling_priority"] is None


def test_compute_environments_use_generated_names_service_linked_role_and_no_default_tags(plan):
    environments = of_type(plan, "aws_batch_compute_environment")
    assert len(environments) == 7  # 5 shared + 2 copies for the network-isolated job
    for address, values in environments.items():
        # No name argument (5.x and 6.x spell it differently): the provider generates one at apply.
        assert values.get("compute_environment_name_prefix") is None, address
        assert "compute_environment_name" in plan.resource_changes[address]["after_unknown"], address
        assert values.get("service_role") is None, f"{address}: expected the service-linked role"
        key = address.split('"')[1]
        assert values["tags"] == {"team": "data", "Name": f"tp-{key.replace('/', '-')}"}, address
        # Module tags never reach compute_resources.tags (a change there replaces the environment).
        assert values["compute_resources"][0]["tags"] in (None, {"purpose": "gpu"}), address
    spot = one(plan, f'{B}module.compute_environment["gpu_spot"].aws_batch_compute_environment.this')[
        "compute_resources"
    ][0]
    assert spot["tags"] == {"purpose": "gpu"}
    assert spot["allocation_strategy"] == "SPOT_PRICE_CAPACITY_OPTIMIZED"
    ondemand = one(plan, f'{B}module.compute_environment["gpu_ondemand"].aws_batch_compute_environment.this')[
        "compute_resources"
    ][0]
    assert ondemand["allocation_strategy"] == "BEST_FIT_PROGRESSIVE"
    assert ondemand["launch_template"] == [
        {"launch_template_id": None, "launch_template_name": "custom-lt", "version": "3"}
    ]
    graviton = one(plan, f'{B}module.compute_environment["graviton"].aws_batch_compute_environment.this')[
        "compute_resources"
    ][0]
    assert graviton["instance_type"] == ["default_arm64"]
    assert graviton["subnets"] == ["subnet-2a2b3c4d"]
    fargate = one(plan, f'{B}module.compute_environment["fargate"].aws_batch_compute_environment.this')[
        "compute_resources"
    ][0]
    assert fargate["allocation_strategy"] is None and fargate["instance_role"] is None
    assert sorted(fargate["subnets"]) == ["subnet-0a1b2c3d", "subnet-1a2b3c4d"]


def test_ec2_environments_get_instance_roles_and_an_imdsv2_only_launch_template(plan):
    for key in ("gpu_spot", "gpu_ondemand", "graviton"):
        assert f'{B}module.compute_environment["{key}"].aws_iam_instance_profile.instance[0]' in plan.planned_resources
        attachment = one(plan, f'{B}module.compute_environment["{key}"].aws_iam_role_policy_attachment.instance[0]')
        assert attachment["policy_arn"].endswith(":policy/service-role/AmazonEC2ContainerServiceforEC2Role")
    assert not [a for a in plan.planned_resources if 'compute_environment["fargate' in a and "aws_iam" in a]
    templates = of_type(plan, "aws_launch_template")
    # gpu_ondemand brings its own template.
    assert {a.split('"')[1] for a in templates} == {"gpu_spot", "graviton"}
    for values in templates.values():
        assert values["metadata_options"][0]["http_tokens"] == "required"
        assert values["metadata_options"][0]["http_put_response_hop_limit"] == 1


def test_security_groups_allow_only_the_declared_egress_and_no_ingress(plan):
    assert not of_type(plan, "aws_vpc_security_group_ingress_rule")
    assert not of_type(plan, "aws_security_group_rule")
    for values in of_type(plan, "aws_security_group").values():
        # No inline rules (the attributes stay computed); rules are separate resources.
        assert values.get("ingress") in (None, []) and values.get("egress") in (None, [])
    rules = of_type(plan, "aws_vpc_security_group_egress_rule")
    default = [v for a, v in rules.items() if "default_security_group" in a]
    assert [(r["ip_protocol"], r["from_port"], r["to_port"], r["cidr_ipv4"]) for r in default] == [
        ("tcp", 443, 443, "0.0.0.0/0")
    ]
    isolated = sorted(
        (
            (
                r["ip_protocol"],
                r["from_port"],
                r["to_port"],
                r["cidr_ipv4"],
                r["prefix_list_id"],
                r["referenced_security_group_id"],
            )
            for a, r in rules.items()
            if 'job_security_group["isolated"]' in a
        ),
        key=str,
    )
    assert isolated == sorted(
        [
            ("tcp", 5432, 5432, "10.0.0.0/16", None, None),
            ("udp", 8000, 8100, None, "pl-12345678", None),
            ("tcp", 443, 443, None, None, "sg-0123456789abcdef0"),
        ],
        key=str,
    )


def test_network_isolated_job_gets_copies_of_its_queues_environments(plan):
    copies = {a.split('"')[1] for a in of_type(plan, "aws_batch_compute_environment") if '"isolated/' in a}
    assert copies == {"isolated/fargate_spot", "isolated/fargate"}
    copy = 'module.isolated_compute_environment["isolated/fargate_spot"]'
    spot_copy = one(plan, f"{B}{copy}.aws_batch_compute_environment.this")
    assert spot_copy["tags"]["Name"] == "tp-isolated-fargate_spot"
    assert spot_copy["compute_resources"][0]["type"] == "FARGATE_SPOT"
    assert spot_copy["compute_resources"][0]["max_vcpus"] == 64
    # Which groups an environment gets is only known after apply (the group ids); the apply
    # test checks it. Here: every environment's groups come from the module.
    for address in of_type(plan, "aws_batch_compute_environment"):
        assert plan.resource_changes[address]["after_unknown"]["compute_resources"][0]["security_group_ids"], address


# --- encryption and outputs --------------------------------------------------------------------


def test_given_kms_key_is_used_and_no_key_is_created(plan):
    assert not of_type(plan, "aws_kms_key")
    assert plan.outputs["account_id"] == ACCOUNT
    queue = one(plan, f"{B}module.dead_letter_queue[0].aws_sqs_queue.this")
    assert queue["name"] == "tp-schedule-dlq"
    assert queue["kms_master_key_id"] == KMS_KEY
    dlq_policy = policy(one(plan, f"{B}module.dead_letter_queue[0].aws_sqs_queue_policy.this"))
    # Scheduler writes with each schedule's role: no service principal is allowed in.
    assert [s["Sid"] for s in dlq_policy["Statement"]] == ["DenyInsecureTransport"]


def test_schedule_output_lists_every_schedule(plan):
    schedules = plan.outputs["schedules"]
    assert set(schedules) == {
        "report/nightly",
        "report/paused",
        "isolated/hourly",
        "gpu_train/weekly",
        "fair_job/every",
    }
    assert schedules["report/nightly"]["timezone"] == "Europe/Berlin"
    assert schedules["report/paused"]["enabled"] is False
