"""Check the resource and data blocks of configurations against a provider schema extract.

Every argument and nested (or dynamic) block a block sets must exist in the schema and not be
read-only, required arguments and blocks must be set, and deprecated arguments, blocks and
attribute reads are reported too (a module that supports two provider majors should use the form
both accept, never one the other deprecates).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from batch_harness.terraform.provider_schema.config import (
    BlockUse,
    Reference,
    block_uses,
    config_dirs,
    nested_bodies,
    references,
)

# Terraform's own arguments of resource and data blocks, never in a provider schema.
META_ARGUMENTS = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}


@dataclass(frozen=True)
class Finding:
    version: str
    file: str
    address: str
    problem: str  # "unknown type", "unknown", "read-only", "missing required", "deprecated"
    path: str  # argument or block path inside the block, e.g. compute_resources.launch_template

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.file}: {self.address}:{where} {self.problem} in hashicorp/aws {self.version}"


@dataclass(frozen=True)
class Extract:
    version: str
    types: Mapping[str, Mapping[str, Any]]  # kind -> type -> block

    @classmethod
    def load(cls, path: Path) -> Extract:
        document = json.loads(path.read_text())
        return cls(document["version"], {"resource": document["resource"], "data": document["data"]})

    def block(self, kind: str, type_name: str) -> Mapping[str, Any] | None:
        return self.types[kind].get(type_name)


def check_use(use: BlockUse, extract: Extract, root: Path) -> list[Finding]:
    file = str(use.file.relative_to(root)) if use.file.is_relative_to(root) else str(use.file)
    schema = extract.block(use.kind, use.type)
    if schema is None:
        return [Finding(extract.version, file, use.address, "unknown type", "")]
    problems = _check_body(use.body, schema, "", top=True)
    return [Finding(extract.version, file, use.address, problem, path) for problem, path in problems]


def check_reference(ref: Reference, extract: Extract, root: Path) -> list[Finding]:
    schema = extract.block(ref.kind, ref.type)
    if schema is None:
        return []  # reported once for the block itself
    address = f"{'data.' if ref.kind == 'data' else ''}{ref.type}.{ref.name}"
    file = str(ref.file.relative_to(root)) if ref.file.is_relative_to(root) else str(ref.file)
    flags = schema["attributes"].get(ref.attribute)
    if flags is None and ref.attribute not in schema["blocks"]:
        return [Finding(extract.version, file, address, "unknown attribute read", ref.attribute)]
    if flags and "d" in flags:
        return [Finding(extract.version, file, address, "deprecated attribute read", ref.attribute)]
    return []


def check_dirs(dirs: Iterable[Path], extract: Extract, root: Path) -> list[Finding]:
    findings: list[Finding] = []
    for directory in dirs:
        uses = block_uses(directory)
        for use in uses:
            findings += check_use(use, extract, root)
        for ref in references(directory, uses):
            findings += check_reference(ref, extract, root)
    return sorted(set(findings), key=str)


def check_project(root: Path, extract: Extract) -> list[Finding]:
    """Root module, modules/ and examples/ against one provider version."""
    return check_dirs(config_dirs(root), extract, root)


def _check_body(body: Mapping[str, Any], schema: Mapping[str, Any], prefix: str, top: bool) -> list[tuple[str, str]]:
    attributes: Mapping[str, str] = schema["attributes"]
    blocks: Mapping[str, Any] = schema["blocks"]
    problems: list[tuple[str, str]] = []
    present: set[str] = set()
    for key, value in body.items():
        path = prefix + key
        if top and key in META_ARGUMENTS:
            continue
        if key == "dynamic":
            for entry in nested_bodies(value):
                for name, spec in entry.items():
                    present.add(name)
                    if name in blocks:
                        for content in nested_bodies(spec.get("content", [])):
                            problems += _check_body(content, blocks[name], f"{prefix}{name}.", top=False)
                        if blocks[name].get("deprecated"):
                            problems.append(("deprecated", prefix + name))
                    elif name not in attributes:  # "attributes as blocks" (e.g. ingress) take dynamic too
                        problems.append(("unknown", prefix + name))
            continue
        present.add(key)
        if key in attributes:
            if attributes[key].startswith("c"):
                problems.append(("read-only", path))
            if "d" in attributes[key]:
                problems.append(("deprecated", path))
        elif key in blocks:
            for nested in nested_bodies(value):
                problems += _check_body(nested, blocks[key], f"{path}.", top=False)
            if blocks[key].get("deprecated"):
                problems.append(("deprecated", path))
        else:
            problems.append(("unknown", path))
    problems += [
        ("missing required", prefix + n) for n, f in attributes.items() if f.startswith("r") and n not in present
    ]
    problems += [("missing required", prefix + n) for n, b in blocks.items() if b["min_items"] > 0 and n not in present]
    return problems
