"""Start and stop the container runner inside the emulator server process."""

from __future__ import annotations

import logging
import threading
from typing import Any

from ..compat import batch_jobs
from . import engine
from .runner import ContainerRunner

LOG = logging.getLogger("batch_harness.emulator.containers")
_runner: ContainerRunner | None = None


def _clients_of(endpoint: str) -> Any:
    """boto3 clients of this emulator, one per service and region (a client costs ~0.3 s)."""
    import boto3

    cache: dict[tuple[str, str], Any] = {}
    lock = threading.Lock()

    def clients(service: str, region: str) -> Any:
        with lock:
            if (service, region) not in cache:
                cache[(service, region)] = boto3.client(
                    service,
                    region_name=region,
                    endpoint_url=endpoint,
                    aws_access_key_id="testing",
                    aws_secret_access_key="testing",
                )
            return cache[(service, region)]

    return clients


def start_container_runner(endpoint: str) -> None:
    global _runner
    _runner = ContainerRunner(endpoint, _clients_of(endpoint))
    removed = engine.remove_containers(_runner.engine, own=False, orphans=True)
    if removed:
        print(f"batch-harness emulator: removed {len(removed)} container(s) of emulators that are gone", flush=True)
    batch_jobs.set_container_runner(_runner)


def stop_container_runner() -> None:
    """No container outlives its emulator: remove every one it started."""
    global _runner
    if _runner is None:
        return
    batch_jobs.set_container_runner(None)
    _runner.close()
    try:
        removed = engine.remove_containers(_runner.engine, own=True, orphans=True)
        if removed:
            print(f"batch-harness emulator: removed {len(removed)} job container(s) at stop", flush=True)
    except Exception as error:  # the engine went away first: nothing of ours can be left in it
        LOG.warning("could not list job containers at stop: %s", error)
    _runner = None
