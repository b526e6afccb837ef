"""The primitives every compatibility patch uses: a ``Patch`` record and ``replace``/``original``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_ORIGINALS: dict[tuple[int, str], Any] = {}


@dataclass(frozen=True)
class Patch:
    name: str
    restores: str  # the AWS behaviour, one line (the function's docstring has the detail)
    apply: Callable[[], None]


def replace(owner: Any, attr: str, new: Any) -> None:
    """Swap ``owner.attr`` for ``new``, remembering the first original for canaries and ``original()``."""
    _ORIGINALS.setdefault((id(owner), attr), getattr(owner, attr, None))
    setattr(owner, attr, new)


def original(owner: Any, attr: str) -> Any:
    """The unpatched ``owner.attr`` as seen through ``getattr`` (the current one if never patched)."""
    return _ORIGINALS.get((id(owner), attr)) or getattr(owner, attr)
