"""Before firing: which runner runs the jobs of the local account, and on which images."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from batch_harness.run.image_map import resolve
from batch_harness.run.job_images import IMAGE_FOLDER, build


def map_images(account: Any, state_file: Path, config_dir: Path, options: Any) -> tuple[str, str, list[str]]:
    """Build ``DIR/image`` (``--build-images``) and send the ``--image`` mappings to the account.

    Returns (the runner's description, a detail for the log, warnings)."""
    runner = str(account.health().get("job_runner") or "simulated: the emulator did not say")
    images: dict[str, str] = dict(options.images)
    if not runner.startswith("container"):
        warnings = []
        if images or options.build_images:
            warnings.append(f"--image/--build-images not used: jobs are {runner}")
        return runner, "", warnings
    warnings = []
    if options.build_images:
        folder = config_dir / IMAGE_FOLDER
        if (folder / "Dockerfile").is_file():
            images.setdefault("*", build(folder))
        else:
            warnings.append(f"--build-images: {folder}/Dockerfile does not exist; jobs run their definitions' images")
    if not images:
        return runner, "", warnings
    resolved = resolve(images, json.loads(state_file.read_text()))
    account.set_job_images(resolved)
    listing = ", ".join(f"{name}={image}" for name, image in sorted(resolved.items()))
    return runner, f" — images: {listing}", warnings
