"""Order the suite by measured durations, recorded by the suite itself.

`make durations` runs the whole suite with ``--record-durations``: each test's setup + call +
teardown seconds go to tests/durations.json (checked in). Every run then hands out the longest
units of work first (a unit is an xdist group, whose tests share one worker and its fixtures, or
a single test), so a minutes-long apply never starts last while the other workers sit idle.
A test not yet recorded is estimated from its markers.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

DURATIONS_FILE = Path(__file__).resolve().parent / "durations.json"

# Seconds assumed for a test with no recorded duration, by marker (first match wins).
ESTIMATES = (("e2e", 120.0), ("posture_scan", 60.0), ("posture", 5.0), ("plan", 5.0))
DEFAULT_ESTIMATE = 0.5

# xdist's loadgroup scheduling reports a grouped test as "<nodeid>@<group>".
_GROUP_SUFFIX = re.compile(r"@[^@\[\]/:]+$")


def plain_nodeid(nodeid: str) -> str:
    return _GROUP_SUFFIX.sub("", nodeid)


def load(path: Path = DURATIONS_FILE) -> dict[str, float]:
    if not path.is_file():
        return {}
    return {str(k): float(v) for k, v in json.loads(path.read_text()).items()}


def estimate(item: pytest.Item, recorded: dict[str, float]) -> float:
    seconds = recorded.get(plain_nodeid(item.nodeid))
    if seconds is not None:
        return seconds
    for marker, guess in ESTIMATES:
        if item.get_closest_marker(marker) is not None:
            return guess
    return DEFAULT_ESTIMATE


def unit_of_work(item: pytest.Item) -> str:
    group = item.get_closest_marker("xdist_group")
    if group is not None:
        return "group:" + str(group.args[0] if group.args else group.kwargs.get("name", "default"))
    return plain_nodeid(item.nodeid)


def longest_first(items: list[pytest.Item], recorded: dict[str, float]) -> None:
    """Sort in place: units by total seconds, longest first; tests of a unit keep their order."""
    totals: dict[str, float] = defaultdict(float)
    for item in items:
        totals[unit_of_work(item)] += estimate(item, recorded)
    first_seen = {unit: index for index, unit in reversed(list(enumerate(map(unit_of_work, items))))}
    items.sort(key=lambda item: (-totals[unit_of_work(item)], first_seen[unit_of_work(item)]))


class Recorder:
    """Sums each test's phase durations as the reports arrive (on the xdist controller)."""

    def __init__(self, path: Path = DURATIONS_FILE) -> None:
        self.path = path
        self.seconds: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[plain_nodeid(report.nodeid)] += report.duration

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.seconds:
            return
        # Tests that did not run this time (deselected, another lane) keep their old figure.
        merged = {**load(self.path), **{k: round(v, 2) for k, v in self.seconds.items()}}
        self.path.write_text(json.dumps(dict(sorted(merged.items())), indent=0) + "\n")
