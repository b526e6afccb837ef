"""scripts/engine.sh called by several test workers at once starts one engine, and all of them
see it answer. Run against stand-ins for docker, dockerd and pgrep on PATH (the machine's real
engine is never touched)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

FAKES = {
    # answers once the fake engine has written its socket stand-in
    "docker": '[ -f "$FAKE_ENGINE/socket" ] && echo 20.10-fake',
    # Counts its starts and stays up like a daemon (holding whatever descriptors it inherited).
    # It shows as running only after a second, which makes the unlocked race certain: every caller
    # has looked for a dockerd by then.
    "dockerd": (
        'echo $$ >> "$FAKE_ENGINE/pids"; echo start >> "$FAKE_ENGINE/starts"; sleep 1; '
        'touch "$FAKE_ENGINE/running" "$FAKE_ENGINE/socket"; exec sleep 300'
    ),
    "pgrep": '[ -f "$FAKE_ENGINE/running" ]',
    "ldd": "echo '        not a dynamic executable'",
    "id": "echo 0",
}


@pytest.fixture
def fake_machine(tmp_path: Path) -> Iterator[dict[str, str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in FAKES.items():
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if key != "DOCKER_HOST"}
    env.update(
        PATH=f"{bin_dir}:/usr/bin:/bin",
        FAKE_ENGINE=str(tmp_path),
        BATCH_HARNESS_ENGINE_LOCK=str(tmp_path / "engine.lock"),
        BATCH_HARNESS_DOCKERD_LOG=str(tmp_path / "dockerd.log"),
    )
    yield env
    pids = tmp_path / "pids"
    for pid in pids.read_text().split() if pids.is_file() else []:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), signal.SIGKILL)


def test_concurrent_calls_start_one_engine_and_all_see_it(fake_machine, tmp_path):
    calls = [
        subprocess.Popen(
            [str(REPO / "scripts" / "engine.sh")],
            env=fake_machine,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = []
    for call in calls:
        try:
            outputs.append(call.communicate(timeout=20)[0])
        except subprocess.TimeoutExpired:
            for stuck in calls:
                stuck.kill()
            pytest.fail("an engine.sh call still waits 20 s on: is the lock held by the engine it started?")

    assert [call.returncode for call in calls] == [0, 0, 0, 0], outputs
    assert (tmp_path / "starts").read_text().splitlines() == ["start"], outputs
    assert sum("starting dockerd" in out for out in outputs) == 1, outputs
    assert all("engine: a Docker engine answers (20.10-fake)" in out for out in outputs), outputs


def test_a_lock_file_that_cannot_be_opened_is_named(fake_machine, tmp_path):
    lock = tmp_path / "missing-dir" / "engine.lock"
    result = subprocess.run(
        [str(REPO / "scripts" / "engine.sh")],
        env={**fake_machine, "BATCH_HARNESS_ENGINE_LOCK": str(lock)},
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode == 1
    assert f"engine: cannot open the lock file {lock}; set BATCH_HARNESS_ENGINE_LOCK" in result.stderr
    assert not (tmp_path / "starts").exists()
