"""An SDK retry of a call the emulator already answered gets that answer, not a second execution."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from batch_harness.emulator import LocalAccount
from batch_harness.emulator.replay import INVOCATION_HEADER, RetryReplay

from .conftest import unique


class CountingApp:
    """A WSGI app that answers ``status`` and counts how often it really ran."""

    def __init__(self, status: str = "200 OK", gate: threading.Event | None = None) -> None:
        self.status = status
        self.gate = gate
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls += 1
        if self.gate is not None:
            self.gate.wait(10)
        body = json.dumps({"run": self.calls}).encode()
        start_response(self.status, [("Content-Length", str(len(body)))])
        return [body]


def call(app: RetryReplay, invocation: str | None) -> tuple[str, bytes]:
    seen: dict[str, str] = {}
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "wsgi.input": io.BytesIO()}
    if invocation:
        environ[INVOCATION_HEADER] = invocation
    body = b"".join(app(environ, lambda status, headers, exc_info=None: seen.setdefault("status", status)))
    return seen["status"], body


def test_a_retry_of_an_answered_call_gets_the_same_answer_without_running_again() -> None:
    inner = CountingApp()
    app = RetryReplay(inner)
    first = call(app, "inv-1")
    assert call(app, "inv-1") == first == ("200 OK", b'{"run": 1}')
    assert (inner.calls, app.replayed) == (1, 1)


@pytest.mark.parametrize("status", ["500 Internal Server Error", "400 Bad Request"])
def test_a_failed_answer_is_never_replayed(status: str) -> None:
    inner = CountingApp(status)
    app = RetryReplay(inner)
    call(app, "inv-1")
    assert call(app, "inv-1") == (status, b'{"run": 2}')
    assert app.replayed == 0


def test_calls_without_an_invocation_id_or_with_another_one_always_run() -> None:
    inner = CountingApp()
    app = RetryReplay(inner)
    call(app, None)
    call(app, None)
    call(app, "inv-a")
    call(app, "inv-b")
    assert inner.calls == 4


def test_a_retry_arriving_while_the_first_attempt_runs_waits_for_its_answer() -> None:
    gate = threading.Event()
    inner = CountingApp(gate=gate)
    app = RetryReplay(inner)
    answers: list[tuple[str, bytes]] = []
    first = threading.Thread(target=lambda: answers.append(call(app, "slow")))
    first.start()
    while inner.calls == 0:
        threading.Event().wait(0.01)
    retry = threading.Thread(target=lambda: answers.append(call(app, "slow")))
    retry.start()
    retry.join(0.2)
    assert retry.is_alive(), "the retry must wait for the first attempt"
    gate.set()
    first.join(5)
    retry.join(5)
    assert answers == [("200 OK", b'{"run": 1}')] * 2 and inner.calls == 1


def test_old_answers_are_forgotten_beyond_the_capacity() -> None:
    inner = CountingApp()
    app = RetryReplay(inner, capacity=2)
    for invocation in ("a", "b", "c", "a"):
        call(app, invocation)
    assert inner.calls == 4  # "a" was evicted by "c", so its retry ran again


# -- over HTTP, through the Terraform provider's kind of retry ------------------------------------


def _iam_with_invocation_id(account: LocalAccount, invocation: str) -> Any:
    iam = account.client("iam")

    def same_invocation(request: Any, **_: Any) -> None:
        request.headers["amz-sdk-invocation-id"] = invocation

    iam.meta.events.register("before-send.iam.CreateRole", same_invocation)
    return iam


TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "batch.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


def test_a_create_retried_after_a_lost_answer_returns_the_created_role(account: LocalAccount) -> None:
    name = unique("retried-role")
    iam = _iam_with_invocation_id(account, f"invocation-{name}")
    first = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]
    again = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]
    assert again["RoleId"] == first["RoleId"]
    assert account.health()["sdk_retries_replayed"] >= 1


def test_a_new_call_creating_the_same_role_still_fails_as_in_aws(account: LocalAccount) -> None:
    name = unique("twice-role")
    iam = account.client("iam")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    with pytest.raises(ClientError) as error:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    assert error.value.response["Error"]["Code"] == "EntityAlreadyExists"
