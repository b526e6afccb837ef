"""The project-local ``.batch-harness/`` folder: working copies, Terraform state, the session record.

Layout (git-ignored)::

    .batch-harness/
      session.json          the up/smoke/down session: run id, account record, config, var files
      session/              its working copy (config + local modules, .terraform, terraform.tfstate)
      emulator.log          the detached emulator's log (local account)
      e2e-<run id>/         one e2e run's working copy; removed when the run ends

``BATCH_HARNESS_HOME`` (or ``--state-dir``) moves the folder, e.g. for parallel tests.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from batch_harness.terraform.runner import copy_config

HOME_ENV = "BATCH_HARNESS_HOME"
DIR_NAME = ".batch-harness"
SESSION_FILE = "session.json"


def state_root(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).resolve()
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).resolve()
    return (Path.cwd() / DIR_NAME).resolve()


def new_run_id() -> str:
    """Short (8 chars), lowercase, starts with a letter: fits names, tags and IAM limits."""
    return "bh" + secrets.token_hex(3)


@dataclass
class Session:
    """What ``up`` leaves for ``smoke`` and ``down``."""

    run_id: str
    account: str  # "local" | "aws"
    config_dir: str  # the source config (absolute)
    workdir: str  # the working copy's root config (absolute)
    var_files: list[str] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    local: dict[str, Any] | None = None  # pid, port, endpoint, log
    aws: dict[str, Any] | None = None  # profile, role_arn, region, endpoint_url
    baseline: str | None = None  # inventory snapshot file (local account)
    applied: bool = False

    def save(self, root: Path) -> Path:
        root.mkdir(parents=True, exist_ok=True)
        path = root / SESSION_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, root: Path) -> Session | None:
        path = root / SESSION_FILE
        if not path.is_file():
            return None
        return cls(**json.loads(path.read_text()))


class Workspace:
    """A working copy of a root config (and its local modules) inside the state folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def prepare(self, config_dir: Path) -> Path:
        """Copy the config; returns the copied root config directory (where Terraform runs)."""
        if not any(config_dir.glob("*.tf")):
            raise FileNotFoundError(f"{config_dir} contains no *.tf files")
        self.root.mkdir(parents=True, exist_ok=True)
        return copy_config(config_dir, self.root / "config")

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        remove_if_empty(self.root.parent)


def remove_if_empty(directory: Path) -> None:
    """Drop the state folder once nothing is left in it (no orphan state)."""
    with contextlib.suppress(OSError):
        directory.rmdir()  # only ever succeeds on an empty directory
