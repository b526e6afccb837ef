"""A loopback endpoint for the one Step Functions call the AWS provider makes while planning.

hashicorp/aws >= 5.67 validates a state machine definition with
``states:ValidateStateMachineDefinition`` as soon as the definition is fully known at plan time
(with a ``kms_key_arn`` the account id is, and so is every pipeline's definition). An offline plan
has no endpoint, so its provider's ``sfn`` endpoint points here. Only that call is answered —
by moto's ASL parser, the one the emulator executes definitions with, unless the caller passes
its own ``check``; any other Step Functions call fails loudly, so a plan can never silently
depend on this stand-in.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

VALIDATE_TARGET = "AWSStepFunctions.ValidateStateMachineDefinition"
Check = Callable[[str], list[dict[str, str]]]  # definition -> diagnostics (empty: valid)


def parser_check(definition: str) -> list[dict[str, str]]:
    """Diagnostics from moto's ASL parser (imported on first use: moto is slow to import)."""
    from .compat.stepfunctions import validate_definition

    return validate_definition(definition)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        target = self.headers.get("X-Amz-Target", "")
        self.server.calls.append(target)
        if target == VALIDATE_TARGET:
            diagnostics = self.server.check(str(body.get("definition", "")))
            status = 200
            answer: dict[str, object] = {"result": "FAIL" if diagnostics else "OK", "diagnostics": diagnostics}
        else:
            status = 400
            answer = {
                "__type": "UnsupportedOperation",
                "message": f"the plan-time Step Functions endpoint answers only {VALIDATE_TARGET}, "
                f"not {target or 'this call'}",
            }
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, check: Check) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.check = check
        self.calls: list[str] = []


class SfnValidationServer:
    """``with SfnValidationServer() as server: ... server.url``"""

    def __init__(self, check: Check = parser_check) -> None:
        self._server = _Server(check)
        self._thread = threading.Thread(target=self._server.serve_forever, name="sfn-validation", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def calls(self) -> list[str]:
        return list(self._server.calls)

    def start(self) -> SfnValidationServer:
        self._thread.start()
        return self

    def __enter__(self) -> SfnValidationServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@functools.cache
def shared_endpoint() -> str:
    """One validation endpoint for every offline plan of this process (a daemon thread)."""
    return SfnValidationServer().start().url
