"""The module's outputs an application needs, read from ``terraform output -json`` or values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class JobTarget:
    """What one dynamic schedule of a job submits, as the module built it (one per job)."""

    job: str
    target_arn: str
    role_arn: str
    dead_letter_queue_arn: str
    retry_policy: Mapping[str, int]
    input_template: Mapping[str, str]
    parameters: Mapping[str, str]  # the job's declared parameters and their defaults
    max_per_user: int

    @classmethod
    def from_output(cls, job: str, value: Mapping[str, Any]) -> JobTarget:
        try:
            return cls(
                job=job,
                target_arn=value["target_arn"],
                role_arn=value["role_arn"],
                dead_letter_queue_arn=value["dead_letter_queue_arn"],
                retry_policy=dict(value["retry_policy"]),
                input_template=dict(value["input_template"]),
                parameters=dict(value.get("parameters") or {}),
                max_per_user=int(value["max_per_user"]),
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"dynamic_schedule_targets[{job!r}]: missing or malformed field {error}") from None


@dataclass(frozen=True)
class DynamicScheduleConfig:
    group_name: str
    targets: Mapping[str, JobTarget]

    @classmethod
    def from_outputs(cls, outputs: Mapping[str, Any]) -> DynamicScheduleConfig:
        """``outputs``: ``terraform output -json`` (``{"name": {"value": ...}}``) or plain values."""

        def value(name: str) -> Any:
            if name not in outputs:
                raise ValueError(f"{name}: not in the module outputs (is dynamic_schedules enabled on a job?)")
            item = outputs[name]
            return item["value"] if isinstance(item, Mapping) and "value" in item and "sensitive" in item else item

        group = value("dynamic_schedule_group_name")
        targets = value("dynamic_schedule_targets")
        if not group or not isinstance(group, str):
            raise ValueError("dynamic_schedule_group_name: empty; no job enables dynamic_schedules")
        if not isinstance(targets, Mapping) or not targets:
            raise ValueError("dynamic_schedule_targets: empty; no job enables dynamic_schedules")
        return cls(group, {job: JobTarget.from_output(job, t) for job, t in targets.items()})

    @classmethod
    def from_file(cls, path: str | Path) -> DynamicScheduleConfig:
        return cls.from_outputs(json.loads(Path(path).read_text()))

    def target(self, job: str) -> JobTarget:
        if job not in self.targets:
            raise ValueError(
                f"job: {job!r} does not enable dynamic schedules (jobs that do: {', '.join(sorted(self.targets))})"
            )
        return self.targets[job]

    def job_of(self, job_definition: str) -> str | None:
        """The job key whose target submits this job definition (reading a schedule back)."""
        for job, target in self.targets.items():
            if target.input_template.get("JobDefinition") == job_definition:
                return job
        return None
