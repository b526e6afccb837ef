"""Is there a Docker engine that truly answers? (Only then do jobs run as containers.)"""

from __future__ import annotations


def docker_engine_answers(timeout: float = 2.0) -> bool:
    """True only when the engine answers a ping; an installed CLI or a dead socket is not enough."""
    try:
        import docker

        client = docker.from_env(timeout=int(max(1, timeout)))
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # no SDK, no socket, permission denied, timeout: all mean "no engine"
        return False
