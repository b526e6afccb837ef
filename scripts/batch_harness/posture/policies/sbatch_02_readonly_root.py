"""CKV_SBATCH_2: every Batch container runs with a read-only root filesystem.

Absent means writable (the AWS default), so absent fails.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckResult
from sbatch_policy_lib import SBatchResourceCheck, as_bool, failed, job_containers


class BatchContainerReadOnlyRoot(SBatchResourceCheck):
    check_id = "CKV_SBATCH_2"
    title = "Batch job containers use a read-only root filesystem (readonlyRootFilesystem = true)"
    resource_types = ("aws_batch_job_definition",)

    def evaluate(self, conf: dict[str, Any], resource_type: str) -> CheckResult:
        offenders = [
            c.label
            for c in job_containers(conf)
            if as_bool(c.readonly_root, f"{c.label}.readonlyRootFilesystem") is not True
        ]
        if offenders:
            return failed(self, *(f"{label}: readonlyRootFilesystem is not true" for label in offenders))
        return CheckResult.PASSED


check = BatchContainerReadOnlyRoot()
