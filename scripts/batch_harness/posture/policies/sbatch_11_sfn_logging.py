"""CKV_SBATCH_11: Step Functions state machines log to CloudWatch Logs.

``logging_configuration`` must set ``level`` to ALL, ERROR or FATAL (not OFF) and a
``log_destination``. Built-in CKV_AWS_285 only looks at ``include_execution_data``.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from sbatch_policy_lib import SBatchResourceCheck, as_text, blocks, failed, scalar

LEVELS = ("ALL", "ERROR", "FATAL")


class StateMachineLogging(SBatchResourceCheck):
    check_id = "CKV_SBATCH_11"
    title = "Step Functions state machines log to CloudWatch Logs (level ALL/ERROR/FATAL and a destination)"
    resource_types = ("aws_sfn_state_machine",)
    category = CheckCategories.LOGGING

    def evaluate(self, conf: dict[str, Any], resource_type: str) -> CheckResult:
        logging_blocks = blocks(conf, "logging_configuration")
        if not logging_blocks:
            return failed(self, "logging_configuration is not set")
        block = logging_blocks[0]
        problems: list[str] = []
        level = as_text(block.get("level"), "logging_configuration.level")
        if level is None or level.strip().upper() not in LEVELS:
            problems.append(f"logging_configuration.level is {level or 'not set'} (use ALL, ERROR or FATAL)")
        destination = scalar(block.get("log_destination"))
        if destination != "true_after_unknown" and (
            as_text(destination, "logging_configuration.log_destination", allow_reference=True) is None
        ):
            problems.append("logging_configuration.log_destination is not set")
        if problems:
            return failed(self, *problems)
        return CheckResult.PASSED


check = StateMachineLogging()
