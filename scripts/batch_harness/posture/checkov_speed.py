"""Speed only, no behaviour: memoise two pure string scans of checkov's HCL variable rendering.

Rendering a module's variables, checkov scans the same long strings again and again: on
``examples/complete`` ``find_var_blocks`` runs 6,700 times over 1,700 distinct strings (17 M
characters, a quarter of the scan's CPU) and ``find_brackets_pairs`` 37,600 times over 3,900.
Both are pure functions of their arguments; their results are mutable (``VarBlockMatch.replace``,
dicts), so every call gets fresh copies of the remembered result. Written against one checkov
version: with another, nothing is patched (the scans are only slower), and
tests/posture/test_checkov_speed.py says so.
"""

from __future__ import annotations

import functools
from typing import Any

PINNED_CHECKOV_VERSION = "3.3.30"
CACHE_SIZE = 8192  # strings; a scan's distinct ones fit, at a few MB


def applies() -> bool:
    from checkov.version import version

    return bool(version == PINNED_CHECKOV_VERSION)


def apply() -> bool:
    """Patch (idempotent) and say whether the patches are in place."""
    if not applies():
        return False
    from checkov.common.util import parser_utils, var_utils
    from checkov.terraform.graph_builder.variable_rendering import evaluate_terraform

    if hasattr(parser_utils.find_var_blocks, "cache_info"):
        return True
    find_var_blocks = _memoised_var_blocks(parser_utils.find_var_blocks, parser_utils.VarBlockMatch)
    # Both callers imported the function by name: each module's own reference is replaced.
    parser_utils.find_var_blocks = find_var_blocks
    var_utils.find_var_blocks = find_var_blocks
    evaluate_terraform.find_var_blocks = find_var_blocks
    evaluate_terraform.find_brackets_pairs = _memoised_brackets(evaluate_terraform.find_brackets_pairs)
    return True


def _memoised_var_blocks(original: Any, match_type: Any) -> Any:
    @functools.lru_cache(maxsize=CACHE_SIZE)
    def blocks(value: str) -> tuple[tuple[str, str], ...]:
        return tuple((match.full_str, match.var_only) for match in original(value))

    @functools.wraps(original)
    def find_var_blocks(value: str) -> list[Any]:
        if "$" not in value:  # the original's own fast path: not worth a cache entry
            return []
        return [match_type(full, var_only) for full, var_only in blocks(value)]

    find_var_blocks.cache_info = blocks.cache_info  # type: ignore[attr-defined]
    return find_var_blocks


def _memoised_brackets(original: Any) -> Any:
    @functools.lru_cache(maxsize=CACHE_SIZE)
    def pairs(input_str: str, starting: str, closing: str) -> tuple[tuple[int, int], ...]:
        return tuple((pair["start"], pair["end"]) for pair in original(input_str, starting, closing))

    @functools.wraps(original)
    def find_brackets_pairs(input_str: str, starting: str, closing: str) -> list[dict[str, int]]:
        return [{"start": start, "end": end} for start, end in pairs(input_str, starting, closing)]

    find_brackets_pairs.cache_info = pairs.cache_info  # type: ignore[attr-defined]
    return find_brackets_pairs
