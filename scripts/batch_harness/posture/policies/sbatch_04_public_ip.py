"""CKV_SBATCH_4: Fargate job definitions never assign a public IP.

``assignPublicIp`` lives in ``networkConfiguration`` of ``container_properties`` or of each
``ecs_properties.taskProperties[]``. Absent means DISABLED (the AWS default).
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckResult
from sbatch_policy_lib import SBatchResourceCheck, as_text, failed, job_containers


class BatchNoPublicIp(SBatchResourceCheck):
    check_id = "CKV_SBATCH_4"
    title = "Fargate job definitions do not assign a public IP (assignPublicIp = DISABLED)"
    resource_types = ("aws_batch_job_definition",)

    def evaluate(self, conf: dict[str, Any], resource_type: str) -> CheckResult:
        offenders = []
        for c in job_containers(conf):
            value = as_text(c.assign_public_ip, f"{c.label}.networkConfiguration.assignPublicIp")
            if value is not None and value.strip().upper() != "DISABLED":
                offenders.append(f"{c.label}: networkConfiguration.assignPublicIp = {value}")
        if offenders:
            return failed(self, *sorted(set(offenders)))
        return CheckResult.PASSED


check = BatchNoPublicIp()
