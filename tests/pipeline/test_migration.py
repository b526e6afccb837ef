"""e2e: upgrading a stack applied with the previous layout (a separate `module "pipeline_schedule"`
call, schedules ordered by a module-wide depends_on) to one `module "schedule"` call destroys and
re-creates nothing: migrations.tf moves the pipeline schedules, the job schedules keep their
addresses. The previous layout is the module at PREVIOUS_LAYOUT, taken from the repository's
history; one apply into a fresh local account, then a plan with the current module, shared with
the enterprise upgrade test (``e2e.previous_layout``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from batch_harness.terraform.runner import PlanResult
from e2e.previous_layout import GROUP, MissingCommit
from e2e.previous_layout import upgrade_plan as make_upgrade_plan

pytestmark = [pytest.mark.e2e, GROUP]

# The one documented replacement of the upgrade (the shared stack has monitoring on):
# monitoring's per-schedule success filters became one filter per kind. They keep no data.
SUCCESS_FILTERS = ".aws_cloudwatch_log_metric_filter.succeeded["


@pytest.fixture
def upgrade_plan(tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    work: Path = tmp_path_factory.mktemp("previous-layout")
    try:
        return make_upgrade_plan(work)
    except MissingCommit as missing:
        pytest.skip(str(missing))


def changes(plan: PlanResult) -> list[dict[str, Any]]:
    return plan.raw.get("resource_changes", [])


def test_the_upgrade_destroys_and_creates_nothing(upgrade_plan):
    replaced = [
        (c["address"], c["change"]["actions"])
        for c in changes(upgrade_plan)
        if {"create", "delete"} & set(c["change"]["actions"]) and SUCCESS_FILTERS not in c["address"]
    ]
    assert replaced == []


def test_pipeline_schedules_are_moved_into_the_one_schedule_call(upgrade_plan):
    moved = {c["previous_address"]: c["address"] for c in changes(upgrade_plan) if "previous_address" in c}
    prefix = 'module.batch.module.pipeline_schedule["etl/weekly"].'
    assert f"{prefix}aws_scheduler_schedule.this[0]" in moved
    assert moved[f"{prefix}aws_scheduler_schedule.this[0]"] == (
        'module.batch.module.schedule["etl/weekly"].aws_scheduler_schedule.this[0]'
    )
    pipeline_moves = {old: new for old, new in moved.items() if old.startswith("module.batch.module.pipeline_schedule")}
    assert all(new.startswith('module.batch.module.schedule["etl/weekly"].') for new in pipeline_moves.values())
    job_schedule = 'module.batch.module.schedule["extract/nightly"].aws_scheduler_schedule.this[0]'
    assert job_schedule in {c["address"] for c in changes(upgrade_plan)}
