"""The generated state machine definitions: dependency graph in, states and transitions out.

One ``terraform plan`` of tests/pipeline/fixtures/definitions (the pipeline's definition module,
no provider needed) turns every graph below into Amazon States Language. Each definition is then
read two ways: its literal structure (which state follows which, what each Parallel state holds)
and its semantics (``batch_harness.run.pipelines.analyse_definition``: which tasks have surely
finished when a task starts). Correct = a step never starts before a step it runs after; exact =
it waits for nothing else.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from batch_harness.run import pipelines as pl

from .helpers import FIXTURES, chain, fan, random_dag, random_series_parallel, runner_for, write_var_file

pytestmark = [pytest.mark.plan, pytest.mark.xdist_group("pipeline-definitions")]

RNG = random.Random(20240505)  # fixed: the same graphs on every run
SERIES_PARALLEL = {f"sp{i}": random_series_parallel(RNG, RNG.randint(3, 14)) for i in range(6)}
RANDOM_DAGS = {f"dag{i}": random_dag(RNG, RNG.randint(4, 14), RNG.choice([0.2, 0.35, 0.5])) for i in range(6)}
LONG_NAMES = {f"step_with_a_rather_long_name_{i:02d}": ["begin"] for i in range(4)} | {"begin": []}

GRAPHS: dict[str, dict[str, list[str]]] = {
    "single": {"only": []},
    "chain": {"a": [], "b": ["a"], "c": ["b"]},
    "diamond": {"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"]},
    "independent": {"x": [], "y": [], "z": []},
    "fan_out": {"a": [], "b": ["a"], "c": ["a"], "d": ["a"]},
    "fan_in": {"a": [], "b": [], "c": ["a", "b"]},
    # a -> { b -> {c, d} -> e , f } -> g : a fork/join inside a branch of another one
    "nested": {"a": [], "b": ["a"], "c": ["b"], "d": ["b"], "e": ["c", "d"], "f": ["a"], "g": ["e", "f"]},
    # redundant edges (a->c is implied by a->b->c) change nothing
    "redundant": {"a": [], "b": ["a"], "c": ["a", "b"]},
    # the "N": a->c, a->d, b->d and not b->c; fork/join cannot express it exactly
    "n_shape": {"a": [], "b": [], "c": ["a"], "d": ["a", "b"]},
    "wide": fan(30),
    "chain64": chain(64),
    "fan64": fan(62),
    "long_names": LONG_NAMES,
    **SERIES_PARALLEL,
    **RANDOM_DAGS,
}
# A series-parallel graph nested deeper than the module's 12 layout levels: still correct.
DEEP = {f"y{i:02d}": [f"y{j:02d}" for j in range(i)] + [] for i in range(10)}
DEEP.update({f"x{i:02d}": [f"y{j:02d}" for j in range(i)] for i in range(10)})
GRAPHS["deep"] = DEEP

OVERRIDES: dict[str, Any] = {
    "chain": {
        "timeout_seconds": 3600,
        "steps": {"b": {"parameters": {"period": "weekly"}, "command": ["run", "Ref::period"]}},
    },
    "single": {"steps": {"only": {"share": "reports"}}},
}


def _input(partition: str = "aws") -> dict[str, Any]:
    graphs: dict[str, Any] = {}
    for name, graph in GRAPHS.items():
        extra = OVERRIDES.get(name, {})
        steps = {step: {"after": after, **extra.get("steps", {}).get(step, {})} for step, after in graph.items()}
        graphs[name] = {"steps": steps, **{k: v for k, v in extra.items() if k != "steps"}}
    return {"graphs": graphs, "partition": partition}


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    runner = runner_for(FIXTURES / "definitions", tmp_path_factory.mktemp("definitions"), offline_provider=False)
    var_file = write_var_file(tmp_path_factory.mktemp("vars"), "graphs", _input())
    outputs = runner.plan(var_files=[var_file]).outputs
    return {
        "definitions": {name: json.loads(text) for name, text in outputs["definitions"].items()},
        "layouts": outputs["layouts"],
    }


def definition(planned: dict[str, Any], name: str) -> dict[str, Any]:
    return planned["definitions"][name]


def sequence(branch: dict[str, Any]) -> list[Any]:
    """States in execution order; a Parallel state as {name: [sequence of each branch]}."""
    result: list[Any] = []
    name = branch["StartAt"]
    while name is not None:
        state = branch["States"][name]
        if state["Type"] == "Parallel":
            result.append({name: [sequence(b) for b in state["Branches"]]})
        else:
            result.append(name)
        name = state.get("Next")
    return result


PRELUDE = ["Prepare", "Merge input"]


# -- structure: graph in, states and transitions out -------------------------------------------


def test_chain_is_a_sequence_of_tasks(planned: dict[str, Any]) -> None:
    doc = definition(planned, "chain")
    assert sequence(doc) == [*PRELUDE, "a", "b", "c"]
    assert doc["States"]["a"]["Next"] == "b" and doc["States"]["b"]["Next"] == "c"
    assert doc["States"]["c"]["End"] is True and "Next" not in doc["States"]["c"]


def test_diamond_runs_the_middle_steps_in_parallel(planned: dict[str, Any]) -> None:
    doc = definition(planned, "diamond")
    assert sequence(doc) == [*PRELUDE, "a", {"Parallel: b, c": [["b"], ["c"]]}, "d"]
    parallel = doc["States"]["Parallel: b, c"]
    assert parallel["Next"] == "d" and parallel["ResultPath"] is None
    for branch in parallel["Branches"]:
        (only,) = branch["States"].values()
        assert only["End"] is True


def test_wide_fan_out_is_one_parallel_state_with_a_branch_per_step(planned: dict[str, Any]) -> None:
    doc = definition(planned, "wide")
    seq = sequence(doc)
    assert seq[:3] == [*PRELUDE, "start"] and seq[4:] == ["end"]
    (branches,) = seq[3].values()
    assert sorted(b[0] for b in branches) == [f"w{i:02d}" for i in range(30)]
    assert all(len(b) == 1 for b in branches)


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ("single", [*PRELUDE, "only"]),
        ("independent", [*PRELUDE, {"Parallel: x, y, z": [["x"], ["y"], ["z"]]}]),
        ("fan_out", [*PRELUDE, "a", {"Parallel: b, c, d": [["b"], ["c"], ["d"]]}]),
        ("fan_in", [*PRELUDE, {"Parallel: a, b": [["a"], ["b"]]}, "c"]),
        ("redundant", [*PRELUDE, "a", "b", "c"]),
        (
            "nested",
            [
                *PRELUDE,
                "a",
                {"Parallel: b, c, d, e, f": [["b", {"Parallel: c, d": [["c"], ["d"]]}, "e"], ["f"]]},
                "g",
            ],
        ),
    ],
)
def test_series_parallel_layouts(planned: dict[str, Any], graph: str, expected: list[Any]) -> None:
    assert sequence(definition(planned, graph)) == expected


def test_n_shape_peels_its_starting_steps_first(planned: dict[str, Any]) -> None:
    # Documented limit: c runs after a only, but also waits for b (the other starting step).
    doc = definition(planned, "n_shape")
    assert sequence(doc) == [*PRELUDE, {"Parallel: a, b": [["a"], ["b"]]}, {"Parallel: c, d": [["c"], ["d"]]}]
    shape = pl.analyse_definition(doc)
    assert pl.missing_waits(shape, GRAPHS["n_shape"]) == {}
    assert pl.extra_waits(shape, GRAPHS["n_shape"]) == {"c": {"b"}}


# -- semantics: every graph -----------------------------------------------------------------------


@pytest.mark.parametrize("graph", sorted(GRAPHS))
def test_no_step_can_start_before_its_dependencies(planned: dict[str, Any], graph: str) -> None:
    shape = pl.analyse_definition(definition(planned, graph))
    assert shape.problems == []
    assert set(shape.tasks) == set(GRAPHS[graph])
    assert pl.missing_waits(shape, GRAPHS[graph]) == {}


@pytest.mark.parametrize("graph", sorted(g for g in GRAPHS if g != "deep" and pl.is_series_parallel(GRAPHS[g])))
def test_series_parallel_graphs_wait_for_nothing_else(planned: dict[str, Any], graph: str) -> None:
    shape = pl.analyse_definition(definition(planned, graph))
    assert pl.extra_waits(shape, GRAPHS[graph]) == {}


def test_the_generated_graphs_cover_both_kinds() -> None:
    # The random sets must exercise the exact path and the fallback path.
    assert all(pl.is_series_parallel(g) for g in SERIES_PARALLEL.values())
    assert any(not pl.is_series_parallel(g) for g in RANDOM_DAGS.values())
    assert pl.is_series_parallel(DEEP)


def test_nesting_deeper_than_the_layout_levels_falls_back_to_layers(planned: dict[str, Any]) -> None:
    kinds = {group["kind"] for group in planned["layouts"]["deep"].values()}
    assert "layered" in kinds
    shape = pl.analyse_definition(definition(planned, "deep"))
    assert pl.missing_waits(shape, DEEP) == {}


def test_state_names_are_unique_and_short(planned: dict[str, Any]) -> None:
    def state_names(branch: dict[str, Any]) -> list[str]:
        found = list(branch["States"])
        for state in branch["States"].values():
            for sub in state.get("Branches", []):
                found += state_names(sub)
        return found

    for name, doc in planned["definitions"].items():
        names = state_names(doc)
        assert len(names) == len(set(names)), name
        assert max(len(n) for n in names) <= 80, name
    long_parallel = [n for n in definition(planned, "long_names")["States"] if n.startswith("Parallel")]
    assert len(long_parallel) == 1 and long_parallel[0].endswith(" ...")


def test_64_steps_stay_far_below_the_definition_size_limit(planned: dict[str, Any]) -> None:
    for name in ("chain64", "fan64"):
        assert len(json.dumps(definition(planned, name))) < 1_048_576 // 8


# -- the Task states ---------------------------------------------------------------------------------


def test_task_state_submits_the_job_and_waits_for_it(planned: dict[str, Any]) -> None:
    task = definition(planned, "diamond")["States"]["a"]
    assert task["Type"] == "Task"
    assert task["Resource"] == "arn:aws:states:::batch:submitJob.sync"
    params = task["Parameters"]
    assert params["JobName"] == "t-diamond-a"
    assert params["JobQueue"] == "arn:aws:batch:us-east-1:123456789012:job-queue/t-default"
    assert params["JobDefinition"] == "arn:aws:batch:us-east-1:123456789012:job-definition/t-a"
    # Schedule/run parameters ($.run.parameters) over the step's own ($.step_parameters).
    assert params["Parameters.$"] == "States.JsonMerge($.step_parameters['a'], $.run.parameters, false)"
    env = {e["Name"]: e for e in params["ContainerOverrides"]["Environment"]}
    assert env["BATCH_PIPELINE"]["Value"] == "diamond" and env["BATCH_PIPELINE_STEP"]["Value"] == "a"
    assert env["BATCH_PIPELINE_EXECUTION_ARN"]["Value.$"] == "$$.Execution.Id"
    assert env["BATCH_PIPELINE_SCHEDULED_TIME"]["Value.$"] == "$.run.scheduled_time"
    assert "Command" not in params["ContainerOverrides"]
    assert "ShareIdentifier" not in params
    # The job's result is not passed on: every state sees the same (small) input.
    assert task["ResultPath"] is None


def test_retry_covers_transient_service_errors_only_and_nothing_is_caught(planned: dict[str, Any]) -> None:
    for name, doc in planned["definitions"].items():
        shape = pl.analyse_definition(doc)  # flags any Catch and any retry beyond transient errors
        assert shape.problems == [], name
    (retry,) = definition(planned, "chain")["States"]["a"]["Retry"]
    assert set(retry["ErrorEquals"]) == pl.TRANSIENT_ERRORS
    assert retry["MaxAttempts"] >= 3 and retry["BackoffRate"] > 1


def test_step_overrides_and_pipeline_timeout(planned: dict[str, Any]) -> None:
    doc = definition(planned, "chain")
    assert doc["TimeoutSeconds"] == 3600
    assert "TimeoutSeconds" not in definition(planned, "diamond")
    assert doc["States"]["b"]["Parameters"]["ContainerOverrides"]["Command"] == ["run", "Ref::period"]
    step_parameters = doc["States"]["Prepare"]["Parameters"]["step_parameters"]
    assert step_parameters == {"a": {}, "b": {"period": "weekly"}, "c": {}}


def test_fair_share_steps_send_their_share_identifier(planned: dict[str, Any]) -> None:
    params = definition(planned, "single")["States"]["only"]["Parameters"]
    assert params["ShareIdentifier"] == "reports"
    assert params["SchedulingPriorityOverride"] == 5


def test_prepare_states_default_the_run_input(planned: dict[str, Any]) -> None:
    states = definition(planned, "single")["States"]
    prepare, merge = states["Prepare"], states["Merge input"]
    assert prepare["Type"] == merge["Type"] == "Pass"
    assert prepare["Parameters"]["input.$"] == "$"
    assert prepare["Parameters"]["defaults"] == {"scheduled_time.$": "$$.Execution.StartTime", "parameters": {}}
    assert merge["Parameters"]["run.$"] == "States.JsonMerge($.defaults, $.input, false)"


def test_other_partitions(tmp_path_factory: pytest.TempPathFactory) -> None:
    runner = runner_for(FIXTURES / "definitions", tmp_path_factory.mktemp("definitions-cn"), offline_provider=False)
    var_file = write_var_file(
        tmp_path_factory.mktemp("vars-cn"),
        "graphs",
        {"graphs": {"one": {"steps": {"a": {}}}}, "partition": "aws-cn"},
    )
    doc = json.loads(runner.plan(var_files=[var_file]).outputs["definitions"]["one"])
    assert doc["States"]["a"]["Resource"] == "arn:aws-cn:states:::batch:submitJob.sync"
