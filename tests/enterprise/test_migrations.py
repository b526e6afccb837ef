"""Upgrading keeps every object: a stack applied with the previous layout (the module as of
PREVIOUS_LAYOUT, before optional roles, `create` and content-keyed rules) into a fresh local
account, then planned with this checkout's module, plans no delete and no replacement; the
addresses that changed are moved by migrations.tf. The apply and the plan are shared with the
pipeline upgrade test (``e2e.previous_layout``)."""

from __future__ import annotations

import pytest

from batch_harness.terraform.runner import PlanResult
from e2e.previous_layout import GROUP, upgrade_plan

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500), GROUP]

# Addresses migrations.tf (root and submodules) must carry over, previous -> current.
MOVES = {
    "module.batch.module.encryption.aws_kms_key.this[0]": "module.batch.module.encryption[0].aws_kms_key.this[0]",
    "module.batch.module.dead_letter_queue.aws_sqs_queue.this": (
        "module.batch.module.dead_letter_queue[0].aws_sqs_queue.this"
    ),
    'module.batch.module.default_security_group.aws_vpc_security_group_egress_rule.this["0-cidr-0"]': (
        'module.batch.module.default_security_group[0].aws_vpc_security_group_egress_rule.this["tcp 443-443 0.0.0.0/0"]'
    ),
    'module.batch.module.job["report"].aws_iam_role.job': 'module.batch.module.job["report"].aws_iam_role.job[0]',
    'module.batch.module.job["report"].aws_iam_role.execution': (
        'module.batch.module.job["report"].aws_iam_role.execution[0]'
    ),
    "module.batch.module.monitoring[0].aws_cloudwatch_log_resource_policy.history": (
        "module.batch.module.monitoring[0].aws_cloudwatch_log_resource_policy.history[0]"
    ),
}


@pytest.fixture
def plan(tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    return upgrade_plan(tmp_path_factory.mktemp("previous-layout"))


def test_previous_layout_plans_without_destroy(plan: PlanResult):
    changes = {rc["address"]: rc for rc in plan.raw["resource_changes"]}
    removed = sorted(a for a, rc in changes.items() if "delete" in rc["change"]["actions"])
    # The one documented replacement: monitoring's per-schedule success filters became one
    # filter per kind (a log group holds at most 100 metric filters). They keep no data.
    replaced_filters = [a for a in removed if ".aws_cloudwatch_log_metric_filter.succeeded[" in a]
    assert replaced_filters, "the previous layout had per-schedule success filters"
    removed = [a for a in removed if a not in replaced_filters]
    assert removed == [], "the upgrade would delete or replace these"
    moved = {rc.get("previous_address"): a for a, rc in changes.items() if rc.get("previous_address")}
    assert {k: moved.get(k) for k in MOVES} == MOVES
