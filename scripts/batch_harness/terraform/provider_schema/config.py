"""The resource and data blocks of Terraform configurations, parsed with python-hcl2.

python-hcl2 wraps every attribute value in a list and gives nested blocks as lists of dicts, so an
object-valued attribute and a block look alike; the schema decides which a key is (conformance.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hcl2.api import loads as hcl_loads

KINDS = ("resource", "data")
_SKIP_DIRS = {".terraform", ".venv", ".git", "__pycache__"}
_META_KEYS = {"__start_line__", "__end_line__"}
# `<type>.<name>[index].<attribute>` and `data.<type>.<name>[index].<attribute>`.
_REFERENCE = re.compile(r"(?<![\w.])(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.([a-z_][a-z0-9_]*)")


@dataclass(frozen=True)
class BlockUse:
    """One `resource` or `data` block: where it is and the body python-hcl2 parsed."""

    kind: str  # "resource" or "data"
    type: str
    name: str
    file: Path
    body: dict[str, Any]

    @property
    def address(self) -> str:
        return f"{'data.' if self.kind == 'data' else ''}{self.type}.{self.name}"


@dataclass(frozen=True)
class Reference:
    """An attribute read from a block of the same module, e.g. data.aws_region.current.id."""

    kind: str
    type: str
    name: str
    attribute: str
    file: Path


def config_dirs(root: Path, parts: Iterable[str] = ("modules", "examples")) -> list[Path]:
    """``root`` and every folder with *.tf files below ``root/<part>``, sorted."""
    dirs = {root}
    for part in parts:
        for tf in (root / part).rglob("*.tf"):
            if not _SKIP_DIRS.intersection(tf.relative_to(root).parts):
                dirs.add(tf.parent)
    return sorted(dirs)


def tf_files(directory: Path) -> list[Path]:
    """A module's own *.tf files (override files a runner dropped in excluded)."""
    return sorted(p for p in directory.glob("*.tf") if not p.stem.endswith("_override") and p.stem != "override")


def parse(path: Path) -> dict[str, Any]:
    """python-hcl2's parse of one file (cached: the same files are checked against two schemas)."""
    return _parse(path.resolve(), path.stat().st_mtime_ns)


@functools.cache
def _parse(path: Path, mtime_ns: int) -> dict[str, Any]:
    return dict(hcl_loads(path.read_text()))


def block_uses(directory: Path) -> list[BlockUse]:
    uses: list[BlockUse] = []
    for path in tf_files(directory):
        parsed = parse(path)
        for kind in KINDS:
            for entry in parsed.get(kind, []):
                for type_name, named in entry.items():
                    for name, body in named.items():
                        uses.append(BlockUse(kind, type_name, name, path, strip_meta(body)))
    return uses


def references(directory: Path, uses: Iterable[BlockUse]) -> list[Reference]:
    """Attribute reads of the module's own blocks (text references to other names are ignored)."""
    declared = {(u.kind, u.type, u.name) for u in uses}
    found: list[Reference] = []
    for path in tf_files(directory):
        for match in _REFERENCE.finditer(_without_comments(path.read_text())):
            kind = "data" if match.group(1) else "resource"
            key = (kind, match.group(2), match.group(3))
            if key in declared:
                found.append(Reference(*key, match.group(4), path))
    return found


def strip_meta(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_meta(v) for k, v in value.items() if k not in _META_KEYS}
    if isinstance(value, list):
        return [strip_meta(v) for v in value]
    return value


def nested_bodies(value: Any) -> Iterator[dict[str, Any]]:
    """The bodies of a key parsed as nested blocks (each a dict); nothing for a plain value."""
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield item


def _without_comments(text: str) -> str:
    # Comments may name attributes that are not read (e.g. "not .name"); strings are kept.
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    return re.sub(r"(?m)^\s*(#|//).*$", "", text)
