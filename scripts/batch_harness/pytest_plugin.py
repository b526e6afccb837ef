"""pytest fixtures of the harness, for this repository's tests and for users' own suites.

Registered through the ``pytest11`` entry point (installing the package is enough):

* ``local_account`` — a fresh local AWS account (emulator server), stopped at teardown.
* ``applied`` — factory: ``applied(example_dir, variables=None, var_files=(), destroy=False)``
  copies the config, applies it into its own fresh local account and returns an ``AppliedStack``
  (``runner``, ``outputs``, ``account``, ``clients``, ``smoke()``, ``destroy()``, ``sweep()``).
  Teardown discards the account (fast); ``destroy=True`` runs ``terraform destroy`` first.
* ``shared_e2e`` — session-wide: ``shared_e2e(name, config_dir, env=None, **run_options)`` runs
  the whole e2e of a config once per test session (per xdist worker) and returns its
  ``SharedRun`` (report plus the result of every check registered with ``stack_check(name)``),
  so every test that needs the applied stack asserts its own part of one run.
* ``harness_repo_root`` — the repository root (where ``examples/`` lives).
* ``--run-aws`` — run tests marked ``aws`` (they need real credentials; skipped otherwise).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import pytest

if TYPE_CHECKING:
    from batch_harness.run.e2e import Run, RunReport

    from .emulator import LocalAccount


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("batch-harness")
    group.addoption("--run-aws", action="store_true", default=False, help="run tests marked `aws` (real account)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "aws: needs a real AWS account (opt-in: --run-aws)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-aws"):
        return
    skip = pytest.mark.skip(reason="needs a real AWS account: pass --run-aws")
    for item in items:
        if "aws" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def harness_repo_root(request: pytest.FixtureRequest) -> Path:
    """The nearest directory at or above pytest's rootdir that has an ``examples/`` folder."""
    start = Path(request.config.rootpath).resolve()
    for candidate in (start, *start.parents):
        if (candidate / "examples").is_dir():
            return candidate
    return start


@pytest.fixture
def local_account() -> Iterator[LocalAccount]:
    from .emulator import LocalAccount

    account = LocalAccount.start()
    try:
        yield account
    finally:
        account.stop()


@dataclass
class AppliedStack:
    """A config applied into a local account; ``run`` is the harness run driving it."""

    run: Run
    outputs: dict[str, Any] = field(default_factory=dict)
    destroy_at_teardown: bool = False

    @property
    def runner(self) -> Any:
        return self.run.runner

    @property
    def account(self) -> Any:
        return self.run.account

    @property
    def workdir(self) -> Path:
        assert self.run.runner is not None
        return Path(self.run.runner.workdir)

    def clients(self, service: str) -> Any:
        return self.run.clients(service)

    def state(self) -> dict[str, Any]:
        assert self.run.runner is not None
        return dict(self.run.runner.show_state())

    def smoke(self) -> RunReport:
        """Fire every schedule as AWS would and wait for the jobs; returns the run report."""
        self.run.report.outcomes = []
        self.run.report.deliveries = []
        self.run.smoke()
        return self.run.report

    def destroy(self) -> None:
        self.run.destroy()

    def sweep(self) -> list[str]:
        return self.run.sweep()


@pytest.fixture
def applied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from rich.console import Console

    from batch_harness.cleanup.inventory import take_inventory
    from batch_harness.run.e2e import Run, RunOptions

    from .emulator import LocalAccount

    stacks: list[AppliedStack] = []

    def factory(
        example_dir: str | Path,
        variables: Mapping[str, Any] | None = None,
        var_files: tuple[str | Path, ...] = (),
        *,
        destroy: bool = False,
        batch_fail_after: int | None = None,
    ) -> AppliedStack:
        workspace = tmp_path_factory.mktemp("applied")
        options = RunOptions(
            config_dir=Path(example_dir),
            variables=dict(variables or {}),
            var_files=[Path(f) for f in var_files],
            state_dir=workspace,
            timeout=300.0,
        )
        run = Run(options, Console(highlight=False, width=160))
        stack = AppliedStack(run, destroy_at_teardown=destroy)
        stacks.append(stack)
        run.account = LocalAccount.start(batch_fail_after=batch_fail_after)
        run.baseline = take_inventory(run.clients)
        run.prepare(workspace / "work")
        run.apply()
        assert run.runner is not None
        stack.outputs = run.runner.output()
        return stack

    yield factory

    errors: list[str] = []
    for stack in reversed(stacks):
        run = stack.run
        try:
            if stack.destroy_at_teardown and run.apply_started and not run.destroyed:
                run.destroy()
        except Exception as error:  # still stop the account; report below
            errors.append(f"destroy: {error}")
        finally:
            if run.account is not None:
                run.account.stop()
            if run.workspace is not None:
                shutil.rmtree(run.workspace.root, ignore_errors=True)
    if errors:
        pytest.fail("applied teardown: " + "; ".join(errors))


# ------------------------------------------------------------------------------------------------
# shared_e2e: one e2e run per config and session, checked by many tests through the run's hooks
# ------------------------------------------------------------------------------------------------

Phase = Literal["after_apply", "after_smoke", "before_destroy"]
PHASES: tuple[Phase, ...] = ("after_apply", "after_smoke", "before_destroy")
StackCheck = Callable[["Run"], Any]
CheckT = TypeVar("CheckT", bound=StackCheck)

# stack name -> checks in registration order: (check name, phase, function)
_CHECKS: dict[str, list[tuple[str, Phase, StackCheck]]] = {}


def check_name(check: StackCheck) -> str:
    return f"{check.__module__}.{check.__qualname__}"


def stack_check(stack: str, *, phase: Phase = "after_smoke") -> Callable[[CheckT], CheckT]:
    """Register ``check(run)`` to run against the shared stack ``stack`` at ``phase``.

    Register at import (module level): a test module's checks must be known before the first
    test of the session asks ``shared_e2e`` for the stack. ``after_apply`` runs before the second
    plan and the schedules fire; ``after_smoke`` once every job finished; ``before_destroy`` last.
    A check that changes the stack must undo it (the run still proves the second plan, the jobs
    and a clean destroy). Its return value or exception is recorded, never raised into the run.
    """
    if phase not in PHASES:
        raise ValueError(f"phase must be one of {PHASES}, not {phase!r}")

    def register(check: CheckT) -> CheckT:
        name = check_name(check)
        entries = _CHECKS.setdefault(stack, [])
        entries[:] = [e for e in entries if e[0] != name]  # a re-imported module replaces its own
        entries.append((name, phase, check))
        return check

    return register


@dataclass
class CheckResult:
    name: str
    phase: Phase
    seconds: float = 0.0
    value: Any = None
    error: BaseException | None = None

    def get(self) -> Any:
        """The check's return value; its exception (e.g. a failed assertion) is raised again."""
        if self.error is not None:
            raise self.error
        return self.value


@dataclass
class SharedRun:
    """One finished e2e run of a shared stack and what every registered check recorded."""

    name: str
    config_dir: Path
    report: RunReport
    state_dir: Path
    json_report: Path
    env: dict[str, str]
    checks: dict[str, CheckResult] = field(default_factory=dict)

    def summary(self, limit: int = 6000) -> str:
        import json

        return json.dumps(self.report.to_dict(), indent=1, default=str)[:limit]

    def check(self, check: StackCheck | str) -> Any:
        """The recorded result of ``check`` (re-raising its failure); fails if it never ran."""
        name = check if isinstance(check, str) else check_name(check)
        result = self.checks.get(name)
        if result is None:
            registered = [n for n, _, _ in _CHECKS.get(self.name, [])]
            pytest.fail(
                f"check {name} did not run on shared stack {self.name!r} (registered: {registered}); "
                f"the run stopped before its phase: {self.report.errors or self.report.steps}"
            )
        return result.get()


class SharedE2E:
    """The ``shared_e2e`` fixture: runs each named stack's e2e once, then hands out the result."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._tmp = tmp_path_factory
        self._runs: dict[str, tuple[tuple[Any, ...], SharedRun | BaseException]] = {}

    def __call__(
        self, name: str, config_dir: str | Path, *, env: Mapping[str, str] | None = None, **run_options: Any
    ) -> SharedRun:
        env = dict(env or {})
        for hook in ("after_apply", "after_smoke", "before_destroy", "state_dir", "json_report"):
            if hook in run_options:
                raise TypeError(f"shared_e2e sets {hook} itself (register checks with stack_check)")
        key = (str(Path(config_dir).resolve()), sorted(env.items()), sorted(run_options.items(), key=str))
        if name not in self._runs:
            outcome: SharedRun | BaseException
            try:
                outcome = self._run(name, Path(config_dir), env, run_options)
            except Exception as error:  # remembered: the stack's next test fails fast, not re-runs it
                outcome = error
            self._runs[name] = (key, outcome)
        known, result = self._runs[name]
        if known != key:
            raise ValueError(f"shared stack {name!r} was already run with other settings: {known} != {key}")
        if isinstance(result, BaseException):
            raise result
        return result

    def _run(self, name: str, config_dir: Path, env: dict[str, str], run_options: dict[str, Any]) -> SharedRun:
        from batch_harness.run.e2e import RunOptions, run_e2e

        work = self._tmp.mktemp(f"shared-{name}")
        state_dir, json_report = work / "state", work / "report.json"
        checks: dict[str, CheckResult] = {}

        def at(phase: Phase) -> Callable[[Run], None]:
            def hook(run: Run) -> None:
                for check_id, check_phase, check in list(_CHECKS.get(name, [])):
                    if check_phase != phase:
                        continue
                    result = CheckResult(check_id, phase)
                    started = time.monotonic()
                    try:
                        result.value = check(run)
                    except Exception as error:  # recorded for the test that asserts it
                        result.error = error
                    result.seconds = round(time.monotonic() - started, 1)
                    checks[check_id] = result

            return hook

        options = RunOptions(
            config_dir=config_dir,
            state_dir=state_dir,
            json_report=json_report,
            after_apply=at("after_apply"),
            after_smoke=at("after_smoke"),
            before_destroy=at("before_destroy"),
            **run_options,
        )
        with pytest.MonkeyPatch.context() as patch:
            for variable, value in env.items():
                patch.setenv(variable, value)
            report = run_e2e(options)
        return SharedRun(name, config_dir, report, state_dir, json_report, env, checks)


@pytest.fixture(scope="session")
def shared_e2e(tmp_path_factory: pytest.TempPathFactory) -> SharedE2E:
    return SharedE2E(tmp_path_factory)
