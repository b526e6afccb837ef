"""Terraform resource addresses and the module trees of ``terraform show -json``: one place for both."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

_INDEX = re.compile(r'\["[^"]*"\]|\[\d+\]')


def base_address(address: str) -> str:
    """The address without instance keys: ``module.j["a"].aws_x.y[0]`` -> ``module.j.aws_x.y``."""
    return _INDEX.sub("", address)


def resource_type(address: str) -> str:
    """``module.a["x"].module.b.aws_iam_role.this["k"]`` -> ``aws_iam_role``.

    An address without a dot (not a resource address) is returned unchanged.
    """
    parts = base_address(address).split(".")
    return parts[-2] if len(parts) >= 2 else address


def module_resources(module: Mapping[str, Any] | None) -> Iterator[dict[str, Any]]:
    """Every resource of a ``root_module`` (plan ``planned_values`` or state ``values``), depth first."""
    if not module:
        return
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from module_resources(child)


def state_resources(state: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every resource of a state as ``terraform show -json`` prints it."""
    yield from module_resources(state.get("values", {}).get("root_module"))


def planned_resources(plan: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every resource a plan's ``planned_values`` holds."""
    yield from module_resources(plan.get("planned_values", {}).get("root_module"))
