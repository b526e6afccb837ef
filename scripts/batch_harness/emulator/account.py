"""``LocalAccount``: a fresh, empty AWS account = one emulator server process on loopback."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import factory
from .factory import ForkedProcess
from .provider import (
    OVERRIDE_FILE,
    PLAIN_FILE,
    declared_aws_providers,
    declares_endpoints,
    render_provider_override,
)

# Our own child, or one forked by this process's account factory (see factory.py).
ServerProcess = subprocess.Popen[bytes] | ForkedProcess
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"  # moto's default account
FAKE_ACCESS_KEY = "testing"
FAKE_SECRET_KEY = "testing"
CONTROL = "/moto-api/batch-harness"
# Variables that would make an SDK or Terraform reach for a real identity instead of the fakes.
REAL_IDENTITY_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
)


class EmulatorError(RuntimeError):
    """The emulator did not start, or a control call failed."""


class LocalAccount:
    """An ephemeral local AWS account: ``with LocalAccount.start() as account: ...``.

    The server runs as its own process group (``python -m batch_harness.emulator.server``, or
    forked from a warm account factory once ``factory.enable()`` was called); ``stop()`` sends
    SIGTERM, waits, then SIGKILLs the group. Started normally, the account is
    this process's: ``stop()`` is registered with atexit and the server exits by itself when this
    process disappears. Started ``detached`` (``up``), it outlives this process, writes its log to
    a state folder and is found again with ``LocalAccount.attach(account.record())``.
    """

    region = DEFAULT_REGION
    account_id = DEFAULT_ACCOUNT_ID

    def __init__(
        self,
        pid: int,
        port: int,
        *,
        process: ServerProcess | None = None,
        log_path: Path | None = None,
        scratch_dir: Path | None = None,
        owned: bool = True,
    ) -> None:
        """``process``: our child, when we started it; ``scratch_dir``: removed by ``stop()``;
        ``owned``: stop it when this process exits (False for a detached or attached server)."""
        self._pid = pid
        self._process = process
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}"
        self._log_path = log_path
        self._scratch_dir = scratch_dir
        self._owned = owned
        self._stop_lock = threading.Lock()
        self._stopped = False
        if owned:
            atexit.register(self.stop)

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        port: int | None = None,
        *,
        batch_docker: str = "auto",
        emit_batch_events: bool = False,
        batch_fail_after: int | None = None,
        prewarm: bool = True,
        startup_timeout: float = 60.0,
        log_dir: Path | None = None,
        detached_in: Path | None = None,
    ) -> LocalAccount:
        """Start a fresh server (a free loopback port unless ``port`` is given) and wait for it.

        ``batch_docker``: "auto" (Docker only if an engine answers), "on" or "off".
        ``batch_fail_after``: MOTO_SIMPLE_BATCH_FAIL_AFTER for the server (every job fails).
        ``prewarm``: build the services' backends in the background right after start (saves
        seconds on the first Terraform calls; a short-lived account in a test may skip it).
        ``log_dir``: keep the server log there (default: a temporary folder removed by stop()).
        ``detached_in``: a state folder; the server outlives this process (no parent watch, no
        atexit stop) and logs to ``emulator.log`` there.
        """
        if detached_in is not None:
            detached_in.mkdir(parents=True, exist_ok=True)
            workdir = detached_in
            log_path = workdir / "emulator.log"
        else:
            workdir = Path(tempfile.mkdtemp(prefix="batch-harness-moto-", dir=log_dir))
            log_path = workdir / "server.log"
        ready_file = workdir / "emulator-ready.json"
        ready_file.unlink(missing_ok=True)
        arguments = [
            "--host",
            "127.0.0.1",
            "--port",
            str(port or 0),
            "--batch-docker",
            batch_docker,
            "--ready-file",
            str(ready_file),
        ]
        if detached_in is None:
            arguments += ["--parent-pid", str(os.getpid())]
        scratch = detached_in is None and log_dir is None
        if scratch:
            arguments += ["--owned-dir", str(workdir)]  # a killed owner cannot remove it: the server does
        if emit_batch_events:
            arguments.append("--emit-batch-events")
        if not prewarm:
            arguments.append("--no-prewarm")
        env = {key: value for key, value in os.environ.items() if not key.startswith("MOTO_")}
        for key in REAL_IDENTITY_VARIABLES:
            env.pop(key, None)
        env.update(
            {
                "PYTHONUNBUFFERED": "1",
                "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_KEY,
                "AWS_DEFAULT_REGION": DEFAULT_REGION,
            }
        )
        if batch_fail_after is not None:
            env["MOTO_SIMPLE_BATCH_FAIL_AFTER"] = str(batch_fail_after)
        process: ServerProcess | None = None
        if detached_in is None and factory.enabled():
            process = factory.spawn_server(arguments, env, log_path)
        if process is None:
            with log_path.open("ab") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "batch_harness.emulator.server", *arguments],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,  # own process group: stop() signals the whole group
                )
        try:
            port_found = _wait_ready(process, ready_file, log_path, startup_timeout)
            ready_file.unlink(missing_ok=True)
            account = cls(
                process.pid,
                port_found,
                process=process,
                log_path=log_path,
                scratch_dir=workdir if scratch else None,
                owned=detached_in is None,
            )
        except BaseException:
            _kill_group(process, grace=2.0)
            if scratch:
                shutil.rmtree(workdir, ignore_errors=True)
            raise
        try:
            account.health()
        except BaseException:
            account.stop()
            raise
        return account

    @classmethod
    def attach(cls, record: Mapping[str, Any]) -> LocalAccount:
        """Reconnect to a detached server by its ``record()`` (EmulatorError if gone or not ours)."""
        account = cls(
            int(record["pid"]),
            int(record["port"]),
            log_path=Path(record["log"]) if record.get("log") else None,
            owned=False,
        )
        if not pid_alive(account.pid):
            raise EmulatorError(f"the local account (pid {account.pid}) is no longer running")
        health = account.health()
        if int(health.get("pid", -1)) != account.pid:
            raise EmulatorError(
                f"port {account.port} is served by pid {health.get('pid')}, not the recorded emulator pid {account.pid}"
            )
        return account

    def record(self) -> dict[str, Any]:
        """What ``attach`` needs to find this server again."""
        return {"pid": self.pid, "port": self.port, "endpoint": self.endpoint, "log": str(self.log_path)}

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM the server's process group, wait ``grace`` seconds, then SIGKILL. Idempotent."""
        with self._stop_lock:
            if self._stopped:
                return
            self._stopped = True
        try:
            if self._process is not None:
                _kill_group(self._process, grace)
            else:
                stop_process_group(self._pid, grace)
        finally:
            if self._owned:
                atexit.unregister(self.stop)
            if self._scratch_dir is not None:
                shutil.rmtree(self._scratch_dir, ignore_errors=True)

    @property
    def pid(self) -> int:
        return self._pid

    @property
    def running(self) -> bool:
        if self._stopped:
            return False
        return self._process.poll() is None if self._process is not None else pid_alive(self._pid)

    @property
    def log_path(self) -> Path:
        return self._log_path or Path(os.devnull)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def __enter__(self) -> LocalAccount:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- clients and configuration ---------------------------------------------------------

    def env(self) -> dict[str, str]:
        """Variables that point SDKs and Terraform at this account (merge over os.environ)."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_KEY,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def full_env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """``base`` (default os.environ) without real-identity variables or endpoint settings that
        would send a service elsewhere, plus ``env()``."""
        from batch_harness.terraform.runner import endpoint_hygiene

        merged = endpoint_hygiene(os.environ if base is None else base, self.env())
        for key in REAL_IDENTITY_VARIABLES:
            merged.pop(key, None)
        merged.update(self.env())
        return merged

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service`` in this account."""
        import boto3
        from botocore.config import Config

        session = boto3.session.Session(
            aws_access_key_id=FAKE_ACCESS_KEY,
            aws_secret_access_key=FAKE_SECRET_KEY,
            region_name=kwargs.pop("region_name", self.region),
        )
        kwargs.setdefault("config", Config(retries={"max_attempts": 2, "mode": "standard"}))
        return session.client(service, endpoint_url=self.endpoint, **kwargs)

    def provider_override(
        self,
        default_tags: Mapping[str, str] | None = None,
        aliases: tuple[str | None, ...] = (None,),
        endpoints: bool = False,
    ) -> str:
        """HCL for ``zz_batch_harness_override.tf`` (one block per provider alias given).

        It reaches this account only with :meth:`env` (``AWS_ENDPOINT_URL``) in Terraform's
        environment; ``endpoints`` also writes an ``endpoints`` block, for a root that sets its own.
        """
        return render_provider_override(
            self.endpoint,
            self.region,
            FAKE_ACCESS_KEY,
            FAKE_SECRET_KEY,
            aliases=aliases,
            default_tags=default_tags,
            endpoints=endpoints,
        )

    def write_provider_override(self, root_dir: Path, default_tags: Mapping[str, str] | None = None) -> Path:
        """Write the override into a root: merged into its `provider "aws"` blocks (every alias),
        or as a plain provider file when the root declares none. Returns the file written."""
        declared = declared_aws_providers(root_dir)
        if declared:
            path = root_dir / OVERRIDE_FILE
            aliases = tuple(dict.fromkeys(declared))
        else:
            path = root_dir / PLAIN_FILE
            aliases = (None,)
        endpoints = declares_endpoints(root_dir)
        path.write_text(self.provider_override(default_tags=default_tags, aliases=aliases, endpoints=endpoints))
        return path

    # -- control endpoints -----------------------------------------------------------------

    def _control(self, method: str, route: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.endpoint}{CONTROL}/{route}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read() or b"null")
        except (urllib.error.URLError, OSError) as error:
            raise EmulatorError(f"emulator control call {method} {route} failed: {error}") from error

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self._control("GET", "health")
        return result

    def set_batch_failure(
        self,
        seconds: int | None,
        *,
        job_name: str | None = None,
        exit_code: int = 1,
        status_reason: str | None = None,
    ) -> list[dict[str, Any]]:
        """Make jobs fail (MOTO_SIMPLE_BATCH_FAIL_AFTER semantics, on the running server).

        ``seconds``: 0 = FAILED during SubmitJob, N = RUNNING then FAILED N seconds later,
        None = stop failing. ``job_name``: an fnmatch glob on the job name limiting the rule to
        those jobs (None = every job; ``None, None`` clears every rule). Returns the rules now set.
        """
        body: dict[str, Any] = {"seconds": seconds, "job_name": job_name, "exit_code": exit_code}
        if status_reason:
            body["status_reason"] = status_reason
        rules: list[dict[str, Any]] = self._control("POST", "batch-failure", body)["rules"]
        return rules

    def batch_failure_rules(self) -> list[dict[str, Any]]:
        rules: list[dict[str, Any]] = self._control("GET", "batch-failure")["rules"]
        return rules

    def set_job_images(self, images: dict[str, str]) -> dict[str, Any]:
        """Run jobs of these job definitions (or images) on these local images (``--image``).
        Returns the runner in use and every mapping now set."""
        result: dict[str, Any] = self._control("POST", "job-images", {"images": images})
        return result

    def set_batch_events(self, enabled: bool) -> None:
        """Emit (or not) `Batch Job State Change` events to the default bus, as AWS does."""
        self._control("POST", "batch-events", {"enabled": enabled})

    def event_deliveries(self) -> list[dict[str, Any]]:
        """What PutEvents did with each matching rule's targets (delivered / not-delivered / failed)."""
        deliveries: list[dict[str, Any]] = self._control("GET", "event-deliveries")["deliveries"]
        return deliveries

    def clear_event_deliveries(self) -> None:
        self._control("DELETE", "event-deliveries")


def _wait_ready(process: ServerProcess, ready_file: Path, log_path: Path, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready_file.exists():
            return int(json.loads(ready_file.read_text())["port"])
        if process.poll() is not None:
            break
        time.sleep(0.05)
    tail = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
    if process.poll() is None:
        state = f"not ready after {timeout}s"
    else:
        state = "exited" if process.returncode is None else f"exited with {process.returncode}"
    raise EmulatorError(f"the emulator server {state}. Its log:\n{tail}")


def _kill_group(process: ServerProcess, grace: float) -> None:
    """SIGTERM the group, wait up to ``grace`` s, SIGKILL what is left (moto may linger)."""
    pgid = process.pid  # start_new_session: the server leads its own group
    if process.poll() is None:
        _signal_group(pgid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    _signal_group(pgid, signal.SIGKILL)  # also any straggler left in the group
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def pid_alive(pid: int) -> bool:
    """Is ``pid`` a live process (a zombie child of ours is reaped and counts as gone)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        pass
    # Not our child: on Linux a zombie waiting for its parent still answers kill(0).
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        return True


def stop_process_group(pid: int, grace: float = 5.0) -> None:
    """SIGTERM the group ``pid`` leads (a server that is not our child), then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            try:
                os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                return
        deadline = time.monotonic() + wait
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not pid_alive(pid):
            return
