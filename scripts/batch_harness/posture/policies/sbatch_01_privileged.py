"""CKV_SBATCH_1: no privileged Batch containers, in any job definition shape.

The built-in CKV_AWS_210 reads ``container_properties.privileged`` only (ECS, node and EKS
properties are never looked at) and treats an unresolved ``"var.x"`` string as privileged.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckResult
from sbatch_policy_lib import SBatchResourceCheck, as_bool, failed, job_containers


class BatchContainerNotPrivileged(SBatchResourceCheck):
    check_id = "CKV_SBATCH_1"
    title = "Batch job containers are not privileged"
    resource_types = ("aws_batch_job_definition",)

    def evaluate(self, conf: dict[str, Any], resource_type: str) -> CheckResult:
        offenders = [c.label for c in job_containers(conf) if as_bool(c.privileged, f"{c.label}.privileged")]
        if offenders:
            return failed(self, *(f"{label}: privileged = true" for label in offenders))
        return CheckResult.PASSED


check = BatchContainerNotPrivileged()
