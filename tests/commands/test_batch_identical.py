"""`batch` output is byte-identical to what it was before issue 15's speed-ups.

tests/data/batch/expected.{csv,json} were written by the code before them (main at b7bcd1e) for the
three branches `planner batch BASE --generate 3 --seed 7` writes, plus one missing file, run as
``planner batch 'branches/*.yaml' branches/nope.yaml --out expected.csv --format json``. The same run
is made here with the fast paths (libyaml, the policy cache) and with them switched off. The
``model`` column came later (``--model``, issue 15): it must say ``calendar`` on every row, and
without it the bytes are the stored ones. So is the ``warnings`` column (the plan's warnings, added
2026-12-04): empty on every row here (none of these plans warns), and without it the bytes are the
stored ones. One column changed on purpose since: issue 11 made
``plan`` at today's heads report the managers' whole contacts (what ``schedule`` books), so
``lowest_coverage_at_current`` was re-stored (0.699308 -> 0.697725, 0.948458 -> 0.929307,
0.484923 -> 0.475688); every other byte is b7bcd1e's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.commands import main

REPO = Path(__file__).resolve().parents[2]
EXPECTED = REPO / "tests" / "data" / "batch"


@pytest.fixture
def here(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    made = runner.invoke(
        main,
        [
            "batch",
            str(REPO / "scenarios" / "baseline.yaml"),
            "--generate",
            "3",
            "--seed",
            "7",
            "--out",
            "branches",
        ],
    )
    assert made.exit_code == 0, made.output
    return tmp_path


def _run(here: Path) -> tuple[bytes, str, int]:
    result = CliRunner().invoke(
        main, ["batch", "branches/*.yaml", "branches/nope.yaml", "--out", "expected.csv", "--format", "json"]
    )
    csv = (here / "expected.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = csv[0].split(",")
    k = header.index("model")
    assert header[k - 1] == "mode"
    w = header.index("warnings")
    assert header[w - 1] == "lowest_coverage_at_current"
    cells = [line.split(",") for line in csv]
    assert [c[k] for c in cells[1:]] == ["calendar"] * 4  # no id in these rows holds a comma
    assert [c[w] for c in cells[1:]] == [""] * 4
    old_csv = "".join(",".join(c[:k] + c[k + 1 : w] + c[w + 1 :]) for c in cells).encode()
    data = json.loads(result.stdout)
    assert [row.pop("model") for row in data["rows"]] == ["calendar"] * 4
    assert [row.pop("warnings") for row in data["rows"]] == [None] * 4
    return old_csv, json.dumps(data, indent=2, ensure_ascii=False) + "\n", result.exit_code


def test_batch_csv_and_json_match_the_stored_expectation(here):
    csv, json_text, code = _run(here)
    assert code == 2  # the missing file
    assert csv == (EXPECTED / "expected.csv").read_bytes()
    assert json_text == (EXPECTED / "expected.json").read_text(encoding="utf-8")


def test_without_libyaml_and_the_policy_cache_the_bytes_are_the_same(here, monkeypatch):
    from planner.data import policy, scenario, yaml_io

    monkeypatch.setattr(yaml_io, "_FAST_LOADER", None)
    monkeypatch.setattr(scenario, "load_policy_cached", policy.load_policy)
    csv, json_text, code = _run(here)
    assert code == 2
    assert csv == (EXPECTED / "expected.csv").read_bytes()
    assert json_text == (EXPECTED / "expected.json").read_text(encoding="utf-8")
