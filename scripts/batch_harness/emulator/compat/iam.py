"""IAM: SimulatePrincipalPolicy, answered by the project's own IAM evaluator (batch_harness.iam)."""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.iam.models import AWSManagedPolicy
from moto.iam.responses import IamResponse

from .patching import Patch, replace


def _documents(backend: Any, source_arn: str) -> tuple[list[tuple[str, str, Any]], Any]:
    """(policy id, policy type, document) for every identity policy of a role or user, + boundary."""
    name = source_arn.rsplit("/", 1)[-1]
    principal = backend.get_role_by_arn(source_arn) if ":role/" in source_arn else backend.get_user(name)
    documents: list[tuple[str, str, Any]] = []
    kind = "role" if ":role/" in source_arn else "user"
    for policy_name, document in principal.policies.items():
        documents.append((policy_name, kind, document))
    for policy in principal.managed_policies.values():
        version = next(v for v in policy.versions if v.version_id == policy.default_version_id)
        policy_type = "aws-managed" if isinstance(policy, AWSManagedPolicy) else "user-managed"
        documents.append((policy.name, policy_type, version.document))
    boundary = None
    boundary_arn = getattr(principal, "permissions_boundary_arn", None) or getattr(
        principal, "permissions_boundary", None
    )
    if isinstance(boundary_arn, str) and boundary_arn:
        policy = backend.get_policy(boundary_arn)
        boundary = next(v for v in policy.versions if v.version_id == policy.default_version_id).document
    return documents, boundary


def _context(entries: list[dict[str, Any]] | None) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for entry in entries or []:
        values = list(entry.get("ContextKeyValues") or [])
        kind = str(entry.get("ContextKeyType") or "string")
        context[entry["ContextKeyName"]] = values if kind.endswith("List") else (values[0] if values else "")
    return context


def simulate(
    backend: Any, source_arn: str, actions: list[str], resources: list[str], entries: Any
) -> list[dict[str, Any]]:
    from batch_harness.iam import Request, evaluate, load_policy_document

    documents, boundary = _documents(backend, source_arn)
    parsed = [(policy_id, policy_type, load_policy_document(doc)) for policy_id, policy_type, doc in documents]
    context = _context(entries)
    results = []
    for action in actions:
        for resource in resources or ["*"]:
            decision = evaluate(
                Request(action, resource, context),
                [doc for _, _, doc in parsed],
                permissions_boundary=load_policy_document(boundary) if boundary else None,
                identity_policy_names=[policy_id for policy_id, _, _ in parsed],
            )
            if decision.allowed:
                verdict = "allowed"
            elif decision.statement is not None:
                verdict = "explicitDeny"
            else:
                verdict = "implicitDeny"
            matched = [
                {"SourcePolicyId": policy_id, "SourcePolicyType": policy_type}
                for policy_id, policy_type, doc in parsed
                if decision.statement is not None and decision.statement in _statements(doc)
            ]
            results.append(
                {
                    "EvalActionName": action,
                    "EvalResourceName": resource,
                    "EvalDecision": verdict,
                    "MatchedStatements": matched,
                    "MissingContextValues": [],
                }
            )
    return results


def _statements(document: Any) -> list[Any]:
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    return statements if isinstance(statements, list) else [statements]


def patch_simulate_principal_policy() -> None:
    """SimulatePrincipalPolicy answers for roles and users.

    AWS: evaluates the principal's identity policies (inline and attached) and permissions
    boundary for each action x resource with the given context keys, and returns EvalDecision
    allowed / explicitDeny / implicitDeny with the matched statements. The harness's real-account
    path asks it whether a schedule's role may deliver.
    moto 5.2.5: not implemented (HTTP 500), so that path could only be tested with a fallback.
    Here the project's own IAM evaluator (batch_harness.iam) decides, reading the policies from
    moto's IAM.
    """

    def simulate_principal_policy(self: IamResponse) -> ActionResult:
        results = simulate(
            self.backend,
            self._get_param("PolicySourceArn"),
            self._get_param("ActionNames") or [],
            self._get_param("ResourceArns") or [],
            self._get_param("ContextEntries"),
        )
        return ActionResult({"EvaluationResults": results, "IsTruncated": False})

    replace(IamResponse, "simulate_principal_policy", simulate_principal_policy)


PATCHES = [
    Patch(
        "iam.simulate_principal_policy",
        "SimulatePrincipalPolicy answers from the principal's policies",
        patch_simulate_principal_policy,
    ),
]
