"""The Terraform process runner, against fake ``terraform`` binaries (the real one: tests/e2e)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from batch_harness.run.interrupts import Interrupted, SignalGuard
from batch_harness.terraform import process as tfprocess
from batch_harness.terraform.runner import PlanResult, TerraformError, TerraformRunner

main_thread_only = pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(), reason="signal handlers need the main thread"
)
pytestmark = pytest.mark.skipif(os.name != "posix", reason="the fake binaries are shell scripts")


def fake_binary(tmp_path: Path, body: str) -> str:
    script = tmp_path / "terraform"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return str(script)


@pytest.mark.timeout(60)
def test_a_mebibyte_on_stderr_and_stdout_does_not_block(tmp_path):
    # More than a pipe buffer on both pipes: a runner reading one pipe to its end first hangs.
    binary = fake_binary(
        tmp_path,
        "head -c 1048576 /dev/zero | tr '\\000' e >&2\nhead -c 1048576 /dev/zero | tr '\\000' o\nexit 1\n",
    )
    runner = TerraformRunner(tmp_path, binary=binary, timeout=30)
    with pytest.raises(TerraformError) as raised:
        runner.validate()
    assert raised.value.returncode == 1
    assert len(raised.value.stderr) == 1 << 20 and len(raised.value.stdout) == 1 << 20


def test_the_exit_code_and_both_outputs_are_kept(tmp_path):
    binary = fake_binary(tmp_path, 'echo "out $1"\necho "Error: broken $1" >&2\nexit 3\n')
    result = tfprocess.run([binary, "plan"], cwd=tmp_path, env=dict(os.environ))
    assert (result.returncode, result.stdout, result.stderr, result.timed_out) == (
        3,
        "out plan\n",
        "Error: broken plan\n",
        False,
    )


def test_the_command_runs_in_its_own_process_group(tmp_path):
    binary = fake_binary(tmp_path, "ps -o pgid= -p $$\n")
    result = tfprocess.run([binary], cwd=tmp_path, env=dict(os.environ))
    assert int(result.stdout.strip()) != os.getpgrp()


def test_a_timeout_interrupts_terraform_which_stops_gracefully(tmp_path):
    marker = tmp_path / "got-sigint"
    binary = fake_binary(tmp_path, f"trap 'echo got > {marker}; exit 1' INT\nwhile true; do sleep 0.05; done\n")
    runner = TerraformRunner(tmp_path, binary=binary, timeout=0.5)
    with pytest.raises(TerraformError, match=r"terraform init still running after 0s: interrupted") as failure:
        runner.validate()
    assert marker.read_text().strip() == "got"
    assert failure.value.returncode == 1, "it exited from its own interrupt handler, not killed after the grace"


def test_a_command_ignoring_the_interrupt_is_killed_with_its_children_after_the_grace(tmp_path):
    pid_file = tmp_path / "grandchild"
    binary = fake_binary(tmp_path, f"trap '' INT\nsleep 300 &\necho $! > {pid_file}\nwait\n")
    result = tfprocess.run([binary], cwd=tmp_path, env=dict(os.environ), timeout=0.5, grace=0.5)
    assert result.timed_out and result.returncode == -signal.SIGKILL
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild), "the provider-like grandchild survived"
    assert tfprocess.running() == []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (reaped by init later) counts as gone.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.is_file() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


@main_thread_only
def test_a_signal_interrupts_the_running_command_once_and_waits_for_it(tmp_path):
    marker = tmp_path / "sigints"
    binary = fake_binary(
        tmp_path, f"trap 'echo int >> {marker}; sleep 0.3; exit 1' INT\nwhile true; do sleep 0.05; done\n"
    )
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    with pytest.raises(Interrupted), SignalGuard(log=lambda m: None):
        tfprocess.run([binary], cwd=tmp_path, env=dict(os.environ), timeout=30)
    # One interrupt (a second would make Terraform exit without writing its state), and it exited.
    assert marker.read_text().split() == ["int"]
    assert tfprocess.running() == []


def test_plan_changes_come_from_the_json_plan():
    raw = {
        "resource_changes": [
            {"address": "aws_iam_role.same", "change": {"actions": ["no-op"]}},
            {"address": 'module.j["a"].aws_batch_job_definition.this', "change": {"actions": ["delete", "create"]}},
            {"address": "data.aws_iam_policy_document.late", "change": {"actions": ["read"]}},
        ],
        "output_changes": {"queue": {"actions": ["no-op"]}, "new": {"actions": ["create"]}},
    }
    assert PlanResult.from_json(raw).changes == [
        'module.j["a"].aws_batch_job_definition.this',
        "data.aws_iam_policy_document.late",
        "output.new",
    ]
    assert PlanResult.from_json({"resource_changes": raw["resource_changes"][:1]}).changes == []
