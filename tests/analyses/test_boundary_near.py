"""`boundary --roster` lists who could cross each line (--near, --near-csv) and warns about a partial roster.

By hand from tests/data/boundary/roster-near.csv, line small.s2 / big.b1 at 1,000 CNY a month:
s2 customers r1 950, r2 880, r3 990 (its tier from its band); b1 customers r4 1,000, r5 1,100,
r6 1,200. Within 10 % (900-1,100): r4 +0 %, r3 -1 %, r1 -5 %, r5 +10 % (closest first). Within
5 % (950-1,050): r4, r3, r1. Within 20 % (800-1,200): also r2 -12 % and r6 +20 %.
The scenario (clean.yaml, discount.yaml) has 200 small and 150 big customers; the roster 4 and 4:
2.0 % and 2.7 %, both under the 50 % rule.
"""

from __future__ import annotations

import csv
import json

import pytest

DATA = "tests/data/boundary"
ROSTER = f"{DATA}/roster-near.csv"


def _line(data: dict, lower: str = "small.s2") -> dict:
    return next(b for b in data["boundaries"] if b["lower"] == lower)


@pytest.mark.parametrize(
    ("near", "expected"),
    [
        (None, [("r4", "above", 0.0), ("r3", "below", -0.01), ("r1", "below", -0.05), ("r5", "above", 0.1)]),
        ("5%", [("r4", "above", 0.0), ("r3", "below", -0.01), ("r1", "below", -0.05)]),
        (
            "0.2",
            [
                ("r4", "above", 0.0),
                ("r3", "below", -0.01),
                ("r1", "below", -0.05),
                ("r5", "above", 0.1),
                ("r2", "below", -0.12),
                ("r6", "above", 0.2),
            ],
        ),
    ],
)
def test_near_customers_listed(cli, near, expected) -> None:
    args = ["boundary", f"{DATA}/discount.yaml", "--roster", ROSTER, "--format", "json"]
    result = cli(*args, *([] if near is None else ["--near", near]))
    assert result.exit_code == 0, result.output
    listed = _line(json.loads(result.stdout))["near"]["customers"]
    got = [(c["customer_id"], c["side"], round(c["distance"], 6)) for c in listed]
    assert got == expected
    tiers = {c["customer_id"]: c["tier"] for c in listed}
    assert all(tiers[cid] == ("big.b1" if side == "above" else "small.s2") for cid, side, _ in expected)


def test_near_table_and_csv(cli, tmp_path) -> None:
    target = tmp_path / "near.csv"
    result = cli("boundary", f"{DATA}/discount.yaml", "--roster", ROSTER, "--near-csv", target)
    assert result.exit_code == 0, result.output
    assert "Who could cross (within 10%, closest first)" in result.stdout
    row_r1 = next(line for line in result.stdout.splitlines() if "│ r1 " in line)
    assert "small.s2" in row_r1 and "below" in row_r1 and "950" in row_r1 and "-5.0%" in row_r1
    with target.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["customer_id"] for r in rows] == ["r4", "r3", "r1", "r5"]
    assert {r["line"] for r in rows} == {"small.s2 / big.b1"}
    assert [float(r["monthly_spend"]) for r in rows] == [1000.0, 990.0, 950.0, 1100.0]
    assert [float(r["distance"]) for r in rows] == [0.0, -0.01, -0.05, 0.1]


def test_partial_roster_warns(cli) -> None:
    result = cli("boundary", f"{DATA}/discount.yaml", "--roster", ROSTER, "--format", "json")
    small = "4 small customers against 200 in the scenario (2.0%, under 50%)"
    big = "4 big customers against 150 in the scenario (2.7%, under 50%)"
    assert small in result.stderr and big in result.stderr
    warnings = json.loads(result.stdout)["warnings"]
    assert any(small in w for w in warnings) and any(big in w for w in warnings)


def test_roster_holding_half_or_more_does_not_warn(cli) -> None:
    # 2 + 2 small customers in the scenario against the roster's 4: 200 %, no warning for small.
    sets = ["--set", "customers.small.s1=2", "--set", "customers.small.s2=2"]
    result = cli("boundary", f"{DATA}/discount.yaml", "--roster", ROSTER, *sets, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "small customers against" not in result.stderr
    assert "4 big customers against 150" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--roster", ROSTER, "--near", "abc"],
            "Error: --near: expected a share such as 10% or 0.1, got 'abc'",
        ),
        (
            ["--roster", ROSTER, "--near", "0"],
            "Error: --near: expected a share above 0 and at most 100%, got '0'",
        ),
        (["--roster", ROSTER, "--near", "150%"], "expected a share above 0 and at most 100%, got '150%'"),
        (["--roster", ROSTER, "--near", "nan"], "expected a share above 0 and at most 100%, got 'nan'"),
        (["--near", "10%"], "Error: --near: --near needs --roster"),
        (["--near-csv", "x.csv"], "Error: --near-csv: --near-csv needs --roster"),
    ],
)
def test_bad_near_options(cli, args, message) -> None:
    result = cli("boundary", f"{DATA}/discount.yaml", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
