"""What the posture gate expects to find: the custom checks and the attributes they read.

The policy files in ``policies/`` are the implementation; this catalog is the independent
expectation the runner holds them to. A check missing from checkov's registry (folder without
``__init__.py``, a file that failed to import, a renamed id) is a gate failure, not a silent
pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

POLICY_DIR = Path(__file__).resolve().with_name("policies")
DOCS_ANCHOR = "docs/posture.md"


@dataclass(frozen=True)
class CustomCheck:
    check_id: str
    summary: str  # the wording, for docs and messages
    resource_types: tuple[str, ...]
    data_types: tuple[str, ...] = ()

    @property
    def guideline(self) -> str:
        return f"{DOCS_ANCHOR}#{self.check_id.lower()}"


JOB_DEFINITION = "aws_batch_job_definition"
IAM_POLICY_RESOURCES = (
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role",
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
)

CUSTOM_CHECKS: tuple[CustomCheck, ...] = (
    CustomCheck(
        "CKV_SBATCH_1", "Batch containers not privileged (container, ECS, node, EKS properties)", (JOB_DEFINITION,)
    ),
    CustomCheck("CKV_SBATCH_2", "Batch containers use readonlyRootFilesystem = true", (JOB_DEFINITION,)),
    CustomCheck(
        "CKV_SBATCH_3",
        "No secret-looking names or values in plain environment (use secrets)",
        (JOB_DEFINITION, "aws_scheduler_schedule", "aws_cloudwatch_event_target", "aws_sfn_state_machine"),
    ),
    CustomCheck("CKV_SBATCH_4", "Fargate assignPublicIp is DISABLED", (JOB_DEFINITION,)),
    CustomCheck(
        "CKV_SBATCH_5",
        "No Action '*', no 'service:*', no NotAction in identity policies; no broad AWS managed policies",
        IAM_POLICY_RESOURCES,
        ("aws_iam_policy_document",),
    ),
    CustomCheck("CKV_SBATCH_6", "Log groups: retention set and bounded, KMS key set", ("aws_cloudwatch_log_group",)),
    CustomCheck(
        "CKV_SBATCH_7",
        "EventBridge rule targets and Scheduler schedules: dead-letter queue and retry policy",
        ("aws_cloudwatch_event_target", "aws_scheduler_schedule"),
    ),
    CustomCheck(
        "CKV_SBATCH_8",
        "Trust policies of events/scheduler/states roles carry aws:SourceAccount or aws:SourceArn",
        ("aws_iam_role",),
        ("aws_iam_policy_document",),
    ),
    CustomCheck(
        "CKV_SBATCH_9",
        "Job definitions have a timeout; job role set and different from execution role",
        (JOB_DEFINITION,),
    ),
    CustomCheck(
        "CKV_SBATCH_10",
        "Compute environments have security groups; security groups allow no ingress",
        (
            "aws_batch_compute_environment",
            "aws_security_group",
            "aws_security_group_rule",
            "aws_vpc_security_group_ingress_rule",
        ),
    ),
    CustomCheck(
        "CKV_SBATCH_11", "Step Functions state machines log (level and destination set)", ("aws_sfn_state_machine",)
    ),
    CustomCheck(
        "CKV_SBATCH_12",
        "Schedule-managing policies: schedule actions in one group (only List* on '*'); iam:PassRole without "
        "wildcards and with iam:PassedToService",
        ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"),
    ),
)

BY_ID = {check.check_id: check for check in CUSTOM_CHECKS}
CUSTOM_PREFIXES = ("CKV_SBATCH_", "CKV2_SBATCH_")

# Attributes the custom checks read, by resource type: the plan resolver keeps planning until
# these are known (or stop becoming known).
WATCHED_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    JOB_DEFINITION: ("container_properties", "ecs_properties", "node_properties", "eks_properties", "timeout"),
    "aws_iam_role": ("assume_role_policy",),
    "aws_iam_policy": ("policy",),
    "aws_iam_role_policy": ("policy",),
    "aws_iam_user_policy": ("policy",),
    "aws_iam_group_policy": ("policy",),
    "aws_scheduler_schedule": ("target",),
    "aws_cloudwatch_event_target": ("input",),
    "aws_sfn_state_machine": ("definition",),
}


def is_custom(check_id: str) -> bool:
    return check_id.startswith(CUSTOM_PREFIXES)
