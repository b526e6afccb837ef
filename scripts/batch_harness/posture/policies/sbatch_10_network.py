"""CKV_SBATCH_10: compute environments have security groups; security groups allow no ingress.

Batch jobs are clients: they pull images, call AWS APIs and reach their data stores, and
nothing ever connects to them. So every managed compute environment names its security
groups, and no security group in the stack has an ingress rule, whether inline (``ingress``
blocks), as ``aws_security_group_rule`` with ``type = "ingress"`` or as
``aws_vpc_security_group_ingress_rule``. (A security group in the same configuration that
really serves traffic, such as a database's, needs an inline skip with its reason.)
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from sbatch_policy_lib import (
    AFTER_APPLY,
    UNRESOLVED,
    SBatchResourceCheck,
    Unresolved,
    as_list,
    as_text,
    blocks,
    failed,
    first,
    is_resource_reference,
    is_unresolved,
    scalar,
)


def _security_group_ids(compute: dict[str, Any]) -> list[str]:
    raw = compute.get("security_group_ids")
    if scalar(raw) == "true_after_unknown":
        return ["true_after_unknown"]  # groups created in this plan: set
    ids: list[str] = []
    for item in as_list(raw):
        item = scalar(item)
        if item in (None, ""):
            continue
        if isinstance(item, str) and is_unresolved(item) and not is_resource_reference(item):
            if item == "true_after_unknown":
                ids.append(item)
                continue
            raise Unresolved(UNRESOLVED, f"compute_resources.security_group_ids is unresolved: {item[:100]}")
        ids.append(str(item))
    return ids


class NetworkNoIngress(SBatchResourceCheck):
    check_id = "CKV_SBATCH_10"
    title = "Batch compute environments have security groups and security groups allow no ingress"
    resource_types = (
        "aws_batch_compute_environment",
        "aws_security_group",
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
    )
    category = CheckCategories.NETWORKING

    def evaluate(self, conf: dict[str, Any], resource_type: str) -> CheckResult:
        if resource_type == "aws_batch_compute_environment":
            kind = (as_text(first(conf, "type"), "type") or "MANAGED").upper()
            if kind == "UNMANAGED":
                return CheckResult.PASSED  # instances are the owner's; nothing for Batch to attach
            compute = blocks(conf, "compute_resources")
            if not compute:
                return failed(self, "managed compute environment has no compute_resources block")
            if not _security_group_ids(compute[0]):
                return failed(self, "compute_resources.security_group_ids is empty")
            return CheckResult.PASSED
        if resource_type == "aws_vpc_security_group_ingress_rule":
            return failed(self, "an ingress rule opens the security group to inbound traffic")
        if resource_type == "aws_security_group_rule":
            direction = as_text(first(conf, "type"), "type")
            if direction is not None and direction.strip().lower() == "ingress":
                return failed(self, 'aws_security_group_rule with type = "ingress"')
            return CheckResult.PASSED
        ingress = conf.get("ingress")
        if scalar(ingress) == "true_after_unknown":
            raise Unresolved(AFTER_APPLY, "ingress is known only after apply")
        if isinstance(scalar(ingress), str):
            raise Unresolved(UNRESOLVED, f"ingress is an unresolved expression: {scalar(ingress)[:100]}")
        rules = blocks(conf, "ingress")
        if rules:
            return failed(self, f"{len(rules)} inline ingress rule(s)")
        return CheckResult.PASSED


check = NetworkNoIngress()
