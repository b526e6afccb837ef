"""CKV_SBATCH_9: job definitions set a timeout and a dedicated job role.

* ``timeout { attempt_duration_seconds }`` set (>= 60 s, the Batch minimum): a hung job
  otherwise holds capacity and keeps its credentials forever.
* every container (ECS task) has a job role (``jobRoleArn`` / ``taskRoleArn``) and it is not
  the execution role: the execution role pulls images, reads secrets and writes logs; the
  job's own code must not inherit those permissions. EKS jobs need a service account.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckResult
from sbatch_policy_lib import SBatchResourceCheck, as_number, as_text, blocks, failed, job_containers

MIN_TIMEOUT_SECONDS = 60


class JobTimeoutAndDedicatedRole(SBatchResourceCheck):
    check_id = "CKV_SBATCH_9"
    title = "Batch job definitions set a timeout and a job role that differs from the execution role"
    resource_types = ("aws_batch_job_definition",)

    def evaluate(self, conf: dict[str, Any], resource_type: str) -> CheckResult:
        problems: list[str] = []
        timeouts = blocks(conf, "timeout")
        seconds = (
            as_number(timeouts[0].get("attempt_duration_seconds"), "timeout.attempt_duration_seconds")
            if timeouts
            else None
        )
        if seconds is None:
            problems.append("timeout.attempt_duration_seconds is not set (a hung job runs forever)")
        elif seconds < MIN_TIMEOUT_SECONDS:
            problems.append(f"timeout.attempt_duration_seconds = {seconds:g} is below {MIN_TIMEOUT_SECONDS}")
        for c in job_containers(conf):
            if c.kind == "eks":
                if as_text(c.job_role, f"{c.label} service_account_name", allow_reference=True) is None:
                    problems.append(f"{c.label}: pod has no service_account_name (no job identity)")
                continue
            role_key = "taskRoleArn" if c.kind == "ecs" else "jobRoleArn"
            job_role = as_text(c.job_role, f"{c.label}.{role_key}", allow_reference=True)
            execution_role = as_text(c.execution_role, f"{c.label}.executionRoleArn", allow_reference=True)
            if job_role is None:
                problems.append(f"{c.label}: {role_key} is not set (the job runs without its own role)")
            elif execution_role is not None and job_role == execution_role:
                problems.append(f"{c.label}: {role_key} is the execution role {job_role}")
        if problems:
            return failed(self, *sorted(set(problems)))
        return CheckResult.PASSED


check = JobTimeoutAndDedicatedRole()
