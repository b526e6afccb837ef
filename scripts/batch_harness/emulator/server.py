"""The local account: moto's own server application, configured and patched for this project.

    python -m batch_harness.emulator.server --port N [--host 127.0.0.1]

Order matters: the compat patches and moto's configuration (Batch without Docker
unless an engine answers, Step Functions execution on) are in place before the first request,
so no state machine is ever created in the non-executing backend; MOTO_PORT names the port the
Step Functions engine calls back on. ``--port 0`` binds a free port and reports it (ready line
on stdout, and ``--ready-file``), which avoids the pick-then-bind race.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

READY_PREFIX = "batch-harness emulator ready"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m batch_harness.emulator.server",
        description="moto server with the batch_harness compatibility patches (a local AWS account).",
    )
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--batch-docker",
        choices=("auto", "on", "off"),
        default="auto",
        help="run each Batch job attempt as a container: auto = only if a Docker engine answers (default)",
    )
    parser.add_argument(
        "--emit-batch-events",
        action="store_true",
        help="send `Batch Job State Change` events to the default bus, as AWS does",
    )
    parser.add_argument("--ready-file", type=Path, help="write {port, pid, endpoint} here once serving")
    parser.add_argument("--parent-pid", type=int, help="exit when this process is gone (no orphans)")
    parser.add_argument(
        "--owned-dir",
        type=Path,
        help="the parent's scratch folder for this server: removed when the server exits because the parent is gone",
    )
    parser.add_argument(
        "--no-prewarm",
        dest="prewarm",
        action="store_false",
        help="do not build the services' backends in the background after start",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def configure_moto() -> list[str]:
    """Environment, patches and moto config, before moto serves anything. Returns patch names.

    moto's own Docker path for Batch never runs (it pulls each job's image and fails offline,
    with no reason and no log): jobs are run by the container runner, or simulated."""
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"  # read when IAM's backend is created
    from moto.core.config import default_user_config

    from .compat import apply_all, batch_jobs

    patches = apply_all()
    _memoise_module_list()
    default_user_config["batch"] = {"use_docker": False}
    default_user_config["stepfunctions"] = {"execute_state_machine": True}
    batch_jobs.seed_rules_from_environment()
    return patches


def _memoise_module_list() -> None:
    """Speed only, no behaviour: moto's dispatcher asks ``backends.list_of_moto_modules()`` on every
    request whether the Host header names a service, and that lists and stats moto's package
    folder each time (a tenth of a busy server's CPU). The folder does not change while it runs."""
    from moto import backends

    if not hasattr(backends.list_of_moto_modules, "cache_info"):
        modules = tuple(backends.list_of_moto_modules())
        backends.list_of_moto_modules = functools.cache(lambda: modules)


# Signing names of the services a stack of this project reaches, slowest first (IAM loads every
# AWS managed policy when its backend is created: seconds on a small machine).
PREWARM_SERVICES = ("iam", "sts", "ec2", "batch", "events", "scheduler", "states", "logs", "sqs", "sns", "kms")


def _prewarm(dispatcher: Any, region: str = "us-east-1") -> None:
    """Build moto's per-service application (and its default-account backend) ahead of use.

    Runs in the background once the server answers, overlapping with `terraform init`; a
    request for a service still being built simply waits on moto's own lock.
    """
    for service in PREWARM_SERVICES:
        environ = {
            "PATH_INFO": "/",
            "REQUEST_METHOD": "POST",
            "HTTP_AUTHORIZATION": (
                f"AWS4-HMAC-SHA256 Credential=prewarm/20240101/{region}/{service}/aws4_request, "
                "SignedHeaders=host, Signature=0"
            ),
        }
        try:
            dispatcher.get_application(environ)
        except Exception as error:  # warming is an optimisation: never let it break the server
            print(f"batch-harness emulator: prewarm of {service} failed: {error!r}", flush=True)


_prepared: Any = None  # a warm dispatcher built by prepare() before this process forked


def prepare() -> None:
    """Import, patch and warm every service's backend once, in a process that then forks servers
    (the account factory): each forked server starts with all of it in place, for free."""
    global _prepared
    configure_moto()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    dispatcher = DomainDispatcherApplication(create_backend_app)
    _prewarm(dispatcher)
    _prepared = dispatcher


def _watch_parent(parent_pid: int, stop: threading.Event, shutdown: Any, orphaned: threading.Event) -> None:
    original_parent = os.getppid()
    while not stop.wait(0.5):
        try:
            os.kill(parent_pid, 0)
            alive = os.getppid() == original_parent
        except ProcessLookupError:
            alive = False
        except PermissionError:
            alive = True
        if not alive:
            print("batch-harness emulator: parent process is gone, stopping", flush=True)
            orphaned.set()
            shutdown()
            return


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.port:
        os.environ["MOTO_PORT"] = str(args.port)

    from .containers import mode
    from .docker_probe import docker_engine_answers

    engine = args.batch_docker != "off" and docker_engine_answers()
    runner_mode = mode.choose(args.batch_docker, engine)
    mode.set_mode(runner_mode)
    batch_docker = runner_mode.containers
    patches = configure_moto()
    if args.emit_batch_events:
        from .compat import batch_jobs

        batch_jobs.set_emit_events(True)

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from .control import ControlMiddleware
    from .replay import RetryReplay

    class RequestHandler(MotoRequestHandler):
        def log_request(self, code: Any = "-", size: Any = "-") -> None:
            if args.verbose or str(code).startswith("5"):
                super().log_request(code, size)

    info: dict[str, Any] = {"batch_docker": batch_docker, "job_runner": runner_mode.describe()}
    dispatcher = _prepared or DomainDispatcherApplication(create_backend_app)
    app = ControlMiddleware(RetryReplay(dispatcher), info)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=RequestHandler)
    port = server.server_port
    os.environ["MOTO_PORT"] = str(port)  # the Step Functions engine calls back here
    endpoint = f"http://{args.host}:{port}"
    info.update({"port": port, "endpoint": endpoint})
    if batch_docker:
        from .containers.wiring import start_container_runner

        start_container_runner(endpoint)

    stopping = threading.Event()

    def shutdown() -> None:
        if not stopping.is_set():
            stopping.set()
            # serve_forever runs in this (main) thread: shut it down from another one.
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, lambda *_: shutdown())
    signal.signal(signal.SIGINT, lambda *_: shutdown())
    orphaned = threading.Event()
    if args.parent_pid:
        threading.Thread(
            target=_watch_parent, args=(args.parent_pid, stopping, shutdown, orphaned), daemon=True
        ).start()

    ready = {
        "port": port,
        "pid": os.getpid(),
        "endpoint": endpoint,
        "batch_docker": batch_docker,
        "job_runner": runner_mode.describe(),
    }
    if args.ready_file:
        temporary = args.ready_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(ready))
        temporary.replace(args.ready_file)  # atomic: a reader never sees half a file
    print(
        f"{READY_PREFIX} on {endpoint} (pid {os.getpid()}, moto patches: {len(patches)}, "
        f"jobs: {runner_mode.describe()})",
        flush=True,
    )
    if args.prewarm and _prepared is None:
        threading.Thread(target=_prewarm, args=(dispatcher,), daemon=True, name="prewarm").start()
    started = time.monotonic()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        if batch_docker:
            from .containers.wiring import stop_container_runner

            stop_container_runner()
    print(f"batch-harness emulator stopped after {time.monotonic() - started:.1f}s", flush=True)
    if orphaned.is_set() and args.owned_dir:
        shutil.rmtree(args.owned_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
