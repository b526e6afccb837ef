"""Every plan-time check of `pipelines`, with its exact message.

A plan reports every failing validation at once, so each backend needs only one plan of a config
with one broken pipeline (or schedule) per rule; each expected message is then looked up in the
diagnostics. A valid config plans without any of them (test_valid_pipelines_plan_cleanly).
"""

from __future__ import annotations

from typing import Any

import pytest

from batch_harness.terraform.runner import TerraformError

from .helpers import FIXTURES, REPO_ROOT, chain, flat, runner_for, write_var_file

pytestmark = [pytest.mark.plan, pytest.mark.xdist_group("pipeline-validation")]

JOBS = {
    "a": {"image": "busybox", "schedules": {"s": {"expression": "rate(1 day)"}}},
    "b": {"image": "busybox"},
}
OK = {"steps": {"x": {"job": "a"}}}
LONG = "p" * 50  # a pipeline key: role "pv-<50>-sfn" fits (57), job "pv-<50>-<80-char step>" does not (134)


def schedule(**fields: Any) -> dict[str, Any]:
    return {"steps": {"x": {"job": "a"}}, "schedules": {"s1": {"expression": "rate(1 day)", **fields}}}


SCHEDULER_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "pipeline key": (
        {"bad key!": OK},
        'pipelines["bad key!"]: keys may contain only letters, digits, "-" and "_" and must start with a letter or '
        "digit (they become part of resource names).",
    ),
    "step key": (
        {"steps": {"steps": {"bad step": {"job": "a"}}}},
        'pipelines["steps"].steps["bad step"]: step keys may contain only letters, digits, "-" and "_", must start '
        "with a letter or digit and have at most 80 characters (they name the state machine's states and the "
        "Batch jobs).",
    ),
    "empty": (
        {"empty": {"steps": {}}},
        'pipelines["empty"]: steps is empty; a pipeline needs at least one step, e.g. steps = { report = { job = '
        '"sales_report" } }.',
    ),
    "too many steps": (
        {"huge": {"steps": {s: {"job": "a", "after": after} for s, after in chain(65).items()}}},
        'pipelines["huge"]: 65 steps; a pipeline may have at most 64 (split it into several pipelines).',
    ),
    "unknown job": (
        {"unknown_job": {"steps": {"x": {"job": "nope"}}}},
        'pipelines["unknown_job"].steps["x"]: job "nope" is not defined in jobs (jobs has: a, b).',
    ),
    "unknown step in after": (
        {"unknown_after": {"steps": {"x": {"job": "a", "after": ["ghost"]}}}},
        'pipelines["unknown_after"].steps["x"]: after refers to "ghost", which is not a step of this pipeline '
        "(steps: x).",
    ),
    "self dependency": (
        {"self": {"steps": {"x": {"job": "a", "after": ["x"]}}}},
        'pipelines["self"].steps["x"]: after lists the step itself; a step cannot run after itself.',
    ),
    "cycle": (
        {
            "cycle": {
                "steps": {
                    "p": {"job": "a", "after": ["r"]},
                    "q": {"job": "a", "after": ["p"]},
                    "r": {"job": "b", "after": ["q"]},
                    "fine": {"job": "b", "after": ["p"]},
                }
            }
        },
        'pipelines["cycle"]: steps "p", "q", "r" run after each other in a cycle, so none of them could ever '
        "start; remove an `after` entry that closes the loop.",
    ),
    "long cycle": (
        {"ring": {"steps": {f"r{i:02d}": {"job": "a", "after": [f"r{(i - 1) % 40:02d}"]} for i in range(40)}}},
        'pipelines["ring"]: steps ' + ", ".join(f'"r{i:02d}"' for i in range(40)) + " run after each other in a "
        "cycle, so none of them could ever start; remove an `after` entry that closes the loop.",
    ),
    "empty command": (
        {"cmd": {"steps": {"x": {"job": "a", "command": []}}}},
        'pipelines["cmd"].steps["x"]: command is empty; leave it unset to keep the job\'s command.',
    ),
    "timeout": (
        {"timeout": {**OK, "timeout_seconds": 10}},
        'pipelines["timeout"]: timeout_seconds 10 is out of range (use a whole number of seconds from 60 to '
        "31536000, the one-year limit of a Step Functions execution, or leave it unset).",
    ),
    "log level": (
        {"logs": {**OK, "log_level": "DEBUG"}},
        'pipelines["logs"]: log_level "DEBUG" is not valid (use ALL, ERROR, FATAL or OFF).',
    ),
    "log retention": (
        {"retention": {**OK, "log_retention_days": 10}},
        'pipelines["retention"]: log_retention_days 10 is not a CloudWatch Logs retention (use one of 1, 3, 5, 7, '
        "14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653).",
    ),
    "role name": (
        {LONG + "qqqqqqqqqq": OK},
        f'pipelines["{LONG}qqqqqqqqqq"]: the state machine\'s IAM role name "pv-{LONG}qqqqqqqqqq-sfn" '
        "(67 characters) exceeds AWS's 64 characters; shorten the pipeline key or var.name.",
    ),
    "job name": (
        {LONG: {"steps": {"s" * 80: {"job": "a"}}}},
        f'pipelines["{LONG}"].steps["{"s" * 80}"]: the Batch job name "pv-{LONG}-{"s" * 80}" (134 characters) '
        "exceeds Batch's 128 characters; shorten the step key, the pipeline key or var.name.",
    ),
    "schedule command": (
        {"sched_cmd": schedule(command=["x"])},
        'pipelines["sched_cmd"].schedules["s1"]: command cannot be set on a pipeline schedule (a pipeline runs '
        "several jobs); set steps[...].command instead.",
    ),
    "schedule key": (
        {"sched_key": {**OK, "schedules": {"bad key": {"expression": "rate(1 day)"}}}},
        'pipelines["sched_key"].schedules["bad key"]: keys may contain only letters, digits, "-" and "_" and must '
        "start with a letter or digit (they become part of resource names).",
    ),
    "schedule name length": (
        {"sched_len": {**OK, "schedules": {"x" * 50: {"expression": "rate(1 day)"}}}},
        f'pipelines["sched_len"].schedules["{"x" * 50}"]: the schedule name "pv-sched_len-{"x" * 50}" and its IAM '
        f'role name "pv-sched_len-{"x" * 50}-sched" (69 characters) exceed AWS\'s 64 characters; shorten the '
        "schedule key, the pipeline key or var.name.",
    ),
    "schedule name clash": (
        {"a": {**OK, "schedules": {"s": {"expression": "rate(1 day)"}}}},
        'pipelines["a"].schedules["s"]: its name "pv-a-s" is also the name of a job schedule '
        '(jobs[...].schedules[...] are named "<name>-<job>-<schedule>"); rename the pipeline\'s schedule.',
    ),
    "expression": (
        {"expr": schedule(expression="daily")},
        'pipelines["expr"].schedules["s1"]: expression "daily" is not valid (use cron(...), rate(...) or at(...), '
        'e.g. "cron(0 2 * * ? *)").',
    ),
    "cron fields": (
        {"cron5": schedule(expression="cron(0 3 * * *)")},
        'pipelines["cron5"].schedules["s1"]: cron(0 3 * * *) has 5 fields; AWS cron takes 6 (minutes hours '
        "day-of-month month day-of-week year), e.g. cron(0 2 * * ? *).",
    ),
    "cron question mark": (
        {"cronq": schedule(expression="cron(0 3 * * * *)")},
        'pipelines["cronq"].schedules["s1"]: cron(0 3 * * * *): exactly one of day-of-month and day-of-week must '
        'be "?" (e.g. cron(0 2 * * ? *) or cron(0 2 ? * MON *)).',
    ),
    "cron field value": (
        {"cronv": schedule(expression="cron(61 3 * * ? *)")},
        'pipelines["cronv"].schedules["s1"]: cron(61 3 * * ? *): minutes "61" is not valid (0-59 with , - * /).',
    ),
    "rate singular": (
        {"rate1": schedule(expression="rate(1 days)")},
        'pipelines["rate1"].schedules["s1"]: rate(1 days): use the singular unit for 1, e.g. rate(1 day).',
    ),
    "rate plural": (
        {"rate2": schedule(expression="rate(2 day)")},
        'pipelines["rate2"].schedules["s1"]: rate(2 day): use the plural unit for values above 1, e.g. rate(2 days).',
    ),
    "rate unit": (
        {"rate3": schedule(expression="rate(2 weeks)")},
        'pipelines["rate3"].schedules["s1"]: rate(2 weeks) is not valid (use rate(<positive number> '
        "minute|minutes|hour|hours|day|days), e.g. rate(6 hours)).",
    ),
    "at": (
        {"at": schedule(expression="at(2030-13-01T00:00:00)")},
        'pipelines["at"].schedules["s1"]: at(2030-13-01T00:00:00) is not valid (use at(yyyy-mm-ddThh:mm:ss), e.g. '
        "at(2030-01-31T09:00:00)).",
    ),
    "timezone": (
        {"tz": schedule(timezone="Not a zone")},
        'pipelines["tz"].schedules["s1"]: timezone "Not a zone" is not an IANA time zone name (e.g. '
        '"Europe/Berlin", "UTC").',
    ),
    "flexible window": (
        {"window": schedule(flexible_window_minutes=2000)},
        'pipelines["window"].schedules["s1"]: flexible_window_minutes 2000 is out of range (use 1 to 1440, or '
        "leave it unset for the exact time).",
    ),
    "start date": (
        {"date": schedule(start_date="tomorrow")},
        'pipelines["date"].schedules["s1"]: start_date "tomorrow" is not an RFC 3339 timestamp (e.g. '
        '"2030-01-01T00:00:00Z").',
    ),
    "date order": (
        {"dates": schedule(start_date="2031-01-01T00:00:00Z", end_date="2030-01-01T00:00:00Z")},
        'pipelines["dates"].schedules["s1"]: start_date must be before end_date.',
    ),
    "expected interval": (
        {"interval": schedule(expected_interval_minutes=0)},
        'pipelines["interval"].schedules["s1"]: expected_interval_minutes must be at least 1.',
    ),
}

RULES_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "timezone with rules": (
        {"tz": schedule(timezone="Europe/Berlin")},
        'pipelines["tz"].schedules["s1"]: timezone is only supported with schedule_backend = "scheduler"; '
        "EventBridge rules run in UTC (remove timezone and write the expression in UTC).",
    ),
    "at with rules": (
        {"at": schedule(expression="at(2030-01-31T09:00:00)")},
        'pipelines["at"].schedules["s1"]: one-time at() schedules need schedule_backend = "scheduler" '
        "(EventBridge rules only take cron and rate).",
    ),
    "window with rules": (
        {"window": schedule(flexible_window_minutes=15)},
        'pipelines["window"].schedules["s1"]: flexible_window_minutes is only supported with schedule_backend = '
        '"scheduler".',
    ),
    "dates with rules": (
        {"dates": schedule(end_date="2030-01-01T00:00:00Z")},
        'pipelines["dates"].schedules["s1"]: end_date is only supported with schedule_backend = "scheduler".',
    ),
}


def _diagnostics(tmp_path_factory: pytest.TempPathFactory, backend: str, cases: dict[str, Any]) -> str:
    pipelines: dict[str, Any] = {}
    for config, _ in cases.values():
        assert not set(config) & set(pipelines), "each case needs its own pipeline keys"
        pipelines.update(config)
    runner = runner_for(FIXTURES / "root", tmp_path_factory.mktemp(f"validation-{backend}"))
    var_file = write_var_file(
        tmp_path_factory.mktemp("vars"),
        backend,
        {"name": "pv", "schedule_backend": backend, "jobs": JOBS, "pipelines": pipelines},
    )
    with pytest.raises(TerraformError) as failure:
        runner.plan(var_files=[var_file])
    return flat("\n".join(failure.value.diagnostics))


@pytest.fixture(scope="module")
def scheduler_errors(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _diagnostics(tmp_path_factory, "scheduler", SCHEDULER_CASES)


@pytest.fixture(scope="module")
def rules_errors(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _diagnostics(tmp_path_factory, "rules", RULES_CASES)


@pytest.mark.parametrize("case", sorted(SCHEDULER_CASES))
def test_scheduler_backend_message(scheduler_errors: str, case: str) -> None:
    assert flat(SCHEDULER_CASES[case][1]) in scheduler_errors


@pytest.mark.parametrize("case", sorted(RULES_CASES))
def test_rules_backend_message(rules_errors: str, case: str) -> None:
    assert flat(RULES_CASES[case][1]) in rules_errors


def test_valid_pipelines_are_not_reported(scheduler_errors: str) -> None:
    # "fine" shares the cycle case's pipeline but is not on the cycle; `ok` steps are valid.
    assert '"fine"' not in scheduler_errors
    assert 'pipelines["huge"]: steps' not in scheduler_errors  # 65 steps: no spurious cycle
    assert scheduler_errors.count('pipelines["cycle"]') == 1


def test_example_plans_offline(tmp_path_factory: pytest.TempPathFactory) -> None:
    """examples/pipeline plans as a consumer would: fake credentials, no endpoint, no API call.

    (The module creates its KMS key, so the account - and every definition embedding ARNs built
    from it - is known only after apply; the provider's plan-time definition check is skipped.)
    """
    runner = runner_for(REPO_ROOT / "examples" / "pipeline", tmp_path_factory.mktemp("example-offline"))
    plan = runner.plan()
    machines = plan.of_type("aws_sfn_state_machine")
    assert sorted(values["name"] for values in machines.values()) == ["sb-pipeline-nightly", "sb-pipeline-weekly"]
    assert len(plan.of_type("aws_scheduler_schedule")) >= 3  # two pipeline schedules and optimize_db's
