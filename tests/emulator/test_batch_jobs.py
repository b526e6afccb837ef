"""Batch jobs without Docker: failures, retries, dependsOn, stop, submit fields (+ canaries)."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from batch_harness.emulator import LocalAccount

from .conftest import BatchSetup, make_batch, unique

RETRY_ON_HOST_LOSS = {
    "attempts": 3,
    "evaluateOnExit": [
        {"onStatusReason": "Host EC2*", "action": "RETRY"},
        {"onExitCode": "*", "action": "EXIT"},
    ],
}


@pytest.fixture(scope="module")
def retrying(account: LocalAccount) -> BatchSetup:
    return make_batch(account.client, retry_strategy=RETRY_ON_HOST_LOSS)


@pytest.fixture
def failing(account: LocalAccount) -> Iterator[Callable[..., str]]:
    """Set failure rules for this test's own job names; remove them afterwards."""
    names: list[str] = []

    def set_rule(seconds: int, **kwargs: Any) -> str:
        name = unique("job")
        names.append(name)
        account.set_batch_failure(seconds, job_name=name, **kwargs)
        return name

    yield set_rule
    for name in names:
        account.set_batch_failure(None, job_name=name)


def _job(account: LocalAccount, job_id: str) -> dict[str, Any]:
    jobs: list[dict[str, Any]] = account.client("batch").describe_jobs(jobs=[job_id])["jobs"]
    return jobs[0]


def _wait_final(account: LocalAccount, job_id: str, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = _job(account, job_id)
        if job["status"] in ("SUCCEEDED", "FAILED") or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def _submit(account: LocalAccount, setup: BatchSetup, name: str, **extra: Any) -> str:
    batch = account.client("batch")
    return str(
        batch.submit_job(jobName=name, jobQueue=setup.queue, jobDefinition=setup.job_definition, **extra)["jobId"]
    )


# -- outcome, exit code, attempts ------------------------------------------------------------


def test_job_succeeds_with_exit_code_zero(account: LocalAccount, batch_setup: BatchSetup) -> None:
    job = _job(account, _submit(account, batch_setup, unique("ok")))
    assert job["status"] == "SUCCEEDED"
    assert job["container"]["exitCode"] == 0
    assert [attempt["container"]["exitCode"] for attempt in job["attempts"]] == [0]


def test_failure_rule_fails_only_matching_jobs(
    account: LocalAccount, batch_setup: BatchSetup, failing: Callable[..., str]
) -> None:
    name = failing(0)
    failed = _job(account, _submit(account, batch_setup, name))
    other = _job(account, _submit(account, batch_setup, unique("other")))
    assert failed["status"] == "FAILED"
    assert failed["statusReason"] == "Essential container in task exited"
    assert failed["container"]["exitCode"] == 1
    assert len(failed["attempts"]) == 1
    assert other["status"] == "SUCCEEDED"


def test_delayed_failure_lets_the_job_run_first(
    account: LocalAccount, batch_setup: BatchSetup, failing: Callable[..., str]
) -> None:
    name = failing(2)
    job = _wait_final(account, _submit(account, batch_setup, name))
    assert job["status"] == "FAILED"
    assert job["stoppedAt"] - job["startedAt"] >= 2000  # it ran 2 s, as the rule says


def test_set_batch_failure_none_clears_every_rule(account: LocalAccount) -> None:
    account.set_batch_failure(0, job_name=unique("x"))
    assert account.set_batch_failure(None) == []


def test_retry_strategy_retries_until_an_exit_rule_matches(
    account: LocalAccount, retrying: BatchSetup, failing: Callable[..., str]
) -> None:
    lost_host = failing(0, status_reason="Host EC2 (instance i-0123) terminated.")
    crashed = failing(0, exit_code=3)
    retried = _job(account, _submit(account, retrying, lost_host))
    exited = _job(account, _submit(account, retrying, crashed))
    assert retried["status"] == "FAILED" and len(retried["attempts"]) == 3  # RETRY rule, then attempts run out
    assert exited["status"] == "FAILED" and len(exited["attempts"]) == 1  # onExitCode "*" -> EXIT
    assert exited["container"]["exitCode"] == 3
    assert retried["retryStrategy"]["attempts"] == 3


def test_submit_retry_strategy_overrides_the_job_definition(
    account: LocalAccount, retrying: BatchSetup, failing: Callable[..., str]
) -> None:
    name = failing(0, exit_code=2)
    job = _job(account, _submit(account, retrying, name, retryStrategy={"attempts": 2}))
    assert len(job["attempts"]) == 2  # no evaluateOnExit in the override: every failure retries
    assert job["retryStrategy"] == {"attempts": 2}


def test_canary_moto_runs_one_attempt_without_exit_code(unpatched_moto: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    setup = make_batch(unpatched_moto, retry_strategy={"attempts": 3})
    batch = unpatched_moto("batch")
    monkeypatch.setenv("MOTO_SIMPLE_BATCH_FAIL_AFTER", "0")
    job_id = batch.submit_job(jobName="j", jobQueue=setup.queue, jobDefinition=setup.job_definition)["jobId"]
    job = batch.describe_jobs(jobs=[job_id])["jobs"][0]
    assert job["status"] == "FAILED"
    assert len(job["attempts"]) == 1
    assert "exitCode" not in job["container"]
    assert "statusReason" not in job


# -- dependsOn --------------------------------------------------------------------------------


def test_child_of_a_failed_job_fails_and_child_of_a_success_runs(
    account: LocalAccount, batch_setup: BatchSetup, failing: Callable[..., str]
) -> None:
    parent_failed = _submit(account, batch_setup, failing(0))
    parent_ok = _submit(account, batch_setup, unique("parent"))
    child_of_failed = _job(account, _submit(account, batch_setup, unique("c"), dependsOn=[{"jobId": parent_failed}]))
    child_of_ok = _job(account, _submit(account, batch_setup, unique("c"), dependsOn=[{"jobId": parent_ok}]))
    assert child_of_failed["status"] == "FAILED"
    assert child_of_failed["statusReason"] == "Dependent Job failed"
    assert child_of_failed["attempts"] == []  # it never ran
    assert child_of_ok["status"] == "SUCCEEDED"


def test_child_waits_pending_until_its_running_parent_ends(
    account: LocalAccount, batch_setup: BatchSetup, failing: Callable[..., str]
) -> None:
    parent = _submit(account, batch_setup, failing(60))  # RUNNING for a minute unless stopped
    child = _submit(account, batch_setup, unique("c"), dependsOn=[{"jobId": parent}])
    assert _job(account, parent)["status"] == "RUNNING"  # SubmitJob did not wait for the outcome
    assert _job(account, child)["status"] == "PENDING"
    account.client("batch").terminate_job(jobId=parent, reason="stopped by test")
    assert _job(account, parent)["status"] == "FAILED"
    child_job = _job(account, child)
    assert child_job["status"] == "FAILED" and child_job["statusReason"] == "Dependent Job failed"


def test_canary_moto_ignores_depends_on(unpatched_moto: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    setup = make_batch(unpatched_moto)
    batch = unpatched_moto("batch")
    monkeypatch.setenv("MOTO_SIMPLE_BATCH_FAIL_AFTER", "0")
    parent = batch.submit_job(jobName="p", jobQueue=setup.queue, jobDefinition=setup.job_definition)["jobId"]
    monkeypatch.delenv("MOTO_SIMPLE_BATCH_FAIL_AFTER")
    child = batch.submit_job(
        jobName="c", jobQueue=setup.queue, jobDefinition=setup.job_definition, dependsOn=[{"jobId": parent}]
    )["jobId"]
    assert batch.describe_jobs(jobs=[child])["jobs"][0]["status"] == "SUCCEEDED"


# -- cancel / terminate ----------------------------------------------------------------------


def test_terminate_a_running_job_fails_it_and_its_dependents(
    account: LocalAccount, batch_setup: BatchSetup, failing: Callable[..., str]
) -> None:
    batch = account.client("batch")
    running = _submit(account, batch_setup, failing(60))
    child = _submit(account, batch_setup, unique("c"), dependsOn=[{"jobId": running}])
    batch.terminate_job(jobId=running, reason="stopped by test")
    stopped = _job(account, running)
    assert stopped["status"] == "FAILED"
    assert stopped["statusReason"] == "stopped by test"
    assert _job(account, child)["status"] == "FAILED"


def test_cancel_a_pending_job_fails_it(
    account: LocalAccount, batch_setup: BatchSetup, failing: Callable[..., str]
) -> None:
    batch = account.client("batch")
    parent = _submit(account, batch_setup, failing(60))
    pending = _submit(account, batch_setup, unique("c"), dependsOn=[{"jobId": parent}])
    batch.cancel_job(jobId=pending, reason="not needed")
    job = _job(account, pending)
    assert job["status"] == "FAILED"
    assert job["statusReason"] == "not needed"
    batch.terminate_job(jobId=parent, reason="cleanup")


def test_canary_moto_terminate_only_sets_a_flag() -> None:
    from moto.batch.models import Job

    source = inspect.getsource(Job.terminate)
    assert "self.stop = True" in source
    assert "_mark_stopped" not in source  # the simple backend has no thread to read the flag


# -- submit fields ---------------------------------------------------------------------------


def test_submit_job_keeps_share_identifier_and_priority(account: LocalAccount, batch_setup: BatchSetup) -> None:
    batch = account.client("batch")
    env_arn = batch.describe_job_queues(jobQueues=[batch_setup.queue])["jobQueues"][0]["computeEnvironmentOrder"][0][
        "computeEnvironment"
    ]
    policy = batch.create_scheduling_policy(name=unique("sp"), fairsharePolicy={"shareDecaySeconds": 60})["arn"]
    queue = unique("fair")
    batch.create_job_queue(
        jobQueueName=queue,
        priority=1,
        state="ENABLED",
        schedulingPolicyArn=policy,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env_arn}],
    )
    with pytest.raises(ClientError, match="shareIdentifier is required"):
        batch.submit_job(jobName=unique("j"), jobQueue=queue, jobDefinition=batch_setup.job_definition)
    job_id = batch.submit_job(
        jobName=unique("j"),
        jobQueue=queue,
        jobDefinition=batch_setup.job_definition,
        shareIdentifier="reports",
        schedulingPriorityOverride=9,
    )["jobId"]
    job = _job(account, job_id)
    assert job["shareIdentifier"] == "reports"
    assert job["schedulingPriority"] == 9
    with pytest.raises(ClientError, match="shareIdentifier is not allowed"):
        _submit(account, batch_setup, unique("j"), shareIdentifier="reports")


def test_submit_to_an_inactive_revision_is_refused(account: LocalAccount, batch_setup: BatchSetup) -> None:
    batch = account.client("batch")
    name = unique("jd")
    container = {
        "image": "busybox",
        "resourceRequirements": [{"type": "VCPU", "value": "0.25"}, {"type": "MEMORY", "value": "512"}],
    }
    first = batch.register_job_definition(jobDefinitionName=name, type="container", containerProperties=container)
    second = batch.register_job_definition(jobDefinitionName=name, type="container", containerProperties=container)
    batch.deregister_job_definition(jobDefinition=first["jobDefinitionArn"])
    with pytest.raises(ClientError, match="INACTIVE"):
        batch.submit_job(jobName=unique("j"), jobQueue=batch_setup.queue, jobDefinition=first["jobDefinitionArn"])
    batch.deregister_job_definition(jobDefinition=second["jobDefinitionArn"])
    third = batch.register_job_definition(jobDefinitionName=name, type="container", containerProperties=container)
    assert third["revision"] == 3
    for latest in (name, third["jobDefinitionArn"].rsplit(":", 1)[0]):  # name, ARN without revision
        job_id = batch.submit_job(jobName=unique("j"), jobQueue=batch_setup.queue, jobDefinition=latest)["jobId"]
        assert _job(account, job_id)["jobDefinition"] == third["jobDefinitionArn"]  # latest ACTIVE revision


def test_canary_moto_ignores_share_identifier_and_inactive_revisions(unpatched_moto: Any) -> None:
    setup = make_batch(unpatched_moto)
    batch = unpatched_moto("batch")
    batch.deregister_job_definition(jobDefinition=setup.job_definition_arn)
    job_id = batch.submit_job(
        jobName="j", jobQueue=setup.queue, jobDefinition=setup.job_definition_arn, shareIdentifier="reports"
    )["jobId"]
    job = batch.describe_jobs(jobs=[job_id])["jobs"][0]
    assert job["status"] == "SUCCEEDED"  # AWS refuses both the inactive revision and the share id
    assert "shareIdentifier" not in job
    arn_without_revision = setup.job_definition_arn.rsplit(":", 1)[0]
    with pytest.raises(ClientError, match="does not exist"):
        batch.submit_job(jobName="k", jobQueue=setup.queue, jobDefinition=arn_without_revision)
