"""Run every attempt of a Batch job as a container in the local engine, as Batch on Fargate does.

One thread per job: resolve secrets, start the container (host network, read-only root with a
tmpfs per writable path, CPU and memory limits, the job role's session credentials and the
emulator endpoint), wait with the attempt timeout, copy its output to the job's log stream,
remove it, and let ``evaluateOnExit`` decide whether to retry. The moto job model and the final
state changes stay in ``compat.batch_jobs``; this module only produces each attempt's outcome.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import ReadTimeout

from . import engine, mode
from .secrets import ResourceInitializationError, resolve
from .spec import DEFAULT_LOG_GROUP, ContainerSpec, build_spec, cpus_for_engine

LOG = logging.getLogger("batch_harness.emulator.containers")

ESSENTIAL_EXITED = "Essential container in task exited"
OOM_REASON = "OutOfMemoryError: Container killed due to memory usage"
TIMEOUT_REASON = "Job attempt duration exceeded timeout"
KILLED_EXIT_CODE = 137  # SIGKILL: an OOM kill, or a stop at the attempt timeout
LOG_BATCH = 1000  # events per PutLogEvents call (AWS allows 10,000 / 1 MB)
# How long an exit 137 that nobody asked for waits for the engine's OOM notice: the notice and
# the exit travel separately from the runtime, and under load the exit can come first.
OOM_NOTICE_GRACE = 5.0
REMOVE_ATTEMPTS = 5  # a busy engine can refuse or time out a removal; the attempt ends only once it is gone


@dataclass
class AttemptResult:
    exit_code: int | None
    status_reason: str
    started: datetime
    stopped: datetime
    log_stream: str
    reason: str = ""  # the container's own reason (OOM), matched by evaluateOnExit onReason

    @property
    def succeeded(self) -> bool:
        return self.exit_code == 0 and not self.status_reason


class ContainerRunner:
    """Attempts of jobs as containers. ``clients(service, region)`` gives boto3 clients of the
    emulator itself (secrets, STS, logs go through its API like an agent's calls would)."""

    def __init__(self, endpoint: str, clients: Callable[[str, str], Any], engine_client: Any = None) -> None:
        self.endpoint = endpoint
        self.clients = clients
        self.engine = engine_client if engine_client is not None else engine.client()
        self.oom = engine.OomWatch(self.engine)
        self.kernel_log = engine.KERNEL_LOG
        self._running: dict[str, Any] = {}  # job id -> container of its current attempt
        self._lock = threading.Lock()

    # -- one job ---------------------------------------------------------------------------

    def spec_for(self, job: Any) -> ContainerSpec:
        definition = job.job_definition
        timeout = job.timeout or getattr(definition, "timeout", None)
        return build_spec(
            job_definition_name=definition.name,
            properties=dict(definition.container_properties or {}),
            overrides=dict(job.container_overrides or {}),
            parameters={**(definition.parameters or {}), **(job.parameters or {})},
            timeout=timeout,
        )

    def image_for(self, definition_name: str, image: str) -> str:
        mapped = mode.images()
        return mapped.get(definition_name) or mapped.get(image) or image

    def run_attempt(self, job: Any, number: int) -> AttemptResult:
        spec = self.spec_for(job)
        region = job.backend.region_name
        task_id = uuid.uuid4().hex
        stream = spec.log_stream(task_id)
        job.log_stream_name = stream
        started = datetime.now()

        def failed(reason: str) -> AttemptResult:
            return AttemptResult(None, reason, started, datetime.now(), stream)

        try:
            secrets = resolve(lambda service: self.clients(service, region), spec.secrets)
            self._ensure_stream(region, spec.log_group, stream)
        except ResourceInitializationError as error:
            return failed(str(error))
        image = self.image_for(job.job_definition.name, spec.image)
        if not engine.image_present(self.engine, image):
            return failed(
                f"CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve "
                f"ref {image}: not present in the local engine (the local account never pulls: build it, "
                f"or map the job to a local image with --image JOB=IMAGE)"
            )
        environment = {
            **spec.environment,
            **secrets,
            **self._aws_environment(job, number, spec, region),
        }
        name = f"batch-harness-{os.getpid()}-{job.job_id.replace(':', '-')}-{number}"
        try:
            container = self.engine.containers.run(
                image,
                spec.command or None,
                detach=True,
                name=name,
                labels={
                    engine.LABEL: engine.identity(),
                    engine.LABEL_JOB: job.job_id,
                    engine.LABEL_ATTEMPT: str(number),
                },
                network_mode="host",  # jobs reach the emulator on loopback; never a bridge
                privileged=False,
                read_only=spec.read_only,
                tmpfs={path: "rw,exec,mode=1777" for path in spec.writable_paths},
                user=spec.user,
                init=spec.init or None,
                nano_cpus=int(cpus_for_engine(spec.vcpus) * 1e9),
                mem_limit=f"{spec.memory_mib}m",
                memswap_limit=f"{spec.memory_mib}m",  # no swap: exceeding memory is an OOM kill
                environment=environment,
            )
        except Exception as error:  # the engine refused the container (bad user, command not found…)
            with contextlib.suppress(Exception):  # created but never started: remove it too
                self.engine.containers.get(name).remove(force=True)
            return failed(f"CannotStartContainerError: {_engine_error(error)}")
        with self._lock:
            self._running[job.job_id] = container
        if job.stop:  # cancelled while the container was being started
            with contextlib.suppress(Exception):
                container.kill()
        try:
            exit_code, reason, status_reason = self._wait(container, spec.timeout_seconds, lambda: bool(job.stop))
            self._copy_logs(region, spec.log_group, stream, container)
        finally:
            with self._lock:
                self._running.pop(job.job_id, None)
            self._remove(container)
        return AttemptResult(exit_code, status_reason, started, datetime.now(), stream, reason)

    def _remove(self, container: Any) -> None:
        """Remove the container and return only once the engine no longer lists it (as a Fargate
        task is STOPPED before Batch reports the attempt's end), or after REMOVE_ATTEMPTS tries."""
        import docker.errors

        for attempt in range(REMOVE_ATTEMPTS):
            try:
                container.remove(force=True)
                return
            except docker.errors.NotFound:
                return
            except Exception as error:  # "removal already in progress", a read timeout on a busy engine
                LOG.warning("removing container %s (try %s): %s", container.name, attempt + 1, error)
                time.sleep(0.5 * (attempt + 1))
        LOG.error("container %s could not be removed; the emulator removes it at stop", container.name)

    def _wait(self, container: Any, timeout: int | None, stopping: Callable[[], bool]) -> tuple[int, str, str]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.1, deadline - time.monotonic())
            try:
                result = container.wait(timeout=min(remaining or 3600, 3600))
                break
            except (ReadTimeout, RequestsConnectionError):  # the attempt's time is up, or wait again
                if deadline is not None and time.monotonic() >= deadline:
                    with contextlib.suppress(Exception):
                        container.kill()
                    container.wait(timeout=30)
                    return KILLED_EXIT_CODE, "", TIMEOUT_REASON
        exit_code = int(result.get("StatusCode", 1))
        container.reload()
        flagged = bool(container.attrs.get("State", {}).get("OOMKilled"))
        # A SIGKILL we did not send (no stop request) may be the OOM killer whose notice the engine
        # got late or lost: the kernel's own record decides, else the engine's oom event.
        unexplained = exit_code == KILLED_EXIT_CODE and not flagged and not stopping()
        in_kernel_log = unexplained and engine.kernel_reported_oom(container.id, self.kernel_log)
        grace = OOM_NOTICE_GRACE if unexplained and not in_kernel_log else 0
        noticed = self.oom.killed(container.id, grace)
        if flagged or in_kernel_log or noticed:
            return KILLED_EXIT_CODE, OOM_REASON, OOM_REASON
        return exit_code, "", "" if exit_code == 0 else ESSENTIAL_EXITED

    def close(self) -> None:
        self.oom.close()

    def stop(self, job_id: str) -> bool:
        """Kill the job's running container (CancelJob/TerminateJob); False if none runs (one
        about to start is killed by ``run_attempt`` itself, which reads the job's stop flag)."""
        with self._lock:
            container = self._running.get(job_id)
        if container is None:
            return False
        with contextlib.suppress(Exception):
            container.kill()
        return True

    # -- what the container gets -----------------------------------------------------------

    def _aws_environment(self, job: Any, number: int, spec: ContainerSpec, region: str) -> dict[str, str]:
        queue = job.job_queue
        environments = [getattr(ce, "name", "") for ce in getattr(queue, "environments", []) or []]
        values = {
            "AWS_BATCH_JOB_ID": job.job_id,
            "AWS_BATCH_JOB_ATTEMPT": str(number),
            "AWS_BATCH_JQ_NAME": queue.name,
            "AWS_BATCH_CE_NAME": environments[0] if environments else "",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_ENDPOINT_URL": self.endpoint,
        }
        index = (job.array_properties or {}).get("index")
        if index is not None:
            values["AWS_BATCH_JOB_ARRAY_INDEX"] = str(index)
        if spec.job_role_arn:
            # The task role's session, from the account's own STS (what the ECS agent serves).
            answer = self.clients("sts", region).assume_role(
                RoleArn=spec.job_role_arn, RoleSessionName=job.job_id.replace(":", "-")[:64]
            )
            credentials = answer["Credentials"]
            values.update(
                AWS_ACCESS_KEY_ID=credentials["AccessKeyId"],
                AWS_SECRET_ACCESS_KEY=credentials["SecretAccessKey"],
                AWS_SESSION_TOKEN=credentials["SessionToken"],
            )
        return values

    # -- logs ------------------------------------------------------------------------------

    def _ensure_stream(self, region: str, group: str, stream: str) -> None:
        logs = self.clients("logs", region)
        try:
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
        except logs.exceptions.ResourceNotFoundException as error:
            if group != DEFAULT_LOG_GROUP:  # Batch creates only its default group itself
                raise ResourceInitializationError(
                    "ResourceInitializationError: failed to validate logger args: create stream has been "
                    "retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: "
                    "The specified log group does not exist."
                ) from error
            logs.create_log_group(logGroupName=group)
            logs.create_log_stream(logGroupName=group, logStreamName=stream)

    def _copy_logs(self, region: str, group: str, stream: str, container: Any) -> None:
        raw = container.logs(stdout=True, stderr=True, timestamps=True).decode("utf-8", "replace")
        events = [_event(line) for line in raw.splitlines() if line.strip()]
        logs = self.clients("logs", region)
        for start in range(0, len(events), LOG_BATCH):
            logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events[start : start + LOG_BATCH])


def _event(line: str) -> dict[str, Any]:
    stamp, _, message = line.partition(" ")
    try:
        when = datetime.fromisoformat(stamp[:26].rstrip("Z") + "+00:00")
        millis = int(when.timestamp() * 1000)
    except ValueError:
        millis, message = int(datetime.now(UTC).timestamp() * 1000), line
    return {"timestamp": millis, "message": message}


def _engine_error(error: Exception) -> str:
    explanation = getattr(error, "explanation", None)
    return str(explanation or error)
