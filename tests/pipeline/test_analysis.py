"""batch_harness.run.pipelines on hand-written definitions and runs: the checker must catch what it is for."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from batch_harness.run import pipelines as pl

RESOURCE = "arn:aws:states:::batch:submitJob.sync"


def task(job: str, **extra: Any) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": RESOURCE,
        "Parameters": {"JobName": job, "JobQueue": "q", "JobDefinition": "d"},
        **extra,
    }


def machine(states: dict[str, Any], start: str) -> dict[str, Any]:
    return {"StartAt": start, "States": states}


DIAMOND = machine(
    {
        "a": task("job-a", Next="p"),
        "p": {
            "Type": "Parallel",
            "Next": "d",
            "Branches": [
                machine({"b": task("job-b", End=True)}, "b"),
                machine({"c": task("job-c", End=True)}, "c"),
            ],
        },
        "d": task("job-d", End=True),
    },
    "a",
)
GRAPH = {"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"]}


def test_waits_of_a_diamond() -> None:
    shape = pl.analyse_definition(DIAMOND)
    assert shape.problems == []
    assert {k: set(v) for k, v in shape.waits_for.items()} == {"a": set(), "b": {"a"}, "c": {"a"}, "d": {"a", "b", "c"}}
    assert shape.job_names() == {"job-a": "a", "job-b": "b", "job-c": "c", "job-d": "d"}
    assert pl.missing_waits(shape, GRAPH) == {} and pl.extra_waits(shape, GRAPH) == {}


def test_a_definition_that_starts_a_step_too_early_is_caught() -> None:
    # d placed inside c's branch: it no longer waits for b.
    early = machine(
        {
            "a": task("job-a", Next="p"),
            "p": {
                "Type": "Parallel",
                "End": True,
                "Branches": [
                    machine({"b": task("job-b", End=True)}, "b"),
                    machine({"c": task("job-c", Next="d"), "d": task("job-d", End=True)}, "c"),
                ],
            },
        },
        "a",
    )
    assert pl.missing_waits(pl.analyse_definition(early), GRAPH) == {"d": {"b"}}


def test_a_serialised_definition_reports_extra_waits() -> None:
    links = zip("abcd", ["b", "c", "d", None], strict=True)
    serial = machine({s: task(f"job-{s}", **({"Next": n} if n else {"End": True})) for s, n in links}, "a")
    shape = pl.analyse_definition(serial)
    assert pl.missing_waits(shape, GRAPH) == {}
    assert pl.extra_waits(shape, GRAPH) == {"c": {"b"}}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "d"}]}, "has a Catch"),
        ({"Retry": [{"ErrorEquals": ["States.ALL"]}]}, "not only transient service errors"),
        ({"Retry": [{"ErrorEquals": ["States.TaskFailed"]}]}, "not only transient service errors"),
        ({"Resource": "arn:aws:states:::lambda:invoke"}, "is not batch:submitJob.sync"),
        ({"Next": "nowhere"}, "is not a state"),
    ],
)
def test_contract_problems_are_reported(change: dict[str, Any], problem: str) -> None:
    states = {"a": task("job-a", Next="d"), "d": task("job-d", End=True)}
    states["a"] = {**states["a"], **change}
    shape = pl.analyse_definition(machine(states, "a"))
    assert any(problem in p for p in shape.problems), shape.problems


def test_unreachable_states_and_loops_are_reported() -> None:
    loop = machine({"a": task("job-a", Next="b"), "b": task("job-b", Next="a"), "z": task("job-z", End=True)}, "a")
    problems = pl.analyse_definition(loop).problems
    assert any("reached twice" in p for p in problems)
    assert any("unreachable states ['z']" in p for p in problems)


def test_series_parallel_recognition() -> None:
    assert pl.is_series_parallel(GRAPH)
    assert pl.is_series_parallel({"a": [], "b": ["a"], "c": ["a", "b"]})
    assert not pl.is_series_parallel({"a": [], "b": [], "c": ["a"], "d": ["a", "b"]})
    with pytest.raises(ValueError, match="dependency cycle"):
        pl.transitive_predecessors({"a": ["b"], "b": ["a"]})


def _has_induced_p4(graph: dict[str, list[str]]) -> bool:
    """The definition itself, by brute force over every ordered quadruple of steps (the oracle)."""
    ancestors = pl.transitive_predecessors(graph)

    def related(x: str, y: str) -> bool:
        return x in ancestors[y] or y in ancestors[x]

    for a, b, c, d in itertools.permutations(sorted(graph), 4):
        path = related(a, b) and related(b, c) and related(c, d)
        if path and not (related(a, c) or related(b, d) or related(a, d)):
            return True
    return False


def test_series_parallel_recognition_agrees_with_the_brute_force_definition() -> None:
    rng = random.Random(20261203)
    seen = set()
    for _ in range(400):
        size = rng.randint(1, 8)
        steps = [f"s{i}" for i in range(size)]
        graph = {s: [p for p in steps[:i] if rng.random() < 0.3] for i, s in enumerate(steps)}
        expected = not _has_induced_p4(graph)
        assert pl.is_series_parallel(graph) == expected, graph
        seen.add(expected)
    assert seen == {True, False}  # both answers were exercised


def run_of(**steps: tuple[str, int | None, int | None, int | None, int | None]) -> pl.PipelineRun:
    """steps: name => (status, created_at, stopped_at, entered_event, finished_event)."""
    run = pl.PipelineRun(execution_arn="arn", status="SUCCEEDED")
    for name, (status, created, stopped, entered, finished) in steps.items():
        run.steps[name] = pl.StepRun(
            step=name,
            status=status,
            created_at=created,
            stopped_at=stopped,
            entered_event=entered,
            submitted_event=entered,
            finished_event=finished,
        )
    return run


def test_order_violations_of_a_run() -> None:
    good = run_of(
        a=("SUCCEEDED", 10, 20, 1, 2),
        b=("SUCCEEDED", 21, 30, 3, 5),
        c=("SUCCEEDED", 21, 25, 4, 6),
        d=("SUCCEEDED", 31, 40, 7, 8),
    )
    assert good.order_violations(GRAPH) == []
    assert good.submission_order() == ["a", "b", "c", "d"]
    early = run_of(
        a=("SUCCEEDED", 10, 20, 1, 2),
        b=("SUCCEEDED", 21, 30, 3, 6),
        c=("SUCCEEDED", 21, 25, 4, 5),
        d=("SUCCEEDED", 26, 40, 5, 8),
    )
    lines = early.order_violations(GRAPH)
    assert any("d entered (event 5) before b succeeded" in line for line in lines)
    assert any("job of d created at 26 before the job of b stopped at 30" in line for line in lines)
    after_failure = run_of(
        a=("SUCCEEDED", 10, 20, 1, 2),
        b=("FAILED", 21, 30, 3, 5),
        c=("SUCCEEDED", 21, 25, 4, 6),
        d=("SUCCEEDED", 31, 40, 7, 8),
    )
    assert after_failure.order_violations(GRAPH) == ["d started although b is FAILED"]


def test_start_order_problems_from_the_definition_alone() -> None:
    ok = {
        "a": pl.StepTimes("SUCCEEDED", 10, 20),
        "b": pl.StepTimes("SUCCEEDED", 21, 30),
        "c": pl.StepTimes("SUCCEEDED", 22, 25),
        "d": pl.StepTimes("SUCCEEDED", 31, 40),
    }
    assert pl.start_order_problems(DIAMOND, ok) == []
    early = {**ok, "d": pl.StepTimes("SUCCEEDED", 29, 40)}
    assert pl.start_order_problems(DIAMOND, early) == ["d was created at 29, before b stopped at 30"]
    failed = {**ok, "c": pl.StepTimes("FAILED", 22, 25)}
    assert pl.start_order_problems(DIAMOND, failed) == ["d started although c did not succeed (FAILED)"]


def test_format_run_lists_every_step() -> None:
    text = pl.format_run(run_of(a=("SUCCEEDED", 10, 20, 1, 2), b=("NOT_STARTED", None, None, None, None)))
    assert "execution arn: SUCCEEDED" in text
    assert "a" in text and "NOT_STARTED" in text
