"""The pass/fail pairs of every custom policy: which block of which fixture reaches which verdict.

One table for both levels: ``test_policy_units.py`` runs each policy on the block's HCL through
checkov's resource-level API (milliseconds), ``test_policies.py`` reads the same verdicts from
the full posture scan of ``fixtures/suite`` (HCL and resolved plan).
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"

BOTH = ("hcl", "plan")
HCL = ("hcl",)  # data sources: checkov's plan scan does not read them
PLAN = ("plan",)  # the HCL renderer leaves these unevaluated; the resolved plan knows them

# (policy fixture, variant, resource, check, status, scans that must reach that status)
EXPECTED: list[tuple[str, str, str, str, str, tuple[str, ...]]] = [
    ("sbatch_01_privileged", "pass", "aws_batch_job_definition.container", "CKV_SBATCH_1", "PASSED", BOTH),
    ("sbatch_01_privileged", "pass", "aws_batch_job_definition.ecs", "CKV_SBATCH_1", "PASSED", BOTH),
    ("sbatch_01_privileged", "fail", "aws_batch_job_definition.container", "CKV_SBATCH_1", "FAILED", BOTH),
    ("sbatch_01_privileged", "fail", "aws_batch_job_definition.ecs", "CKV_SBATCH_1", "FAILED", BOTH),
    ("sbatch_01_privileged", "fail", "aws_batch_job_definition.node", "CKV_SBATCH_1", "FAILED", BOTH),
    ("sbatch_01_privileged", "fail", "aws_batch_job_definition.eks", "CKV_SBATCH_1", "FAILED", BOTH),
    ("sbatch_02_readonly_root", "pass", "aws_batch_job_definition.container", "CKV_SBATCH_2", "PASSED", BOTH),
    ("sbatch_02_readonly_root", "fail", "aws_batch_job_definition.omitted", "CKV_SBATCH_2", "FAILED", BOTH),
    ("sbatch_02_readonly_root", "fail", "aws_batch_job_definition.ecs_false", "CKV_SBATCH_2", "FAILED", BOTH),
    ("sbatch_03_env_secrets", "pass", "aws_batch_job_definition.container", "CKV_SBATCH_3", "PASSED", BOTH),
    ("sbatch_03_env_secrets", "pass", "aws_scheduler_schedule.nightly", "CKV_SBATCH_3", "PASSED", BOTH),
    ("sbatch_03_env_secrets", "fail", "aws_batch_job_definition.by_name", "CKV_SBATCH_3", "FAILED", BOTH),
    ("sbatch_03_env_secrets", "fail", "aws_batch_job_definition.by_value", "CKV_SBATCH_3", "FAILED", BOTH),
    ("sbatch_03_env_secrets", "fail", "aws_scheduler_schedule.override", "CKV_SBATCH_3", "FAILED", BOTH),
    ("sbatch_03_env_secrets", "fail", "aws_cloudwatch_event_target.override", "CKV_SBATCH_3", "FAILED", BOTH),
    ("sbatch_04_public_ip", "pass", "aws_batch_job_definition.explicit", "CKV_SBATCH_4", "PASSED", BOTH),
    ("sbatch_04_public_ip", "pass", "aws_batch_job_definition.default", "CKV_SBATCH_4", "PASSED", BOTH),
    ("sbatch_04_public_ip", "fail", "aws_batch_job_definition.container", "CKV_SBATCH_4", "FAILED", BOTH),
    ("sbatch_04_public_ip", "fail", "aws_batch_job_definition.ecs", "CKV_SBATCH_4", "FAILED", BOTH),
    ("sbatch_05_iam_actions", "pass", "aws_iam_policy.scoped", "CKV_SBATCH_5", "PASSED", BOTH),
    ("sbatch_05_iam_actions", "pass", "aws_iam_role.job", "CKV_SBATCH_5", "PASSED", BOTH),
    ("sbatch_05_iam_actions", "pass", "aws_iam_role_policy.job", "CKV_SBATCH_5", "PASSED", PLAN),
    ("sbatch_05_iam_actions", "pass", "aws_iam_role_policy_attachment.ecs", "CKV_SBATCH_5", "PASSED", BOTH),
    ("sbatch_05_iam_actions", "pass", "aws_iam_policy_document.job", "CKV_SBATCH_5", "PASSED", HCL),
    ("sbatch_05_iam_actions", "pass", "aws_iam_policy_document.key", "CKV_SBATCH_5", "PASSED", HCL),
    ("sbatch_05_iam_actions", "fail", "aws_iam_role_policy.star", "CKV_SBATCH_5", "FAILED", BOTH),
    ("sbatch_05_iam_actions", "fail", "aws_iam_role_policy.from_document", "CKV_SBATCH_5", "FAILED", PLAN),
    ("sbatch_05_iam_actions", "fail", "aws_iam_policy.not_action", "CKV_SBATCH_5", "FAILED", PLAN),
    ("sbatch_05_iam_actions", "fail", "aws_iam_policy.service_prefix_wildcard", "CKV_SBATCH_5", "FAILED", BOTH),
    ("sbatch_05_iam_actions", "fail", "aws_iam_role.inline", "CKV_SBATCH_5", "FAILED", BOTH),
    ("sbatch_05_iam_actions", "fail", "aws_iam_role.managed", "CKV_SBATCH_5", "FAILED", BOTH),
    ("sbatch_05_iam_actions", "fail", "aws_iam_role_policy_attachment.s3_full", "CKV_SBATCH_5", "FAILED", BOTH),
    ("sbatch_05_iam_actions", "fail", "aws_iam_policy_document.service_wildcard", "CKV_SBATCH_5", "FAILED", HCL),
    ("sbatch_05_iam_actions", "fail", "aws_iam_policy_document.not_action", "CKV_SBATCH_5", "FAILED", HCL),
    ("sbatch_06_log_groups", "pass", "aws_cloudwatch_log_group.literal_key", "CKV_SBATCH_6", "PASSED", BOTH),
    ("sbatch_06_log_groups", "pass", "aws_cloudwatch_log_group.created_key", "CKV_SBATCH_6", "PASSED", BOTH),
    ("sbatch_06_log_groups", "fail", "aws_cloudwatch_log_group.no_retention", "CKV_SBATCH_6", "FAILED", BOTH),
    ("sbatch_06_log_groups", "fail", "aws_cloudwatch_log_group.never_expire", "CKV_SBATCH_6", "FAILED", BOTH),
    ("sbatch_06_log_groups", "fail", "aws_cloudwatch_log_group.no_kms", "CKV_SBATCH_6", "FAILED", BOTH),
    ("sbatch_07_delivery_dlq_retry", "pass", "aws_cloudwatch_event_target.batch", "CKV_SBATCH_7", "PASSED", BOTH),
    ("sbatch_07_delivery_dlq_retry", "pass", "aws_scheduler_schedule.nightly", "CKV_SBATCH_7", "PASSED", BOTH),
    ("sbatch_07_delivery_dlq_retry", "fail", "aws_cloudwatch_event_target.no_dlq", "CKV_SBATCH_7", "FAILED", BOTH),
    ("sbatch_07_delivery_dlq_retry", "fail", "aws_cloudwatch_event_target.no_retry", "CKV_SBATCH_7", "FAILED", BOTH),
    ("sbatch_07_delivery_dlq_retry", "fail", "aws_scheduler_schedule.no_dlq", "CKV_SBATCH_7", "FAILED", BOTH),
    ("sbatch_07_delivery_dlq_retry", "fail", "aws_scheduler_schedule.no_retry", "CKV_SBATCH_7", "FAILED", BOTH),
    ("sbatch_08_trust_confused_deputy", "pass", "aws_iam_role.scheduler", "CKV_SBATCH_8", "PASSED", BOTH),
    ("sbatch_08_trust_confused_deputy", "pass", "aws_iam_role.events", "CKV_SBATCH_8", "PASSED", PLAN),
    ("sbatch_08_trust_confused_deputy", "pass", "aws_iam_policy_document.events_trust", "CKV_SBATCH_8", "PASSED", HCL),
    ("sbatch_08_trust_confused_deputy", "pass", "aws_iam_role.ecs_task", "CKV_SBATCH_8", "PASSED", BOTH),
    ("sbatch_08_trust_confused_deputy", "fail", "aws_iam_role.scheduler", "CKV_SBATCH_8", "FAILED", BOTH),
    ("sbatch_08_trust_confused_deputy", "fail", "aws_iam_role.states", "CKV_SBATCH_8", "FAILED", PLAN),
    ("sbatch_08_trust_confused_deputy", "fail", "aws_iam_policy_document.states_trust", "CKV_SBATCH_8", "FAILED", HCL),
    ("sbatch_08_trust_confused_deputy", "fail", "aws_iam_role.wildcard_condition", "CKV_SBATCH_8", "FAILED", BOTH),
    (
        "sbatch_09_job_timeout_roles",
        "pass",
        "aws_batch_job_definition.referenced_roles",
        "CKV_SBATCH_9",
        "PASSED",
        BOTH,
    ),
    ("sbatch_09_job_timeout_roles", "pass", "aws_batch_job_definition.literal_roles", "CKV_SBATCH_9", "PASSED", BOTH),
    ("sbatch_09_job_timeout_roles", "fail", "aws_batch_job_definition.no_timeout", "CKV_SBATCH_9", "FAILED", BOTH),
    ("sbatch_09_job_timeout_roles", "fail", "aws_batch_job_definition.same_role", "CKV_SBATCH_9", "FAILED", PLAN),
    ("sbatch_09_job_timeout_roles", "fail", "aws_batch_job_definition.no_job_role", "CKV_SBATCH_9", "FAILED", BOTH),
    ("sbatch_10_network", "pass", "aws_batch_compute_environment.fargate", "CKV_SBATCH_10", "PASSED", BOTH),
    ("sbatch_10_network", "pass", "aws_security_group.jobs", "CKV_SBATCH_10", "PASSED", BOTH),
    ("sbatch_10_network", "fail", "aws_batch_compute_environment.no_security_groups", "CKV_SBATCH_10", "FAILED", BOTH),
    ("sbatch_10_network", "fail", "aws_security_group.inline_ingress", "CKV_SBATCH_10", "FAILED", BOTH),
    ("sbatch_10_network", "fail", "aws_security_group_rule.ingress", "CKV_SBATCH_10", "FAILED", BOTH),
    ("sbatch_10_network", "fail", "aws_vpc_security_group_ingress_rule.ingress", "CKV_SBATCH_10", "FAILED", BOTH),
    ("sbatch_11_sfn_logging", "pass", "aws_sfn_state_machine.logged", "CKV_SBATCH_11", "PASSED", BOTH),
    ("sbatch_11_sfn_logging", "fail", "aws_sfn_state_machine.no_logging", "CKV_SBATCH_11", "FAILED", BOTH),
    ("sbatch_11_sfn_logging", "fail", "aws_sfn_state_machine.off", "CKV_SBATCH_11", "FAILED", BOTH),
    ("sbatch_12_schedule_manager", "pass", "aws_iam_policy.manager", "CKV_SBATCH_12", "PASSED", BOTH),
    ("sbatch_12_schedule_manager", "pass", "aws_iam_policy.unrelated", "CKV_SBATCH_12", "PASSED", BOTH),
    ("sbatch_12_schedule_manager", "fail", "aws_iam_policy.every_group", "CKV_SBATCH_12", "FAILED", BOTH),
    ("sbatch_12_schedule_manager", "fail", "aws_iam_policy.star", "CKV_SBATCH_12", "FAILED", BOTH),
    ("sbatch_12_schedule_manager", "fail", "aws_iam_role_policy.unconditioned_pass", "CKV_SBATCH_12", "FAILED", BOTH),
    ("sbatch_12_schedule_manager", "fail", "aws_iam_policy.wildcard_pass", "CKV_SBATCH_12", "FAILED", BOTH),
]


def fixture_file(fixture: str, variant: str) -> Path:
    return FIXTURES / fixture / variant / "main.tf"
