"""CKV_SBATCH_7: scheduled deliveries have a dead-letter queue and an explicit retry policy.

EventBridge (rules) drops an event after its retries unless the target has a DLQ; Scheduler
does the same per schedule target. Applies to ``aws_cloudwatch_event_target`` and
``aws_scheduler_schedule``.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from sbatch_policy_lib import (
    AFTER_APPLY,
    SBatchResourceCheck,
    Unresolved,
    as_number,
    as_text,
    blocks,
    failed,
    scalar,
)


def _dlq_and_retry(holder: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    dlq = blocks(holder, "dead_letter_config")
    arn = scalar(dlq[0].get("arn")) if dlq else None
    if arn == "true_after_unknown":
        pass  # a queue created in this plan: the DLQ is set
    elif not dlq or as_text(arn, f"{where}dead_letter_config.arn", allow_reference=True) is None:
        problems.append(f"{where}dead_letter_config.arn is not set (failed deliveries are dropped)")
    raw_retry = holder.get("retry_policy")
    if scalar(raw_retry) == "true_after_unknown":
        raise Unresolved(AFTER_APPLY, f"{where}retry_policy is known only after apply")
    retry = blocks(holder, "retry_policy")
    if not retry:
        problems.append(f"{where}retry_policy is not set")
    else:
        attempts = as_number(retry[0].get("maximum_retry_attempts"), f"{where}retry_policy.maximum_retry_attempts")
        age = as_number(
            retry[0].get("maximum_event_age_in_seconds"), f"{where}retry_policy.maximum_event_age_in_seconds"
        )
        if attempts is None and age is None:
            problems.append(f"{where}retry_policy sets neither maximum_retry_attempts nor maximum_event_age_in_seconds")
    return problems


class DeliveryHasDlqAndRetry(SBatchResourceCheck):
    check_id = "CKV_SBATCH_7"
    title = "EventBridge rule targets and Scheduler schedules have a dead-letter queue and a retry policy"
    resource_types = ("aws_cloudwatch_event_target", "aws_scheduler_schedule")
    category = CheckCategories.BACKUP_AND_RECOVERY

    def evaluate(self, conf: dict[str, Any], resource_type: str) -> CheckResult:
        if resource_type == "aws_cloudwatch_event_target":
            problems = _dlq_and_retry(conf, "")
        else:
            targets = blocks(conf, "target")
            if not targets:
                raise Unresolved(AFTER_APPLY, "target block is not readable")
            problems = _dlq_and_retry(targets[0], "target.")
        if problems:
            return failed(self, *problems)
        return CheckResult.PASSED


check = DeliveryHasDlqAndRetry()
