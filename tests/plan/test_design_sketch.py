"""The consumer contract: a first module call, placeholders and all, plans offline."""

from __future__ import annotations

import pytest
from core_plan import CONFIGS, of_type, one, plan_config

from batch_harness.terraform.runner import PlanResult

pytestmark = [pytest.mark.plan, pytest.mark.xdist_group("core-plan-design-sketch")]

B = "module.batch."


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    return plan_config(CONFIGS / "design_sketch", tmp_path_factory)


def test_design_sketch_plans_every_job_schedule_and_queue(plan):
    assert {v["name"] for v in of_type(plan, "aws_batch_job_definition").values()} == {
        "reports-optimize_db",
        "reports-sales_report",
    }
    queues = {v["name"]: v["priority"] for v in of_type(plan, "aws_batch_job_queue").values()}
    # optimize_db declares network rules: its own copy of "urgent".
    assert queues == {"reports-default": 1, "reports-urgent": 100, "reports-optimize_db-urgent": 100}
    schedule = one(plan, f'{B}module.schedule["optimize_db/nightly"].aws_scheduler_schedule.this[0]')
    assert (schedule["schedule_expression"], schedule["schedule_expression_timezone"]) == (
        "cron(0 2 * * ? *)",
        "Europe/Berlin",
    )
    definition = one(plan, f'{B}module.job["sales_report"].aws_batch_job_definition.this')
    assert definition["platform_capabilities"] == ["FARGATE"]  # the default queue is Fargate
