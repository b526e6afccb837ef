"""A Batch job attempt -> the container Batch on Fargate would start (pure data, no engine)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

DEFAULT_LOG_GROUP = "/aws/batch/job"  # Batch's group when the definition configures none
CONTAINER_NAME = "default"  # Batch names the single container of a Fargate task "default"


@dataclass
class ContainerSpec:
    image: str
    command: list[str]
    environment: dict[str, str]
    secrets: dict[str, str]  # NAME -> valueFrom, resolved just before the container starts
    user: str | None
    read_only: bool
    writable_paths: list[str]
    vcpus: float
    memory_mib: int
    init: bool
    timeout_seconds: int | None
    log_group: str
    log_stream_prefix: str
    job_role_arn: str | None
    labels: dict[str, str] = field(default_factory=dict)

    def log_stream(self, task_id: str) -> str:
        """awslogs: PREFIX/CONTAINER/TASK-ID (Batch's default prefix is the definition name)."""
        return f"{self.log_stream_prefix}/{CONTAINER_NAME}/{task_id}"


def substitute(command: list[str], parameters: dict[str, str]) -> list[str]:
    """Batch replaces an argument that is exactly ``Ref::name``; an unknown name stays literal."""
    out = []
    for argument in command:
        if argument.startswith("Ref::") and argument[5:] in parameters:
            out.append(parameters[argument[5:]])
        else:
            out.append(argument)
    return out


def _resource(properties: dict[str, Any], overrides: dict[str, Any], kind: str, default: float) -> float:
    for source in (overrides, properties):
        for requirement in source.get("resourceRequirements") or []:
            if requirement.get("type") == kind:
                return float(requirement["value"])
    legacy = {"VCPU": "vcpus", "MEMORY": "memory"}[kind]
    value = overrides.get(legacy, properties.get(legacy))
    return float(value) if value is not None else default


def build_spec(
    *,
    job_definition_name: str,
    properties: dict[str, Any],
    overrides: dict[str, Any],
    parameters: dict[str, str],
    timeout: dict[str, Any] | None,
) -> ContainerSpec:
    """``properties``: containerProperties; ``overrides``: SubmitJob containerOverrides;
    ``parameters``: the definition's merged with the request's; ``timeout``: the request's or
    the definition's ``{"attemptDurationSeconds": N}``."""
    environment = {e["name"]: e["value"] for e in properties.get("environment") or []}
    environment.update({e["name"]: e["value"] for e in overrides.get("environment") or []})
    command = overrides.get("command") or properties.get("command") or []
    log = properties.get("logConfiguration") or {}
    options = log.get("options") or {} if log.get("logDriver") == "awslogs" else {}
    writable = [m["containerPath"] for m in properties.get("mountPoints") or [] if not m.get("readOnly")]
    linux = properties.get("linuxParameters") or {}
    seconds = (timeout or {}).get("attemptDurationSeconds")
    return ContainerSpec(
        image=str(properties.get("image", "")),
        command=substitute([str(c) for c in command], parameters),
        environment=environment,
        secrets={s["name"]: s["valueFrom"] for s in properties.get("secrets") or []},
        user=properties.get("user"),
        read_only=bool(properties.get("readonlyRootFilesystem", False)),
        writable_paths=writable,
        vcpus=_resource(properties, overrides, "VCPU", 1.0),
        memory_mib=int(_resource(properties, overrides, "MEMORY", 2048)),
        init=bool(linux.get("initProcessEnabled", False)),
        timeout_seconds=int(seconds) if seconds else None,
        log_group=options.get("awslogs-group") or DEFAULT_LOG_GROUP,
        log_stream_prefix=options.get("awslogs-stream-prefix") or job_definition_name,
        job_role_arn=properties.get("jobRoleArn"),
    )


def cpus_for_engine(vcpus: float) -> float:
    """The engine refuses more CPUs than the machine has; a bigger job gets them all."""
    return max(0.01, min(vcpus, float(os.cpu_count() or 1)))
