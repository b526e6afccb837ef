"""The local Docker engine: start, wait for, read and remove job containers; leave none behind.

Every container carries the labels of the emulator that started it (its pid and its owner's),
so the emulator removes its own at stop and, at start, those of emulators that are gone
(killed with SIGKILL, which no cleanup survives).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import socket
import threading
import time
from typing import Any

LOG = logging.getLogger("batch_harness.emulator.containers")

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


KERNEL_LOG = "/dev/kmsg"


def kernel_reported_oom(container_id: str, path: str = KERNEL_LOG) -> bool | None:
    """Whether the kernel log holds an OOM kill in the container's memory cgroup; None if it
    cannot be read (no privilege, or the engine runs elsewhere: then it never names the container).

    The kernel writes its ``oom-kill:...,oom_memcg=/docker/<id>,...`` record before it sends the
    SIGKILL, so it is there when the exit is seen; the engine's own OOM notice can be lost when
    the runtime removes the container's cgroup before it has read the cgroup's OOM counter.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    wanted = container_id.encode()
    try:
        while True:
            try:
                chunk = os.read(fd, 8192)  # /dev/kmsg: one record per read
            except BlockingIOError:  # read up to the newest record
                return False
            except OSError as error:
                if error.errno == errno.EPIPE:  # records overwritten meanwhile: go on with the next
                    continue
                return None
            if not chunk:
                return False
            if any(b"oom-kill:" in line and wanted in line for line in chunk.splitlines()):
                return True
    finally:
        os.close(fd)


class OomWatch:
    """Containers of this emulator the kernel killed for memory, from the engine's event stream.

    ``State.OOMKilled`` alone is not reliable: the engine sets it only if the runtime's OOM
    notice reaches it before the exit notice, and under load they arrive either way round (the
    container then reads "exited 137, not OOM-killed"). The engine still logs an ``oom`` event
    for it, whichever came first; this watch records those events for ``killed`` to wait on.
    """

    def __init__(self, engine: Any, owner: str | None = None) -> None:
        self._engine = engine
        self._filters = {"event": "oom", "label": f"{LABEL}={owner or identity()}"}
        self._killed: set[str] = set()
        self._changed = threading.Condition()
        self._closed = False
        # Subscribed before any container starts: no OOM event can fall before the stream.
        self._since = int(time.time())
        self._stream: Any = None
        try:
            self._stream = self._subscribe(None)
        except Exception as error:  # the thread below keeps trying (and replays from _since)
            LOG.warning("could not subscribe to engine events: %s", error)
        self._thread = threading.Thread(target=self._follow, daemon=True, name="batch-harness-oom-watch")
        self._thread.start()

    def _subscribe(self, since: int | None) -> Any:
        return self._engine.events(decode=True, since=since, filters=self._filters)

    def _follow(self) -> None:
        while not self._closed:
            try:
                for event in self._stream or ():
                    container_id = event.get("id") or event.get("Actor", {}).get("ID", "")
                    with self._changed:
                        self._killed.add(container_id)
                        self._changed.notify_all()
            except Exception as error:  # the stream broke (engine restarted, connection dropped)
                if not self._closed:
                    LOG.warning("engine event stream ended: %s; resubscribing", error)
            if self._closed:
                return
            time.sleep(0.5)
            try:
                # Replay from the last subscription on: an OOM during the gap is not lost.
                now = int(time.time())
                self._stream = self._subscribe(self._since)
                self._since = now
            except Exception as error:
                LOG.warning("could not resubscribe to engine events: %s", error)

    def killed(self, container_id: str, grace: float) -> bool:
        """Whether the engine reported an OOM kill of the container, waiting up to ``grace``
        seconds for a notice still on its way; forgets the container either way."""
        with self._changed:
            found = self._changed.wait_for(lambda: container_id in self._killed, timeout=grace)
            self._killed.discard(container_id)
            return found

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(Exception):
            self._stream.close()
