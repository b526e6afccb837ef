"""The container runner's pure parts: runner choice, job -> container mapping, secrets, --image."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from batch_harness.emulator.containers import engine, mode
from batch_harness.emulator.containers import runner as runner_module
from batch_harness.emulator.containers.runner import (
    ESSENTIAL_EXITED,
    KILLED_EXIT_CODE,
    OOM_REASON,
    ContainerRunner,
)
from batch_harness.emulator.containers.secrets import ResourceInitializationError, resolve
from batch_harness.emulator.containers.spec import build_spec, cpus_for_engine, substitute
from batch_harness.run.image_map import ImageMapError, parse
from batch_harness.run.image_map import resolve as resolve_images

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"


@pytest.mark.parametrize(
    ("requested", "env", "engine", "expected"),
    [
        ("auto", "", True, "container: every job attempt runs its image in the local Docker engine"),
        ("auto", "", False, "simulated: no container engine answered"),
        ("on", "", False, "simulated: no container engine answered"),
        ("off", "", True, "simulated: containers switched off (--batch-docker off)"),
        ("auto", "simulated", True, "simulated: containers switched off (BATCH_HARNESS_JOB_RUNNER=simulated)"),
        ("on", "simulated", True, "container: every job attempt runs its image in the local Docker engine"),
    ],
)
def test_runner_choice_says_why(
    requested: str, env: str, engine: bool, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(mode.RUNNER_ENV, env)
    assert mode.choose(requested, engine).describe() == expected


def test_ref_parameters_replace_whole_arguments_only() -> None:
    assert substitute(["echo", "Ref::a", "x-Ref::a", "Ref::missing"], {"a": "1"}) == [
        "echo",
        "1",
        "x-Ref::a",
        "Ref::missing",
    ]


def test_spec_maps_definition_and_overrides_like_batch() -> None:
    properties = {
        "image": "img:1",
        "command": ["echo", "Ref::period"],
        "environment": [{"name": "A", "value": "def"}, {"name": "B", "value": "b"}],
        "secrets": [{"name": "PW", "valueFrom": SECRET}],
        "resourceRequirements": [{"type": "VCPU", "value": "0.5"}, {"type": "MEMORY", "value": "1024"}],
        "readonlyRootFilesystem": True,
        "mountPoints": [{"sourceVolume": "w", "containerPath": "/tmp", "readOnly": False}],
        "user": "1000",
        "linuxParameters": {"initProcessEnabled": True},
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": "/g", "awslogs-stream-prefix": "batch"},
        },
        "jobRoleArn": "arn:aws:iam::123456789012:role/job",
    }
    spec = build_spec(
        job_definition_name="jd",
        properties=properties,
        overrides={"environment": [{"name": "A", "value": "override"}]},
        parameters={"period": "weekly"},
        timeout={"attemptDurationSeconds": 60},
    )
    assert spec.command == ["echo", "weekly"]
    assert spec.environment == {"A": "override", "B": "b"}
    assert (spec.vcpus, spec.memory_mib, spec.read_only, spec.writable_paths) == (0.5, 1024, True, ["/tmp"])
    assert (spec.user, spec.init, spec.timeout_seconds) == ("1000", True, 60)
    assert spec.log_stream("t1") == "batch/default/t1"
    overridden = build_spec(
        job_definition_name="jd",
        properties={"image": "i", "command": ["a"]},
        overrides={"command": ["b"]},
        parameters={},
        timeout=None,
    )
    assert overridden.command == ["b"]
    assert overridden.log_group == "/aws/batch/job" and overridden.log_stream("t") == "jd/default/t"
    assert cpus_for_engine(1000) >= 1 and cpus_for_engine(0.25) == 0.25


class FakeSecrets:
    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def get_secret_value(self, SecretId: str, **_: Any) -> dict[str, Any]:
        if SecretId not in self.values:
            raise KeyError(f"Secrets Manager can't find the specified secret {SecretId}")
        return {"SecretString": self.values[SecretId]}

    def get_parameters(self, Names: list[str], **_: Any) -> dict[str, Any]:
        return {"Parameters": [{"Value": self.values[n]} for n in Names if n in self.values]}


def test_secrets_whole_json_key_and_parameter() -> None:
    fake = FakeSecrets({SECRET: json.dumps({"user": "app", "port": 5432}), "/app/region": "eu"})
    values = resolve(
        lambda _: fake,
        {"WHOLE": SECRET, "USER": f"{SECRET}:user::", "PORT": f"{SECRET}:port::", "REGION": "/app/region"},
    )
    assert values == {"WHOLE": json.dumps({"user": "app", "port": 5432}), "USER": "app", "PORT": "5432", "REGION": "eu"}


def test_unreadable_secret_gives_aws_reason() -> None:
    with pytest.raises(ResourceInitializationError) as caught:
        resolve(lambda _: FakeSecrets({}), {"PW": SECRET})
    assert str(caught.value).startswith(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
        "unable to retrieve secret from asm"
    )
    with pytest.raises(ResourceInitializationError, match="invalid parameters: /missing"):
        resolve(lambda _: FakeSecrets({}), {"X": "/missing"})


STATE = {
    "resources": [
        {
            "module": 'module.batch.module.job["report"]',
            "mode": "managed",
            "type": "aws_batch_job_definition",
            "name": "this",
            "instances": [{"attributes": {"name": "acme-report"}}],
        },
        {
            "module": 'module.batch.module.job["cleanup"]',
            "mode": "managed",
            "type": "aws_batch_job_definition",
            "name": "this",
            "instances": [{"attributes": {"name": "acme-cleanup"}}],
        },
    ]
}


def test_image_option_maps_job_keys_names_and_star() -> None:
    assert parse(["report=reports:dev", "*=base:1"]) == {"report": "reports:dev", "*": "base:1"}
    resolved = resolve_images({"*": "base:1", "report": "reports:dev"}, STATE)
    assert resolved == {"acme-report": "reports:dev", "acme-cleanup": "base:1"}
    assert resolve_images({"acme-cleanup": "c:1"}, STATE) == {"acme-cleanup": "c:1"}


def test_image_option_bad_input_messages() -> None:
    with pytest.raises(ImageMapError) as caught:
        parse(["report"])
    assert str(caught.value) == "--image 'report': expected JOB=IMAGE (e.g. --image report=reports:dev)"
    with pytest.raises(ImageMapError) as caught:
        resolve_images({"nightly": "x:1"}, STATE)
    assert str(caught.value) == (
        "--image nightly=x:1: no job 'nightly' in the applied configuration (jobs: cleanup, report)"
    )


def test_cli_refuses_a_bad_image_argument_before_doing_anything() -> None:
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "batch_harness.cli", "e2e", "examples/minimal", "--image", "report"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )
    assert result.returncode == 2
    assert "--image 'report': expected JOB=IMAGE (e.g. --image report=reports:dev)" in result.stderr


# -- OOM detection: the engine's exit and OOM notices race ----------------------------------------


class FakeEventStream:
    """The engine's event stream: yields the queued events, then blocks until closed."""

    def __init__(self) -> None:
        self.events: queue.Queue[dict[str, Any] | None] = queue.Queue()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        while (event := self.events.get()) is not None:
            yield event

    def close(self) -> None:
        self.events.put(None)


class FakeEngine:
    def __init__(self) -> None:
        self.stream = FakeEventStream()
        self.filters: dict[str, Any] = {}

    def events(self, *, decode: bool, since: int | None, filters: dict[str, Any]) -> FakeEventStream:
        self.filters = filters
        return self.stream


class FakeContainer:
    """A container that exited 137; the engine's ``State.OOMKilled`` says ``flagged``."""

    def __init__(self, flagged: bool) -> None:
        self.id = "c0ffee"
        self.name = "job-container"
        self.attrs = {"State": {"OOMKilled": flagged}}

    def wait(self, timeout: float) -> dict[str, int]:
        return {"StatusCode": KILLED_EXIT_CODE}

    def reload(self) -> None:
        pass


@pytest.fixture
def fake_runner(tmp_path: Path) -> Iterator[tuple[ContainerRunner, FakeEngine]]:
    fake = FakeEngine()
    runner = ContainerRunner("http://127.0.0.1:1", lambda service, region: None, engine_client=fake)
    runner.kernel_log = str(tmp_path / "no-kernel-log")  # unreadable: only the engine's notices count
    yield runner, fake
    runner.close()


# A grace far longer than any load can stretch a call: "no wait" stays tellable from "waited".
LONG_GRACE = 60.0


@pytest.fixture
def long_notice_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner_module, "OOM_NOTICE_GRACE", LONG_GRACE)


KERNEL_OOM_RECORD = (
    "6,9001,18619980677,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset={id},mems_allowed=0,"
    "oom_memcg=/docker/{id},task_memcg=/docker/{id},task=dd,pid=14330,uid=0\n"
)


@pytest.mark.usefixtures("long_notice_grace")
def test_kernel_oom_record_gives_the_oom_reason_when_the_engine_lost_its_notice(
    fake_runner: tuple[ContainerRunner, FakeEngine], tmp_path: Path
) -> None:
    runner, _ = fake_runner
    log = tmp_path / "kmsg"
    log.write_text(
        "6,9000,18619980600,-;Memory cgroup out of memory: Killed process 14330 (dd)\n"
        + KERNEL_OOM_RECORD.format(id="0ther")
        + KERNEL_OOM_RECORD.format(id="c0ffee")
    )
    runner.kernel_log = str(log)
    started = time.monotonic()
    # No OOMKilled flag, no oom event ever: the kernel's record alone decides, without a wait.
    assert runner._wait(FakeContainer(flagged=False), None, lambda: False) == (KILLED_EXIT_CODE, OOM_REASON, OOM_REASON)
    assert time.monotonic() - started < LONG_GRACE / 2, "it waited for an OOM notice"


def test_kernel_log_without_the_container_is_no_oom(tmp_path: Path) -> None:
    log = tmp_path / "kmsg"
    log.write_text(KERNEL_OOM_RECORD.format(id="0ther"))
    assert engine.kernel_reported_oom("c0ffee", str(log)) is False
    assert engine.kernel_reported_oom("c0ffee", str(tmp_path / "missing")) is None


def test_oom_notice_arriving_after_the_exit_still_gives_the_oom_reason(
    fake_runner: tuple[ContainerRunner, FakeEngine],
) -> None:
    runner, fake = fake_runner
    assert fake.filters == {"event": "oom", "label": f"{engine.LABEL}={engine.identity()}"}
    # The exit is seen first (OOMKilled not set); the engine's oom event follows 0.3 s later.
    threading.Timer(0.3, fake.stream.events.put, args=({"id": "c0ffee", "status": "oom"},)).start()
    assert runner._wait(FakeContainer(flagged=False), None, lambda: False) == (KILLED_EXIT_CODE, OOM_REASON, OOM_REASON)


@pytest.mark.usefixtures("long_notice_grace")
def test_oom_flag_alone_gives_the_oom_reason_at_once(fake_runner: tuple[ContainerRunner, FakeEngine]) -> None:
    runner, _ = fake_runner
    started = time.monotonic()
    assert runner._wait(FakeContainer(flagged=True), None, lambda: False) == (KILLED_EXIT_CODE, OOM_REASON, OOM_REASON)
    assert time.monotonic() - started < LONG_GRACE / 2, "it waited for an OOM notice"


@pytest.mark.usefixtures("long_notice_grace")
def test_a_kill_we_sent_is_no_oom_and_waits_for_no_notice(fake_runner: tuple[ContainerRunner, FakeEngine]) -> None:
    runner, _ = fake_runner
    started = time.monotonic()
    assert runner._wait(FakeContainer(flagged=False), None, lambda: True) == (KILLED_EXIT_CODE, "", ESSENTIAL_EXITED)
    assert time.monotonic() - started < LONG_GRACE / 2, "it waited for an OOM notice"


def test_a_sigkill_without_oom_notice_is_an_ordinary_exit(
    fake_runner: tuple[ContainerRunner, FakeEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    runner, fake = fake_runner
    monkeypatch.setattr(runner_module, "OOM_NOTICE_GRACE", 0.2)
    fake.stream.events.put({"id": "another-container", "status": "oom"})
    assert runner._wait(FakeContainer(flagged=False), None, lambda: False) == (KILLED_EXIT_CODE, "", ESSENTIAL_EXITED)


class BrokenThenReplayingEngine(FakeEngine):
    """The first stream breaks at once; the next subscription replays the OOM event it missed."""

    def __init__(self) -> None:
        super().__init__()
        self.subscriptions: list[int | None] = []

    def events(self, *, decode: bool, since: int | None, filters: dict[str, Any]) -> Any:
        self.subscriptions.append(since)
        if len(self.subscriptions) == 1:
            return iter([{}, None])  # a malformed event: the stream raises
        self.stream.events.put({"id": "c0ffee", "status": "oom"})
        return self.stream


def test_oom_watch_resubscribes_from_where_the_broken_stream_started() -> None:
    fake = BrokenThenReplayingEngine()
    watch = engine.OomWatch(fake)
    try:
        assert watch.killed("c0ffee", 5.0)
        first, second = fake.subscriptions[:2]
        assert first is None and second is not None and second <= time.time()
    finally:
        watch.close()
