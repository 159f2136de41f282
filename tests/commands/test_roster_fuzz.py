"""Fuzz: mutated CSV rosters never crash; JSON stays one document; every row is accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.commands import main

REPO = Path(__file__).resolve().parents[2]

BASE_LINES = [
    "customer_id,channel,monthly_spend,tier,industry,churn_risk",
    "k1,key,4000,crystal,mining and manufacturing,",
    "k2,key,12000,,finance,0.2",
    "c1,commercial,2000,A,,",
    "p1,public,100,,,",
    "m1,mobile,50,worker,,",
    'k3,大客户经理渠道,"¥5,000",水晶,,',
]

# Pieces an export really contains, and some an attacker would try.
FRAGMENTS = [
    ",",
    ",,",
    '"',
    '""',
    "\n",
    "\r\n",
    "\ufeff",
    "¥",
    "元",
    "5,000",
    "1e308",
    "nan",
    "-1",
    "inf",
    "水晶",
    "铜牌",
    "key",
    "crystal",
    "=1+1",
    "\x00",
    "\x1b[31m",
    "\u202e",
    " ",
    "\t",
    "0.5",
    "10000",
]

mutation = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 400), st.sampled_from(FRAGMENTS) | st.text(max_size=6)),
    st.tuples(st.just("delete"), st.integers(0, 400), st.integers(1, 8)),
    st.tuples(st.just("dup_line"), st.integers(0, 10), st.integers(1, 3)),
    st.tuples(st.just("drop_line"), st.integers(0, 10), st.just(0)),
    st.tuples(st.just("trailing"), st.sampled_from([",", ",,", ", x"]), st.booleans()),
    st.tuples(st.just("bytes"), st.integers(0, 400), st.binary(min_size=1, max_size=4)),
)


def mutate(ops: list[tuple]) -> bytes:
    lines = list(BASE_LINES)
    raw: bytes | None = None
    for op in ops:
        kind = op[0]
        text = "\n".join(lines) + "\n"
        if kind == "insert":
            at = op[1] % (len(text) + 1)
            lines = (text[:at] + op[2] + text[at:]).split("\n")
        elif kind == "delete":
            at = op[1] % (len(text) + 1)
            lines = (text[:at] + text[at + op[2] :]).split("\n")
        elif kind == "dup_line" and lines:
            i = op[1] % len(lines)
            lines[i:i] = [lines[i]] * op[2]
        elif kind == "drop_line" and lines:
            del lines[op[1] % len(lines)]
        elif kind == "trailing":
            lines = [line + op[1] if (i > 0 or op[2]) and line else line for i, line in enumerate(lines)]
        elif kind == "bytes":
            data = text.encode("utf-8", errors="surrogateescape")
            at = op[1] % (len(data) + 1)
            raw = data[:at] + op[2] + data[at:]
            lines = raw.decode("utf-8", errors="surrogateescape").split("\n")
    text = "\n".join(lines)
    return text.encode("utf-8", errors="surrogateescape")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def check(result, *, json_out: bool) -> dict | None:
    assert result.exit_code in (0, 2), (result.exit_code, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: ")
        return None
    if json_out:
        return json.loads(result.stdout)  # exactly one JSON document
    return None


@pytest.fixture(autouse=True)
def _repo(monkeypatch):
    monkeypatch.chdir(REPO)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(mutation, min_size=1, max_size=5))
def test_roster_check_on_mutated_csv(tmp_path, ops):
    path = tmp_path / "r.csv"
    path.write_bytes(mutate(ops))
    data = check(run("roster", "check", str(path), "--format", "json"), json_out=True)
    if data is not None:
        assert data["rows_read"] == data["rows_accepted"] + data["rows_rejected"]
        assert len(data["rejected"]) == data["rows_rejected"]
        assert sum(t["customers"] for t in data["tiers"]) == data["rows_accepted"]
        assert sum(data["reasons"].values()) == data["rows_rejected"]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(mutation, min_size=1, max_size=4), st.booleans())
def test_plan_with_a_mutated_roster(tmp_path, ops, accept):
    path = tmp_path / "r.csv"
    path.write_bytes(mutate(ops))
    args = ["plan", "--roster", str(path), "--format", "json"] + (["--accept-rejects"] if accept else [])
    data = check(run(*args), json_out=True)
    if data is not None:
        assert data["total_headcount"] >= 0
