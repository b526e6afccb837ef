"""LocalAccount lifecycle: start, answer, stop (twice, at exit, when the parent dies), no orphan."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from batch_harness.emulator import EmulatorError, LocalAccount, factory

# Most tests here start their own account inline, not through a fixture.
pytestmark = pytest.mark.emulator


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # our own exited child is a zombie until reaped: not alive
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _port_free(port: int) -> bool:
    """Nobody listens there any more (connections left in TIME_WAIT do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _reaped_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while Path(f"/proc/{pid}").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.fixture(params=["direct", "forked"])
def start_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each lifecycle test for both ways a server starts: its own interpreter, or forked by the
    account factory (the suite's default)."""
    monkeypatch.setattr(factory, "_enabled", request.param == "forked")
    return str(request.param)


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_start_answers_then_stop_frees_everything(start_path: str) -> None:
    account = LocalAccount.start(prewarm=False, batch_fail_after=0)
    pid, port = account.pid, account.port
    try:
        assert account.running
        assert (_parent(pid) == os.getpid()) == (start_path == "direct")
        health = account.health()
        assert health["status"] == "ready" and health["pid"] == pid and health["port"] == port
        assert health["batch_docker"] is False  # the tests simulate jobs unless they ask for containers
        assert health["job_runner"] == "simulated: containers switched off (BATCH_HARNESS_JOB_RUNNER=simulated)"
        assert account.client("sts").get_caller_identity()["Account"] == account.account_id
        assert account.batch_failure_rules() == [
            {"seconds": 0, "job_name": None, "exit_code": 1, "status_reason": "Essential container in task exited"}
        ]
        assert account.log_path.exists()
    finally:
        account.stop()
    assert not account.running
    assert not _alive(pid)
    assert _reaped_within(pid, 5)  # by its parent: not left a zombie
    assert _port_free(port)
    assert not account.log_path.exists()  # the temporary folder went with it
    account.stop()  # a second stop is harmless


def test_stop_escalates_to_sigkill_when_sigterm_is_not_enough(start_path: str) -> None:
    account = LocalAccount.start(prewarm=False)
    os.kill(account.pid, signal.SIGSTOP)  # a stopped process cannot act on SIGTERM: only SIGKILL ends it
    account.stop(grace=1.0)
    assert not _alive(account.pid)


CHILD = textwrap.dedent(
    """
    import sys, time
    from batch_harness.emulator import LocalAccount, factory
    factory.enable(sys.argv[2] == "forked")
    account = LocalAccount.start(prewarm=False)
    print(account.pid, account.port, account.log_path.parent, flush=True)
    if sys.argv[1] == "linger":
        time.sleep(600)
    """
)


def _child(mode: str, start_path: str) -> tuple[subprocess.Popen[str], int, int, Path]:
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, mode, start_path], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert process.stdout is not None
    pid, port, workdir = process.stdout.readline().split()
    return process, int(pid), int(port), Path(workdir)


def test_atexit_stops_the_server_when_the_owner_exits_without_stop(start_path: str) -> None:
    process, pid, port, workdir = _child("exit", start_path)
    assert process.wait(timeout=60) == 0
    assert _gone_within(pid, 5)
    assert _port_free(port)
    assert not workdir.exists()


def test_server_exits_when_its_owner_is_killed(start_path: str) -> None:
    process, pid, _, workdir = _child("linger", start_path)
    assert workdir.is_dir()
    server_parent = _parent(pid)  # the owner, or the owner's factory
    os.killpg(process.pid, signal.SIGKILL)  # no atexit can run: the server's parent watch must act
    process.wait(timeout=10)
    assert _gone_within(pid, 10)
    assert not workdir.exists(), "the server must remove its killed owner's scratch folder"
    assert _gone_within(server_parent, 5)  # a factory, too, leaves with its owner


def test_start_failure_raises_with_the_server_log(start_path: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(EmulatorError, match="Address already in use"):
            LocalAccount.start(port=port, prewarm=False)


def test_control_endpoints_reject_unknown_routes_and_bad_bodies(account: LocalAccount) -> None:
    request = urllib.request.Request(f"{account.endpoint}/moto-api/batch-harness/nothing")
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(request, timeout=10)
    assert missing.value.code == 404
    bad = urllib.request.Request(
        f"{account.endpoint}/moto-api/batch-harness/batch-failure", data=b"{not json", method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as invalid:
        urllib.request.urlopen(bad, timeout=10)
    assert invalid.value.code == 400
    assert json.loads(invalid.value.read())["error"]


def test_env_points_at_the_account_and_full_env_drops_real_identities(account: LocalAccount) -> None:
    env = account.env()
    assert env["AWS_ENDPOINT_URL"] == account.endpoint
    assert env["AWS_EC2_METADATA_DISABLED"] == "true"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == account.region
    merged = account.full_env({"AWS_PROFILE": "prod", "AWS_SESSION_TOKEN": "t", "PATH": "/usr/bin"})
    assert "AWS_PROFILE" not in merged and "AWS_SESSION_TOKEN" not in merged
    assert merged["PATH"] == "/usr/bin" and merged["AWS_ENDPOINT_URL"] == account.endpoint
