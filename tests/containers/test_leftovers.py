"""No job container outlives its emulator: stopped, or its owner killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import docker
import pytest

from batch_harness.emulator.containers import engine

from .conftest import make_network, unique

pytestmark = pytest.mark.xdist_group("containers")

# The owner: starts an account running containers, submits a job that sleeps, prints its id.
OWNER = """
import json, sys, time
sys.path.insert(0, {tests!r})
from containers.conftest import make_network, unique
from containers.test_runner import define
from batch_harness.emulator import LocalAccount

account = LocalAccount.start(batch_docker="on", prewarm=False)
subnet, group = make_network(account.client)
batch = account.client("batch")
env = batch.create_compute_environment(
    computeEnvironmentName=unique("ce"), type="MANAGED", state="ENABLED",
    computeResources={{"type": "FARGATE", "maxvCpus": 4, "subnets": [subnet], "securityGroupIds": [group]}},
)
batch.create_job_queue(
    jobQueueName="q", priority=1, state="ENABLED",
    computeEnvironmentOrder=[{{"order": 1, "computeEnvironment": env["computeEnvironmentArn"]}}],
)
name, _ = define(account, {image!r}, ["sleep", "300"])
job_id = batch.submit_job(jobName="sleeper", jobQueue="q", jobDefinition=name)["jobId"]
print(json.dumps({{"job_id": job_id, "server_pid": account.pid}}), flush=True)
time.sleep(600)
"""


def _containers(job_id: str) -> list[object]:
    return docker.from_env().containers.list(all=True, filters={"label": f"{engine.LABEL_JOB}={job_id}"})


def test_killed_owner_leaves_no_container(job_image: str) -> None:
    tests = os.path.dirname(os.path.dirname(__file__))
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER.format(tests=tests, image=job_image)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": tests},
    )
    try:
        assert owner.stdout is not None
        started = json.loads(owner.stdout.readline())
        job_id = started["job_id"]
        deadline = time.monotonic() + 30
        while not _containers(job_id):
            assert time.monotonic() < deadline, "the job's container never started"
            time.sleep(0.2)
        owner.send_signal(signal.SIGKILL)  # no atexit, no cleanup in the owner
        owner.wait(10)
        deadline = time.monotonic() + 20
        while _containers(job_id):
            assert time.monotonic() < deadline, "the job's container outlived its emulator"
            time.sleep(0.3)
    finally:
        if owner.poll() is None:
            owner.kill()


def test_containers_of_a_killed_emulator_are_removed_by_the_next_one(job_image: str) -> None:
    from batch_harness.emulator import LocalAccount

    from .test_runner import define

    account = LocalAccount.start(batch_docker="on", prewarm=False)
    try:
        subnet, group = make_network(account.client)
        batch = account.client("batch")
        env = batch.create_compute_environment(
            computeEnvironmentName=unique("ce"),
            type="MANAGED",
            state="ENABLED",
            computeResources={"type": "FARGATE", "maxvCpus": 4, "subnets": [subnet], "securityGroupIds": [group]},
        )
        batch.create_job_queue(
            jobQueueName="q",
            priority=1,
            state="ENABLED",
            computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env["computeEnvironmentArn"]}],
        )
        name, _ = define(account, job_image, ["sleep", "300"])
        job_id = batch.submit_job(jobName="sleeper", jobQueue="q", jobDefinition=name)["jobId"]
        deadline = time.monotonic() + 30
        while not _containers(job_id):
            assert time.monotonic() < deadline, "the job's container never started"
            time.sleep(0.2)
        os.killpg(account.pid, signal.SIGKILL)  # the emulator itself: no cleanup can run
        time.sleep(1)
        assert _containers(job_id), "nothing should have removed it yet"
    finally:
        account.stop()
    with LocalAccount.start(batch_docker="on", prewarm=False):
        assert _containers(job_id) == []  # removed at start: its emulator is gone
