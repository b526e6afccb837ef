"""The pytest plugin is registered by the package and gates `aws` tests behind --run-aws."""

from __future__ import annotations

pytest_plugins = ["pytester"]

AWS_TEST = """
import pytest

@pytest.mark.aws
def test_needs_a_real_account():
    pass

def test_plain(harness_repo_root):
    assert harness_repo_root.is_dir()
"""


def test_aws_tests_are_skipped_without_the_flag(pytester):
    pytester.makepyfile(AWS_TEST)
    result = pytester.runpytest("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*needs a real AWS account: pass --run-aws*"])


def test_aws_tests_run_with_the_flag(pytester):
    pytester.makepyfile(AWS_TEST)
    result = pytester.runpytest("-p", "no:cacheprovider", "--run-aws")
    result.assert_outcomes(passed=2)


def test_fixtures_are_available_to_any_suite(pytester):
    result = pytester.runpytest("--fixtures", "-p", "no:cacheprovider")
    for name in ("harness_repo_root", "local_account", "applied"):
        result.stdout.fnmatch_lines([f"{name}*"])
