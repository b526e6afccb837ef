"""Small, pinned compatibility patches that make moto behave like AWS where this project needs it.

Rule: an emulator gap is closed here, never by bending the Terraform module. Every
patch restores one documented AWS behaviour, is written against one moto version
(``PINNED_MOTO_VERSION``) and has a canary test in ``tests/emulator`` that fails once moto changes
the code it replaces. Patches are applied only inside the emulator server process
(``python -m batch_harness.emulator.server``), never in a caller's interpreter.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PINNED_MOTO_VERSION = "5.2.5"
# Escape hatch for trying a newer moto: the patches then load with a loud warning instead of
# refusing to start. The canary tests tell which patch no longer fits.
ALLOW_OTHER_MOTO_ENV = "BATCH_HARNESS_ALLOW_MOTO_VERSION"

_ORIGINALS: dict[tuple[int, str], Any] = {}


class MotoVersionError(RuntimeError):
    """The installed moto is not the version these patches were written against."""


@dataclass(frozen=True)
class Patch:
    name: str
    restores: str  # the AWS behaviour, one line (the function's docstring has the detail)
    apply: Callable[[], None]


_applied: list[str] = []


def installed_moto_version() -> str:
    import moto

    return str(moto.__version__)


def check_moto_version() -> None:
    """Refuse to patch a moto other than the pinned one (or warn loudly when explicitly allowed)."""
    found = installed_moto_version()
    if found == PINNED_MOTO_VERSION:
        return
    message = (
        f"batch_harness.emulator.compat is pinned to moto {PINNED_MOTO_VERSION}, found {found}. "
        f"Run tests/emulator (the canary tests say which patch no longer fits) before using it."
    )
    if os.environ.get(ALLOW_OTHER_MOTO_ENV) == "1":
        warnings.warn(message, RuntimeWarning, stacklevel=2)
        return
    raise MotoVersionError(message + f" Set {ALLOW_OTHER_MOTO_ENV}=1 to try anyway.")


def replace(owner: Any, attr: str, new: Any) -> None:
    """Swap ``owner.attr`` for ``new``, remembering the first original for canaries and ``original()``."""
    _ORIGINALS.setdefault((id(owner), attr), getattr(owner, attr, None))
    setattr(owner, attr, new)


def original(owner: Any, attr: str) -> Any:
    """The unpatched ``owner.attr`` as seen through ``getattr`` (the current one if never patched)."""
    return _ORIGINALS.get((id(owner), attr)) or getattr(owner, attr)


def all_patches() -> list[Patch]:
    from . import batch, batch_jobs, ec2, events, iam, scheduler, stepfunctions

    return [
        *batch.PATCHES,
        *batch_jobs.PATCHES,
        *stepfunctions.PATCHES,
        *events.PATCHES,
        *scheduler.PATCHES,
        *iam.PATCHES,
        *ec2.PATCHES,
    ]


def apply_all() -> list[str]:
    """Apply every patch once (idempotent) and return their names."""
    if _applied:
        return list(_applied)
    check_moto_version()
    for patch in all_patches():
        patch.apply()
        _applied.append(patch.name)
    return list(_applied)


def applied() -> list[str]:
    return list(_applied)
