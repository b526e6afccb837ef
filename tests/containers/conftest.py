"""Fixtures for the container runner: an engine (started by scripts/engine.sh where possible),
a busybox job image built offline, and one emulator running jobs as containers."""

from __future__ import annotations

import itertools
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from batch_harness.emulator import LocalAccount
from batch_harness.emulator.docker_probe import docker_engine_answers
from batch_harness.run.job_images import build

REPO = Path(__file__).resolve().parents[2]
_names = itertools.count()


def unique(prefix: str) -> str:
    """A name no other test of this session uses."""
    return f"{prefix}-{os.getpid()}-{next(_names)}-{uuid.uuid4().hex[:6]}"


def make_network(clients: Any) -> tuple[str, str]:
    ec2 = clients("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName=unique("sg"), Description="batch", VpcId=vpc)["GroupId"]
    return subnet, group


def ensure_engine() -> None:
    """Start an engine with `make engine`'s script; skip (with its reason) where none can be."""
    if docker_engine_answers():
        return
    result = subprocess.run([str(REPO / "scripts" / "engine.sh")], capture_output=True, text=True, check=False)
    if not docker_engine_answers():
        pytest.skip(f"no container engine can be started here: {result.stderr.strip() or result.stdout.strip()}")


@pytest.fixture(scope="session")
def job_image() -> str:
    ensure_engine()
    return build(Path(__file__).parent / "image")


@pytest.fixture(scope="session")
def container_account(job_image: str) -> Iterator[LocalAccount]:
    with LocalAccount.start(batch_docker="on", prewarm=False) as local:
        assert local.health()["job_runner"].startswith("container:")
        yield local
