"""Every example, end to end, each in its own fresh local account: apply -> empty second plan ->
fire every schedule as AWS would -> every job SUCCEEDED -> destroy -> nothing left."""

from __future__ import annotations

import json

import pytest

from batch_harness.e2e import RunOptions, run_e2e

from .support import REPO, example_dirs

# Which backend each example exercises (both must be covered end to end).
EXPECTED_BACKENDS = {"complete": {"scheduler"}, "eventbridge-rules": {"rules"}}
DYNAMIC = {"self-service"}

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500)]


def test_both_schedule_backends_have_an_example():
    assert {"complete", "eventbridge-rules", "minimal"} <= set(example_dirs())


@pytest.mark.parametrize("example", example_dirs())
def test_example_end_to_end(example, tmp_path):
    state = tmp_path / "state"
    report_file = tmp_path / "report.json"
    report = run_e2e(RunOptions(config_dir=REPO / "examples" / example, state_dir=state, json_report=report_file))
    summary = json.dumps(report.to_dict(), indent=1, default=str)[:6000]

    assert report.errors == [], summary
    assert report.plan_changes == [], summary
    assert report.delivery_problems == [], summary
    assert report.schedules_found >= 1, summary
    fired = [o for o in report.outcomes if not o.delivery.skipped]
    assert fired, summary
    # Jobs and pipelines SUCCEEDED; other API targets (the missed-run heartbeats) were DELIVERED.
    assert [o.status for o in fired] == ["DELIVERED" if o.delivery.kind == "api" else "SUCCEEDED" for o in fired], (
        summary
    )
    assert any(o.delivery.kind in ("batch", "sfn") for o in fired), summary
    # Every job ran exactly what its schedule sent: the job name Batch reports is the delivered one.
    for outcome in fired:
        if outcome.delivery.kind == "batch":
            assert outcome.job is not None and outcome.job.job_name == outcome.delivery.params["jobName"], summary
        elif outcome.delivery.kind == "sfn":
            assert outcome.execution is not None and outcome.execution.steps, summary
            assert all(step.status == "SUCCEEDED" and step.order for step in outcome.execution.steps), summary
    assert report.leaks == [], summary
    assert report.ok and report.exit_code == 0

    steps = [s.name for s in report.steps]
    # An example with dynamic schedules creates them through the client and deletes them again.
    dynamic = ["create dynamic schedules"] if example in DYNAMIC else []
    assert steps == [
        "start account",
        "copy + init",
        "apply",
        "second plan is empty",
        *dynamic,
        "fire every schedule",
        "wait for jobs",
        *(["delete dynamic schedules"] if dynamic else []),
        "destroy",
        "prove nothing is left",
    ]
    if example in EXPECTED_BACKENDS:
        assert {o.delivery.schedule.backend for o in report.outcomes} == EXPECTED_BACKENDS[example]
    assert not state.exists(), "the run left its state folder behind"
    assert json.loads(report_file.read_text())["ok"] is True
