"""Run Terraform for the harness: offline provider installation, plan/apply/destroy, diagnostics.

Every command goes through ``tfprocess.run`` (own process group, both pipes drained, a timeout,
interrupts forwarded). tftest and python-terraform are not used: tftest reads all of stdout before
stderr (a run writing more than a pipe buffer to stderr hangs) and exposes no process handle or
timeout; python-terraform breaks on Terraform >= 1.0 and turns a per-call environment into a
``-var-file``. Plans are read from ``terraform show -json`` into one model, ``PlanResult``.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch_harness.terraform import process as tfprocess
from batch_harness.terraform.addresses import planned_resources, resource_type

MIRROR_ENV = "BATCH_HARNESS_PROVIDER_MIRROR"
# Where Terraform's implied local mirrors live, as glob patterns.
MIRROR_CANDIDATES = (
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
)
# Top-level folders that never hold installed software (pseudo filesystems, scratch space).
_NOT_INSTALL_ROOTS = {"proc", "sys", "dev", "run", "tmp"}
OVERRIDE_FILE = "zz_batch_harness_override.tf"
LOCK_FILE = ".terraform.lock.hcl"
_LOCK_HASHES = re.compile(r"^\s*hashes\s*=\s*\[[^\]]*\]\n", re.MULTILINE)
# Go's collector at its default (GOGC=100) spends about a quarter of a plan's CPU on the AWS
# provider's multi-megabyte schema; at 400 a plan of examples/minimal takes ~7.7 CPU-s instead of
# ~10.2, for ~160 MB more per command (docs/harness.md, "Terraform drivers", has the measurements,
# GOMEMLIMIT included). A GOGC or GOMEMLIMIT the caller sets wins: os.environ reaches every child.
GO_GC_PERCENT = "400"
# Offline plans need no endpoint: fake keys, and no STS/IMDS calls from the provider itself.
OFFLINE_PROVIDER_OVERRIDE = """\
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  max_retries                 = 1
}
"""


def offline_provider_env(sfn_endpoint: str | None) -> dict[str, str]:
    """Where an offline plan's provider validates state machine definitions (nowhere if None).

    An environment variable, not an ``endpoints`` block: with any ``endpoints`` block (even an
    empty one) hashicorp/aws 5.100.0 spends ~2 CPU-s more each time it is configured, twice per
    plan; the environment costs nothing.
    """
    return {"AWS_ENDPOINT_URL_SFN": sfn_endpoint} if sfn_endpoint else {}


def endpoint_hygiene(inherited: Mapping[str, str], given: Mapping[str, str]) -> dict[str, str]:
    """``inherited`` without endpoint settings that would overrule the endpoints in ``given``.

    The AWS SDKs let a per-service ``AWS_ENDPOINT_URL_<SERVICE>`` win over ``AWS_ENDPOINT_URL``,
    and ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` switch both off: a caller that names an endpoint
    (the local account, the offline validation stub) must not have its calls sent elsewhere by
    what the surrounding shell happens to set.
    """
    if not any(key.startswith("AWS_ENDPOINT_URL") for key in given):
        return dict(inherited)
    return {
        key: value
        for key, value in inherited.items()
        if not key.startswith("AWS_ENDPOINT_URL") and key != "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"
    }


# Offline there is no sts:GetCallerIdentity either: a config that declares the module's
# plan-only `account_id` input gets this account (a caller's own TF_VAR_account_id wins).
OFFLINE_ACCOUNT_ID = "123456789012"
_SKIP_DIRS = {".git", ".venv", ".terraform", ".batch-harness", "node_modules", "__pycache__", "reports"}
_LOCAL_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.{1,2}/[^"]*)"', re.MULTILINE)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Errors a second apply resolves (the tainted resource is replaced): a security group whose
# default egress rule was already revoked by an earlier, retried request.
RETRYABLE_APPLY_ERRORS = re.compile(r"revoking default IPv[46] egress rule.*InvalidPermission\.NotFound", re.DOTALL)


class TerraformError(RuntimeError):
    """A terraform command failed; ``diagnostics`` holds its error blocks as plain text."""

    def __init__(self, command: str, returncode: int, stdout: str, stderr: str) -> None:
        self.command = command
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = _ANSI.sub("", stderr)
        self.diagnostics = parse_diagnostics(self.stderr) or [self.stderr.strip()]
        super().__init__(f"terraform {command} failed ({returncode}):\n" + "\n\n".join(self.diagnostics))


def parse_diagnostics(stderr: str) -> list[str]:
    """Split terraform's boxed error output into one text block per ``Error:``."""
    lines = [line.removeprefix("│").removeprefix("╷").removeprefix("╵").strip() for line in stderr.splitlines()]
    blocks: list[list[str]] = []
    for line in lines:
        if line.startswith("Error:"):
            blocks.append([line])
        elif blocks and line:
            blocks[-1].append(line)
    return ["\n".join(block) for block in blocks]


def find_provider_mirror() -> Path | None:
    """The provider filesystem mirror: $BATCH_HARNESS_PROVIDER_MIRROR, else a conventional place."""
    explicit = os.environ.get(MIRROR_ENV)
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_dir():
            raise FileNotFoundError(f"{MIRROR_ENV}={explicit} is not a directory")
        return path
    for candidate in MIRROR_CANDIDATES:
        for found in sorted(glob.glob(os.path.expanduser(candidate))):
            if _is_mirror(Path(found)):
                return Path(found)
    return _mirror_installed_with_the_machine()


def _is_mirror(path: Path) -> bool:
    try:
        return any(path.glob("*/hashicorp/aws/*"))
    except OSError:
        return False


@functools.cache
def _mirror_installed_with_the_machine(root: Path = Path("/")) -> Path | None:
    """A mirror two levels below ``root`` (machine images put add-on software in folders like
    ``<root>/<vendor>/<tool>``); the first in sorted order. About 0.1 s, once per process."""
    for top in sorted(root.iterdir()):
        if top.name in _NOT_INSTALL_ROOTS or top.is_symlink() or not top.is_dir():
            continue
        try:
            folders = sorted(p for p in top.iterdir() if p.is_dir())
        except OSError:
            continue
        for folder in folders:
            if _is_mirror(folder):
                return folder
    return None


def mirrored_providers(mirror: Path) -> list[str]:
    """Provider addresses (host/namespace/type) present in an unpacked or packed mirror."""
    found = {
        "/".join(p.relative_to(mirror).parts[:3]) for p in mirror.glob("*/*/*/*") if p.is_dir() or p.suffix == ".zip"
    }
    return sorted(addr for addr in found if addr.count("/") == 2)


def cli_config_env(cache_dir: Path | None = None, configured: str | None = None) -> dict[str, str]:
    """Environment that makes ``terraform init`` install mirrored providers offline.

    A user's own existing CLI config (``configured``, default $TF_CLI_CONFIG_FILE) wins; otherwise,
    when a mirror exists, a config is written that takes the mirrored providers from it and
    everything else from the registry as usual. A configured file that does not exist counts as none.
    """
    configured = os.environ.get("TF_CLI_CONFIG_FILE") if configured is None else configured
    if configured and Path(configured).is_file():
        return {}
    mirror = find_provider_mirror()
    if mirror is None:
        return {}
    providers = mirrored_providers(mirror)
    include = ", ".join(json.dumps(p) for p in providers)
    config = (
        "provider_installation {\n"
        f"  filesystem_mirror {{\n    path    = {json.dumps(str(mirror))}\n    include = [{include}]\n  }}\n"
        f"  direct {{\n    exclude = [{include}]\n  }}\n"
        "}\n"
    )
    cache_dir = cache_dir or Path(tempfile.gettempdir()) / "batch-harness"
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Named by its content: concurrent runs with different mirrors never rewrite each other's file.
    path = cache_dir / f"terraformrc-{hashlib.sha256(config.encode()).hexdigest()[:16]}"
    if not path.is_file():
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}")
        tmp.write_text(config)
        tmp.replace(path)
    return {"TF_CLI_CONFIG_FILE": str(path)}


def local_module_dirs(root: Path) -> list[Path]:
    """``root`` and every directory its local ``source = "./..."`` module calls reach, recursively."""
    seen: list[Path] = []
    pending = [root.resolve()]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.append(current)
        for tf_file in current.glob("*.tf"):
            for source in _LOCAL_SOURCE.findall(tf_file.read_text()):
                pending.append((current / source).resolve())
    return seen


def copy_config(src_dir: str | os.PathLike[str], dest_root: str | os.PathLike[str]) -> Path:
    """Copy a root config and every local module it uses, keeping their relative layout.

    Returns the path of the copied root inside ``dest_root``. Each directory is copied with its
    files and asset subdirectories; nested Terraform modules are copied only if referenced.
    """
    dirs = local_module_dirs(Path(src_dir))
    base = Path(os.path.commonpath([str(d) for d in dirs]))
    dest_root = Path(dest_root)
    for directory in dirs:
        target = dest_root / directory.relative_to(base)
        target.mkdir(parents=True, exist_ok=True)
        for entry in directory.iterdir():
            if entry.name in _SKIP_DIRS or entry.name.startswith(("terraform.tfstate", ".terraform")):
                continue
            if entry.is_file():
                shutil.copy2(entry, target / entry.name)
            elif entry.is_dir() and not any(entry.rglob("*.tf")):
                shutil.copytree(entry, target / entry.name, dirs_exist_ok=True)
    return dest_root / Path(src_dir).resolve().relative_to(base)


@dataclass
class PlanResult:
    raw: dict[str, Any]
    resource_changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    planned_resources: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> PlanResult:
        changes = {rc["address"]: rc["change"] for rc in raw.get("resource_changes", [])}
        planned = {r["address"]: r.get("values", {}) for r in planned_resources(raw)}
        return cls(raw=raw, resource_changes=changes, planned_resources=planned)

    def of_type(self, wanted: str) -> dict[str, dict[str, Any]]:
        """Planned values of every resource of one type, by address."""
        return {
            address: values for address, values in self.planned_resources.items() if resource_type(address) == wanted
        }

    @property
    def changes(self) -> list[str]:
        """Addresses the plan would change (``output.<name>`` for outputs); ``[]``: the plan is empty.

        A data source read during apply counts as a change, as in ``plan -detailed-exitcode``.
        """
        changed = [
            rc["address"]
            for rc in self.raw.get("resource_changes", [])
            if rc.get("change", {}).get("actions") != ["no-op"]
        ]
        changed += [
            f"output.{name}"
            for name, change in self.raw.get("output_changes", {}).items()
            if change.get("actions") != ["no-op"]
        ]
        return changed

    @property
    def outputs(self) -> dict[str, Any]:
        return {k: v.get("value") for k, v in self.raw.get("planned_values", {}).get("outputs", {}).items()}


# `plan -json` actions that change nothing (PlanResult.changes counts neither): an unchanged
# resource, one that only moves to a new address in state, and one only imported (no-op).
_NO_CHANGE_ACTIONS = {"noop", "no-op", "move"}


def _json_messages(stream: str) -> Iterator[dict[str, Any]]:
    for line in stream.splitlines():
        if line.startswith("{"):
            with contextlib.suppress(json.JSONDecodeError):
                message = json.loads(line)
                if isinstance(message, dict):
                    yield message


def changes_in_json_stream(stream: str) -> list[str]:
    """What ``PlanResult.changes`` lists, from the messages of ``terraform plan -json``.

    ``planned_change`` messages carry every resource change (data sources read during apply
    included), ``outputs`` the root module's output changes; drift is reported apart and, as in
    ``show -json``'s ``resource_changes``, is no change of the plan. Sorted as ``show -json`` lists
    them (the stream follows the order the graph walk finished in).
    """
    changed: list[str] = []
    outputs: list[str] = []
    for message in _json_messages(stream):
        if message.get("type") == "planned_change":
            change = message.get("change", {})
            if change.get("action") not in _NO_CHANGE_ACTIONS:
                changed.append(change.get("resource", {}).get("addr", ""))
        elif message.get("type") == "outputs":
            outputs = [
                f"output.{name}"
                for name, output in message.get("outputs", {}).items()
                if output.get("action", "noop") not in _NO_CHANGE_ACTIONS
            ]
    return sorted(changed) + sorted(outputs)


def json_stream_errors(stream: str) -> str:
    """Error diagnostics of a ``-json`` run in Terraform's human layout (``Error: <summary>``)."""
    blocks = []
    for message in _json_messages(stream):
        diagnostic = message.get("diagnostic") if message.get("type") == "diagnostic" else None
        if diagnostic and diagnostic.get("severity") == "error":
            blocks.append(f"Error: {diagnostic.get('summary', '')}\n{diagnostic.get('detail', '')}".rstrip())
    return "".join(f"\n{block}\n" for block in blocks)


# The provider cache tests share: `init` links the ~700 MB AWS provider instead of copying it.
PLUGIN_CACHE = Path(tempfile.gettempdir()) / "batch-harness" / "plugin-cache"


def plugin_cache_env() -> dict[str, str]:
    """Environment for an ``init`` that links the provider from the shared :data:`PLUGIN_CACHE`.

    Configurations copied for a test carry no lock file. Without one, Terraform (>= 1.4) does not
    trust a cached package: every ``init`` installs it into the cache again, deleting the entry
    first, and any plan or validate that another process runs from that entry at that moment
    fails with "no package ... cached". The second variable lets ``init`` use the entry as it is
    and record its hash in the new lock file; the cache is only ever filled from the local mirror
    or the registry, so nothing unverified gets in.
    """
    return {"TF_PLUGIN_CACHE_DIR": str(PLUGIN_CACHE), "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE": "1"}


def drop_lock_checksums(lock_file: Path) -> None:
    """Remove the provider checksums from a lock file that ``init`` has just written.

    Every later command (plan, show, apply, validate, destroy) hashes the whole installed
    provider package to compare it with the lock file's checksums: for the AWS provider, 700 MB
    and about 0.5 CPU-s a command. In a scratch copy that comparison proves nothing: ``init``
    computed the checksum from that same package seconds before. Terraform checks "the checksums
    recorded in the lock file, if any", so an entry without checksums skips it; the version stays
    locked. Never for a user's own directory, whose lock file is committed.
    """
    if lock_file.is_file():
        lock_file.write_text(_LOCK_HASHES.sub("", lock_file.read_text()))


@contextlib.contextmanager
def plugin_cache_lock() -> Iterator[None]:
    """Terraform's plugin cache is not safe for concurrent first use: one init at a time (POSIX)."""
    import fcntl  # here, not at the top: the runner itself also runs on Windows

    PLUGIN_CACHE.mkdir(parents=True, exist_ok=True)
    with open(PLUGIN_CACHE.parent / "plugin-cache.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def offline_account_env() -> dict[str, str]:
    """TF_VAR_account_id for an offline plan, unless the caller's environment sets it."""
    return {} if "TF_VAR_account_id" in os.environ else {"TF_VAR_account_id": OFFLINE_ACCOUNT_ID}


class TerraformRunner:
    """One root config directory; every command runs with this runner's environment and timeout."""

    def __init__(
        self,
        workdir: str | os.PathLike[str],
        env: Mapping[str, str] | None = None,
        *,
        offline_provider: bool = False,
        binary: str = "terraform",
        timeout: float | None = None,
        scratch: bool = False,
    ) -> None:
        """``scratch``: ``workdir`` is a copy the harness made (``copy_config``) and throws away,
        so the lock file ``init`` writes there is never committed (see ``drop_lock_checksums``)."""
        self.workdir = Path(workdir).resolve()
        self.binary = binary
        self.timeout = timeout
        self.scratch = scratch
        env = dict(env or {})
        if offline_provider:
            # A plan that knows a state machine definition has the provider validate it.
            from batch_harness.emulator.sfn_validation import shared_endpoint

            self.write_override(OFFLINE_PROVIDER_OVERRIDE)
            env = {**offline_account_env(), **offline_provider_env(shared_endpoint()), **env}
        self.env = {
            **endpoint_hygiene(os.environ, env),
            **cli_config_env(configured=env.get("TF_CLI_CONFIG_FILE")),
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
            "TF_INPUT": "0",
            "GOGC": os.environ.get("GOGC", GO_GC_PERCENT),
            **{k: v for k, v in env.items() if k != "TF_CLI_CONFIG_FILE" or Path(v).is_file()},
        }
        self._initialised = False

    def write_override(self, hcl: str) -> Path:
        """Drop a provider override file into the root (Terraform merges ``*_override.tf``)."""
        path = self.workdir / OVERRIDE_FILE
        path.write_text(hcl)
        return path

    def _run(self, command: str, *args: str) -> tfprocess.Completed:
        result = tfprocess.run([self.binary, command, *args], cwd=self.workdir, env=self.env, timeout=self.timeout)
        if result.timed_out:
            stderr = f"Error: terraform {command} still running after {self.timeout:.0f}s: interrupted\n{result.stderr}"
            raise TerraformError(command, result.returncode, result.stdout, stderr)
        if result.returncode != 0:
            # With -json the error diagnostics are on stdout, one JSON message a line.
            stderr = result.stderr + json_stream_errors(result.stdout) if "-json" in args else result.stderr
            raise TerraformError(command, result.returncode, result.stdout, stderr)
        return result

    @staticmethod
    def _var_args(variables: Mapping[str, Any] | None, var_files: Iterable[str | os.PathLike[str]]) -> list[str]:
        args = [f"-var-file={Path(f).resolve()}" for f in var_files]
        for key, value in (variables or {}).items():
            rendered = value if isinstance(value, str) else json.dumps(value)
            args.append(f"-var={key}={rendered}")
        return args

    def init(self, upgrade: bool = False) -> None:
        if self._initialised and not upgrade:
            return
        args = ["-input=false", "-no-color"] + (["-upgrade"] if upgrade else [])
        self._run("init", *args)
        if self.scratch:
            drop_lock_checksums(self.workdir / LOCK_FILE)
        self._initialised = True

    def validate(self) -> None:
        self.init()
        self._run("validate", "-no-color")

    def plan(
        self,
        variables: Mapping[str, Any] | None = None,
        var_files: Iterable[str | os.PathLike[str]] = (),
        *,
        destroy: bool = False,
    ) -> PlanResult:
        self.init()
        with tempfile.TemporaryDirectory(prefix="tfplan-") as tmp:
            plan_file = Path(tmp) / "plan.bin"
            args = ["-input=false", "-no-color", f"-out={plan_file}", *self._var_args(variables, var_files)]
            if destroy:
                args.append("-destroy")
            self._run("plan", *args)
            shown = self._run("show", "-json", "-no-color", str(plan_file))
        return PlanResult.from_json(json.loads(shown.stdout))

    def plan_is_empty(
        self, variables: Mapping[str, Any] | None = None, var_files: Iterable[str | os.PathLike[str]] = ()
    ) -> list[str]:
        """Addresses a fresh plan would still change; ``[]`` means the plan is empty.

        Read from ``plan -json``'s own change messages: the same addresses as
        ``PlanResult.changes`` without a ``terraform show -json`` that starts the provider again.
        """
        self.init()
        args = ["-input=false", "-no-color", "-json", *self._var_args(variables, var_files)]
        return changes_in_json_stream(self._run("plan", *args).stdout)

    def apply_with_retry(
        self,
        variables: Mapping[str, Any] | None = None,
        var_files: Iterable[str | os.PathLike[str]] = (),
        attempts: int = 2,
    ) -> None:
        """``apply``, repeated (terratest-style) when the error is a known transient one."""
        for attempt in range(1, attempts + 1):
            try:
                self.apply(variables, var_files)
                return
            except TerraformError as error:
                if attempt == attempts or not RETRYABLE_APPLY_ERRORS.search(error.stderr):
                    raise

    def apply(
        self, variables: Mapping[str, Any] | None = None, var_files: Iterable[str | os.PathLike[str]] = ()
    ) -> None:
        self.init()
        self._run("apply", "-input=false", "-no-color", "-auto-approve", *self._var_args(variables, var_files))

    def destroy(
        self, variables: Mapping[str, Any] | None = None, var_files: Iterable[str | os.PathLike[str]] = ()
    ) -> None:
        self.init()
        self._run("destroy", "-input=false", "-no-color", "-auto-approve", *self._var_args(variables, var_files))

    def output(self) -> dict[str, Any]:
        shown = self._run("output", "-json", "-no-color")
        return {k: v.get("value") for k, v in json.loads(shown.stdout or "{}").items()}

    def show_state(self) -> dict[str, Any]:
        shown = self._run("show", "-json", "-no-color")
        return json.loads(shown.stdout or "{}")

    def state_addresses(self) -> list[str]:
        try:
            return self._run("state", "list").stdout.split()
        except TerraformError as error:
            if "No state file was found" in error.stderr:
                return []
            raise
