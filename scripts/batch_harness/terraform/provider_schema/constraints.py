"""Terraform version constraints (">= 5.63.1, < 7.0", "~> 6.1") and whether a version meets them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hcl2.api import loads as hcl_loads

_PART = re.compile(r"^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})\s*$")


def _version(text: str) -> tuple[int, ...]:
    return tuple([*(int(n) for n in text.split(".")), 0, 0, 0][:3])


def admits(constraint: str, version: str) -> bool:
    """Whether ``version`` (x.y.z) satisfies every comma-separated part of ``constraint``."""
    have = _version(version)
    for part in constraint.split(","):
        match = _PART.match(part)
        if match is None:
            raise ValueError(f"not a version constraint: {part.strip()!r}")
        operator, text = match.group(1) or "=", match.group(2)
        want = _version(text)
        if operator == "~>":
            # ~> 5.60 allows 5.x >= 5.60; ~> 5.60.1 allows 5.60.x >= 5.60.1.
            fixed = max(len(text.split(".")) - 1, 1)
            ok = have >= want and have[:fixed] == want[:fixed]
        else:
            ok = {
                "=": have == want,
                "!=": have != want,
                ">": have > want,
                ">=": have >= want,
                "<": have < want,
                "<=": have <= want,
            }[operator]
        if not ok:
            return False
    return True


@dataclass(frozen=True)
class ProviderRequirement:
    file: Path
    name: str
    source: str
    version: str | None


def provider_requirements(path: Path) -> Iterator[ProviderRequirement]:
    """The ``required_providers`` entries of one .tf file."""
    parsed = hcl_loads(path.read_text())
    for terraform in parsed.get("terraform", []):
        for block in terraform.get("required_providers", []):
            for name, spec in block.items():
                if name.startswith("__"):
                    continue
                if isinstance(spec, list):
                    spec = spec[0]
                if isinstance(spec, str):
                    yield ProviderRequirement(path, name, f"hashicorp/{name}", spec)
                else:
                    yield ProviderRequirement(path, name, spec.get("source", f"hashicorp/{name}"), spec.get("version"))
