"""CKV_SBATCH_8: roles that EventBridge, Scheduler or Step Functions assume are deputy-safe.

A trust statement that lets ``events``/``scheduler``/``states``/``pipes.amazonaws.com`` call
``sts:AssumeRole`` must carry an ``aws:SourceAccount`` or ``aws:SourceArn`` condition,
otherwise any account's schedule or rule can make the service act with this role
(cross-service confused deputy). Checked on ``aws_iam_role.assume_role_policy`` and on
``data "aws_iam_policy_document"`` (a role whose trust policy is such a document is
covered by the document's result).
"""

from __future__ import annotations

import fnmatch
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from sbatch_policy_lib import (
    UNRESOLVED,
    SBatchDataCheck,
    SBatchResourceCheck,
    Statement,
    Unresolved,
    document_statements,
    failed,
    first,
    iter_allow,
    json_document,
    json_statements,
)

CHECK_ID = "CKV_SBATCH_8"
TITLE = "Roles trusted by EventBridge, Scheduler or Step Functions require aws:SourceAccount or aws:SourceArn"
DEPUTIES = ("events.amazonaws.com", "scheduler.amazonaws.com", "states.amazonaws.com", "pipes.amazonaws.com")
SOURCE_KEYS = ("aws:sourceaccount", "aws:sourcearn")


def _assumes(st: Statement) -> bool:
    return any(fnmatch.fnmatch("sts:assumerole", a.strip().lower()) for a in st.actions) or bool(st.not_actions)


def trust_problems(statements: list[Statement]) -> list[str]:
    problems: list[str] = []
    for st in iter_allow(statements):
        services = [s.strip().lower() for s in st.principals.get("Service", [])]
        deputies = sorted({s for s in services if s in DEPUTIES or s == "*"})
        if not deputies or not _assumes(st):
            continue
        scoped = [
            values
            for _operator, key, values in st.conditions
            if key.strip().lower() in SOURCE_KEYS and values and any(v.strip() not in ("*", "") for v in values)
        ]
        if not scoped:
            problems.append(
                f"{st.label}: {', '.join(deputies)} may assume this role without an "
                "aws:SourceAccount/aws:SourceArn condition"
            )
    return problems


class TrustPolicyConfusedDeputy(SBatchResourceCheck):
    check_id = CHECK_ID
    title = TITLE
    resource_types = ("aws_iam_role",)
    category = CheckCategories.IAM

    def evaluate(self, conf: dict[str, Any], resource_type: str) -> CheckResult:
        document = json_document(first(conf, "assume_role_policy"), "assume_role_policy")
        if document is None:
            raise Unresolved(UNRESOLVED, "assume_role_policy is empty or missing")
        problems = trust_problems(json_statements(document, "assume_role_policy"))
        if problems:
            return failed(self, *problems)
        return CheckResult.PASSED


class TrustDocumentConfusedDeputy(SBatchDataCheck):
    check_id = CHECK_ID
    title = TITLE
    data_types = ("aws_iam_policy_document",)

    def evaluate(self, conf: dict[str, Any], data_type: str) -> CheckResult:
        problems = trust_problems(document_statements(conf))
        if problems:
            return failed(self, *problems)
        return CheckResult.PASSED


check = TrustPolicyConfusedDeputy()
data_check = TrustDocumentConfusedDeputy()
