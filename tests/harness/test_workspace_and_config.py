"""The state folder, the session record, run names and the real-account provider override."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from batch_harness.accounts.aws import AwsAccount
from batch_harness.cleanup.inventory import RUN_TAG
from batch_harness.run.workspace import HOME_ENV, Session, Workspace, new_run_id, state_root
from batch_harness.terraform.config import provider_default_tags, run_name, variable_value


def test_run_ids_are_short_unique_and_name_safe():
    ids = {new_run_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"bh[0-9a-f]{6}", i) for i in ids)


def test_state_root_precedence(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(HOME_ENV, raising=False)
    assert state_root() == tmp_path / ".batch-harness"
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "env"))
    assert state_root() == tmp_path / "env"
    assert state_root(tmp_path / "explicit") == tmp_path / "explicit"


def test_session_round_trips(tmp_path):
    session = Session("bh123456", "local", "/src", "/work", local={"pid": 1, "port": 2}, applied=True)
    session.save(tmp_path)
    assert Session.load(tmp_path) == session
    assert Session.load(tmp_path / "none") is None


def test_workspace_copies_config_with_local_modules_and_removes_everything(tmp_path):
    repo = tmp_path / "repo"
    (repo / "examples" / "x").mkdir(parents=True)
    (repo / "main.tf").write_text('variable "name" {}\n')
    (repo / "examples" / "x" / "main.tf").write_text('module "m" {\n  source = "../.."\n  name = "x"\n}\n')
    state = tmp_path / ".batch-harness"
    workspace = Workspace(state / "e2e-1")
    workdir = workspace.prepare(repo / "examples" / "x")
    assert (workdir / "main.tf").is_file() and (workdir / ".." / ".." / "main.tf").resolve().is_file()
    workspace.remove()
    assert not state.exists()


def test_workspace_refuses_a_directory_without_terraform(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no \*\.tf files"):
        Workspace(tmp_path / "w").prepare(tmp_path)


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_run_name_suffixes_the_name_from_default_or_var_files(tmp_path):
    write(tmp_path / "variables.tf", 'variable "name" {\n  type    = string\n  default = "reports"\n}\n')
    assert run_name(tmp_path, "bh000001") == "reports-bh000001"
    var_file = write(tmp_path / "prod.tfvars", 'name = "sales"\n')
    assert variable_value(tmp_path, "name", [var_file]) == "sales"
    assert run_name(tmp_path, "bh000001", [var_file]) == "sales-bh000001"
    write(tmp_path / "terraform.tfvars.json", json.dumps({"name": "auto"}))
    assert run_name(tmp_path, "bh000001") == "auto-bh000001"


def test_run_name_is_none_without_a_name_variable(tmp_path):
    write(tmp_path / "main.tf", 'variable "prefix" {\n  default = "x"\n}\n')
    assert run_name(tmp_path, "bh000001") is None


def test_root_default_tags_are_kept_in_the_override(tmp_path):
    write(
        tmp_path / "main.tf",
        'provider "aws" {\n  region = "eu-west-1"\n  default_tags {\n    tags = var.tags\n  }\n}\n',
    )
    assert provider_default_tags(tmp_path) == "var.tags"
    write(
        tmp_path / "main.tf",
        'provider "aws" {\n  default_tags {\n    tags = {\n      team = "data"\n      env = var.env\n    }\n  }\n}\n',
    )
    assert provider_default_tags(tmp_path) == '{"team" = "data", "env" = var.env}'


def aws_account(endpoint: str | None = None) -> AwsAccount:
    return AwsAccount(session=None, run_id="bh00abcd", region="eu-west-1", account_id="111122223333", endpoint=endpoint)  # type: ignore[arg-type]


def test_aws_override_tags_every_resource_with_the_run_id_and_merges_root_tags(tmp_path):
    account = aws_account()
    text = account.provider_override("var.tags")
    assert f'tags = merge(var.tags, {{ "{RUN_TAG}" = "bh00abcd" }})' in text
    assert 'region = "eu-west-1"' in text and "endpoint" not in text and "skip_" not in text
    plain = account.provider_override(None)
    assert f'tags = {{ "{RUN_TAG}" = "bh00abcd" }}' in plain
    write(tmp_path / "main.tf", 'provider "aws" {\n  default_tags {\n    tags = local.tags\n  }\n}\n')
    assert "merge(local.tags," in account.write_provider_override(tmp_path).read_text()


def test_aws_env_points_at_the_endpoint_only_when_given():
    assert "AWS_ENDPOINT_URL" not in aws_account().env()
    env = aws_account("http://127.0.0.1:1").env()
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:1" and env["AWS_REGION"] == "eu-west-1"
    assert "max_retries" in aws_account("http://127.0.0.1:1").provider_override()
