"""The account factory: forked accounts are as fresh and separate as directly started ones."""

from __future__ import annotations

import socket
import subprocess
import threading
from pathlib import Path

import pytest

from batch_harness.emulator import LocalAccount, factory
from batch_harness.emulator.factory import ForkedProcess

pytestmark = pytest.mark.emulator


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factory, "_enabled", True)


def _security_group(account: LocalAccount, name: str) -> str:
    ec2 = account.client("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    group_id: str = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    return group_id


@pytest.mark.usefixtures("forked")
def test_forked_accounts_are_separate_and_draw_their_own_ids() -> None:
    with LocalAccount.start() as first, LocalAccount.start() as second:
        assert isinstance(first._process, ForkedProcess) and isinstance(second._process, ForkedProcess)
        assert first.pid != second.pid
        in_first = _security_group(first, "job")
        in_second = _security_group(second, "job")
        # moto draws ids from its own generator, copied at fork: each child reseeds it.
        assert in_first != in_second
        groups = second.client("ec2").describe_security_groups()["SecurityGroups"]
        assert in_first not in {group["GroupId"] for group in groups}
        # The warm factory already holds every AWS managed policy: a forked IAM has them all.
        iam = first.client("iam")
        assert iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole")["Policy"]


@pytest.mark.usefixtures("forked")
def test_a_forked_server_honours_its_own_environment() -> None:
    """MOTO_SIMPLE_BATCH_FAIL_AFTER is read by the child after the fork, not frozen in the factory."""
    with LocalAccount.start(batch_fail_after=3) as failing, LocalAccount.start() as plain:
        assert [rule["seconds"] for rule in failing.batch_failure_rules()] == [3]
        assert plain.batch_failure_rules() == []


def test_the_factory_refuses_to_fork_while_another_thread_runs() -> None:
    """A lock held by another thread at fork time stays held in the child forever."""
    release = threading.Event()
    waiter = threading.Thread(target=release.wait)
    waiter.start()
    try:
        left, right = socket.socketpair()
        with left, right:
            reply = factory._fork_server({}, left, right)  # returns before any fork: no request needed
    finally:
        release.set()
        waiter.join()
    assert reply["error"].endswith("threads alive in the factory: forking could copy a held lock")
    assert "pid" not in reply


def test_an_account_starts_directly_when_the_factory_cannot_fork(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(factory, "_enabled", True)
    asked: list[list[str]] = []

    def refuse(argv: list[str], env: object, log_path: Path) -> None:
        asked.append(argv)
        return None

    monkeypatch.setattr(factory, "spawn_server", refuse)
    with LocalAccount.start(prewarm=False) as account:
        assert isinstance(account._process, subprocess.Popen)
        assert account.health()["status"] == "ready"
    assert len(asked) == 1 and "--parent-pid" in asked[0]


def test_a_detached_account_never_depends_on_a_factory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(factory, "_enabled", True)
    monkeypatch.setattr(factory, "spawn_server", lambda *_: pytest.fail("a detached account was forked"))
    account = LocalAccount.start(prewarm=False, detached_in=tmp_path / "state")
    try:
        assert isinstance(account._process, subprocess.Popen)
    finally:
        account.stop()
