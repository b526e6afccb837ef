"""`--image JOB=IMAGE`: which local image runs each job of the applied configuration.

JOB is a key of the module's ``jobs`` (the module's job definition is ``module...job["JOB"]``),
a job definition name, or ``*`` for every job. An image already present in the engine under
the job definition's exact name needs no mapping; these mappings are for images that cannot be
pulled (an ECR URI offline, or the image a CI pipeline just built).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_KEY = re.compile(r'\["([^"]+)"\]')


class ImageMapError(ValueError):
    pass


def parse(values: list[str]) -> dict[str, str]:
    """``["JOB=IMAGE", ...]`` -> {JOB: IMAGE}; a value without ``=`` or with an empty side fails."""
    images: dict[str, str] = {}
    for value in values:
        job, sep, image = value.partition("=")
        if not sep or not job.strip() or not image.strip():
            raise ImageMapError(f"--image {value!r}: expected JOB=IMAGE (e.g. --image report=reports:dev)")
        images[job.strip()] = image.strip()
    return images


def job_definitions(state: Mapping[str, Any]) -> dict[str, str]:
    """{job key or definition name: job definition name} of a local ``terraform.tfstate``."""
    found: dict[str, str] = {}
    for resource in state.get("resources", []):
        if resource.get("mode") != "managed" or resource.get("type") != "aws_batch_job_definition":
            continue
        keys = _KEY.findall(resource.get("module") or "")
        for instance in resource.get("instances", []):
            name = (instance.get("attributes") or {}).get("name")
            if not name:
                continue
            found[name] = name
            index = instance.get("index_key")
            key = index if isinstance(index, str) else (keys[-1] if keys else None)
            if key:
                found.setdefault(key, name)
    return found


def resolve(images: Mapping[str, str], state: Mapping[str, Any]) -> dict[str, str]:
    """{job definition name: image} for the emulator; an unknown JOB fails naming the known ones."""
    known = job_definitions(state)
    resolved: dict[str, str] = {}
    if "*" in images:
        resolved.update({name: images["*"] for name in set(known.values())})
    for job, image in images.items():
        if job == "*":
            continue
        if job not in known:
            jobs = ", ".join(sorted(k for k, v in known.items() if k != v)) or "none"
            raise ImageMapError(f"--image {job}={image}: no job {job!r} in the applied configuration (jobs: {jobs})")
        resolved[known[job]] = image
    return resolved
