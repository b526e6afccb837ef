"""The local Docker engine: start, wait for, read and remove job containers; leave none behind.

Every container carries the labels of the emulator that started it (its pid and its owner's),
so the emulator removes its own at stop and, at start, those of emulators that are gone
(killed with SIGKILL, which no cleanup survives).
"""

from __future__ import annotations

import contextlib
import os
import socket
from typing import Any

LABEL = "batch-harness.emulator"  # "<hostname>:<pid>" of the emulator server
LABEL_JOB = "batch-harness.job-id"
LABEL_ATTEMPT = "batch-harness.attempt"


def identity(pid: int | None = None) -> str:
    return f"{socket.gethostname()}:{pid or os.getpid()}"


def client() -> Any:
    """A client of the engine at DOCKER_HOST or the default socket (docker SDK)."""
    import docker

    return docker.from_env(timeout=30)


def image_present(engine: Any, image: str) -> bool:
    import docker.errors

    try:
        engine.images.get(image)
        return True
    except docker.errors.ImageNotFound:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_containers(engine: Any, *, own: bool = True, orphans: bool = True) -> list[str]:
    """Remove this emulator's containers (``own``) and those of emulators of this host that are
    gone (``orphans``). Returns the names removed."""
    removed = []
    me = identity()
    host = socket.gethostname()
    for container in engine.containers.list(all=True, filters={"label": LABEL}):
        owner = container.labels.get(LABEL, "")
        owner_host, _, pid = owner.rpartition(":")
        mine = owner == me
        orphan = owner_host == host and pid.isdigit() and not _alive(int(pid))
        if (own and mine) or (orphans and orphan):
            with contextlib.suppress(Exception):  # already gone
                container.remove(force=True)
                removed.append(container.name)
    return removed
