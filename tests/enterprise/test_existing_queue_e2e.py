"""A consumer with an existing queue and an existing job role, a required permissions boundary and
IAM path, end to end in a fresh local account: apply -> empty second plan -> every schedule
fired as AWS would (the harness checks each schedule's role may submit to the queue) -> every
job SUCCEEDED on the existing queue -> destroy -> nothing left."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from batch_harness.run.e2e import Run, RunOptions, run_e2e

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500)]

CONFIG = Path(__file__).resolve().parent / "configs" / "existing_queue"
NAME = "ent-e2e"


def test_existing_queue_and_job_role_end_to_end(tmp_path, monkeypatch):
    # The wiring is under test, not container execution: the emulator runs jobs without Docker
    # even where an engine answers (its probe follows DOCKER_HOST).
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    seen: dict[str, Any] = {}

    def inspect(run: Run) -> None:
        """Before destroy: what the account holds and what the jobs ran with."""
        assert run.runner is not None
        seen["outputs"] = run.runner.output()
        iam = run.clients("iam")
        roles = [r for page in iam.get_paginator("list_roles").paginate() for r in page["Roles"]]
        seen["roles"] = {
            r["RoleName"]: (r["Path"], iam.get_role(RoleName=r["RoleName"])["Role"].get("PermissionsBoundary"))
            for r in roles
            if r["RoleName"].startswith(NAME)
        }
        batch = run.clients("batch")
        seen["queues"] = [q["jobQueueArn"] for q in batch.describe_job_queues()["jobQueues"]]
        seen["account"] = run.clients("sts").get_caller_identity()["Account"]
        seen["state"] = json.dumps(run.runner.show_state())
        definition = batch.describe_job_definitions(jobDefinitionName=f"{NAME}-report", status="ACTIVE")
        seen["job_role"] = definition["jobDefinitions"][0]["containerProperties"]["jobRoleArn"]

    report = run_e2e(
        RunOptions(
            config_dir=CONFIG,
            state_dir=tmp_path / "state",
            json_report=tmp_path / "report.json",
            before_destroy=inspect,
        )
    )
    summary = json.dumps(report.to_dict(), indent=1, default=str)[:6000]
    assert report.ok and report.exit_code == 0, summary
    assert report.plan_changes == [], summary

    outputs = seen["outputs"]
    platform_queue = outputs["platform_queue_arn"]
    # The schedule and the pipeline both ran the job, on the existing queue.
    fired = [o for o in report.outcomes if not o.delivery.skipped]
    kinds = sorted(o.delivery.kind for o in fired if o.delivery.kind in ("batch", "sfn"))
    assert kinds == ["batch", "sfn"], summary
    batch_runs = [o for o in fired if o.delivery.kind == "batch"]
    assert [o.delivery.params["jobQueue"] for o in batch_runs] == [platform_queue], summary
    assert all(o.job is not None and o.job.status == "SUCCEEDED" for o in batch_runs), summary
    pipeline_runs = [o for o in fired if o.delivery.kind == "sfn"]
    assert all(o.execution is not None and o.execution.status == "SUCCEEDED" for o in pipeline_runs), summary

    # The existing role is the job's; the module created no queue and no job role of its own.
    assert outputs["job_role_arns"]["report"] == outputs["platform_job_role_arn"] == seen["job_role"]
    assert outputs["job_queue_arn_by_job"]["report"] == platform_queue
    assert outputs["job_queue_arns"] == {}
    assert seen["queues"] == [platform_queue]
    assert f"{NAME}-report-job" not in seen["roles"]

    # The key is the central security account's; every other account in any value of the state
    # (ARNs, policies, trust conditions, schedule inputs) is the caller's.
    key = outputs["central_key_arn"]
    accounts = set(re.findall(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):", seen["state"].replace(key, "")))
    assert accounts == {seen["account"]}, accounts
    assert key in seen["state"]

    # Every role the module created carries the boundary and the path; the platform's own does not.
    boundary = outputs["boundary_arn"]
    created = {name: v for name, v in seen["roles"].items() if name != f"{NAME}-platform-reporting"}
    assert set(created) >= {f"{NAME}-report-exec", f"{NAME}-report-nightly-sched", f"{NAME}-nightly-sfn"}
    for name, (path, attached) in created.items():
        assert path == "/batch/", name
        assert attached == {
            "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
            "PermissionsBoundaryArn": boundary,
        }, name
