"""The shape of the validation layer: every message list of validations*.tf is checked (a
precondition of the output input_errors) and reported (local.input_problems), and variables.tf
stays readable. Static: these read the files, no Terraform."""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LISTS = re.compile(r"^  ([a-z0-9_]+_errors)\s+=", re.MULTILINE)
CHECKED = re.compile(r"condition\s+=\s+length\(local\.([a-z0-9_.]+)\) == 0")


def validation_sources() -> str:
    return "\n".join(path.read_text() for path in sorted(REPO_ROOT.glob("validations*.tf")))


def input_problems(text: str) -> list[str]:
    start = text.index("input_problems = concat(")
    return re.findall(r"local\.([a-z0-9_.]+)", text[start : text.index(")", start)])


def test_every_message_list_is_checked_and_reported():
    text = validation_sources()
    lists = set(LISTS.findall(text)) - {"schedule_errors"}  # a map: checked per kind below
    checked = CHECKED.findall(text)
    assert lists, "no message lists found"
    assert lists - set(checked) == set(), "lists without a precondition"
    assert {"schedule_errors.job", "schedule_errors.pipeline"} <= set(checked)
    assert len(checked) == len(set(checked)), "a list checked twice"
    assert input_problems(text) == checked, "input_problems must list what is checked, in order"


def test_variables_tf_lines_are_readable():
    long_lines = [
        (number, len(line))
        for number, line in enumerate((REPO_ROOT / "variables.tf").read_text().splitlines(), start=1)
        if len(line) > 160
    ]
    assert long_lines == []
