"""Security posture gate: checkov (offline) plus the project's custom policies.

    from batch_harness.posture import run_posture
    result = run_posture([Path("examples/complete")], output_dir=Path("reports/posture"))
    result.exit_code, result.directories[0].failed

See docs/posture.md for the policies, the coverage gate and the list of inline skips.
"""

from .catalog import CUSTOM_CHECKS, POLICY_DIR
from .results import DirectoryResult, Finding, PostureResult
from .runner import default_directories, run_posture

__all__ = [
    "CUSTOM_CHECKS",
    "POLICY_DIR",
    "DirectoryResult",
    "Finding",
    "PostureResult",
    "default_directories",
    "run_posture",
]
