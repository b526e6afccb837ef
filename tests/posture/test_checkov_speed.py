"""The memoised checkov string scans answer exactly what checkov's own functions answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from batch_harness.posture import checkov_speed

REPO_ROOT = Path(__file__).resolve().parents[2]
EDGE_CASES = (
    "",
    "plain",
    "${var.a}",
    "$${not.a.var}",
    'prefix-${local.name}-${lookup(var.map, "k", "d")}',
    '${merge(local.tags, { Name = "${var.name}-${each.key}" })}',
    '${jsonencode({ a = [for s in var.list : "${s}\\"x"] })}',
    "${var.a ? module.b.c[0] : data.d.e.id}",
    "{[(unbalanced",
    "}])",
)


def _corpus() -> list[str]:
    """Every Terraform file of the repository whole and line by line, and hand-made edge cases."""
    texts = [path.read_text() for path in sorted(REPO_ROOT.glob("**/*.tf")) if ".terraform" not in path.parts]
    return [*EDGE_CASES, *texts, *(line for text in texts for line in text.splitlines())]


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """Apply the patches for one test only; returns checkov's originals."""
    from checkov.common.util import parser_utils, var_utils
    from checkov.terraform.graph_builder.variable_rendering import evaluate_terraform

    originals = (parser_utils.find_var_blocks, evaluate_terraform.find_brackets_pairs)
    for module in (parser_utils, var_utils, evaluate_terraform):  # undone after the test
        monkeypatch.setattr(module, "find_var_blocks", module.find_var_blocks)
    monkeypatch.setattr(evaluate_terraform, "find_brackets_pairs", evaluate_terraform.find_brackets_pairs)
    assert checkov_speed.apply()
    return originals


def test_checkov_is_the_version_the_patches_were_written_for() -> None:
    # A new checkov leaves them out (slower, still right): re-check them against its sources.
    assert checkov_speed.applies(), f"checkov is no longer {checkov_speed.PINNED_CHECKOV_VERSION}"


def test_every_caller_uses_the_memoised_functions(patched: tuple[object, object]) -> None:
    from checkov.common.util import parser_utils, var_utils
    from checkov.terraform.graph_builder.variable_rendering import evaluate_terraform

    assert parser_utils.find_var_blocks is var_utils.find_var_blocks is evaluate_terraform.find_var_blocks
    assert parser_utils.find_var_blocks is not patched[0]
    assert evaluate_terraform.find_brackets_pairs is not patched[1]
    assert checkov_speed.apply()  # a second apply changes nothing
    assert parser_utils.find_var_blocks is var_utils.find_var_blocks


def test_var_blocks_equal_checkovs_and_are_fresh_objects(patched: tuple[object, object]) -> None:
    from checkov.common.util import parser_utils

    original = patched[0]
    corpus = _corpus()
    assert len(corpus) > 1000
    for value in corpus * 2:  # the second pass answers from the cache
        expected = [(m.full_str, m.var_only) for m in original(value)]  # type: ignore[operator]
        found = parser_utils.find_var_blocks(value)
        assert [(m.full_str, m.var_only) for m in found] == expected, value[:200]
        for match in found:  # a caller rewrites its matches: the next caller must not see that
            match.replace(match.full_str, "rewritten")
    assert parser_utils.find_var_blocks.cache_info().hits > 0


def test_bracket_pairs_equal_checkovs_and_are_fresh_objects(patched: tuple[object, object]) -> None:
    from checkov.terraform.graph_builder.variable_rendering import evaluate_terraform

    original = patched[1]
    for value in _corpus() * 2:
        for starting, closing in (("{", "}"), ("[", "]")):
            expected = original(value, starting, closing)  # type: ignore[operator]
            found = evaluate_terraform.find_brackets_pairs(value, starting, closing)
            assert found == expected, value[:200]
            for pair in found:
                pair["start"] = -1
    assert evaluate_terraform.find_brackets_pairs.cache_info().hits > 0
