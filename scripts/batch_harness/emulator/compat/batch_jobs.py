"""AWS Batch job execution without Docker (moto's "simple" backend), closer to what AWS does.

moto 5.2.5 without Docker marks a job SUCCEEDED (or FAILED when MOTO_SIMPLE_BATCH_FAIL_AFTER is
set, after sleeping inside the SubmitJob request) and ignores dependsOn, retry strategies, exit
codes and the submit fields it does not parse. The runner here replaces the one function that
decides the outcome (``BatchSimpleBackend._mark_job_as_finished``) and keeps moto's job model.

With a container engine, ``set_container_runner`` hands every job without a failure rule to the
container runner (``batch_harness.emulator.containers``): its attempts run the job's image and
report real exit codes, reasons and logs; dependsOn, retries and stop requests work the same.

Failures are injected by *rules* (``set_failure_rules``; the server's control endpoint and
``LocalAccount.set_batch_failure`` drive it). ``MOTO_SIMPLE_BATCH_FAIL_AFTER`` in the server's
environment at start seeds one rule for every job, as moto documents it.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import os
import re
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from moto.batch.exceptions import ClientException
from moto.batch.models import BatchBackend, Job, datetime2int_milliseconds
from moto.batch.responses import BatchResponse
from moto.batch_simple.models import BatchSimpleBackend
from moto.core.config import default_user_config

from .patching import Patch, replace

LOG = logging.getLogger("batch_harness.emulator.batch")

FAIL_AFTER_ENV = "MOTO_SIMPLE_BATCH_FAIL_AFTER"
DEFAULT_FAILURE_REASON = "Essential container in task exited"
DEPENDENCY_FAILURE_REASON = "Dependent Job failed"
FINAL = ("SUCCEEDED", "FAILED")


@dataclass(frozen=True)
class FailureRule:
    """Jobs whose name matches ``job_name`` (fnmatch glob; None = every job) fail.

    ``seconds`` = 0 fails the job during SubmitJob; N > 0 leaves it RUNNING and fails it N
    seconds later (moto instead sleeps N seconds inside the request).
    """

    seconds: int = 0
    job_name: str | None = None
    exit_code: int = 1
    status_reason: str = DEFAULT_FAILURE_REASON

    def matches(self, job_name: str) -> bool:
        return self.job_name is None or fnmatch.fnmatchcase(job_name, self.job_name)


_lock = threading.RLock()
_rules: list[FailureRule] = []
_waiting: dict[str, list[Job]] = {}  # dependency job id -> dependents
_submit = threading.local()  # submit fields moto does not parse, for the job being submitted
_emit_events = False
_containers: Any = None  # a ContainerRunner when jobs run as real containers (set by the server)
# Jobs whose runner thread is alive: that thread alone ends them, after their container is gone.
_container_jobs: set[str] = set()


def set_failure_rules(rules: list[FailureRule]) -> None:
    with _lock:
        _rules[:] = rules


def failure_rules() -> list[dict[str, Any]]:
    with _lock:
        return [asdict(rule) for rule in _rules]


def seed_rules_from_environment() -> None:
    """moto's documented switch: MOTO_SIMPLE_BATCH_FAIL_AFTER=N fails every job (after N s)."""
    raw = os.environ.get(FAIL_AFTER_ENV)
    if raw:
        try:
            seconds = max(0, int(raw))
        except ValueError:
            seconds = 0  # moto: an unparsable value still fails the job, without delay
        set_failure_rules([FailureRule(seconds=seconds)])


def set_emit_events(enabled: bool) -> None:
    global _emit_events
    _emit_events = enabled


def emit_events_enabled() -> bool:
    return _emit_events


def set_container_runner(runner: Any) -> None:
    """Jobs without a failure rule run their container in this runner (None: simulated)."""
    global _containers
    _containers = runner


def _simple_mode() -> bool:
    return default_user_config.get("batch", {}).get("use_docker", True) is False


def _match_rule(job: Job) -> FailureRule | None:
    with _lock:
        # The most specific rule wins: a named rule before the catch-all one.
        for rule in sorted(_rules, key=lambda r: r.job_name is None):
            if rule.matches(job.job_name):
                return rule
    return None


def _now() -> datetime:
    return datetime.now()


def _retry_strategy(job: Job) -> dict[str, Any]:
    override = getattr(job, "batch_harness_retry_strategy", None)
    return override or job.job_definition.retry_strategy or {}


def _glob(pattern: str | None, value: str) -> bool:
    # Batch patterns: letters, digits, ., :, spaces and an optional trailing * (prefix match).
    if pattern is None:
        return True
    return fnmatch.fnmatchcase(value, pattern)


def _exit_action(strategy: dict[str, Any], exit_code: int | str, status_reason: str, reason: str) -> str:
    """AWS: the first evaluateOnExit rule whose given fields all match decides; no match = RETRY.
    ``exit_code`` "" = the attempt ended before its container ran."""
    for rule in strategy.get("evaluateOnExit") or []:
        if (
            _glob(rule.get("onExitCode"), str(exit_code))
            and _glob(rule.get("onStatusReason"), status_reason)
            and _glob(rule.get("onReason"), reason)
        ):
            return str(rule.get("action", "RETRY")).upper()
    return "RETRY"


def _attempt(
    job: Job, started: datetime, stopped: datetime, exit_code: int | None, reason: str, container_reason: str = ""
) -> dict[str, Any]:
    container: dict[str, Any] = {
        "containerInstanceArn": "TBD",
        "taskArn": job.job_definition.arn,
        "logStreamName": job.log_stream_name,
        "networkInterfaces": [],
    }
    if exit_code is not None:  # an attempt that failed before its container started has none
        container["exitCode"] = exit_code
    if container_reason:
        container["reason"] = container_reason
    return {
        "container": container,
        "startedAt": datetime2int_milliseconds(started),
        "stoppedAt": datetime2int_milliseconds(stopped),
        "statusReason": reason,
    }


def _emit(job: Job, status: str) -> None:
    """Send a `Batch Job State Change` event to the default bus, as AWS does (off by default)."""
    if not _emit_events:
        return
    from moto.events.models import events_backends

    detail = job.describe()
    detail["status"] = status
    account = job.backend.account_id
    region = job.backend.region_name
    try:
        events_backends[account][region].put_events(
            [
                {
                    "Source": "aws.batch",
                    "DetailType": "Batch Job State Change",
                    "Detail": json.dumps(detail, default=str),
                    "Resources": [job.arn],
                }
            ]
        )
    except Exception:  # an event that cannot be delivered must never fail the job itself
        LOG.exception("could not emit the Batch Job State Change event for %s", job.job_id)


def _finish(job: Job, success: bool, exit_code: int | None, reason: str | None) -> None:
    job.exit_code = exit_code
    job.batch_harness_exit_code = exit_code  # type: ignore[attr-defined]
    if reason and not job.job_stopped_reason:
        job.job_stopped_reason = reason
    job._mark_stopped(success=success)
    _emit(job, "SUCCEEDED" if success else "FAILED")
    _release_dependents(job)


def _run_attempts(job: Job, rule: FailureRule | None) -> None:
    """Record the attempts AWS would make and stop the job with the last one's outcome."""
    if rule is None:
        stopped = _now()
        job.attempts.append(_attempt(job, job.job_started_at, stopped, 0, DEFAULT_FAILURE_REASON))
        _finish(job, True, 0, None)
        return
    strategy = _retry_strategy(job)
    max_attempts = int(strategy.get("attempts") or 1)
    for number in range(1, max_attempts + 1):
        stopped = _now()
        job.attempts.append(_attempt(job, job.job_started_at, stopped, rule.exit_code, rule.status_reason))
        action = _exit_action(strategy, rule.exit_code, rule.status_reason, "")
        if action == "EXIT" or number == max_attempts:
            break
    _finish(job, False, rule.exit_code, rule.status_reason)


def _start(job: Job) -> None:
    """All dependencies are final: run the job, or fail it when one of them failed."""
    backend = job.backend
    for dep in job.depends_on or []:
        parent = backend._jobs.get(dep.get("jobId", ""))
        if parent is not None and parent.status == "FAILED":
            job.job_started_at = _now()
            _finish(job, False, None, DEPENDENCY_FAILURE_REASON)
            return
    if job.stop:  # cancelled while it waited
        _finish(job, False, None, job.job_stopped_reason)
        return
    for status in ("RUNNABLE", "STARTING", "RUNNING"):
        job.status = status
        _emit(job, status)
    job.job_started_at = _now()
    rule = _match_rule(job)
    if rule is None and _containers is not None:  # a failure rule still decides, even with an engine
        _container_jobs.add(job.job_id)
        threading.Thread(target=_run_containers, args=(job,), daemon=True, name=f"job-{job.job_id}").start()
        return
    if rule is not None and rule.seconds > 0:
        timer = threading.Timer(rule.seconds, _fail_later, args=(job, rule))
        timer.daemon = True
        timer.start()
        return
    _run_attempts(job, rule)


def _fail_later(job: Job, rule: FailureRule) -> None:
    with _lock:
        if job.job_stopped:  # terminated meanwhile
            return
        _run_attempts(job, rule)


def _run_containers(job: Job) -> None:
    """Each attempt runs the job's container; evaluateOnExit (in order, no match = RETRY) decides."""
    try:
        _run_container_attempts(job)
    finally:
        with _lock:
            _container_jobs.discard(job.job_id)


def _run_container_attempts(job: Job) -> None:
    strategy = _retry_strategy(job)
    max_attempts = int(strategy.get("attempts") or 1)
    result = None
    for number in range(1, max_attempts + 1):
        if job.stop:
            break
        try:
            result = _containers.run_attempt(job, number)
        except Exception as error:  # an engine failure must end the job, never hang it RUNNING
            LOG.exception("container attempt %s of job %s failed", number, job.job_id)
            with _lock:
                _finish(job, False, None, f"batch-harness container runner: {type(error).__name__}: {error}")
            return
        with _lock:
            job.attempts.append(
                _attempt(job, result.started, result.stopped, result.exit_code, result.status_reason, result.reason)
            )
        if result.succeeded or job.stop:
            break
        code = "" if result.exit_code is None else str(result.exit_code)
        if _exit_action(strategy, code, result.status_reason, result.reason) == "EXIT":
            break
    with _lock:
        if job.job_stopped:  # ended meanwhile (cancelled between two attempts)
            return
        if job.stop:  # cancelled or terminated: its container was stopped
            _finish(job, False, result.exit_code if result else None, job.job_stopped_reason)
        elif result is not None and result.succeeded:
            _finish(job, True, 0, None)
        elif result is not None:
            _finish(job, False, result.exit_code, result.status_reason)


def _finish_array_parent(job: Job) -> None:
    """An array job ends when all its children have: SUCCEEDED only if every child did."""
    while True:
        children = job._child_jobs
        if children is not None and all(child.status in FINAL for child in children):
            break
        time.sleep(0.2)
    success = all(child.status == "SUCCEEDED" for child in children)
    with _lock:
        job._mark_stopped(success=success)
        _emit(job, "SUCCEEDED" if success else "FAILED")
        _release_dependents(job)


def _unfinished_dependencies(job: Job) -> list[str]:
    backend = job.backend
    pending = []
    for dep in job.depends_on or []:
        parent = backend._jobs.get(dep.get("jobId", ""))
        if parent is not None and parent.status not in FINAL:
            pending.append(parent.job_id)
    return pending


def _release_dependents(job: Job) -> None:
    for child in _waiting.pop(job.job_id, []):
        if child.job_stopped or _unfinished_dependencies(child):
            continue
        _start(child)


def _apply_submit_extras(job: Job, extras: dict[str, Any] | None = None) -> None:
    extras = extras if extras is not None else (getattr(_submit, "extras", None) or {})
    if extras.get("retryStrategy"):
        job.batch_harness_retry_strategy = extras["retryStrategy"]  # type: ignore[attr-defined]
    for key in ("shareIdentifier", "schedulingPriorityOverride", "propagateTags"):
        if extras.get(key) is not None:
            setattr(job, f"batch_harness_{key}", extras[key])


def patch_simple_job_runner() -> None:
    """Jobs without Docker honour dependsOn, retryStrategy and report exit codes.

    AWS: a job waits PENDING until its dependsOn jobs finish and fails with "Dependent Job failed"
    when one failed; a failed attempt is retried up to retryStrategy.attempts unless the first
    matching evaluateOnExit rule says EXIT; a failed job reports statusReason, the container's
    exitCode and one entry in ``attempts`` per try.
    moto 5.2.5 (no Docker): ignores dependsOn and retries, sleeps inside SubmitJob for
    MOTO_SIMPLE_BATCH_FAIL_AFTER, and reports neither exit code nor status reason.
    """

    def _mark_job_as_finished(self: BatchSimpleBackend, include_start_attempt: bool, job: Job) -> None:
        with _lock:
            self.backend._jobs[job.job_id] = job
            job.log_stream_name = job._stream_name
            _apply_submit_extras(job)
            if not include_start_attempt:
                # Array parent: its children already ran; it succeeds when all of them did.
                job.job_started_at = _now()
                if _containers is not None:  # its children are still running: wait for them
                    job.status = "PENDING"
                    threading.Thread(target=_finish_array_parent, args=(job,), daemon=True).start()
                    return
                children = job._child_jobs or []
                job._mark_stopped(success=all(child.status == "SUCCEEDED" for child in children))
                return
            pending = _unfinished_dependencies(job)
            if pending:
                job.status = "PENDING"
                _emit(job, "PENDING")
                for parent_id in pending:
                    _waiting.setdefault(parent_id, []).append(job)
                return
            _start(job)

    replace(BatchSimpleBackend, "_mark_job_as_finished", _mark_job_as_finished)


def patch_job_stop_without_docker() -> None:
    """CancelJob/TerminateJob stop a job without Docker.

    AWS: a cancelled or terminated job ends FAILED with the given reason, and its dependents fail.
    moto 5.2.5 (no Docker): only sets a flag a Docker thread would read, so a PENDING or RUNNING
    job stays there forever.
    """
    cancel = BatchBackend.cancel_job
    terminate = BatchBackend.terminate_job

    def _stop(backend: BatchBackend, job_id: str) -> None:
        if not _simple_mode():
            return
        with _lock:
            job = backend.get_job_by_id(job_id)
            if job is None or not job.stop or job.job_stopped:
                return
            if _containers is not None and job.job_id in _container_jobs:
                # As on AWS the job reads FAILED once its task stopped: the runner thread kills the
                # container (now, or as soon as it is created), removes it, then ends the job.
                _containers.stop(job.job_id)
                return
            _finish(job, False, None, job.job_stopped_reason)

    def cancel_job(self: BatchBackend, job_id: str, reason: str) -> None:
        cancel(self, job_id, reason)
        _stop(self, job_id)

    def terminate_job(self: BatchBackend, job_id: str, reason: str) -> None:
        terminate(self, job_id, reason)
        _stop(self, job_id)

    replace(BatchBackend, "cancel_job", cancel_job)
    replace(BatchBackend, "terminate_job", terminate_job)


_ARN_WITHOUT_REVISION = re.compile(r"^arn:[\w-]+:batch:[\w-]+:\d{12}:job-definition/([A-Za-z0-9_-]+)$")


def _resolve_job_definition(backend: BatchBackend, identifier: str) -> str:
    """AWS: a name, or an ARN without revision, means the latest ACTIVE revision; an INACTIVE
    revision cannot be used."""
    without_revision = _ARN_WITHOUT_REVISION.match(identifier)
    name = without_revision.group(1) if without_revision else (identifier if ":" not in identifier else None)
    if name:
        active = [d for d in backend._job_definitions.values() if d.name == name and d.status == "ACTIVE"]
        if active:
            return str(max(active, key=lambda d: d.revision).arn)
        raise ClientException(f"Job definition {identifier} has no ACTIVE revision")
    job_def = backend.get_job_definition(identifier)
    if job_def is not None and job_def.status != "ACTIVE":
        raise ClientException(f"Job definition {identifier} is INACTIVE")
    return identifier


def _set_json_param(response: BatchResponse, key: str, value: Any) -> None:
    """Rewrite one field of the JSON request before moto's handler reads it."""
    if getattr(response, "automated_parameter_parsing", False):
        response.params[key] = value
        return
    body = json.loads(response.body or "{}")
    body[key] = value
    response.body = json.dumps(body)


def patch_submit_job_fields() -> None:
    """SubmitJob validates and keeps the fields moto does not parse.

    AWS: SubmitJob takes retryStrategy, shareIdentifier, schedulingPriorityOverride and propagateTags
    and DescribeJobs returns them; a job queue with a scheduling policy (fair share) requires a
    shareIdentifier and one without rejects it; a bare job definition name means its latest ACTIVE
    revision (so does its ARN without ":revision") and an INACTIVE revision is refused.
    moto 5.2.5: ignores these fields, submits to any revision, active or not, and rejects a job
    definition ARN without revision ("does not exist").
    """
    submit = BatchResponse.submitjob
    describe = Job.describe

    def submitjob(self: BatchResponse) -> str:
        backend = self.batch_backend
        extras = {
            key: self._get_param(key)
            for key in ("retryStrategy", "shareIdentifier", "schedulingPriorityOverride", "propagateTags")
        }
        queue = backend.get_job_queue(self._get_param("jobQueue") or "")
        if queue is not None:
            if queue.schedule_policy and not extras["shareIdentifier"]:
                raise ClientException(
                    f"Job queue {queue.name} has a fair-share scheduling policy: shareIdentifier is required"
                )
            if not queue.schedule_policy and extras["shareIdentifier"]:
                raise ClientException(
                    f"Job queue {queue.name} has no scheduling policy: shareIdentifier is not allowed"
                )
        job_def = self._get_param("jobDefinition")
        if job_def:
            resolved = _resolve_job_definition(backend, job_def)
            if resolved != job_def:
                _set_json_param(self, "jobDefinition", resolved)
        _submit.extras = extras
        try:
            body = submit(self)
        finally:
            _submit.extras = None
        job = backend.get_job_by_id(json.loads(body)["jobId"])
        if job is not None:  # Docker mode never reaches the simple runner that applies them
            _apply_submit_extras(job, extras)
        return body

    def describe_job(self: Job) -> dict[str, Any]:
        result = describe(self)
        exit_code = getattr(self, "batch_harness_exit_code", None)
        if exit_code is not None and isinstance(result.get("container"), dict):
            result["container"]["exitCode"] = exit_code
        if self.job_stopped_reason and self.job_stopped:
            result["statusReason"] = self.job_stopped_reason
        strategy = getattr(self, "batch_harness_retry_strategy", None) or self.job_definition.retry_strategy
        if strategy:
            result["retryStrategy"] = strategy
        if getattr(self, "batch_harness_shareIdentifier", None):
            result["shareIdentifier"] = self.batch_harness_shareIdentifier  # type: ignore[attr-defined]
        priority = getattr(self, "batch_harness_schedulingPriorityOverride", None)
        if priority is not None:
            result["schedulingPriority"] = priority
        propagate = getattr(self, "batch_harness_propagateTags", None)
        result["propagateTags"] = bool(self.job_definition.propagate_tags if propagate is None else propagate)
        if self.job_definition.platform_capabilities:
            result["platformCapabilities"] = self.job_definition.platform_capabilities
        return result

    replace(BatchResponse, "submitjob", submitjob)
    replace(Job, "describe", describe_job)


PATCHES = [
    Patch(
        "batch.submit_job_fields",
        "SubmitJob keeps retryStrategy/shareIdentifier/...; fair-share and INACTIVE checks",
        patch_submit_job_fields,
    ),
    Patch(
        "batch.simple_job_runner",
        "jobs without Docker honour dependsOn and retries, report exit codes",
        patch_simple_job_runner,
    ),
    Patch(
        "batch.job_stop_without_docker",
        "CancelJob/TerminateJob end a job FAILED without Docker",
        patch_job_stop_without_docker,
    ),
]
