"""One harness run: account -> copy -> init -> apply -> empty second plan -> fire -> wait ->
destroy -> prove nothing is left -> stop the account. ``e2e`` runs it whole; ``up`` / ``smoke`` /
``down`` run its parts with the account and state kept in ``.batch-harness/`` between calls.

Cleanup is guaranteed (``run_e2e``'s ``finally`` plus ``SignalGuard``): on an exception the run
destroys what it applied and proves the sweep; on Ctrl-C/SIGTERM a local account is discarded
(stopping the emulator removes every resource it held — cheaper than a destroy) while a real
account is destroyed and swept by run id. The emulator is stopped and the working copy removed
in every case, unless ``--keep`` asked to keep a finished run for ``smoke``/``down``.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live

from batch_harness.accounts.aws import AwsAccount
from batch_harness.cleanup.inventory import Inventory, Resource, left_behind, of_run, take_inventory
from batch_harness.cleanup.janitor import Janitor
from batch_harness.cli.report import (
    make_console,
    outcome_dict,
    print_lines,
    progress_table,
    render_log_tails,
    render_results,
)
from batch_harness.delivery.deliver import AccountInfo, Delivery, deliver_all, plan_deliveries
from batch_harness.delivery.dynamic_run import DynamicRun, outputs_in_state_file
from batch_harness.delivery.oneshot import Fire, OneTimeProver
from batch_harness.delivery.permissions import LocalPermissions, SimulatedPermissions
from batch_harness.delivery.schedules import Schedule, discover
from batch_harness.emulator.account import LocalAccount, stop_process_group
from batch_harness.run.interrupts import Interrupted, SignalGuard
from batch_harness.run.job_logs import fill_log_tails
from batch_harness.run.jobs import Outcome, Waiter, failures
from batch_harness.run.workspace import Session, Workspace, new_run_id, remove_if_empty, state_root
from batch_harness.terraform.config import run_name
from batch_harness.terraform.runner import TerraformError, TerraformRunner

Hook = Callable[["Run"], None]
BACKEND_OVERRIDE = "zz_batch_harness_backend_override.tf"


@dataclass
class RunOptions:
    config_dir: Path = Path("examples/complete")
    account: str = "local"  # "local" | "aws"
    var_files: list[Path] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    keep: bool = False
    state_dir: Path | None = None
    # aws
    profile: str | None = None
    role_arn: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    fire: Fire | None = None  # tests: deliver one-time schedules against an emulator
    lead_seconds: int = 60
    # waiting
    timeout: float = 900.0
    poll: float | None = None
    json_report: Path | None = None
    # Hook points for tests: act on, or check, the applied stack before firing (e.g. break a role),
    # after every schedule's jobs finished (the stack still applied), and before destroying.
    after_apply: Hook | None = None
    after_smoke: Hook | None = None
    before_destroy: Hook | None = None
    batch_fail_after: int | None = None
    # A Terraform command running longer is interrupted (a provider retrying forever).
    terraform_timeout: float = 1200.0
    # Local account with an engine: JOB (or *) -> local image; build DIR/image for every other job.
    images: dict[str, str] = field(default_factory=dict)
    build_images: bool = False


@dataclass
class StepRecord:
    name: str
    seconds: float
    ok: bool
    detail: str = ""


@dataclass
class RunReport:
    run_id: str
    account: str
    config_dir: str
    steps: list[StepRecord] = field(default_factory=list)
    plan_changes: list[str] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    interrupted: int | None = None
    schedules_found: int = 0
    job_runner: str = ""  # "container: ..." | "simulated: ..." | "aws: ..." — which runner ran the jobs

    @property
    def delivery_problems(self) -> list[str]:
        return [m for d in self.deliveries for m in d.messages()]

    @property
    def job_failures(self) -> list[str]:
        return failures(self.outcomes)

    @property
    def ok(self) -> bool:
        return (
            self.interrupted is None
            and not self.errors
            and not self.plan_changes
            and not self.delivery_problems
            and not self.job_failures
            and not self.leaks
            and all(o.succeeded for o in self.outcomes)
        )

    @property
    def exit_code(self) -> int:
        if self.interrupted is not None:
            return 128 + self.interrupted
        return 0 if self.ok else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "account": self.account,
            "config_dir": self.config_dir,
            "ok": self.ok,
            "exit_code": self.exit_code,
            "interrupted": self.interrupted,
            "steps": [s.__dict__ for s in self.steps],
            "plan_changes": self.plan_changes,
            "schedules_found": self.schedules_found,
            "job_runner": self.job_runner,
            "schedules": [outcome_dict(o) for o in self.outcomes],
            "delivery_problems": self.delivery_problems,
            "job_failures": self.job_failures,
            "leaks": self.leaks,
            "warnings": self.warnings,
            "errors": self.errors,
        }


class Run:
    """The state of one run and its steps; every step records its duration."""

    def __init__(self, options: RunOptions, console: Console | None = None, run_id: str | None = None) -> None:
        self.options = options
        self.console = console or make_console()
        self.run_id = run_id or new_run_id()
        self.root = state_root(options.state_dir)
        self.config_dir = options.config_dir.resolve()
        self.report = RunReport(self.run_id, options.account, str(self.config_dir))
        self.account: Any = None  # LocalAccount | AwsAccount
        self.workspace: Workspace | None = None
        self.runner: TerraformRunner | None = None
        self.variables: dict[str, Any] = dict(options.variables)
        self.baseline: Inventory | None = None
        self.apply_started = False
        self.destroyed = False
        self._clients: dict[tuple[int, str], Any] = {}
        self.dynamic: DynamicRun | None = None  # the stack's dynamic schedules, once created
        self.dynamic_leaks: list[str] = []  # dynamic schedules the delete step left

    # -- plumbing -------------------------------------------------------------------------------

    def log(self, message: str) -> None:
        self.console.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {message}")

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[StepRecord]:
        record = StepRecord(name, 0.0, False)
        self.log(f"[bold]{name}[/bold] …")
        started = time.monotonic()
        try:
            yield record
            record.ok = True
        finally:
            record.seconds = round(time.monotonic() - started, 1)
            self.report.steps.append(record)
            mark = "[green]ok[/green]" if record.ok else "[red]failed[/red]"
            self.log(f"{name}: {mark} ({record.seconds:.1f}s){' — ' + record.detail if record.detail else ''}")

    def clients(self, service: str) -> Any:
        # One client per service and account: creating a boto3 client costs ~0.3 s.
        key = (id(self.account), service)
        if key not in self._clients:
            self._clients[key] = self.account.client(service)
        return self._clients[key]

    @property
    def account_info(self) -> AccountInfo:
        return AccountInfo(self.account.account_id, self.account.region)

    @property
    def local(self) -> bool:
        return self.options.account == "local"

    # -- steps ----------------------------------------------------------------------------------

    def start_account(self, *, detached: bool = False) -> None:
        with self.step("start account") as record:
            if self.local:
                if detached:
                    self.account = LocalAccount.start(detached_in=self.root)
                else:
                    self.account = LocalAccount.start(batch_fail_after=self.options.batch_fail_after)
                record.detail = f"local emulator {self.account.endpoint} (pid {self.account.pid})"
                self.baseline = take_inventory(self.clients)
            else:
                self.account = AwsAccount.open(
                    self.run_id,
                    profile=self.options.profile,
                    role_arn=self.options.role_arn,
                    region=self.options.region,
                    endpoint_url=self.options.endpoint_url,
                )
                record.detail = f"AWS account {self.account.account_id} {self.account.region}, run id {self.run_id}"

    def prepare(self, workspace_dir: Path) -> None:
        with self.step("copy + init") as record:
            self.workspace = Workspace(workspace_dir)
            workdir = self.workspace.prepare(self.config_dir)
            self.account.write_provider_override(workdir)
            # Ephemeral runs keep their state in the working copy, whatever backend the config uses.
            (workdir / BACKEND_OVERRIDE).write_text('terraform {\n  backend "local" {}\n}\n')
            if not self.local:
                name = run_name(workdir, self.run_id, self.options.var_files)
                if name and "name" not in self.variables:
                    self.variables["name"] = name
            self.runner = TerraformRunner(
                workdir, env=self.account.env(), timeout=self.options.terraform_timeout, scratch=True
            )
            self.runner.init()
            record.detail = str(workdir)

    def apply(self) -> None:
        assert self.runner is not None
        with self.step("apply"):
            self.apply_started = True
            self.runner.apply_with_retry(self.variables, self.options.var_files)
        if self.local:
            self.map_images()
        if self.options.after_apply:
            self.options.after_apply(self)

    def map_images(self) -> None:
        """Tell the local account which runner ran and which image each job runs (--image)."""
        from batch_harness.run.containers_setup import map_images

        assert self.runner is not None
        self.report.job_runner, detail, warnings = map_images(
            self.account, Path(self.runner.workdir) / "terraform.tfstate", self.config_dir, self.options
        )
        self.report.warnings.extend(warnings)
        self.log(f"jobs: {self.report.job_runner}{detail}")

    def check_plan(self) -> None:
        assert self.runner is not None
        with self.step("second plan is empty") as record:
            self.report.plan_changes = self.runner.plan_is_empty(self.variables, self.options.var_files)
            if self.report.plan_changes:
                record.detail = "still changing: " + ", ".join(self.report.plan_changes)
            else:
                record.detail = "no changes"

    def discover(self) -> list[Schedule]:
        assert self.runner is not None
        # The local state file (the backend is forced local) is read directly: `terraform show
        # -json` would start the provider just to print it (~10 s on a busy machine).
        state_file = Path(self.runner.workdir) / "terraform.tfstate"
        state = json.loads(state_file.read_text()) if state_file.is_file() else self.runner.show_state()
        schedules = discover(self.clients, state)
        if self.dynamic is not None:
            schedules += self.dynamic.read_all(self.clients("scheduler"))
        self.report.schedules_found = len(schedules)
        return schedules

    def create_dynamic_schedules(self) -> None:
        """A stack with dynamic schedules: one per job through the client, as an application would."""
        assert self.runner is not None
        state_file = Path(self.runner.workdir) / "terraform.tfstate"
        outputs = outputs_in_state_file(json.loads(state_file.read_text())) if state_file.is_file() else {}
        if not outputs.get("dynamic_schedule_group_name"):
            return
        with self.step("create dynamic schedules") as record:
            info = self.account_info
            self.dynamic = DynamicRun.open(
                outputs, lambda: self.account.client("scheduler"), info.account_id, info.region
            )
            assert self.dynamic is not None
            names = self.dynamic.create_for_every_job()
            record.detail = f"{len(names)} through the client, every call allowed by the manager policy"

    def delete_dynamic_schedules(self) -> None:
        if self.dynamic is None:
            return
        with self.step("delete dynamic schedules") as record:
            leaks = self.dynamic.delete_all()
            self.dynamic_leaks = leaks
            self.report.leaks.extend(leaks)
            record.detail = f"{len(leaks)} left" if leaks else f"group {self.dynamic.config.group_name} empty"

    def smoke(self) -> list[Outcome]:
        self.create_dynamic_schedules()
        with self.step("fire every schedule") as record:
            schedules = self.discover()
            if self.local:
                deliveries = deliver_all(
                    schedules, self.account_info, LocalPermissions(self.clients("iam")), self.clients
                )
            else:
                permissions = SimulatedPermissions(self.clients("iam"))
                deliveries = plan_deliveries(schedules, self.account_info, permissions, self.clients)
                self.report.warnings.extend(permissions.fallbacks)
                prover = OneTimeProver(
                    self.clients,
                    self.run_id,
                    lead_seconds=self.options.lead_seconds,
                    find_timeout=self.options.timeout,
                    poll=self.options.poll or 10.0,
                    fire=self.options.fire,
                    log=self.log,
                )
                prover.prove(deliveries)
            self.report.deliveries = deliveries
            fired = sum(1 for d in deliveries if d.submitted)
            skipped = sum(1 for d in deliveries if d.skipped)
            record.detail = f"{len(schedules)} schedule(s), {fired} fired, {skipped} not fired (disabled/expired)"
            if not schedules:
                self.report.warnings.append("the configuration deployed no schedule: nothing was fired")
        for line in self.report.delivery_problems:
            self.console.print(f"[bold red]✗[/bold red] {line}")
        with self.step("wait for jobs") as record:
            outcomes = self._wait(deliveries)
            self.report.outcomes = outcomes
            self._describe_runs(outcomes)
            done = sum(1 for o in outcomes if o.succeeded and not o.delivery.skipped)
            record.detail = f"{done}/{sum(1 for d in deliveries if d.submitted)} succeeded"
        self.console.print(render_results(outcomes))
        self.console.print(render_log_tails(outcomes))
        self.delete_dynamic_schedules()
        if self.options.after_smoke:
            self.options.after_smoke(self)
        return outcomes

    def _describe_runs(self, outcomes: list[Outcome]) -> None:
        """Each job's runner and the last lines of its log."""
        if not self.report.job_runner:
            self.report.job_runner = (
                str(self.account.health().get("job_runner", "simulated")) if self.local else "aws: AWS Batch"
            )
        runner = self.report.job_runner.split(":", 1)[0]
        jobs = [o.job for o in outcomes if o.job]
        jobs += [s.job for o in outcomes if o.execution for s in o.execution.steps if s.job]
        for job in jobs:
            job.runner = runner
        fill_log_tails(self.clients, jobs)

    def _wait(self, deliveries: list[Delivery]) -> list[Outcome]:
        poll = self.options.poll or (0.5 if self.local else 10.0)
        if self.console.is_terminal:
            with Live(progress_table([Outcome(d) for d in deliveries]), console=self.console, transient=True) as live:
                waiter = Waiter(
                    self.clients,
                    timeout=self.options.timeout,
                    poll=poll,
                    on_progress=lambda o: live.update(progress_table(o)),
                )
                return waiter.wait(deliveries)
        seen: dict[str, str] = {}

        def changes(outcomes: list[Outcome]) -> None:
            for outcome in outcomes:
                if outcome.delivery.submitted and seen.get(outcome.delivery.label) != outcome.status:
                    seen[outcome.delivery.label] = outcome.status
                    self.log(f"{outcome.delivery.label}: {outcome.status}")

        return Waiter(self.clients, timeout=self.options.timeout, poll=poll, on_progress=changes).wait(deliveries)

    def destroy(self) -> None:
        assert self.runner is not None
        if self.options.before_destroy:
            self.options.before_destroy(self)
        with self.step("destroy"):
            self.runner.destroy(self.variables, self.options.var_files)
            self.destroyed = True

    def sweep(self) -> list[str]:
        """State empty AND nothing of this run left in the account's API."""
        assert self.runner is not None
        with self.step("prove nothing is left") as record:
            leaks = [*self.dynamic_leaks]  # destroying the group would hide them from the API sweep
            leaks += [f"terraform state still holds {a}" for a in self.runner.state_addresses()]
            leaks += [str(r) for r in self.leftovers()]
            self.report.leaks = leaks
            record.detail = f"{len(leaks)} left" if leaks else "state empty, API sweep clean"
        return leaks

    def leftovers(self) -> list[Resource]:
        after = take_inventory(self.clients)
        self.report.warnings.extend(after.errors)
        if self.local and self.baseline is not None:
            return left_behind(self.baseline, after)
        return of_run(after, self.clients, self.run_id)

    def stop_account(self) -> None:
        if self.account is not None:
            self.account.stop()

    # -- cleanup --------------------------------------------------------------------------------

    def cleanup(self, guard: SignalGuard, *, failed: bool) -> None:
        """Leave no process, no resources, no state (see module docstring)."""
        # An interrupted Terraform command has already stopped and written its state (tfprocess.run
        # waits for it before the interrupt reaches this far).
        with guard.cleaning():
            if guard.interrupted and self.local:
                self.log("discarding the local account (stopping the emulator removes everything in it)")
                self._safely(self.stop_account)
            else:
                applied = self.apply_started and not self.destroyed and self.runner is not None
                if applied and not guard.forced and (failed or guard.interrupted):
                    self.log("destroying what the run applied")
                    self._safely(self.destroy)
                    if self.destroyed:
                        self._safely(self.sweep)
                if not self.local and self.account is not None and not guard.forced:
                    self._safely(self._janitor)
                self._safely(self.stop_account)
            if self.workspace is not None:
                self._safely(self.workspace.remove)
            remove_if_empty(self.root)

    def _janitor(self) -> None:
        result = Janitor(self.clients, log=self.log).clean(self.run_id)
        if result.removed:
            self.report.leaks.extend(f"removed by the janitor: {r}" for r in result.removed)
        self.report.errors.extend(f"janitor: {f}" for f in result.failed)

    def _safely(self, action: Callable[[], Any]) -> None:
        try:
            action()
        except Interrupted:
            raise
        except Exception as error:  # cleanup goes on; the failure is reported
            self.report.errors.append(f"cleanup: {_describe(error)}")
            self.log(f"[red]cleanup step failed:[/red] {_describe(error)}")

    # -- the end --------------------------------------------------------------------------------

    def summarise(self) -> None:
        report = self.report
        total = sum(s.seconds for s in report.steps)
        self.console.print(
            "steps: " + ", ".join(f"{s.name} {s.seconds:.0f}s" for s in report.steps) + f" — total {total:.0f}s"
        )
        if report.job_runner:
            self.console.print(f"jobs ran on: {report.job_runner}")
        print_lines(self.console, "plan not empty after apply:", report.plan_changes)
        print_lines(self.console, "schedules not delivered:", report.delivery_problems)
        print_lines(self.console, "jobs that did not succeed:", report.job_failures)
        print_lines(self.console, "left behind:", report.leaks)
        print_lines(self.console, "errors:", report.errors)
        print_lines(self.console, "warnings:", report.warnings, style="yellow")
        if report.interrupted is not None:
            self.console.print("[bold red]interrupted[/bold red]: cleaned up")
        verdict = "[bold green]PASSED[/bold green]" if report.ok else "[bold red]FAILED[/bold red]"
        self.console.print(f"{verdict} run {report.run_id} ({report.account}) of {report.config_dir}")
        if self.options.json_report:
            self.options.json_report.parent.mkdir(parents=True, exist_ok=True)
            self.options.json_report.write_text(json.dumps(report.to_dict(), indent=2, default=str))


def _describe(error: BaseException) -> str:
    if isinstance(error, TerraformError):
        return f"terraform {error.command}: " + " | ".join(d.replace("\n", " ") for d in error.diagnostics)[:2000]
    return f"{type(error).__name__}: {error}"


# ------------------------------------------------------------------------------------------------
# the commands
# ------------------------------------------------------------------------------------------------


def run_e2e(options: RunOptions, console: Console | None = None) -> RunReport:
    run = Run(options, console)
    if options.keep and Session.load(run.root) is not None:
        run.report.errors.append(f"--keep: a session already exists in {run.root}; run `batch-harness down` first")
        run.summarise()
        return run.report
    failed = False
    kept = False
    with SignalGuard(log=lambda m: run.console.print(f"[bold yellow]{m}[/bold yellow]")) as guard:
        try:
            run.start_account(detached=options.keep and run.local)
            run.prepare(run.root / ("session" if options.keep else f"e2e-{run.run_id}"))
            run.apply()
            run.check_plan()
            run.smoke()
            if options.keep:
                _save_session(run)
                kept = True
                run.log(f"kept: account and state in {run.root} — run `batch-harness smoke` / `batch-harness down`")
            else:
                run.destroy()
                run.sweep()
        except Interrupted as interrupt:
            run.report.interrupted = interrupt.signum
        except Exception as error:
            failed = True
            run.report.errors.append(_describe(error))
        finally:
            if not kept:
                try:
                    run.cleanup(guard, failed=failed)
                except Interrupted as interrupt:  # a signal between the steps of cleanup
                    run.report.interrupted = interrupt.signum
    run.summarise()
    return run.report


def _save_session(run: Run) -> None:
    assert run.runner is not None
    session = Session(
        run_id=run.run_id,
        account=run.options.account,
        config_dir=str(run.config_dir),
        workdir=str(run.runner.workdir),
        var_files=[str(Path(f).resolve()) for f in run.options.var_files],
        variables=run.variables,
        local=run.account.record() if run.local else None,
        aws=None
        if run.local
        else {
            "profile": run.options.profile,
            "role_arn": run.options.role_arn,
            "region": run.account.region,
            "endpoint_url": run.options.endpoint_url,
        },
        applied=run.apply_started,
    )
    if run.baseline is not None:
        baseline_file = run.root / "baseline.json"
        baseline_file.write_text(json.dumps([list(r.key) for r in run.baseline.resources]))
        session.baseline = str(baseline_file)
    session.save(run.root)


def run_up(options: RunOptions, console: Console | None = None) -> RunReport:
    """Start the account, apply, check the second plan; keep everything for smoke/down."""
    run = Run(options, console)
    if Session.load(run.root) is not None:
        run.report.errors.append(f"a session already exists in {run.root}; run `batch-harness down` first")
        run.summarise()
        return run.report
    with SignalGuard(log=lambda m: run.console.print(f"[bold yellow]{m}[/bold yellow]")) as guard:
        try:
            run.start_account(detached=True)
            run.prepare(run.root / "session")
            _save_session(run)  # from here on, `down` can clean up whatever happens next
            run.apply()
            _save_session(run)
            run.check_plan()
        except Interrupted as interrupt:
            run.report.interrupted = interrupt.signum
            # An interrupted `up` leaves nothing: discard/destroy now, as e2e does.
            run.cleanup(guard, failed=True)
            (run.root / "session.json").unlink(missing_ok=True)
            (run.root / "baseline.json").unlink(missing_ok=True)
            (run.root / "emulator.log").unlink(missing_ok=True)
            remove_if_empty(run.root)
        except Exception as error:
            run.report.errors.append(_describe(error))
            run.log("`up` failed; the session is kept for inspection — `batch-harness down` removes it")
    run.summarise()
    return run.report


def _attach(options: RunOptions, console: Console | None) -> tuple[Run, Session] | RunReport:
    root = state_root(options.state_dir)
    session = Session.load(root)
    if session is None:
        report = RunReport("-", options.account, "-", errors=[f"no session in {root}: run `batch-harness up` first"])
        Console(highlight=False).print(f"[red]no session in {root}: run `batch-harness up` first[/red]")
        return report
    options.config_dir = Path(session.config_dir)
    options.account = session.account
    options.var_files = [Path(f) for f in session.var_files]
    if session.aws:
        options.profile = session.aws.get("profile")
        options.role_arn = session.aws.get("role_arn")
        options.region = session.aws.get("region")
        options.endpoint_url = session.aws.get("endpoint_url")
    run = Run(options, console, run_id=session.run_id)
    run.variables = dict(session.variables)
    if session.local:
        run.account = LocalAccount.attach(session.local)
    else:
        run.account = AwsAccount.open(
            session.run_id,
            profile=options.profile,
            role_arn=options.role_arn,
            region=options.region,
            endpoint_url=options.endpoint_url,
        )
    if session.baseline and Path(session.baseline).is_file():
        keys = json.loads(Path(session.baseline).read_text())
        run.baseline = Inventory([Resource(kind, rid) for kind, rid in keys])
    run.workspace = Workspace(run.root / "session")
    run.runner = TerraformRunner(
        Path(session.workdir), env=run.account.env(), timeout=options.terraform_timeout, scratch=True
    )
    run.apply_started = session.applied
    return run, session


def run_smoke(options: RunOptions, console: Console | None = None) -> RunReport:
    attached = _attach(options, console)
    if isinstance(attached, RunReport):
        return attached
    run, _ = attached
    with SignalGuard(log=lambda m: run.console.print(f"[bold yellow]{m}[/bold yellow]")):
        try:
            run.smoke()
        except Interrupted as interrupt:
            run.report.interrupted = interrupt.signum
        except Exception as error:
            run.report.errors.append(_describe(error))
    run.summarise()
    return run.report


def run_down(options: RunOptions, console: Console | None = None, *, discard: bool = False) -> RunReport:
    """Destroy, prove the sweep, stop the account, remove the state folder."""
    try:
        attached = _attach(options, console)
    except Exception as error:  # the account is already gone: still remove the state
        root = state_root(options.state_dir)
        report = RunReport("-", options.account, "-", warnings=[f"account not reachable: {_describe(error)}"])
        session = Session.load(root)
        if session and session.local:
            stop_process_group(int(session.local["pid"]), 1.0)
        _remove_state(root)
        Console(highlight=False).print(f"[yellow]account not reachable ({error}); state removed[/yellow]")
        return report
    if isinstance(attached, RunReport):
        return attached
    run, _ = attached
    with SignalGuard(log=lambda m: run.console.print(f"[bold yellow]{m}[/bold yellow]")) as guard:
        try:
            if not (discard and run.local):
                run.destroy()
                run.sweep()
        except Interrupted as interrupt:
            run.report.interrupted = interrupt.signum
        except Exception as error:
            run.report.errors.append(_describe(error))
        finally:
            with guard.cleaning():
                if not run.local and run.report.errors:
                    run._safely(run._janitor)
                run._safely(run.stop_account)
                _remove_state(run.root)
    run.summarise()
    return run.report


def _remove_state(root: Path) -> None:
    Workspace(root / "session").remove()
    for name in ("session.json", "baseline.json", "emulator.log"):
        (root / name).unlink(missing_ok=True)
    remove_if_empty(root)
