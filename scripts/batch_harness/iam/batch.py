"""Which resources AWS authorises for one batch:SubmitJob call.

Service Authorization Reference, AWS Batch, action SubmitJob: resource types ``job-definition*``
and ``job-queue*`` (both required); the Batch user guide's SubmitJob policy examples: "When scoping
resource-level access for job submission, you must provide both job queue and job definition
resource types." So a delivery is allowed only if *each* of the two ARNs is allowed.

The job-definition ARN is the one *as submitted*: ``job-definition/NAME:REV`` when the input names
a revision, ``job-definition/NAME`` when it does not (Batch then runs the latest ACTIVE revision;
the Batch guide notes that tag conditions on the job definition are skipped in that form and uses
``job-definition/*:*`` to force a revision). A policy granting only ``job-definition/NAME:*``
therefore denies a revision-less submission — exactly what the evaluator must report.
"""

from __future__ import annotations

from .evaluator import Context, Request

SUBMIT_JOB = "batch:SubmitJob"


def _arn_prefix(arn: str) -> str | None:
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "batch":
        return ":".join(parts[:5])
    return None


def submit_job_resources(queue_arn: str, job_definition_arn: str) -> list[str]:
    """[job queue ARN, job definition ARN] for a SubmitJob of ``job_definition_arn`` to ``queue_arn``.

    Either argument may also be a bare name (``queue``, ``jobdef`` or ``jobdef:3``), as SubmitJob
    accepts; it is completed with the partition/region/account of the other argument's ARN.
    """
    queue_prefix, jd_prefix = _arn_prefix(queue_arn), _arn_prefix(job_definition_arn)
    prefix = queue_prefix or jd_prefix
    if prefix is None:
        raise ValueError(f"cannot build ARNs: neither {queue_arn!r} nor {job_definition_arn!r} is an AWS Batch ARN")
    queue = queue_arn if queue_prefix else f"{prefix}:job-queue/{queue_arn}"
    job_definition = job_definition_arn if jd_prefix else f"{prefix}:job-definition/{job_definition_arn}"
    if not queue.split(":", 5)[5].startswith("job-queue/"):
        raise ValueError(f"not a job queue ARN: {queue}")
    if not job_definition.split(":", 5)[5].startswith("job-definition/"):
        raise ValueError(f"not a job definition ARN: {job_definition}")
    return [queue, job_definition]


def submit_job_requests(
    queue_arn: str,
    job_definition_arn: str,
    context: Context | None = None,
    principal: str | None = None,
) -> list[Request]:
    """One batch:SubmitJob Request per authorised resource (evaluate each, e.g. with evaluate_all)."""
    return [
        Request(SUBMIT_JOB, resource, dict(context or {}), principal)
        for resource in submit_job_resources(queue_arn, job_definition_arn)
    ]
