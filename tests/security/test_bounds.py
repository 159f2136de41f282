"""Non-finite and absurd numbers are refused by the schema with their key, by `plan` and by `validate`."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from planner.commands import main

REPO = Path(__file__).resolve().parents[2]

#: (file under the repo, YAML line to find, replacement, key path named in the error)
CASES = [
    ("scenarios/baseline.yaml", r"annual_cost: 120000", "annual_cost: .inf", "roles.key_manager.annual_cost"),
    (
        "scenarios/baseline.yaml",
        r"annual_cost: 120000",
        "annual_cost: 1e308",
        "roles.key_manager.annual_cost",
    ),
    ("scenarios/baseline.yaml", r"annual_cost: 120000", "annual_cost: .nan", "roles.key_manager.annual_cost"),
    ("scenarios/baseline.yaml", r"crystal: 3200", "crystal: 1000000000000000", "customers.key.crystal"),
    (
        "scenarios/baseline.yaml",
        r"hours_per_year: 2000",
        "hours_per_year: 1e-300",
        "roles.key_manager.hours_per_year",
    ),
    (
        "scenarios/baseline.yaml",
        r"customer_time_share: 0.6",
        "customer_time_share: 1e-300",
        "roles.key_manager.customer_time_share",
    ),
    ("scenarios/baseline.yaml", r"headcount: 110", "headcount: 10000000000", "roles.key_manager.headcount"),
    ("scenarios/baseline.yaml", r"productivity: 1.0", "productivity: .inf", "roles.key_manager.productivity"),
    ("policies/telecom-4plus1.yaml", r"spend: \[3000, 10000\]", "spend: [3000, .inf]", "spend"),
    ("policies/telecom-4plus1.yaml", r"spend: \[3000, 10000\]", "spend: [3000, 1e308]", "spend"),
    ("policies/telecom-4plus1.yaml", r"visit_minutes: 120", "visit_minutes: .nan", "visit_minutes"),
    ("policies/telecom-4plus1.yaml", r"discount: 0.10", "discount: .nan", "discount"),
]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of policies/ and scenarios/ (the relative policy paths still resolve)."""
    for folder in ("policies", "scenarios"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return tmp_path


class _Done:
    """What a run gave: exit status, stdout, stderr (in-process, so the suite stays quick)."""

    def __init__(self, result: Any) -> None:
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        self.returncode = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr


def _run(*args: str, cwd: Path) -> _Done:
    old = Path.cwd()
    try:
        os.chdir(cwd)
        return _Done(CliRunner().invoke(main, list(args)))
    finally:
        os.chdir(old)


@pytest.mark.parametrize(("name", "find", "replace", "key"), CASES, ids=[c[2] for c in CASES])
def test_validate_and_plan_refuse(tree: Path, name: str, find: str, replace: str, key: str) -> None:
    path = tree / name
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(find, replace, text, count=1)
    assert n == 1, f"{find} not in {name}"
    path.write_text(new, encoding="utf-8")
    result = _run("validate", str(path), cwd=tree)
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    assert key in result.stderr and str(path) in result.stderr
    plan = _run("plan", "scenarios/baseline.yaml", "--format", "json", cwd=tree)
    assert plan.returncode == 2 and plan.stdout == ""
    assert "Traceback" not in plan.stderr and key in plan.stderr


@pytest.mark.parametrize(
    ("assignment", "words"),
    [
        ("budget=.inf", "finite"),
        ("budget=1e308", "less than or equal to 1000000000000"),
        ("roles.key_manager.fixed_hours=.inf", "finite"),
        ("customers.key.crystal=1000000000000000", "less than or equal to 100000000"),
        ("roles.key_manager.hours_per_year=1e-300", "greater than or equal to 1"),
        ("min_coverage.key.crystal=.nan", "finite"),
    ],
)
def test_set_refuses(assignment: str, words: str) -> None:
    result = _run("plan", "--set", assignment, cwd=REPO)
    assert result.returncode == 2
    line = result.stderr.strip()
    assert line.count("\n") == 0 and words in line and assignment.split("=")[0] in line


def test_callcentre_numbers_are_bounded(tree: Path) -> None:
    for assignment, key in [
        ("callcentre.aht_seconds=.inf", "aht_seconds"),
        ("callcentre.aht_seconds=1e308", "aht_seconds"),
        ("callcentre.cost_per_agent_year=.nan", "cost_per_agent_year"),
        ("callcentre.paid_hours_per_agent_year=1e-300", "paid_hours_per_agent_year"),
    ]:
        result = _run("callcentre", "scenarios/callcentre-outbound.yaml", "--set", assignment, cwd=tree)
        assert result.returncode == 2, (assignment, result.stdout)
        assert key in result.stderr and "Traceback" not in result.stderr
