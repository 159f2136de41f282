"""batch: every named file is a branch (a missing one is a failed row), each file once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from planner.analyses.branches import expand_patterns

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A folder with the shipped policies and scenarios, as the working directory."""
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    shutil.copytree(REPO / "scenarios", tmp_path / "scenarios")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(cli_main, *args):
    from click.testing import CliRunner

    return CliRunner().invoke(cli_main, [str(a) for a in args], catch_exceptions=False)


def test_a_named_file_that_does_not_exist_is_a_failed_row_and_exit_2(here):
    from planner.commands import main

    result = run(main, "batch", "scenarios/baseline.yaml", "scenarios/nope.yaml", "--out", "r.csv")
    assert result.exit_code == 2
    frame = pd.read_csv(here / "r.csv")
    assert list(frame["file"]) == ["scenarios/baseline.yaml", "scenarios/nope.yaml"]
    assert list(frame["status"]) == ["ok", "error"]
    assert frame["error"].iloc[1] == "file not found"
    # The failed row, then the sum, each an error line of the group's (the command raises them).
    assert result.stderr.splitlines()[-2:] == [
        "Error: scenarios/nope.yaml: file not found",
        'Error: 1 of 2 branches failed (status "error" in r.csv); 1 planned',
    ]
    assert "Traceback" not in result.output


def test_a_glob_matching_nothing_and_a_directory_are_failed_rows(here):
    from planner.commands import main

    result = run(main, "batch", "scenarios/baseline.yaml", "none/*.yaml", "scenarios", "--out", "r.csv")
    assert result.exit_code == 2
    frame = pd.read_csv(here / "r.csv").set_index("file")
    assert frame.loc["none/*.yaml", "error"] == "no scenario file matches this pattern"
    assert frame.loc["scenarios", "error"].startswith("is a directory")
    assert frame.loc["scenarios/baseline.yaml", "status"] == "ok"


def test_one_file_under_three_spellings_is_one_branch(here):
    from planner.commands import main

    os.symlink("scenarios/baseline.yaml", "link.yaml")
    result = run(
        main,
        "batch",
        "scenarios/baseline.yaml",
        "./scenarios/baseline.yaml",
        "link.yaml",
        "scenarios/../scenarios/baseline.yaml",
        "--out",
        "r.csv",
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(here / "r.csv")
    # The real file's spelling is kept over the symlink's, though "link.yaml" sorts first.
    assert list(frame["file"]) == ["scenarios/baseline.yaml"]


def test_expand_patterns_keeps_distinct_files_and_missing_names(here):
    (here / "scenarios" / "copy.yaml").write_bytes((here / "scenarios" / "baseline.yaml").read_bytes())
    found = expand_patterns(["scenarios/b*.yaml", "scenarios/copy.yaml", "scenarios/baseline.yaml", "x.yaml"])
    # A copy is another file (same bytes, other inode): both are branches; the missing name stays.
    assert found == [
        Path("scenarios/baseline.yaml"),
        Path("scenarios/budget-freeze.yaml"),
        Path("scenarios/copy.yaml"),
        Path("x.yaml"),
    ]
