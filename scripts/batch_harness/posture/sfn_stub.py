"""A loopback stand-in for the one Step Functions call the AWS provider makes during plan.

hashicorp/aws >= 5.67 validates a state machine definition with
``states:ValidateStateMachineDefinition`` as soon as the definition is fully known at plan
time. Fully known is exactly what the posture resolver produces, and no endpoint exists
offline, so the plan points the provider's ``sfn`` endpoint here. Only that call is answered
(``result: OK`` — checkov, not this stub, judges the definition); any other Step Functions
call fails loudly so a plan can never silently depend on this stand-in.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

VALIDATE_TARGET = "AWSStepFunctions.ValidateStateMachineDefinition"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        target = self.headers.get("X-Amz-Target", "")
        self.server.calls.append(target)  # type: ignore[attr-defined]
        if target == VALIDATE_TARGET:
            status, body = 200, {"result": "OK", "diagnostics": []}
        else:
            status, body = (
                400,
                {
                    "__type": "UnsupportedOperation",
                    "message": f"posture plan stub answers only {VALIDATE_TARGET}, not {target or 'this call'}",
                },
            )
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        return


class SfnValidationStub:
    """``with SfnValidationStub() as stub: ... stub.url``"""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.calls = []  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, name="sfn-stub", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def calls(self) -> list[str]:
        return list(self._server.calls)  # type: ignore[attr-defined]

    def __enter__(self) -> SfnValidationStub:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
