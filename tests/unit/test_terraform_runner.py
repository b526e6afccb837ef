"""The terraform runner: offline provider installation, config copies, diagnostics, exit codes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from batch_harness.terraform import runner as tfmod
from batch_harness.terraform.runner import TerraformError, TerraformRunner, copy_config, parse_diagnostics

PROVIDER_BLOCK = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
"""


def test_mirror_from_environment_wins(tmp_path, monkeypatch):
    (tmp_path / "registry.terraform.io/hashicorp/aws/5.0.0/linux_amd64").mkdir(parents=True)
    monkeypatch.setenv(tfmod.MIRROR_ENV, str(tmp_path))
    assert tfmod.find_provider_mirror() == tmp_path
    assert tfmod.mirrored_providers(tmp_path) == ["registry.terraform.io/hashicorp/aws"]


def test_mirror_environment_pointing_nowhere_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(tfmod.MIRROR_ENV, str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="BATCH_HARNESS_PROVIDER_MIRROR"):
        tfmod.find_provider_mirror()


def test_cli_config_takes_mirrored_providers_offline_and_others_direct(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    (mirror / "registry.terraform.io/hashicorp/aws/5.0.0/linux_amd64").mkdir(parents=True)
    monkeypatch.setenv(tfmod.MIRROR_ENV, str(mirror))
    monkeypatch.delenv("TF_CLI_CONFIG_FILE", raising=False)
    env = tfmod.cli_config_env(cache_dir=tmp_path / "cache")
    config = Path(env["TF_CLI_CONFIG_FILE"]).read_text()
    assert f'path    = "{mirror}"' in config
    assert 'include = ["registry.terraform.io/hashicorp/aws"]' in config
    assert 'exclude = ["registry.terraform.io/hashicorp/aws"]' in config


def test_runs_with_different_mirrors_never_share_a_cli_config_file(tmp_path, monkeypatch):
    # Parallel runs (xdist workers, two users) once rewrote one shared file under each other.
    monkeypatch.delenv("TF_CLI_CONFIG_FILE", raising=False)
    configs = {}
    for name in ("a", "b", "a"):
        mirror = tmp_path / name
        (mirror / "registry.terraform.io/hashicorp/aws/5.0.0/linux_amd64").mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(tfmod.MIRROR_ENV, str(mirror))
        configs.setdefault(name, set()).add(tfmod.cli_config_env(cache_dir=tmp_path / "cache")["TF_CLI_CONFIG_FILE"])
    assert len(configs["a"]) == 1 and configs["a"] != configs["b"]
    for name, (path,) in configs.items():
        assert f'path    = "{tmp_path / name}"' in Path(path).read_text()


def test_existing_user_cli_config_is_respected(tmp_path, monkeypatch):
    user_config = tmp_path / "terraformrc"
    user_config.write_text("")
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(user_config))
    assert tfmod.cli_config_env(cache_dir=tmp_path / "cache") == {}


def test_no_mirror_means_normal_registry_init(tmp_path, monkeypatch):
    monkeypatch.delenv(tfmod.MIRROR_ENV, raising=False)
    monkeypatch.delenv("TF_CLI_CONFIG_FILE", raising=False)
    monkeypatch.setattr(tfmod, "MIRROR_CANDIDATES", (str(tmp_path / "none"),))
    monkeypatch.setattr(tfmod, "_mirror_installed_with_the_machine", lambda: None)
    assert tfmod.cli_config_env(cache_dir=tmp_path) == {}


def test_parse_diagnostics_splits_error_blocks():
    stderr = (
        "╷\n│ Error: Invalid value for variable\n│ \n│   on main.tf line 2:\n"
        '│ jobs["a"]: timeout_seconds 30 is below the AWS minimum of 60\n╵\n'
        "╷\n│ Error: Second problem\n│ detail\n╵\n"
    )
    assert parse_diagnostics(stderr) == [
        "Error: Invalid value for variable\n"
        "on main.tf line 2:\n"
        'jobs["a"]: timeout_seconds 30 is below the AWS minimum of 60',
        "Error: Second problem\ndetail",
    ]


def test_copy_config_keeps_relative_module_sources(tmp_path):
    src = tmp_path / "src"
    (src / "modules/child").mkdir(parents=True)
    (src / "modules/child/main.tf").write_text('module "leaf" {\n  source = "../leaf"\n}\n')
    (src / "modules/leaf").mkdir(parents=True)
    (src / "modules/leaf/main.tf").write_text("# leaf\n")
    (src / "examples/demo/templates").mkdir(parents=True)
    (src / "examples/demo/templates/t.json").write_text("{}")
    (src / "examples/demo/main.tf").write_text('module "c" {\n  source = "../../modules/child"\n}\n')
    (src / "examples/demo/.terraform").mkdir()
    (src / "unrelated").mkdir()
    (src / "unrelated/x.tf").write_text("")

    copied = copy_config(src / "examples/demo", tmp_path / "dest")

    assert copied == tmp_path / "dest/examples/demo"
    assert (copied / "templates/t.json").is_file()
    assert (tmp_path / "dest/modules/leaf/main.tf").is_file()
    assert not (copied / ".terraform").exists()
    assert not (tmp_path / "dest/unrelated").exists()


QUEUE_CONFIG = (
    PROVIDER_BLOCK
    + """
variable "size" {
  type = number
  validation {
    condition     = var.size >= 60
    error_message = "size: ${var.size} is below the minimum of 60."
  }
}
resource "aws_sqs_queue" "q" {
  name = "q-${var.size}"
}
"""
)


def initialised(workdir: Path, **options: Any) -> TerraformRunner:
    """A runner whose ``init`` went through the shared provider cache (one first use at a time)."""
    runner = TerraformRunner(workdir, env=tfmod.plugin_cache_env(), **options)
    with tfmod.plugin_cache_lock():
        runner.init()
    return runner


def test_a_given_endpoint_is_not_overruled_by_inherited_endpoint_settings(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", "http://elsewhere")
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://inherited")
    local = TerraformRunner(Path("."), env={"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}).env
    assert local["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5000"
    assert not {"AWS_ENDPOINT_URL_SQS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"} & set(local)
    offline = TerraformRunner(Path("."), env={"AWS_ENDPOINT_URL_SFN": "http://127.0.0.1:5001"}).env
    assert offline["AWS_ENDPOINT_URL_SFN"] == "http://127.0.0.1:5001"
    assert not {"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"} & set(offline)
    # A caller that names no endpoint (a real account) keeps the shell's settings.
    assert TerraformRunner(Path("."), env={"AWS_REGION": "eu-west-1"}).env["AWS_ENDPOINT_URL_SQS"] == "http://elsewhere"


def test_init_uses_a_cached_provider_without_reinstalling_it(tmp_path, monkeypatch):
    # Reinstalling deletes the cache entry first: a plan running from it meanwhile fails.
    if tfmod.find_provider_mirror() is None:
        pytest.skip("needs the local provider mirror (installing from the registry is not offline)")
    monkeypatch.setattr(tfmod, "PLUGIN_CACHE", tmp_path / "cache")
    entries = []
    for name in ("first", "second"):  # copied configs: neither has a lock file
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(PROVIDER_BLOCK)
        initialised(tmp_path / name)
        [entry] = (tmp_path / "cache").glob("*/*/*/*/*")
        entries.append(entry.lstat())
    assert (entries[1].st_ino, entries[1].st_ctime_ns) == (entries[0].st_ino, entries[0].st_ctime_ns)
    assert (tmp_path / "second/.terraform.lock.hcl").is_file()


LOCK_WITH_CHECKSUMS = """\
# This file is maintained automatically by "terraform init".

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.100.0"
  constraints = ">= 5.60.0"
  hashes = [
    "h1:edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0=",
    "zh:0b1655e39639d60f2de2860a5df8642f9556ba0ca04529c1b861fde4935cb0df",
  ]
}

provider "registry.terraform.io/hashicorp/random" {
  version = "3.6.0"
  hashes = [
    "h1:R5Ucn26riKIEijcsiOMBR3uOAjuOMfI1x7XvH4P6B1w=",
  ]
}
"""


def test_dropping_lock_checksums_keeps_every_locked_version(tmp_path):
    lock = tmp_path / tfmod.LOCK_FILE
    lock.write_text(LOCK_WITH_CHECKSUMS)
    tfmod.drop_lock_checksums(lock)
    assert lock.read_text() == (
        '# This file is maintained automatically by "terraform init".\n\n'
        'provider "registry.terraform.io/hashicorp/aws" {\n'
        '  version     = "5.100.0"\n  constraints = ">= 5.60.0"\n}\n\n'
        'provider "registry.terraform.io/hashicorp/random" {\n  version = "3.6.0"\n}\n'
    )
    tfmod.drop_lock_checksums(tmp_path / "absent" / tfmod.LOCK_FILE)  # no lock file: nothing to do


@pytest.mark.plan
@pytest.mark.xdist_group("unit-terraform-runner")
def test_a_scratch_copy_does_not_check_the_provider_package_on_every_command(tmp_path):
    """Terraform compares the installed provider package with the lock file's checksums before
    every command. A package changed after ``init`` proves it: a plan refuses it, except in a
    scratch copy, whose lock file keeps the version and no checksums."""
    if tfmod.find_provider_mirror() is None:
        pytest.skip("needs the local provider mirror (installing from the registry is not offline)")
    outcomes = {}
    for scratch in (False, True):
        workdir = tmp_path / f"scratch-{scratch}"
        workdir.mkdir()
        (workdir / "main.tf").write_text(PROVIDER_BLOCK)
        runner = initialised(workdir, offline_provider=True, scratch=scratch)
        lock = (workdir / tfmod.LOCK_FILE).read_text()
        assert re.search(r'version\s+= "5\.100\.0"', lock)
        assert ("h1:" in lock) is not scratch
        # The workdir's link to the cached package becomes a folder: the same files, and one more.
        [package] = (workdir / ".terraform/providers").glob("*/*/*/*/*")
        cached = package.resolve()
        package.unlink()
        package.mkdir()
        for item in cached.iterdir():
            (package / item.name).symlink_to(item)
        (package / "added-after-init.txt").write_text("not part of the package init installed\n")
        try:
            outcomes[scratch] = runner.plan_is_empty()
        except TerraformError as error:
            outcomes[scratch] = error.stderr
    assert "does not match any of the checksums recorded in the dependency lock file" in str(outcomes[False])
    assert outcomes[True] == []


@pytest.fixture(scope="module")
def queue_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One initialised AWS config that every provider-backed test of this file plans."""
    workdir = tmp_path_factory.mktemp("queue")
    (workdir / "main.tf").write_text(QUEUE_CONFIG)
    initialised(workdir, offline_provider=True)
    return workdir


@pytest.mark.plan
@pytest.mark.xdist_group("unit-terraform-runner")
def test_validation_failure_surfaces_the_message_and_plan_emptiness(queue_config):
    runner = TerraformRunner(queue_config, offline_provider=True)
    with pytest.raises(TerraformError) as failure:
        runner.plan(variables={"size": 30})
    assert "size: 30 is below the minimum of 60." in failure.value.diagnostics[0]
    # The same message through plan -json (its diagnostics are JSON on stdout, not on stderr).
    with pytest.raises(TerraformError) as failure:
        runner.plan_is_empty(variables={"size": 30})
    assert "size: 30 is below the minimum of 60." in failure.value.diagnostics[0]
    assert failure.value.diagnostics[0].startswith("Error: Invalid value for variable")

    plan = runner.plan(variables={"size": 60})
    assert list(plan.of_type("aws_sqs_queue")) == ["aws_sqs_queue.q"]
    assert plan.planned_resources["aws_sqs_queue.q"]["name"] == "q-60"
    # A resource to create means the plan is not empty.
    assert runner.plan_is_empty(variables={"size": 60}) == ["aws_sqs_queue.q"] == plan.changes


@pytest.mark.plan
@pytest.mark.xdist_group("unit-terraform-runner")
def test_empty_config_plans_empty(tmp_path):
    (tmp_path / "main.tf").write_text(PROVIDER_BLOCK)
    assert initialised(tmp_path, offline_provider=True).plan_is_empty() == []


def counting_binary(tmp_path: Path) -> tuple[str, Path]:
    """A ``terraform`` that logs each command's name, then runs the real one."""
    log = tmp_path / "commands.log"
    real = shutil.which("terraform")
    assert real, "terraform is not installed"
    script = tmp_path / "bin" / "terraform"
    script.parent.mkdir()
    script.write_text(f'#!/bin/sh\necho "$1" >> "{log}"\nexec "{real}" "$@"\n')
    script.chmod(0o755)
    return str(script), log


# Terraform's built-in terraform_data resource: real plans, applies and moves, no provider.
DATA_CONFIG = """
variable "v" {
  type    = string
  default = "a"
}
resource "terraform_data" "x" {
  input = var.v
}
resource "terraform_data" "y" {
  input = "fixed"
}
output "o" {
  value = terraform_data.x.output
}
output "p" {
  value = "const"
}
"""


def test_plan_is_empty_matches_the_full_plan_with_one_terraform_process(tmp_path):
    binary, log = counting_binary(tmp_path)
    workdir = tmp_path / "config"
    workdir.mkdir()
    (workdir / "main.tf").write_text(DATA_CONFIG)
    runner = TerraformRunner(workdir, binary=binary)
    runner.init()

    def both(variables: dict[str, str] | None = None) -> list[str]:
        log.write_text("")
        quick = runner.plan_is_empty(variables)
        assert log.read_text().split() == ["plan"]  # no `show -json`: no second provider start
        assert quick == runner.plan(variables).changes  # the same answer as the full plan model
        return quick

    assert both() == ["terraform_data.x", "terraform_data.y", "output.o", "output.p"]
    runner.apply()
    assert both() == []
    assert both({"v": "b"}) == ["terraform_data.x", "output.o"]
    # A resource that only moves to a new address changes nothing (show -json: "no-op").
    (workdir / "main.tf").write_text(
        DATA_CONFIG.replace('"y"', '"z"') + "moved {\n  from = terraform_data.y\n  to   = terraform_data.z\n}\n"
    )
    assert both() == []


def test_changes_in_json_stream_skips_drift_and_noise():
    stream = "\n".join(
        [
            '{"type":"version","terraform":"1.11.4"}',
            "not json at all",
            '{"type":"resource_drift","change":{"resource":{"addr":"a.drifted"},"action":"update"}}',
            '{"type":"planned_change","change":{"resource":{"addr":"data.x.read"},"action":"read"}}',
            '{"type":"planned_change","change":{"resource":{"addr":"a.imported"},"action":"noop"}}',
            '{"type":"planned_change","change":{"resource":{"addr":"a.gone"},"action":"delete"}}',
            '{"type":"outputs","outputs":{"same":{"action":"noop"},"new":{"action":"create"}}}',
        ]
    )
    assert tfmod.changes_in_json_stream(stream) == ["a.gone", "data.x.read", "output.new"]


def test_runner_env_pointing_at_a_missing_cli_config_still_uses_the_mirror(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    (mirror / "registry.terraform.io/hashicorp/aws/5.0.0/linux_amd64").mkdir(parents=True)
    monkeypatch.setenv(tfmod.MIRROR_ENV, str(mirror))
    (tmp_path / "main.tf").write_text("")
    runner = TerraformRunner(tmp_path, env={"TF_CLI_CONFIG_FILE": str(tmp_path / "missing.rc")})
    assert f'path    = "{mirror}"' in Path(runner.env["TF_CLI_CONFIG_FILE"]).read_text()


def test_terraform_runs_with_a_lazier_go_collector_unless_the_caller_chose_one(tmp_path, monkeypatch):
    monkeypatch.delenv("GOGC", raising=False)
    assert TerraformRunner(tmp_path).env["GOGC"] == tfmod.GO_GC_PERCENT
    monkeypatch.setenv("GOGC", "150")
    assert TerraformRunner(tmp_path).env["GOGC"] == "150"
    assert TerraformRunner(tmp_path, env={"GOGC": "off"}).env["GOGC"] == "off"
    monkeypatch.setenv("GOMEMLIMIT", "1GiB")  # a soft heap limit of the caller reaches every child
    assert TerraformRunner(tmp_path).env["GOMEMLIMIT"] == "1GiB"


def test_apply_is_repeated_only_for_known_transient_errors(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text("")
    runner = TerraformRunner(tmp_path)
    errors = [
        TerraformError("apply", 1, "", "Error: revoking default IPv4 egress rule ... InvalidPermission.NotFound"),
        TerraformError("apply", 1, "", "Error: creating queue: AccessDenied"),
    ]
    calls = []

    def failing_apply(*args):
        calls.append(args)
        if errors:
            raise errors.pop(0)

    monkeypatch.setattr(runner, "apply", failing_apply)
    with pytest.raises(TerraformError, match="AccessDenied"):
        runner.apply_with_retry()  # transient first error retried, the real one raised
    assert len(calls) == 2


def test_mirror_is_auto_detected_from_a_candidate_pattern(tmp_path, monkeypatch):
    monkeypatch.delenv(tfmod.MIRROR_ENV, raising=False)
    (tmp_path / "image-tools/registry.terraform.io/hashicorp/aws/5.0.0/linux_amd64").mkdir(parents=True)
    (tmp_path / "unrelated").mkdir()
    monkeypatch.setattr(tfmod, "MIRROR_CANDIDATES", (str(tmp_path / "none"), str(tmp_path / "*")))
    assert tfmod.find_provider_mirror() == tmp_path / "image-tools"


def test_mirror_installed_with_the_machine_is_found_two_levels_below_the_root(tmp_path):
    (tmp_path / "vendor/tf-plugins/registry.terraform.io/hashicorp/aws/5.0.0/linux_amd64").mkdir(parents=True)
    (tmp_path / "tmp/cache/registry.terraform.io/hashicorp/aws/5.0.0/linux_amd64").mkdir(parents=True)
    (tmp_path / "another/tool").mkdir(parents=True)
    found = tfmod._mirror_installed_with_the_machine.__wrapped__(tmp_path)
    assert found == tmp_path / "vendor/tf-plugins"  # scratch space (tmp) is never taken
    (tmp_path / "vendor/tf-plugins/registry.terraform.io").rename(tmp_path / "vendor/tf-plugins/moved")
    (tmp_path / "vendor/tf-plugins/moved").rename(tmp_path / "another/tool/registry.terraform.io")
    assert tfmod._mirror_installed_with_the_machine.__wrapped__(tmp_path) == tmp_path / "another/tool"


@pytest.mark.plan
@pytest.mark.xdist_group("unit-terraform-runner")
def test_plan_is_empty_runs_with_the_runner_environment(queue_config):
    # The variable exists only in the runner's environment: it must reach terraform.
    runner = TerraformRunner(queue_config, env={"TF_VAR_size": "60"}, offline_provider=True)
    assert runner.plan_is_empty() == ["aws_sqs_queue.q"]
