"""pytest fixtures of the harness, for this repository's tests and for users' own suites.

Registered through the ``pytest11`` entry point (installing the package is enough):

* ``local_account`` — a fresh local AWS account (emulator server), stopped at teardown.
* ``applied`` — factory: ``applied(example_dir, variables=None, var_files=(), destroy=False)``
  copies the config, applies it into its own fresh local account and returns an ``AppliedStack``
  (``runner``, ``outputs``, ``account``, ``clients``, ``smoke()``, ``destroy()``, ``sweep()``).
  Teardown discards the account (fast); ``destroy=True`` runs ``terraform destroy`` first.
* ``harness_repo_root`` — the repository root (where ``examples/`` lives).
* ``--run-aws`` — run tests marked ``aws`` (they need real credentials; skipped otherwise).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
