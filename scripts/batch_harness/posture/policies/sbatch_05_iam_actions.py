"""CKV_SBATCH_5: identity policies grant no ``*`` / ``service:*`` action and use no NotAction.

Built-in CKV_AWS_63/49 only catch the literal ``"*"``; ``"s3:*"`` passes them, and
``aws_iam_role.inline_policy`` is not looked at by any built-in check. Covered here: every
identity policy attached to a role, user or group (inline, managed, ``inline_policy`` blocks,
``data "aws_iam_policy_document"``) and attachments of broad AWS managed policies
(``*FullAccess``, ``AdministratorAccess``, ``PowerUserAccess``).

Statements that name a Principal belong to resource policies (a KMS key policy's
``kms:*`` for the account root is AWS's own default) and are out of scope here.
"""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckResult
from sbatch_policy_lib import (
    AFTER_APPLY,
    UNRESOLVED,
    SBatchDataCheck,
    SBatchResourceCheck,
    Statement,
    Unresolved,
    as_list,
    as_text,
    blocks,
    document_statements,
    failed,
    is_resource_reference,
    is_unresolved,
    iter_allow,
    json_document,
    json_statements,
    scalar,
)

CHECK_ID = "CKV_SBATCH_5"
TITLE = "IAM policies grant no '*' or 'service:*' action and use no NotAction"
FULL_SERVICE = re.compile(r"^[^:]+:\*+$")
WILDCARD_SERVICE = re.compile(r"^[^:]*\*[^:]*:")
BROAD_MANAGED = re.compile(
    r"^arn:aws[a-z-]*:iam::aws:policy/(.*/)?(AdministratorAccess|PowerUserAccess|[A-Za-z0-9]*FullAccess(V\d+)?)$"
)


def statement_problems(statements: list[Statement]) -> list[str]:
    problems: list[str] = []
    for st in iter_allow(statements):
        if st.principals:
            continue  # resource policy statement
        if st.not_actions:
            problems.append(f"{st.label}: Allow with NotAction {st.not_actions} grants everything else")
        for action in st.actions:
            text = action.strip()
            if text == "*":
                problems.append(f"{st.label}: action '*' grants every action of every service")
            elif FULL_SERVICE.match(text):
                problems.append(f"{st.label}: action {text!r} grants every action of the service")
            elif WILDCARD_SERVICE.match(text):
                problems.append(f"{st.label}: action {text!r} matches actions of every service")
    return problems


def managed_arn_problems(values: Any, what: str) -> list[str]:
    problems: list[str] = []
    for item in as_list(values):
        arn = scalar(item)
        if not isinstance(arn, str):
            continue
        if arn.startswith("true_after_unknown"):
            continue  # an ARN created in this plan is a customer policy, checked on its own
        if is_unresolved(arn) and not is_resource_reference(arn):
            raise Unresolved(UNRESOLVED, f"{what} is an unresolved expression: {arn[:100]}")
        if BROAD_MANAGED.match(arn):
            problems.append(f"{what}: attaches the broad AWS managed policy {arn}")
    return problems


class IamNoWildcardActions(SBatchResourceCheck):
    check_id = CHECK_ID
    title = TITLE
    resource_types = (
        "aws_iam_policy",
        "aws_iam_role_policy",
        "aws_iam_user_policy",
        "aws_iam_group_policy",
        "aws_iam_role",
        "aws_iam_role_policy_attachment",
        "aws_iam_policy_attachment",
        "aws_iam_user_policy_attachment",
        "aws_iam_group_policy_attachment",
    )

    def evaluate(self, conf: dict[str, Any], resource_type: str) -> CheckResult:
        problems: list[str] = []
        if resource_type.endswith("_attachment"):
            problems += managed_arn_problems(conf.get("policy_arn"), "policy_arn")
        elif resource_type == "aws_iam_role":
            for index, block in enumerate(blocks(conf, "inline_policy")):
                policy = block.get("policy")
                if policy is None or scalar(policy) in (None, ""):
                    continue  # an empty inline_policy block removes unmanaged inline policies
                what = f"inline_policy[{as_text(block.get('name'), 'inline_policy.name') or index}]"
                problems += statement_problems(json_statements(json_document(policy, what), what))
            inline = scalar(conf.get("inline_policy"))
            if isinstance(inline, str) and inline == "true_after_unknown":
                raise Unresolved(AFTER_APPLY, "inline_policy is known only after apply")
            problems += managed_arn_problems(conf.get("managed_policy_arns"), "managed_policy_arns")
        else:
            document = json_document(conf.get("policy"), "policy")
            if document is None:
                raise Unresolved(UNRESOLVED, "policy is empty or missing")
            problems += statement_problems(json_statements(document, "policy"))
        if problems:
            return failed(self, *problems)
        return CheckResult.PASSED


class IamDocumentNoWildcardActions(SBatchDataCheck):
    check_id = CHECK_ID
    title = TITLE
    data_types = ("aws_iam_policy_document",)

    def evaluate(self, conf: dict[str, Any], data_type: str) -> CheckResult:
        problems = statement_problems(document_statements(conf))
        if problems:
            return failed(self, *problems)
        return CheckResult.PASSED


check = IamNoWildcardActions()
data_check = IamDocumentNoWildcardActions()
