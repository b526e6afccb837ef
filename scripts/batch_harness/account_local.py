"""The local account for one command (``e2e``) or across commands (``up`` / ``smoke`` / ``down``).

``e2e`` uses ``batch_harness.emulator.LocalAccount.start()`` as is: the server watches its parent
and dies with it. ``up`` must leave a server running after it exits, so it starts the same server
module detached (own session, no parent watch) and records pid/port; ``smoke`` and ``down``
attach to it by that record and check, through the server's health endpoint, that the pid still
answers on that port (a stale record never stops a stranger's process).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .emulator import EmulatorError, LocalAccount
from .emulator.account import FAKE_ACCESS_KEY, FAKE_SECRET_KEY, REAL_IDENTITY_VARIABLES


def start_local(*, batch_fail_after: int | None = None) -> LocalAccount:
    return LocalAccount.start(batch_fail_after=batch_fail_after)


class AttachedLocalAccount(LocalAccount):
    """A detached emulator server known by pid and port (not necessarily our child)."""

    def __init__(self, pid: int, port: int, log_path: Path | None = None) -> None:
        # Deliberately not LocalAccount.__init__: no Popen object, no atexit stop (it must outlive us).
        self._pid = pid
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}"
        self._log = log_path
        self._stopped = False

    @property
    def pid(self) -> int:
        return self._pid

    @property
    def running(self) -> bool:
        return not self._stopped and pid_alive(self._pid)

    @property
    def log_path(self) -> Path:
        return self._log or Path(os.devnull)

    def record(self) -> dict[str, Any]:
        return {"pid": self._pid, "port": self.port, "endpoint": self.endpoint, "log": str(self.log_path)}

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM the server's process group, wait, SIGKILL; wait until the pid is gone."""
        if self._stopped:
            return
        self._stopped = True
        stop_process_group(self._pid, grace)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours still "exists": reap it if it is ours.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        return True


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return not pid_alive(pid)


def stop_process_group(pid: int, grace: float = 5.0) -> None:
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            try:
                os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                return
        if _wait_gone(pid, wait):
            return


def start_detached(state_dir: Path, *, startup_timeout: float = 60.0) -> AttachedLocalAccount:
    """Start an emulator server that outlives this process (for ``up``)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    ready_file = state_dir / "emulator-ready.json"
    ready_file.unlink(missing_ok=True)
    log_path = state_dir / "emulator.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTO_")}
    for key in REAL_IDENTITY_VARIABLES:
        env.pop(key, None)
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_KEY,
            "AWS_DEFAULT_REGION": LocalAccount.region,
        }
    )
    command = [sys.executable, "-m", "batch_harness.emulator.server", "--port", "0", "--ready-file", str(ready_file)]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    deadline = time.monotonic() + startup_timeout
    while not ready_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process_group(process.pid, 1.0)
            tail = log_path.read_text(errors="replace")[-2000:]
            raise EmulatorError(f"the emulator server did not start. Its log:\n{tail}")
        time.sleep(0.05)
    port = int(json.loads(ready_file.read_text())["port"])
    ready_file.unlink(missing_ok=True)
    account = AttachedLocalAccount(process.pid, port, log_path)
    account.health()
    return account


def attach(record: dict[str, Any]) -> AttachedLocalAccount:
    """Reconnect to a server started by ``up`` (EmulatorError if it is gone or not ours)."""
    account = AttachedLocalAccount(
        int(record["pid"]), int(record["port"]), Path(record["log"]) if record.get("log") else None
    )
    if not pid_alive(account.pid):
        raise EmulatorError(f"the local account (pid {account.pid}) is no longer running")
    health = account.health()
    if int(health.get("pid", -1)) != account.pid:
        raise EmulatorError(
            f"port {account.port} is served by pid {health.get('pid')}, not the recorded emulator pid {account.pid}"
        )
    return account
