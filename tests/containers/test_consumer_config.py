"""A consumer's own config: six jobs on one locally tagged image, run by
`batch-harness e2e --json` as a user would; the report says exactly what the containers did."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import docker
import pytest

from batch_harness.emulator.containers import engine

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500)]

HERE = Path(__file__).parent
REPO = HERE.parents[1]
IMAGE = "consumer.example/batch-jobs:ci"  # the job definitions' exact image: used as is, never pulled


def _jobs(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{job key: the `job` object of its schedule's entry}."""
    jobs = {}
    for entry in report["schedules"]:
        job = entry.get("job")
        if job:
            key = job["job_definition"].split(":")[0].removeprefix("sb-consumer-")
            jobs[key] = job
    return jobs


def test_six_jobs_report_what_their_containers_did(job_image: str, tmp_path: Path) -> None:
    docker.from_env().images.get(job_image).tag(IMAGE)
    report_file = tmp_path / "report.json"
    command = [
        sys.executable,
        "-m",
        "batch_harness.cli",
        "e2e",
        str(HERE / "consumer"),
        "--json",
        str(report_file),
    ]
    command += ["--image", f"overridden={IMAGE}"]  # a job key mapped to a local image
    result = subprocess.run(
        [*command, "--state-dir", str(tmp_path / "state")],
        cwd=REPO,
        env={**os.environ, "BATCH_HARNESS_JOB_RUNNER": "container", "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=1400,
    )
    report = json.loads(report_file.read_text())
    summary = result.stdout[-6000:]
    assert report["errors"] == [] and report["leaks"] == [], summary
    assert result.returncode == 1, summary  # two jobs fail, as they must
    assert report["job_runner"].startswith("container:"), summary
    jobs = _jobs(report)
    outcome = {key: (job["status"], job["exit_code"], job["attempts"]) for key, job in jobs.items()}
    assert outcome == {
        "env_ref_secret": ("SUCCEEDED", 0, 1),
        "exit_three": ("FAILED", 3, 2),
        "read_only_root": ("FAILED", 1, 1),
        "writable_path": ("SUCCEEDED", 0, 1),
        "overridden": ("SUCCEEDED", 0, 1),
        "as_user": ("SUCCEEDED", 0, 1),
    }, summary
    assert all(job["runner"] == "container" for job in jobs.values())
    assert jobs["env_ref_secret"]["log_tail"] == ["env=ci ref=monday token=tok-123"]
    assert jobs["exit_three"]["log_tail"] == ["attempt 2"]
    assert jobs["exit_three"]["status_reason"] == "Essential container in task exited"
    assert jobs["read_only_root"]["log_tail"] == ["sh: can't create /marker: Read-only file system"]
    assert jobs["writable_path"]["log_tail"] == ["written"]
    assert jobs["overridden"]["log_tail"] == ["schedule override"]
    assert jobs["as_user"]["log_tail"] == ["uid=4242"]
    assert "Read-only file system" in result.stdout  # a failed job's log tail is on screen
    client = docker.from_env()
    for job in jobs.values():
        assert client.containers.list(all=True, filters={"label": f"{engine.LABEL_JOB}={job['id']}"}) == []
