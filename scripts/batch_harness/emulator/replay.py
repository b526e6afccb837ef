"""SDK retries of a request the emulator already answered get that same answer.

Every AWS SDK marks all attempts of one call with the same ``amz-sdk-invocation-id`` header and
retries a call whose answer it did not get. On a busy machine an answer of the emulator is
sometimes lost on its way (the Terraform provider reports ``use of closed network connection``)
although the request was executed. Executing the retry again turns a resource that was just
created into ``EntityAlreadyExists`` / ``ConflictException`` and fails a whole apply — AWS never
does that to a caller, because its answers do not get lost on a loopback connection.

So the first attempt's successful answer is kept, and a retry of the same invocation gets it
(waiting for the first attempt if that is still running). Failed answers (4xx, 5xx) are never
replayed: a retry after a throttle or a server error must really run again. A transport
concern of this emulator, not an AWS behaviour — moto itself is not changed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

INVOCATION_HEADER = "HTTP_AMZ_SDK_INVOCATION_ID"
# Long enough for any first attempt still running on a loaded machine; a retry never waits forever.
FIRST_ATTEMPT_WAIT = 300.0

StartResponse = Callable[..., Any]


@dataclass
class _Answer:
    done: threading.Event = field(default_factory=threading.Event)
    status: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @property
    def succeeded(self) -> bool:
        return self.done.is_set() and self.status[:1] == "2"


class RetryReplay:
    """WSGI middleware: one execution per SDK invocation while its answer was a success."""

    def __init__(self, app: Callable[..., Iterable[bytes]], capacity: int = 2048):
        self.app = app
        self.capacity = capacity
        self.replayed = 0
        self._answers: OrderedDict[str, _Answer] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        invocation = environ.get(INVOCATION_HEADER)
        if not invocation:
            return self.app(environ, start_response)
        with self._lock:
            earlier = self._answers.get(invocation)
        if earlier is not None:
            earlier.done.wait(FIRST_ATTEMPT_WAIT)
            if earlier.succeeded:
                with self._lock:
                    self.replayed += 1
                print(f"batch-harness emulator: answered an SDK retry from memory ({invocation})", flush=True)
                start_response(earlier.status, earlier.headers)
                return [earlier.body]
        return self._execute(invocation, environ, start_response)

    def _execute(self, invocation: str, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        answer = _Answer()
        with self._lock:
            self._answers[invocation] = answer
            self._answers.move_to_end(invocation)
            while len(self._answers) > self.capacity:
                self._answers.popitem(last=False)

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer.status, answer.headers = status, list(headers)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        try:
            chunks = self.app(environ, keep)
            try:
                answer.body = b"".join(chunks)
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()
        finally:
            answer.done.set()
        return [answer.body]
