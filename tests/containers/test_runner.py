"""Batch jobs as real containers, over HTTP against the emulator: what Batch on Fargate does."""

from __future__ import annotations

import json
import time
from typing import Any

import docker
import pytest

from batch_harness.emulator import LocalAccount
from batch_harness.emulator.containers import engine

from .conftest import make_network, unique

pytestmark = pytest.mark.xdist_group("containers")


def _role(account: LocalAccount) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    iam = account.client("iam")
    return str(iam.create_role(RoleName=unique("job"), AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"])


@pytest.fixture(scope="module")
def queue(container_account: LocalAccount) -> str:
    subnet, group = make_network(container_account.client)
    batch = container_account.client("batch")
    env = batch.create_compute_environment(
        computeEnvironmentName=unique("ce"),
        type="MANAGED",
        state="ENABLED",
        computeResources={"type": "FARGATE", "maxvCpus": 4, "subnets": [subnet], "securityGroupIds": [group]},
    )
    name = unique("q")
    batch.create_job_queue(
        jobQueueName=name,
        priority=1,
        state="ENABLED",
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env["computeEnvironmentArn"]}],
    )
    return name


def define(
    account: LocalAccount,
    image: str,
    command: list[str],
    *,
    memory: int = 512,
    retry: dict[str, Any] | None = None,
    timeout: int | None = None,
    parameters: dict[str, str] | None = None,
    **properties: Any,
) -> tuple[str, str]:
    """Register a job definition logging to its own group; returns (name, log group)."""
    name = unique("jd")
    group = f"/aws/batch/test/{name}"
    account.client("logs").create_log_group(logGroupName=group)
    extra: dict[str, Any] = {}
    if retry:
        extra["retryStrategy"] = retry
    if parameters:
        extra["parameters"] = parameters
    if timeout:
        extra["timeout"] = {"attemptDurationSeconds": timeout}
    account.client("batch").register_job_definition(
        jobDefinitionName=name,
        type="container",
        platformCapabilities=["FARGATE"],
        containerProperties={
            "image": image,
            "command": command,
            "resourceRequirements": [{"type": "VCPU", "value": "0.25"}, {"type": "MEMORY", "value": str(memory)}],
            "readonlyRootFilesystem": True,
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {"awslogs-group": group, "awslogs-stream-prefix": "batch"},
            },
            **properties,
        },
        **extra,
    )
    return name, group


def run(account: LocalAccount, queue: str, definition: str, timeout: float = 60.0, **extra: Any) -> dict[str, Any]:
    batch = account.client("batch")
    job_id = batch.submit_job(jobName=unique("job"), jobQueue=queue, jobDefinition=definition, **extra)["jobId"]
    return wait(account, job_id, timeout)


def wait(account: LocalAccount, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
    batch = account.client("batch")
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = batch.describe_jobs(jobs=[job_id])["jobs"][0]
        if job["status"] in ("SUCCEEDED", "FAILED"):
            return job
        assert time.monotonic() < deadline, f"job still {job['status']}"
        time.sleep(0.2)


def wait_for_status(account: LocalAccount, job_id: str, status: str, timeout: float = 20.0) -> None:
    batch = account.client("batch")
    deadline = time.monotonic() + timeout
    while batch.describe_jobs(jobs=[job_id])["jobs"][0]["status"] != status:
        assert time.monotonic() < deadline, f"job never {status}"
        time.sleep(0.05)


def log_lines(account: LocalAccount, group: str, job: dict[str, Any]) -> list[str]:
    stream = job["container"]["logStreamName"]
    events = account.client("logs").get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    return [event["message"] for event in events["events"]]


def containers_of(job_id: str) -> list[Any]:
    return docker.from_env().containers.list(all=True, sparse=True, filters={"label": f"{engine.LABEL_JOB}={job_id}"})


def test_environment_parameters_secret_and_batch_variables_reach_the_container(
    container_account: LocalAccount, queue: str, job_image: str
) -> None:
    secrets = container_account.client("secretsmanager")
    whole = secrets.create_secret(Name=unique("pw"), SecretString="s3cr3t")["ARN"]
    keyed = secrets.create_secret(Name=unique("db"), SecretString=json.dumps({"user": "app"}))["ARN"]
    container_account.client("ssm").put_parameter(Name="/test/region-name", Value="eu-test-1", Type="String")
    script = (
        'echo "greeting=$GREETING period=$1 pw=$PW user=$DB_USER region=$REGION_NAME"; '
        'echo "job=$AWS_BATCH_JOB_ID attempt=$AWS_BATCH_JOB_ATTEMPT queue=$AWS_BATCH_JQ_NAME"; '
        'echo "token=${AWS_SESSION_TOKEN:+set} endpoint=$AWS_ENDPOINT_URL"; '
        'wget -q -O - "$AWS_ENDPOINT_URL/moto-api/batch-harness/health" | grep -o \'"status": "ready"\''
    )
    name, group = define(
        container_account,
        job_image,
        ["sh", "-c", script, "job", "Ref::period"],
        parameters={"period": "daily"},
        environment=[{"name": "GREETING", "value": "hello"}],
        secrets=[
            {"name": "PW", "valueFrom": whole},
            {"name": "DB_USER", "valueFrom": f"{keyed}:user::"},
            {"name": "REGION_NAME", "valueFrom": "/test/region-name"},
        ],
        jobRoleArn=_role(container_account),
    )
    job = run(container_account, queue, name, parameters={"period": "weekly"})
    assert job["status"] == "SUCCEEDED", job.get("statusReason")
    assert job["container"]["exitCode"] == 0
    lines = log_lines(container_account, group, job)
    assert lines[0] == "greeting=hello period=weekly pw=s3cr3t user=app region=eu-test-1"
    assert lines[1] == f"job={job['jobId']} attempt=1 queue={queue}"
    assert lines[2] == f"token=set endpoint={container_account.endpoint}"
    assert lines[3] == '"status": "ready"'  # host network: the job reaches the emulator on loopback
    assert job["container"]["logStreamName"].startswith("batch/default/")
    assert containers_of(job["jobId"]) == []


def test_exit_code_with_two_attempts_fails_after_both(
    container_account: LocalAccount, queue: str, job_image: str
) -> None:
    name, group = define(
        container_account, job_image, ["sh", "-c", "echo attempt $AWS_BATCH_JOB_ATTEMPT; exit 3"], retry={"attempts": 2}
    )
    job = run(container_account, queue, name)
    assert job["status"] == "FAILED"
    assert job["container"]["exitCode"] == 3
    assert job["statusReason"] == "Essential container in task exited"
    assert [a["container"]["exitCode"] for a in job["attempts"]] == [3, 3]
    assert log_lines(container_account, group, job) == ["attempt 2"]  # the last attempt's stream


def test_retry_rule_exits_on_its_exit_code(container_account: LocalAccount, queue: str, job_image: str) -> None:
    retry = {
        "attempts": 3,
        "evaluateOnExit": [{"onExitCode": "4", "action": "EXIT"}, {"onExitCode": "*", "action": "RETRY"}],
    }
    name, _ = define(container_account, job_image, ["sh", "-c", "exit 4"], retry=retry)
    job = run(container_account, queue, name)
    assert (job["status"], job["container"]["exitCode"], len(job["attempts"])) == ("FAILED", 4, 1)


def test_read_only_root_fails_and_declared_writable_path_works(
    container_account: LocalAccount, queue: str, job_image: str
) -> None:
    writable = {"volumes": [{"name": "w"}], "mountPoints": [{"sourceVolume": "w", "containerPath": "/work"}]}
    root_write, group = define(container_account, job_image, ["sh", "-c", "echo x > /marker"], **writable)
    job = run(container_account, queue, root_write)
    assert job["status"] == "FAILED"
    assert any("Read-only file system" in line for line in log_lines(container_account, group, job))
    path_write, group = define(
        container_account, job_image, ["sh", "-c", "echo marker > /work/m && cat /work/m"], **writable
    )
    job = run(container_account, queue, path_write)
    assert job["status"] == "SUCCEEDED", job.get("statusReason")
    assert log_lines(container_account, group, job) == ["marker"]


def test_missing_secret_fails_before_the_container_starts(
    container_account: LocalAccount, queue: str, job_image: str
) -> None:
    missing = f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{unique('gone')}"
    name, _ = define(container_account, job_image, ["true"], secrets=[{"name": "PW", "valueFrom": missing}])
    job = run(container_account, queue, name)
    assert job["status"] == "FAILED"
    assert job["statusReason"].startswith(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed"
    )
    assert missing in job["statusReason"]
    assert "exitCode" not in job["attempts"][0]["container"]


def test_attempt_timeout_stops_the_container(container_account: LocalAccount, queue: str, job_image: str) -> None:
    # Far longer than run()'s 60-s wait: a timeout that does not stop the container fails there.
    name, _ = define(container_account, job_image, ["sleep", "600"], timeout=1)
    job = run(container_account, queue, name)
    assert job["status"] == "FAILED"
    assert job["statusReason"] == "Job attempt duration exceeded timeout"
    assert containers_of(job["jobId"]) == []


def test_memory_limit_kills_with_137_and_the_oom_reason(
    container_account: LocalAccount, queue: str, job_image: str
) -> None:
    name, _ = define(
        container_account, job_image, ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"], memory=16
    )
    job = run(container_account, queue, name)
    assert job["status"] == "FAILED"
    assert job["container"]["exitCode"] == 137
    assert job["statusReason"] == "OutOfMemoryError: Container killed due to memory usage"


def test_command_override_and_user(container_account: LocalAccount, queue: str, job_image: str) -> None:
    name, group = define(container_account, job_image, ["echo", "definition command"], user="1000")
    job = run(container_account, queue, name, containerOverrides={"command": ["sh", "-c", "echo override as $(id -u)"]})
    assert job["status"] == "SUCCEEDED", job.get("statusReason")
    assert log_lines(container_account, group, job) == ["override as 1000"]


def test_terminate_stops_the_running_container(container_account: LocalAccount, queue: str, job_image: str) -> None:
    name, _ = define(container_account, job_image, ["sleep", "60"])
    batch = container_account.client("batch")
    job_id = batch.submit_job(jobName=unique("job"), jobQueue=queue, jobDefinition=name)["jobId"]
    deadline = time.monotonic() + 20
    while not containers_of(job_id):
        assert time.monotonic() < deadline, "the container never started"
        time.sleep(0.2)
    batch.terminate_job(jobId=job_id, reason="stopped by the test")
    job = wait(container_account, job_id, 20)
    assert (job["status"], job["statusReason"]) == ("FAILED", "stopped by the test")
    # As on AWS, FAILED is reported once the task stopped: by then the container is gone.
    assert containers_of(job_id) == []


def test_terminate_while_the_container_starts_ends_the_job_after_its_removal(
    container_account: LocalAccount, queue: str, job_image: str
) -> None:
    name, _ = define(container_account, job_image, ["sleep", "60"])
    batch = container_account.client("batch")
    job_id = batch.submit_job(jobName=unique("job"), jobQueue=queue, jobDefinition=name)["jobId"]
    # RUNNING is reported before the engine has created (or the runner registered) the container:
    # a stop then must still kill the container and report FAILED only once it is gone.
    since = int(time.time()) - 1
    wait_for_status(container_account, job_id, "RUNNING")
    batch.terminate_job(jobId=job_id, reason="stopped early")
    job = wait(container_account, job_id, 20)
    failed_seen = time.time()
    assert (job["status"], job["statusReason"]) == ("FAILED", "stopped early")
    assert containers_of(job_id) == []
    # Whatever the engine did for this job (created a container or not), it happened before FAILED.
    time.sleep(2)
    events = docker.from_env().events(
        since=since, until=int(time.time()) + 1, decode=True, filters={"label": f"{engine.LABEL_JOB}={job_id}"}
    )
    late = [e.get("Action") for e in events if e.get("Type") == "container" and e["timeNano"] / 1e9 > failed_seen]
    assert late == [], f"container events after the job read FAILED: {late}"


def test_depends_on_and_array_jobs(container_account: LocalAccount, queue: str, job_image: str) -> None:
    name, group = define(container_account, job_image, ["sh", "-c", "echo index=${AWS_BATCH_JOB_ARRAY_INDEX:-none}"])
    batch = container_account.client("batch")
    parent = batch.submit_job(jobName=unique("p"), jobQueue=queue, jobDefinition=name, arrayProperties={"size": 2})
    child = batch.submit_job(
        jobName=unique("c"), jobQueue=queue, jobDefinition=name, dependsOn=[{"jobId": parent["jobId"]}]
    )
    assert wait(container_account, parent["jobId"])["status"] == "SUCCEEDED"
    for index in (0, 1):
        element = wait(container_account, f"{parent['jobId']}:{index}")
        assert log_lines(container_account, group, element) == [f"index={index}"]
    after = wait(container_account, child["jobId"])
    assert after["status"] == "SUCCEEDED"
    assert after["startedAt"] >= wait(container_account, parent["jobId"])["stoppedAt"]


def test_missing_image_fails_without_pulling(container_account: LocalAccount, queue: str) -> None:
    name, _ = define(container_account, "123456789012.dkr.ecr.us-east-1.amazonaws.com/never-built:1", ["true"])
    job = run(container_account, queue, name)
    assert job["status"] == "FAILED"
    assert job["statusReason"].startswith("CannotPullContainerError:")
    assert "--image JOB=IMAGE" in job["statusReason"]


def test_command_not_found_fails_to_start_and_leaves_nothing(
    container_account: LocalAccount, queue: str, job_image: str
) -> None:
    name, _ = define(container_account, job_image, ["no-such-command"])
    job = run(container_account, queue, name)
    assert job["status"] == "FAILED"
    assert job["statusReason"].startswith("CannotStartContainerError:")
    assert "no-such-command" in job["statusReason"]
    assert containers_of(job["jobId"]) == []
