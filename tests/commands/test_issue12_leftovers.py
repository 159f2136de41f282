"""Issue 12 leftovers, each through the CLI: a FIFO or device named to `batch`, `validate DIR` with a
file that raises something unexpected, `boundary --format json` warnings, an infeasible schedule."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOT_REGULAR = "not a regular file (a device, pipe or socket); only regular files are read"


@pytest.fixture
def branches(tmp_path):
    """One good branch (the baseline, its policy beside it) and a FIFO in the same folder."""
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    folder = tmp_path / "branches"
    folder.mkdir()
    text = (REPO / "scenarios" / "baseline.yaml").read_text(encoding="utf-8")
    (folder / "a.yaml").write_text(text.replace("../policies/", "../policies/"), encoding="utf-8")
    os.mkfifo(folder / "b.yaml")
    return folder


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return {Path(r["file"]).name: r for r in csv.DictReader(f)}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_matched_by_a_glob_is_a_failed_row_and_exit_2(cli, branches, tmp_path):
    out = tmp_path / "r.csv"
    result = cli("batch", f"{branches}/*.yaml", "--out", out)
    assert result.exit_code == 2
    rows = _rows(out)
    assert set(rows) == {"a.yaml", "b.yaml"}
    assert rows["a.yaml"]["status"] == "ok"
    assert (rows["b.yaml"]["status"], rows["b.yaml"]["error"]) == ("error", NOT_REGULAR)
    assert f"b.yaml: {NOT_REGULAR}" in result.stderr
    assert "1 of 2 branches failed" in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_a_device_and_a_fifo_named_directly_are_failed_rows(cli, branches, tmp_path):
    out = tmp_path / "r.csv"
    result = cli(
        "batch", branches / "a.yaml", branches / "b.yaml", "/dev/null", "--out", out, "--format", "json"
    )
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert (data["branches"], data["failed"]) == (3, 2)
    reasons = {Path(r["file"]).name: r["error"] for r in data["rows"]}
    assert reasons == {"a.yaml": None, "b.yaml": NOT_REGULAR, "null": NOT_REGULAR}


def test_validate_dir_reports_every_file_when_one_raises_something_unexpected(cli, tmp_path, monkeypatch):
    folder = tmp_path / "d"
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    shutil.copytree(REPO / "scenarios" / "data", folder / "data")  # the call centre's forecast
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        shutil.copy(REPO / "scenarios" / "baseline.yaml", folder / name)
    import planner.data.scenario as scenario_module

    real = scenario_module.scenario_from_document

    def flaky(doc, name=None, path=None):  # a bug in one file's checks, not a PlannerError
        if path is not None and Path(path).name == "b.yaml":
            raise KeyError("boom")
        return real(doc, name, path)

    monkeypatch.setattr(scenario_module, "scenario_from_document", flaky)
    result = cli("validate", folder)
    assert result.exit_code == 2
    assert "3 file(s) checked, 1 with errors" in result.stdout, result.stderr
    assert result.stdout.count("ok    scenario") == 2
    reason = "unexpected KeyError: 'boom' (please report this)"
    assert f"error scenario {folder / 'b.yaml'}: {reason}" in result.stderr
    assert "Traceback" not in result.output


def test_validate_dir_survives_a_file_nested_past_the_recursion_limit(cli, tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(REPO / "scenarios" / "data", folder / "data")
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    shutil.copy(REPO / "scenarios" / "baseline.yaml", folder / "a.yaml")
    (folder / "b.yaml").write_text("roles:\n" + "".join("  " * i + "- \n" for i in range(1, 3000)))
    result = cli("validate", folder)
    assert result.exit_code == 2
    assert "2 file(s) checked, 1 with errors" in result.stdout
    assert "ok    scenario" in result.stdout


def test_boundary_json_carries_roster_rejections_in_warnings(cli, tmp_path):
    data = REPO / "tests" / "data" / "boundary"
    roster = tmp_path / "r.csv"
    text = (data / "roster-near.csv").read_text(encoding="utf-8")
    roster.write_text(text.rstrip("\n") + "\nz9,small,nosuchtier,500\n", encoding="utf-8")
    result = cli(
        "boundary", data / "discount.yaml", "--roster", roster, "--accept-rejects", "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    warnings = json.loads(result.stdout)["warnings"]
    assert any(w.startswith(f"roster {roster}: 1 of ") and "rejected" in w for w in warnings), warnings
    # The same warnings reach stderr too, once each in the JSON.
    assert len(warnings) == len(set(warnings))


def test_boundary_json_warnings_empty_when_nothing_to_say(cli):
    result = cli("boundary", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["warnings"] == []


def test_an_infeasible_schedule_says_so_with_exit_2(cli):
    result = cli(
        "schedule",
        "--set",
        "min_coverage.key.crystal=1",
        "--set",
        "max_total_headcount=10",
        "--format",
        "json",
    )
    assert result.exit_code == 2
    assert json.loads(result.stdout)["status"] == "infeasible"
    assert "min_coverage cannot be met within the scenario's limits" in result.stderr
