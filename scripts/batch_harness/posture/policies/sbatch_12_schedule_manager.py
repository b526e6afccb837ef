"""CKV_SBATCH_12: a policy that manages Scheduler schedules stays inside one schedule group and
passes roles only to Scheduler.

The dynamic-schedules manager policy lets an application create schedules at run time; a
schedule runs with the role it names, so the policy is only safe while (a) the schedule actions
are limited to ``schedule/<one group>/...`` (``*`` only for ListSchedules/ListScheduleGroups,
which AWS authorises on ``*`` alone) and (b) ``iam:PassRole`` names its roles without wildcards
and carries an ``iam:PassedToService`` condition. Applies to identity policies with a JSON
``policy`` attribute.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from sbatch_policy_lib import (
    AFTER_APPLY,
    AFTER_UNKNOWN,
    UNRESOLVED,
    SBatchResourceCheck,
    Unresolved,
    as_list,
    failed,
    is_unresolved,
    json_document,
    scalar,
)

CHECK_ID = "CKV_SBATCH_12"
TITLE = "Schedule-managing policies stay in one schedule group; iam:PassRole is scoped and conditioned"
# Actions AWS authorises on "*" only (no resource type in the Service Authorization Reference).
LIST_ONLY = {"scheduler:listschedules", "scheduler:listschedulegroups"}
SCHEDULE_IN_ONE_GROUP = re.compile(r"^arn:[^:]+:scheduler:[^:*]+:[0-9]{12}:schedule/[^/*]+/[^/]+$")


def _strings(value: Any, what: str) -> list[str]:
    out: list[str] = []
    for item in as_list(value):
        item = scalar(item)
        if isinstance(item, list):
            out.extend(_strings(item, what))
        elif isinstance(item, str):
            if item == AFTER_UNKNOWN:
                raise Unresolved(AFTER_APPLY, f"{what} is known only after apply")
            if is_unresolved(item):
                raise Unresolved(UNRESOLVED, f"{what} is an unresolved expression: {item[:100]}")
            out.append(item)
    return out


def _grants(actions: list[str], action: str) -> bool:
    return any(fnmatch.fnmatch(action, a.strip().lower()) for a in actions)


def _scheduler_actions(actions: list[str]) -> list[str]:
    return [a for a in actions if a.strip().lower().startswith("scheduler:") or a.strip() == "*"]


def statement_problems(statement: dict[str, Any], label: str) -> list[str]:
    if str(scalar(statement.get("Effect")) or "Allow") != "Allow":
        return []
    actions = [a.lower() for a in _strings(statement.get("Action"), f"{label}.Action")]
    resources = _strings(statement.get("Resource"), f"{label}.Resource")
    problems: list[str] = []
    scheduler = _scheduler_actions(actions)
    if scheduler:
        wild_actions = [a for a in scheduler if "*" in a]
        for resource in resources:
            if resource == "*":
                broad = sorted(set(scheduler) - LIST_ONLY)
                if broad:
                    problems.append(
                        f"{label}: {', '.join(broad)} on '*' reaches every schedule group "
                        "(only ListSchedules/ListScheduleGroups need '*')"
                    )
            elif ":schedule/" in resource and (wild_actions or not SCHEDULE_IN_ONE_GROUP.match(resource)):
                if not SCHEDULE_IN_ONE_GROUP.match(resource):
                    problems.append(f"{label}: {resource} is not limited to one schedule group")
                else:
                    problems.append(f"{label}: wildcard scheduler actions {wild_actions} on {resource}")
    if _grants(actions, "iam:passrole"):
        wild = [r for r in resources if "*" in r]
        if wild:
            problems.append(f"{label}: iam:PassRole on {wild} may pass any matching role")
        condition = scalar(statement.get("Condition"))
        keys = {
            key.lower(): _strings(values, f"{label}.Condition.{operator}.{key}")
            for operator, pairs in (condition.items() if isinstance(condition, dict) else [])
            if isinstance(scalar(pairs), dict)
            for key, values in scalar(pairs).items()
        }
        services = keys.get("iam:passedtoservice", [])
        if not services or any(s.strip() in ("", "*") for s in services):
            problems.append(f"{label}: iam:PassRole has no iam:PassedToService condition naming the service")
    return problems


def policy_problems(document: Any, what: str) -> list[str]:
    if not isinstance(document, dict):
        raise Unresolved(UNRESOLVED, f"{what} is not a policy document")
    raw = scalar(document.get("Statement"))
    statements = raw if isinstance(raw, list) else [raw] if raw is not None else []
    problems: list[str] = []
    for index, st in enumerate(statements):
        st = scalar(st)
        if not isinstance(st, dict):
            raise Unresolved(UNRESOLVED, f"{what}.Statement[{index}] is not an object")
        problems += statement_problems(st, f"{what}.Statement[{scalar(st.get('Sid')) or index}]")
    return problems


class ScheduleManagerScoped(SBatchResourceCheck):
    check_id = CHECK_ID
    title = TITLE
    resource_types = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")
    category = CheckCategories.IAM

    def evaluate(self, conf: dict[str, Any], resource_type: str) -> CheckResult:
        document = json_document(conf.get("policy"), "policy")
        if document is None:
            raise Unresolved(UNRESOLVED, "policy is empty or missing")
        problems = policy_problems(document, "policy")
        if problems:
            return failed(self, *problems)
        return CheckResult.PASSED


check = ScheduleManagerScoped()
