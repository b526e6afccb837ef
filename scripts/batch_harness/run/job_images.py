"""Job images built offline: a Dockerfile folder plus the machine's static busybox.

An example's ``image/Dockerfile`` starts ``FROM scratch`` and copies ``busybox`` from its build
context; the build copies ``/bin/busybox`` (Debian's busybox-static) there, so nothing is pulled.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BUSYBOX = Path("/bin/busybox")
IMAGE_FOLDER = "image"


class ImageBuildError(RuntimeError):
    pass


def image_tag(folder: Path) -> str:
    """A tag naming the folder and its content, so a changed Dockerfile is rebuilt."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    name = folder.resolve().parent.name.lower().replace("_", "-") or "job"
    return f"batch-harness-examples/{name}:{digest.hexdigest()[:12]}"


def build(folder: Path, tag: str | None = None, *, busybox: Path = BUSYBOX) -> str:
    """Build ``folder`` (a Dockerfile and its files) with the static busybox; returns the tag."""
    if not (folder / "Dockerfile").is_file():
        raise ImageBuildError(f"{folder}: no Dockerfile")
    if not busybox.is_file():
        raise ImageBuildError(f"{busybox} is missing: install Debian's busybox-static (make engine does)")
    tag = tag or image_tag(folder)
    with tempfile.TemporaryDirectory(prefix="batch-harness-image-") as context:
        shutil.copytree(folder, context, dirs_exist_ok=True)
        shutil.copy2(busybox, Path(context) / "busybox")
        result = subprocess.run(
            ["docker", "build", "--quiet", "--tag", tag, context],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "DOCKER_BUILDKIT": "0"},  # the classic builder needs no base image pull
        )
    if result.returncode != 0:
        raise ImageBuildError(f"docker build {folder} failed: {result.stderr.strip()[-2000:]}")
    return tag
