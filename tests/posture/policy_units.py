"""Run one custom policy on one block of a fixture, through checkov's resource-level API.

The way checkov's own policy tests do it: ``hcl2`` (checkov's HCL parser) loads the file, the
block's configuration goes to the check, and the check answers PASSED, FAILED or UNKNOWN. No
Terraform and no checkov run: milliseconds per verdict.

checkov's HCL scan renders a configuration before its checks see it: references to variables
become their values and each attribute string goes through checkov's Terraform evaluator
(``jsonencode({...})`` becomes a dict, ``${aws_iam_role.x.arn}`` the bare reference). The
fixtures need no more than that, so :func:`load_blocks` does those two steps with checkov's own
functions; the full posture scan (``test_posture_scan.py``) proves that every verdict here is the
one checkov's HCL scan reaches on the same block.
"""

from __future__ import annotations

import copy
import importlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import hcl2
from checkov.common.checks.base_check import BaseCheck
from checkov.terraform.graph_builder.variable_rendering.evaluate_terraform import (
    evaluate_terraform,
    replace_string_value,
)

from batch_harness.posture import POLICY_DIR

# Characters that make checkov's renderer evaluate a string (others are kept verbatim).
_EVALUATED = ("{", "}", "[", "]", "=")


@dataclass(frozen=True)
class Verdict:
    status: str  # checkov's CheckResult name: PASSED, FAILED or UNKNOWN
    details: tuple[str, ...]


@cache
def policy_modules() -> dict[str, ModuleType]:
    """Every file of the policy folder, imported the way checkov imports an external checks
    folder: the folder on ``sys.path`` and each file a top-level module."""
    sys.path.insert(0, str(POLICY_DIR))
    try:
        return {
            path.stem: importlib.import_module(path.stem)
            for path in sorted(POLICY_DIR.glob("*.py"))
            if path.stem != "__init__"
        }
    finally:
        sys.path.remove(str(POLICY_DIR))


def policy_checks() -> list[BaseCheck]:
    """Every check object the policy files create (what checkov's registries would hold)."""
    found: dict[int, BaseCheck] = {}
    for module in policy_modules().values():
        for value in vars(module).values():
            if isinstance(value, BaseCheck):
                found[id(value)] = value
    return sorted(found.values(), key=lambda c: (c.id, c.block_type))


def check_for(check_id: str, block_type: str) -> BaseCheck:
    matches = [c for c in policy_checks() if c.id == check_id and c.block_type == block_type]
    assert len(matches) == 1, f"{len(matches)} {block_type} checks named {check_id} in {POLICY_DIR}"
    return matches[0]


def _unwrap(value: Any) -> Any:
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def _render(value: Any, variables: Mapping[str, Any]) -> Any:
    if isinstance(value, dict):
        return {key: _render(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [_render(item, variables) for item in value]
    if not isinstance(value, str) or not any(c in value for c in _EVALUATED):
        return value
    for name, default in variables.items():
        value = replace_string_value(value, f"var.{name}", default)
    return evaluate_terraform(value, keep_interpolations=False) if isinstance(value, str) else value


@cache
def load_blocks(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """``{(block type, "type.name"): configuration}`` of every resource and data block in a file."""
    parsed = hcl2.loads(path.read_text())
    variables = {
        name: _unwrap(body["default"])
        for block in parsed.get("variable", [])
        for name, body in block.items()
        if "default" in body
    }
    blocks: dict[tuple[str, str], dict[str, Any]] = {}
    for block_type in ("resource", "data"):
        for entry in parsed.get(block_type, []):
            for entity_type, named in entry.items():
                for name, conf in named.items():
                    blocks[(block_type, f"{entity_type}.{name}")] = _render(conf, variables)
    return blocks


def block_type_of(path: Path, address: str) -> str:
    kinds = [kind for kind, name in load_blocks(path) if name == address]
    assert len(kinds) == 1, f"{address} is defined {len(kinds)} times in {path}"
    return kinds[0]


def verdict(check: BaseCheck, path: Path, address: str) -> Verdict:
    """What ``check`` says about one block: checkov's ``run`` entry, the one its runner calls."""
    conf = copy.deepcopy(load_blocks(path)[(check.block_type, address)])  # checks may rewrite dynamic blocks
    entity_type, entity_name = address.split(".", 1)
    result = check.run(
        scanned_file=str(path),
        entity_configuration=conf,
        entity_name=entity_name,
        entity_type=entity_type,
        skip_info={},
    )
    return Verdict(result["result"].name, tuple(check.details))
