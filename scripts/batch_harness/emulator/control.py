"""Control endpoints of the emulator server, next to moto's own `/moto-api/` (not AWS APIs).

GET    /moto-api/batch-harness/health            readiness + what is configured
GET    /moto-api/batch-harness/batch-failure     the job failure rules
POST   /moto-api/batch-harness/batch-failure     {"seconds": int|null, "job_name": glob|null,
                                                  "exit_code": int, "status_reason": str}
DELETE /moto-api/batch-harness/batch-failure     no job fails
GET    /moto-api/batch-harness/batch-events      {"enabled": bool}
POST   /moto-api/batch-harness/batch-events      {"enabled": bool}: emit Batch Job State Change
GET    /moto-api/batch-harness/event-deliveries  what PutEvents did with each rule target
DELETE /moto-api/batch-harness/event-deliveries  forget them
GET    /moto-api/batch-harness/job-images        {"runner": str, "images": {name: image}}
POST   /moto-api/batch-harness/job-images        {"images": {job definition name or image: local image}}
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any

from .compat import applied, batch_jobs, events, installed_moto_version
from .containers import mode
from .replay import RetryReplay

PREFIX = "/moto-api/batch-harness/"

StartResponse = Callable[..., Any]


def _failure_rules_after(request: dict[str, Any]) -> list[batch_jobs.FailureRule]:
    """Set (or, with ``seconds`` null, remove) the rule for ``job_name``; null/null removes all."""
    job_name = request.get("job_name")
    seconds = request.get("seconds")
    kept = [batch_jobs.FailureRule(**rule) for rule in batch_jobs.failure_rules() if rule["job_name"] != job_name]
    if seconds is None:
        return kept if job_name is not None else []
    rule = batch_jobs.FailureRule(
        seconds=max(0, int(seconds)),
        job_name=job_name,
        exit_code=int(request.get("exit_code", 1)),
        status_reason=str(request.get("status_reason") or batch_jobs.DEFAULT_FAILURE_REASON),
    )
    return [*kept, rule]


class ControlMiddleware:
    """Answers PREFIX paths itself and hands every other request to moto's application."""

    def __init__(self, app: Callable[..., Iterable[bytes]], info: dict[str, Any]):
        self.app = app
        self.info = info
        self.replay = app if isinstance(app, RetryReplay) else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX):
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            request = json.loads(raw or b"{}")
            status, body = self.handle(method, path[len(PREFIX) :].strip("/"), request)
        except (ValueError, TypeError, KeyError) as error:
            status, body = "400 Bad Request", {"error": str(error)}
        payload = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    def handle(self, method: str, route: str, request: dict[str, Any]) -> tuple[str, Any]:
        ok = "200 OK"
        if route == "health" and method == "GET":
            return ok, {
                "status": "ready",
                "moto": installed_moto_version(),
                "patches": applied(),
                "pid": os.getpid(),
                "batch_events": batch_jobs.emit_events_enabled(),
                "sdk_retries_replayed": self.replay.replayed if self.replay else 0,
                **self.info,
            }
        if route == "batch-failure":
            if method == "POST":
                batch_jobs.set_failure_rules(_failure_rules_after(request))
            elif method == "DELETE":
                batch_jobs.set_failure_rules([])
            return ok, {"rules": batch_jobs.failure_rules()}
        if route == "batch-events":
            if method == "POST":
                batch_jobs.set_emit_events(bool(request.get("enabled")))
            return ok, {"enabled": batch_jobs.emit_events_enabled()}
        if route == "event-deliveries":
            if method == "DELETE":
                events.clear_deliveries()
            return ok, {"deliveries": events.deliveries()}
        if route == "job-images":
            if method == "POST":
                images = request.get("images") or {}
                mode.set_images({str(k): str(v) for k, v in images.items()})
            return ok, {"runner": mode.current().describe(), "images": mode.images()}
        return "404 Not Found", {"error": f"no control endpoint {method} {PREFIX}{route}"}
