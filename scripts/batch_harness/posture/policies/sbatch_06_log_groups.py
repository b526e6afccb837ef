"""CKV_SBATCH_6: log groups keep logs for a bounded time and are encrypted with a KMS key.

``retention_in_days`` must be set and non-zero (0 or absent = keep forever); ``kms_key_id``
must be set. Built-in CKV_AWS_338 *passes* retention 0, and CKV_AWS_66 passes any value.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from sbatch_policy_lib import AFTER_UNKNOWN, SBatchResourceCheck, as_number, failed, first, scalar

MAX_RETENTION_DAYS = 3653  # the largest value CloudWatch Logs accepts (10 years)


class LogGroupRetentionAndKms(SBatchResourceCheck):
    check_id = "CKV_SBATCH_6"
    title = "Log groups set a bounded retention (1-3653 days, not 'never expire') and a KMS key"
    resource_types = ("aws_cloudwatch_log_group",)
    category = CheckCategories.LOGGING

    def evaluate(self, conf: dict[str, Any], resource_type: str) -> CheckResult:
        problems: list[str] = []
        retention = as_number(first(conf, "retention_in_days"), "retention_in_days")
        if retention is None or retention <= 0:
            problems.append("retention_in_days is not set (logs never expire)")
        elif retention > MAX_RETENTION_DAYS:
            problems.append(f"retention_in_days = {retention:g} exceeds {MAX_RETENTION_DAYS}")
        key = scalar(first(conf, "kms_key_id"))
        # A key created in the same plan is "known after apply": it is set, which is what counts.
        if key in (None, "", []) or (isinstance(key, str) and not key.strip()):
            problems.append("kms_key_id is not set (log data is not encrypted with a customer key)")
        elif key != AFTER_UNKNOWN and not isinstance(key, str):
            problems.append(f"kms_key_id has an unexpected value {key!r}")
        if problems:
            return failed(self, *problems)
        return CheckResult.PASSED


check = LogGroupRetentionAndKms()
