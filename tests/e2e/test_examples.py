"""Every example, end to end, each in its own fresh local account: apply -> empty second plan ->
fire every schedule as AWS would -> every job SUCCEEDED -> destroy -> nothing left. With a
container engine (started by `make engine`'s script where possible) the jobs run the example's
own image (``image/Dockerfile``) and the test checks what they printed.

Each example's run is the session's shared run (``stacks.example_run``): the other tests that
need the example applied check it through the run's hooks, before its destroy, and this test
proves the run as a whole still passed with them."""

from __future__ import annotations

import json

import docker
import pytest

from batch_harness.emulator.containers import engine

from .stacks import example_run, group
from .support import example_dirs

# Which backend each example exercises (both must be covered end to end).
EXPECTED_BACKENDS = {"complete": {"scheduler"}, "eventbridge-rules": {"rules"}}
DYNAMIC = {"self-service"}

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500)]

# Lines each example's jobs print (all of them, across its schedules) when they run as containers.
EXPECTED_LINES = {
    "complete": [
        "optimizing the database at reports-db.internal.example",
        "password received",  # the secret reached the container
        "marker written to /tmp/optimized",  # a declared writable path under a read-only root
        "building the sales report for period weekly",
        "row north 12",
        "rows: 3",
        "hourly cleanup",  # a schedule's command override
    ],
    "eventbridge-rules": ["extract, transform, load: full", "extract, transform, load: delta"],
    "minimal": ["hello from AWS Batch"],
    "pipeline": ["VACUUM ANALYZE", "extract", "load"],
}


def test_both_schedule_backends_have_an_example():
    assert {"complete", "eventbridge-rules", "minimal"} <= set(example_dirs())


@pytest.mark.parametrize("example", [pytest.param(e, marks=group(e)) for e in example_dirs()])
def test_example_end_to_end(example, shared_e2e):
    shared = example_run(shared_e2e, example)
    report, summary = shared.report, shared.summary()
    # An example without its own job image (image/Dockerfile) runs simulated, as before.
    containers = shared.env["BATCH_HARNESS_JOB_RUNNER"] == "container"

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
    jobs = [o.job for o in fired if o.job] + [s.job for o in fired if o.execution for s in o.execution.steps]
    if containers:
        assert report.job_runner.startswith("container:"), summary
        assert all(job.runner == "container" and job.exit_code == 0 and job.log_tail for job in jobs), summary
        printed = {line for job in jobs for line in job.log_tail}
        assert set(EXPECTED_LINES.get(example, [])) <= printed, summary
        client = docker.from_env()
        for job in jobs:  # every attempt's container was removed
            assert client.containers.list(all=True, filters={"label": f"{engine.LABEL_JOB}={job.job_id}"}) == []
    else:
        assert report.job_runner == "simulated: containers switched off (BATCH_HARNESS_JOB_RUNNER=simulated)"
    if example in EXPECTED_BACKENDS:
        assert {o.delivery.schedule.backend for o in report.outcomes} == EXPECTED_BACKENDS[example]
    assert not shared.state_dir.exists(), "the run left its state folder behind"
    assert json.loads(shared.json_report.read_text())["ok"] is True
