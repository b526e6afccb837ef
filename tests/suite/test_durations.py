"""The suite's own ordering: recorded durations in, longest units of work first out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import durations


@dataclass
class FakeMark:
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeItem:
    nodeid: str
    markers: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    def get_closest_marker(self, name: str) -> Any:
        if name not in self.markers:
            return None
        return FakeMark(self.markers[name])


@dataclass
class FakeReport:
    nodeid: str
    duration: float


def order(items: list[FakeItem], recorded: dict[str, float]) -> list[str]:
    durations.longest_first(items, recorded)  # type: ignore[arg-type]
    return [i.nodeid for i in items]


def test_units_are_ordered_by_their_total_and_a_group_stays_in_file_order() -> None:
    group = {"xdist_group": ("stack",)}
    items = [
        FakeItem("t.py::quick"),
        FakeItem("t.py::grouped_a", group),
        FakeItem("t.py::slow"),
        FakeItem("t.py::grouped_b", group),
    ]
    recorded = {"t.py::quick": 1.0, "t.py::grouped_a": 30.0, "t.py::slow": 50.0, "t.py::grouped_b": 30.0}
    # The group's 60 s beat the single 50 s test, and its tests keep their collection order.
    assert order(items, recorded) == ["t.py::grouped_a", "t.py::grouped_b", "t.py::slow", "t.py::quick"]


def test_an_unrecorded_test_is_estimated_from_its_markers() -> None:
    items = [FakeItem("t.py::unit"), FakeItem("t.py::plan", {"plan": ()}), FakeItem("t.py::apply", {"e2e": ()})]
    assert order(items, {}) == ["t.py::apply", "t.py::plan", "t.py::unit"]
    assert order(items, {"t.py::unit": 500.0}) == ["t.py::unit", "t.py::apply", "t.py::plan"]


def test_equal_units_keep_collection_order() -> None:
    items = [FakeItem(f"t.py::n{i}") for i in range(5)]
    assert order(items, {}) == [f"t.py::n{i}" for i in range(5)]


def test_xdist_group_suffix_is_not_part_of_the_recorded_id() -> None:
    assert durations.plain_nodeid("t.py::test_x[a-b]@posture-repo") == "t.py::test_x[a-b]"
    assert durations.plain_nodeid("t.py::test_x[user@host]") == "t.py::test_x[user@host]"


def test_the_recorder_sums_phases_and_keeps_tests_that_did_not_run(tmp_path: Path) -> None:
    path = tmp_path / "durations.json"
    path.write_text(json.dumps({"t.py::other": 7.0, "t.py::a": 99.0}))
    recorder = durations.Recorder(path)
    for phase_seconds in (0.25, 1.5, 0.25):  # setup, call, teardown
        recorder.pytest_runtest_logreport(FakeReport("t.py::a@group", phase_seconds))  # type: ignore[arg-type]
    recorder.pytest_sessionfinish(None)  # type: ignore[arg-type]
    assert json.loads(path.read_text()) == {"t.py::a": 2.0, "t.py::other": 7.0}


def test_the_checked_in_durations_name_tests_that_exist(request: pytest.FixtureRequest) -> None:
    """A renamed or deleted test must not leave its figure behind forever: refresh with `make durations`."""
    recorded = durations.load()
    assert recorded, "tests/durations.json is missing or empty: run `make durations`"
    collected = {durations.plain_nodeid(item.nodeid) for item in request.session.items}
    filtered = request.config.getoption("markexpr") or request.config.getoption("keyword")
    if filtered or len(collected) < len(recorded) // 2:
        pytest.skip("only part of the suite was selected")
    stale = sorted(set(recorded) - collected)
    assert len(stale) <= len(recorded) // 20, f"{len(stale)} recorded tests no longer exist, e.g. {stale[:5]}"
