"""The account factory: one warm process that forks a ready local account on request.

A server started from scratch spends about 1.5 CPU-seconds before its first useful answer
(imports, the compatibility patches, every AWS managed policy, each service's backend). A test
suite starts dozens of accounts side by side on few cores, so the factory does that work once and
forks each server from the warm process: the child has everything in place and runs the same
``server.main`` a direct start runs. It is opt-in (``enable()``; the test suite enables it) and
never used for a detached account (``up``), which must not depend on a factory's lifetime.

    python -m batch_harness.emulator.factory --socket PATH --parent-pid N

Forking is only safe while the factory has a single thread (a lock held by another thread would
stay held in the child forever): the factory refuses otherwise, and the caller starts the server
directly. Protocol: one JSON line per connection, ``{argv, env, cwd, log}`` in, ``{pid}`` or
``{error}`` out.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MODULE = "batch_harness.emulator.factory"
READY = "batch-harness account factory ready"
_enabled = False
_factory: AccountFactory | None = None
_factory_lock = threading.Lock()


def enable(on: bool = True) -> None:
    """Start this process's local accounts (except detached ones) by forking a warm factory."""
    global _enabled
    _enabled = on


def enabled() -> bool:
    return _enabled


def spawn_server(argv: list[str], env: Mapping[str, str], log_path: Path) -> ForkedProcess | None:
    """A server forked by this process's factory (started on first use), or None when the factory
    cannot fork one (the caller then starts the server directly)."""
    global _factory
    with _factory_lock:
        if _factory is None or not _factory.running:
            _factory = AccountFactory.start(env)
        return _factory.spawn(argv, env, log_path)


class ForkedProcess:
    """A forked server seen like a ``subprocess.Popen``: not our child (the factory's), so its exit
    code is unknown and "exited" means the process is gone."""

    returncode: int | None = None

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def poll(self) -> int | None:
        from .account import pid_alive

        return None if pid_alive(self.pid) else -1

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0)
            time.sleep(0.05)
        return -1


class AccountFactory:
    """The client side: a factory process of ours, reached on a Unix socket."""

    def __init__(self, process: subprocess.Popen[bytes], socket_path: Path) -> None:
        self._process = process
        self._socket_path = socket_path
        atexit.register(self.close)  # after every account's own atexit stop (LIFO)

    @classmethod
    def start(cls, env: Mapping[str, str], timeout: float = 60.0) -> AccountFactory:
        workdir = Path(tempfile.mkdtemp(prefix="batch-harness-factory-"))
        socket_path = workdir / "factory.sock"
        log_path = workdir / "factory.log"
        command = [sys.executable, "-m", MODULE, "--socket", str(socket_path), "--parent-pid", str(os.getpid())]
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=dict(env),
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not socket_path.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                with contextlib.suppress(OSError):
                    process.kill()
                from .account import EmulatorError

                raise EmulatorError(f"the account factory did not start. Its log:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.05)
        return cls(process, socket_path)

    @property
    def running(self) -> bool:
        return self._process.poll() is None

    def spawn(self, argv: list[str], env: Mapping[str, str], log_path: Path) -> ForkedProcess | None:
        request = {"argv": argv, "env": dict(env), "cwd": os.getcwd(), "log": str(log_path)}
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(30)
            connection.connect(str(self._socket_path))
            connection.sendall(json.dumps(request).encode() + b"\n")
            reply = json.loads(connection.makefile("rb").readline() or b"{}")
        if "pid" not in reply:
            print(f"batch-harness: account factory: {reply.get('error', 'no answer')}; starting directly", flush=True)
            return None
        return ForkedProcess(int(reply["pid"]))

    def close(self) -> None:
        atexit.unregister(self.close)
        if self._process.poll() is None:
            self._process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=5)
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._socket_path.parent, ignore_errors=True)


# -- the factory process -------------------------------------------------------------------


def _fork_server(request: dict[str, Any], listener: socket.socket, connection: socket.socket) -> dict[str, Any]:
    threads = threading.active_count()
    if threads != 1:
        return {"error": f"{threads} threads alive in the factory: forking could copy a held lock"}
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return {"pid": pid}
    code = 1
    try:
        listener.close()
        connection.close()
        os.setsid()  # its own process group, like a direct start: stop() signals the whole group
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the container runner waits on its children
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(null)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        from moto.moto_api._internal import mock_random

        mock_random.seed()  # Python reseeds only the global `random` at fork: ids must differ per account
        from . import server

        code = server.main(request["argv"])
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve(socket_path: Path, parent_pid: int) -> int:
    from . import server

    server.prepare()
    # Keep the warm heap out of every child's garbage collections: collecting it would touch (and
    # so copy) every page the child shares with the factory.
    gc.collect()
    gc.freeze()
    # Forked servers are reaped by the kernel: no zombie piles up in a factory that lives for hours.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    original_parent = os.getppid()
    temporary = socket_path.with_suffix(".tmp")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(str(temporary))
        listener.listen(16)
        listener.settimeout(0.5)
        temporary.replace(socket_path)  # the client waits for this name: it appears ready to accept
        print(f"{READY} (pid {os.getpid()})", flush=True)
        while os.getppid() == original_parent and _alive(parent_pid):
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(30)
                try:
                    request = json.loads(connection.makefile("rb").readline())
                    reply = _fork_server(request, listener, connection)
                except Exception as error:
                    reply = {"error": repr(error)}
                with contextlib.suppress(OSError):
                    connection.sendall(json.dumps(reply).encode() + b"\n")
    print("batch-harness account factory: parent is gone, stopping", flush=True)
    return 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description="a warm process that forks local accounts")
    parser.add_argument("--socket", type=Path, required=True, help="Unix socket to serve requests on")
    parser.add_argument("--parent-pid", type=int, required=True, help="exit when this process is gone")
    args = parser.parse_args(argv)
    return serve(args.socket, args.parent_pid)


if __name__ == "__main__":
    sys.exit(main())
