"""A small AWS IAM policy evaluator (pure Python) for schedule delivery and least-privilege proofs.

moto's own IAM enforcement cannot serve this stack (it lowercases REST actions and crashes on
service-principal trust), and no maintained Python library evaluates policies with conditions;
see docs/iam-evaluator.md for the semantics implemented and what is out of scope.

    from batch_harness.iam import Request, evaluate, can_assume, read_role_policies
    role = read_role_policies(iam_client, role_arn)
    role.can_assume(SCHEDULER_SERVICE, scheduler_source_context(schedule_arn))
    role.evaluate_all(submit_job_requests(queue_arn, job_definition_arn))
"""

from .audit import broad_grants, least_privilege_problems
from .batch import SUBMIT_JOB, submit_job_requests, submit_job_resources
from .errors import PolicyError
from .evaluator import Decision, Request, can_assume, evaluate, evaluate_all, resource_policy_admits
from .policy import load_policy_document
from .readback import RolePolicies, read_role_policies, role_name_from
from .source_context import EVENTS_SERVICE, SCHEDULER_SERVICE, events_source_context, scheduler_source_context

__all__ = [
    "EVENTS_SERVICE",
    "SCHEDULER_SERVICE",
    "SUBMIT_JOB",
    "Decision",
    "PolicyError",
    "Request",
    "RolePolicies",
    "broad_grants",
    "can_assume",
    "evaluate",
    "evaluate_all",
    "events_source_context",
    "least_privilege_problems",
    "load_policy_document",
    "read_role_policies",
    "resource_policy_admits",
    "role_name_from",
    "scheduler_source_context",
    "submit_job_requests",
    "submit_job_resources",
]
