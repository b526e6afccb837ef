"""Read what the harness needs from a root configuration's HCL (no Terraform run needed).

Real-account runs put a run id into every name: when the root declares ``variable "name"``, the
harness passes ``-var name=<value>-<run id>``, where value is what the user's var files or the
variable's default say. ``-var`` has the highest precedence, so a name from a var file is
suffixed rather than silently ignored (``TF_VAR_name`` would lose against a var file).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import hcl2

_UNSET = object()


def _load(path: Path) -> dict[str, Any]:
    try:
        if path.suffix == ".json":
            return dict(json.loads(path.read_text()))
        return dict(hcl2.loads(path.read_text()))
    except Exception as error:  # hcl2 raises lark errors of several kinds
        raise ValueError(f"cannot parse {path}: {error}") from None


def _strip_interpolation(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return value[2:-1]
    return value


def variable_declaration(root: Path, name: str) -> dict[str, Any] | None:
    """The ``variable "name"`` block of a root (its attributes), or None."""
    for path in sorted(root.glob("*.tf")):
        if path.name.endswith("_override.tf"):
            continue
        for block in _load(path).get("variable", []):
            if name in block:
                return dict(block[name])
    return None


def _first(value: Any) -> Any:
    # bc-python-hcl2 wraps attribute values of .tf files in one-element lists.
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def variable_value(root: Path, name: str, var_files: Iterable[Path] = ()) -> Any:
    """What Terraform would use for ``var.name`` from defaults and var files (last wins)."""
    value: Any = _UNSET
    declaration = variable_declaration(root, name)
    if declaration is not None and "default" in declaration:
        value = _first(declaration["default"])
    auto = sorted(root.glob("*.auto.tfvars")) + sorted(root.glob("*.auto.tfvars.json"))
    defaults = [p for p in (root / "terraform.tfvars", root / "terraform.tfvars.json") if p.is_file()]
    for path in [*defaults, *auto, *var_files]:
        data = _load(Path(path))
        if name in data:
            value = _first(data[name])
    return None if value is _UNSET else value


def run_name(root: Path, run_id: str, var_files: Iterable[Path] = ()) -> str | None:
    """``<name>-<run id>`` when the root declares ``variable "name"``; None when it does not."""
    if variable_declaration(root, "name") is None:
        return None
    base = variable_value(root, "name", var_files)
    if not isinstance(base, str) or not base:
        return run_id
    return f"{base}-{run_id}"


def provider_default_tags(root: Path) -> str | None:
    """The HCL expression of the root's default ``provider "aws"`` default_tags, if any."""
    for path in sorted(root.glob("*.tf")):
        if path.name.endswith("_override.tf"):
            continue
        for block in _load(path).get("provider", []):
            aws = block.get("aws")
            if not aws or aws.get("alias"):
                continue
            for default_tags in aws.get("default_tags", []):
                tags = _first(default_tags.get("tags"))
                if tags is None:
                    continue
                if isinstance(tags, dict):
                    return "{" + ", ".join(f"{json.dumps(k)} = {_hcl_value(v)}" for k, v in tags.items()) + "}"
                return str(_strip_interpolation(tags))
    return None


def _hcl_value(value: Any) -> str:
    value = _first(value)
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return value[2:-1]  # a plain expression (var.x, local.y)
    return json.dumps(value)  # a literal, or a template HCL reads back the same way
