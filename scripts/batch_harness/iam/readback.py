"""Read a role's policies back from IAM (real or emulated) so they can be evaluated as deployed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from batch_harness.accounts.paging import items

from .evaluator import Context, Decision, Request, can_assume, evaluate, evaluate_all
from .policy import load_policy_document


@dataclass
class RolePolicies:
    role_name: str
    trust_policy: dict[str, Any]
    identity_policies: list[dict[str, Any]]
    permissions_boundary: dict[str, Any] | None = None
    role_arn: str | None = None
    # Parallel to identity_policies: "inline:NAME" or the managed policy ARN (for messages).
    policy_names: list[str] = field(default_factory=list)

    def evaluate(self, request: Request) -> Decision:
        return evaluate(
            request,
            self.identity_policies,
            permissions_boundary=self.permissions_boundary,
            identity_policy_names=self.policy_names,
        )

    def evaluate_all(self, requests: list[Request]) -> Decision:
        return evaluate_all(
            requests,
            self.identity_policies,
            permissions_boundary=self.permissions_boundary,
            identity_policy_names=self.policy_names,
        )

    def can_assume(self, service: str, context: Context | None = None) -> Decision:
        return can_assume(self.trust_policy, service, context)


def role_name_from(role_name_or_arn: str) -> str:
    """``arn:aws:iam::123:role/path/name`` -> ``name``; a plain name is returned unchanged."""
    if role_name_or_arn.startswith("arn:"):
        resource = role_name_or_arn.split(":", 5)[-1]
        if not resource.startswith("role/"):
            raise ValueError(f"not a role ARN: {role_name_or_arn}")
        return resource.rsplit("/", 1)[-1]
    return role_name_or_arn


def _managed_policy_document(iam_client: Any, policy_arn: str) -> dict[str, Any]:
    version_id = iam_client.get_policy(PolicyArn=policy_arn)["Policy"]["DefaultVersionId"]
    version = iam_client.get_policy_version(PolicyArn=policy_arn, VersionId=version_id)["PolicyVersion"]
    return load_policy_document(version["Document"])


def read_role_policies(iam_client: Any, role_name_or_arn: str) -> RolePolicies:
    """Trust policy, every inline policy, every attached managed policy (default version), boundary."""
    name = role_name_from(role_name_or_arn)
    role = iam_client.get_role(RoleName=name)["Role"]
    documents: list[dict[str, Any]] = []
    names: list[str] = []

    for policy_name in items(iam_client, "list_role_policies", "PolicyNames", RoleName=name):
        doc = iam_client.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]
        documents.append(load_policy_document(doc))
        names.append(f"inline:{policy_name}")

    for attached in items(iam_client, "list_attached_role_policies", "AttachedPolicies", RoleName=name):
        documents.append(_managed_policy_document(iam_client, attached["PolicyArn"]))
        names.append(attached["PolicyArn"])

    boundary_arn = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    boundary = _managed_policy_document(iam_client, boundary_arn) if boundary_arn else None

    return RolePolicies(
        role_name=name,
        trust_policy=load_policy_document(role["AssumeRolePolicyDocument"]),
        identity_policies=documents,
        permissions_boundary=boundary,
        role_arn=role.get("Arn"),
        policy_names=names,
    )
