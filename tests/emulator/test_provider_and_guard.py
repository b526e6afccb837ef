"""The generated provider override, and the moto version pin of the compat patches."""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from batch_harness.emulator import OVERRIDE_FILE, PLAIN_FILE, LocalAccount, compat, server
from batch_harness.emulator.provider import ENDPOINT_SERVICES, declared_aws_providers, render_provider_override
from batch_harness.terraform.runner import TerraformRunner, plugin_cache_env, plugin_cache_lock

# Services the module and harness reach (brief of the emulator layer); the override must cover all.
REQUIRED_ENDPOINTS = {
    "batch", "events", "scheduler", "sfn", "iam", "sts", "ec2", "logs", "cloudwatch",
    "sns", "sqs", "kms", "ecs", "s3", "secretsmanager", "ssm",
}  # fmt: skip


def _override(**kwargs: object) -> str:
    return render_provider_override("http://127.0.0.1:4566", "us-east-1", "testing", "testing", **kwargs)  # type: ignore[arg-type]


def test_override_leaves_the_endpoints_to_the_environment() -> None:
    # An endpoints block costs the provider ~2 CPU-s per configure; AWS_ENDPOINT_URL costs nothing.
    assert "endpoints" not in _override()
    text = _override(endpoints=True)  # for a root whose own block sets endpoints: replace them all
    endpoints = dict(re.findall(r'^\s+(\w+)\s+= "(http://[^"]+)"$', text, re.MULTILINE))
    assert REQUIRED_ENDPOINTS <= set(endpoints) == set(ENDPOINT_SERVICES)
    assert set(endpoints.values()) == {"http://127.0.0.1:4566"}
    for setting in (
        "skip_credentials_validation = true",
        "skip_requesting_account_id  = true",
        "skip_metadata_api_check     = true",
        "s3_use_path_style           = true",
        "max_retries                 = 5",
        'region                      = "us-east-1"',
        'access_key                  = "testing"',
    ):
        assert setting in text
    assert "default_tags" not in text


def test_override_writes_endpoints_only_over_a_roots_own(account: LocalAccount, tmp_path: Path) -> None:
    (tmp_path / "providers.tf").write_text('provider "aws" {\n  region = "eu-west-1"\n}\n')
    assert "endpoints" not in account.write_provider_override(tmp_path).read_text()
    (tmp_path / "providers.tf").write_text(
        'provider "aws" {\n  region = "eu-west-1"\n  endpoints {\n    sqs = "https://sqs.example"\n  }\n}\n'
    )
    assert f'sqs                      = "{account.endpoint}"' in account.write_provider_override(tmp_path).read_text()


@pytest.mark.plan
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_environment_alone_sends_every_call_to_the_account(account: LocalAccount, tmp_path: Path) -> None:
    # One service of each SDK family the provider uses; an inherited per-service endpoint or
    # AWS_IGNORE_CONFIGURED_ENDPOINT_URLS would send the queue elsewhere (offline: the apply fails).
    (tmp_path / "main.tf").write_text(
        'resource "aws_sqs_queue" "q" {\n  name = "env-routed"\n}\n'
        'resource "aws_iam_role" "r" {\n  name = "env-routed"\n  assume_role_policy = jsonencode({\n'
        '    Version = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",'
        ' Principal = { Service = "batch.amazonaws.com" } }]\n  })\n}\n'
    )
    account.write_provider_override(tmp_path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9")  # nothing listens there
        patch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
        runner = TerraformRunner(tmp_path, env={**account.env(), **plugin_cache_env()}, scratch=True)
    with plugin_cache_lock():
        runner.init()
    runner.apply()
    assert account.client("sqs").get_queue_url(QueueName="env-routed")["QueueUrl"]
    assert account.client("iam").get_role(RoleName="env-routed")["Role"]["RoleName"] == "env-routed"
    runner.destroy()


def test_override_with_aliases_and_default_tags() -> None:
    text = _override(aliases=(None, "replica"), default_tags={"run-id": "abc", "template": "${x}"})
    assert text.count('provider "aws" {') == 2
    assert 'alias                       = "replica"' in text
    assert '"run-id" = "abc"' in text
    assert '"template" = "$${x}"' in text  # never an interpolation


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_override_is_canonical_hcl() -> None:
    text = _override(aliases=(None, "replica"), default_tags={"team": "data"})
    result = subprocess.run(["terraform", "fmt", "-"], input=text, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == text


def test_declared_providers(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-1"\n  default_tags {\n    tags = {}\n  }\n}\n'
        'provider "aws" {\n  alias  = "us"\n  region = "us-east-1"\n}\n'
        'module "x" {\n  source = "../.."\n}\n'
    )
    (tmp_path / "zz_other_override.tf").write_text('provider "aws" {\n  alias = "ignored"\n}\n')
    assert declared_aws_providers(tmp_path) == [None, "us"]


def test_write_provider_override_picks_the_file_kind(account: LocalAccount, tmp_path: Path) -> None:
    with_provider = tmp_path / "with"
    with_provider.mkdir()
    (with_provider / "providers.tf").write_text('provider "aws" {\n  region = "eu-west-1"\n}\n')
    written = account.write_provider_override(with_provider)
    assert written.name == OVERRIDE_FILE and 'access_key                  = "testing"' in written.read_text()
    without = tmp_path / "without"
    without.mkdir()
    (without / "main.tf").write_text('module "m" {\n  source = "../.."\n}\n')
    assert account.write_provider_override(without).name == PLAIN_FILE  # an override needs a base block


def test_version_guard_accepts_the_pinned_moto() -> None:
    assert compat.installed_moto_version() == compat.PINNED_MOTO_VERSION
    compat.check_moto_version()


def test_version_guard_refuses_another_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compat, "installed_moto_version", lambda: "9.9.9")
    monkeypatch.delenv(compat.ALLOW_OTHER_MOTO_ENV, raising=False)
    with pytest.raises(compat.MotoVersionError, match=r"pinned to moto 5\.2\.5, found 9\.9\.9"):
        compat.check_moto_version()
    monkeypatch.setenv(compat.ALLOW_OTHER_MOTO_ENV, "1")
    with pytest.warns(RuntimeWarning, match="9.9.9"):
        compat.check_moto_version()


def test_the_memoised_module_list_is_the_one_moto_lists_and_its_dispatcher_asks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from moto import backends
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    monkeypatch.setattr(backends, "list_of_moto_modules", backends.list_of_moto_modules)  # undone after
    listed = tuple(backends.list_of_moto_modules())
    server._memoise_module_list()
    assert backends.list_of_moto_modules() == listed and "batch" in listed
    # Canary: the dispatcher still looks the list up on the module at each request.
    assert "backends.list_of_moto_modules()" in inspect.getsource(DomainDispatcherApplication.get_backend_for_host)
    assert DomainDispatcherApplication(create_backend_app).get_backend_for_host("batch") == "batch"


def test_every_patch_documents_the_aws_behaviour_it_restores() -> None:
    patches = compat.all_patches()
    assert len({patch.name for patch in patches}) == len(patches)
    for patch in patches:
        doc = patch.apply.__doc__ or ""
        assert "AWS:" in doc and "moto 5.2.5" in doc, patch.name
