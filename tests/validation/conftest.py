"""The root module, copied and initialised once, for the tests that check a rule's message in a
real `terraform plan` of the whole module (not only the validation stub)."""

from __future__ import annotations

import pytest
from core_stub import REPO_ROOT

from batch_harness.terraform.runner import TerraformRunner, copy_config, plugin_cache_env, plugin_cache_lock


@pytest.fixture(scope="session")
def root_module_runner(tmp_path_factory: pytest.TempPathFactory) -> TerraformRunner:
    root = copy_config(REPO_ROOT, tmp_path_factory.mktemp("root-module"))
    runner = TerraformRunner(root, env=plugin_cache_env(), offline_provider=True, scratch=True)
    with plugin_cache_lock():
        runner.init()
    return runner
