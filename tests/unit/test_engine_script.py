"""scripts/engine.sh called by several test workers at once starts one engine, and all of them
see it answer. Run against stand-ins for docker, dockerd and pgrep on PATH (the machine's real
engine is never touched): the fake dockerd answers a second after it starts, like the real one."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

FAKES = {
    # answers once the fake engine has written its socket stand-in
    "docker": '[ -f "$FAKE_ENGINE/socket" ] && echo 20.10-fake',
    # counts its starts; is a running process at once and answers a second later
    "dockerd": (
        'echo start >> "$FAKE_ENGINE/starts"; touch "$FAKE_ENGINE/running"; sleep 1; touch "$FAKE_ENGINE/socket"'
    ),
    "pgrep": '[ -f "$FAKE_ENGINE/running" ]',
    "ldd": "echo '        not a dynamic executable'",
    "id": "echo 0",
}


@pytest.fixture
def fake_machine(tmp_path: Path) -> dict[str, str]:
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
    return env


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
    outputs = [call.communicate(timeout=60)[0] for call in calls]

    assert [call.returncode for call in calls] == [0, 0, 0, 0], outputs
    assert (tmp_path / "starts").read_text().splitlines() == ["start"], outputs
    assert sum("starting dockerd" in out for out in outputs) == 1, outputs
    assert all("engine: a Docker engine answers (20.10-fake)" in out for out in outputs), outputs
