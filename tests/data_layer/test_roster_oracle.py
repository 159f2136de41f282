"""The Arrow row checks accept and reject exactly the rows the row-wise pandas checks did (issue 15).

``roster_before.read_roster_before`` is the reader as it was before the checks were rewritten; on a
messy generated roster (every reason for rejection, labels, currency signs, thousands separators,
padding, formula-like text) both give equal accepted frames (values and dtypes) and equal reject
lists, row numbers and messages included. A hypothesis property adds: rows read = accepted +
rejected, and the two readers agree on small random rosters.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from roster_before import read_roster_before

from planner.data.roster import read_roster
from planner.data.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]

CHANNELS = [
    "key",
    "commercial",
    "public",
    "mobile",
    "callcentre",
    "大客户经理渠道",
    "商业客户经理渠道",
    "retail",
    "",
    " key ",
]
TIERS = ["", "crystal", "水晶", "铜牌", "A", "A+", "B", "D", "basic", "site", "gold", "nope", "=1+1", " C "]
SPENDS = [
    "",
    "abc",
    "-5",
    "-0",
    "5,00",
    "nan",
    "inf",
    "1e308",
    "1e3",
    "+25",
    ".5",
    "7.",
    "0",
    "3000",
    "2999.99",
    "¥5,000",
    "￥12000",
    "5,000元",
    "CNY 4500",
    "RMB250",
    "1,234,567.891",
    "12345678901234567890",
    "0.1234567",
    "  42  ",
]
CHURN = ["", "", "", "0.2", "1", "0", "1.5", "-0.1", "x", "0.05", " 0.3 "]
WORDS = ["finance", "", "mining", '"quoted"', "=cmd|' /C calc'!A0", "东区", "a,b"]


def messy_rows(n: int, seed: int) -> list[list[str]]:
    """``n`` data rows mixing good customers with every kind of bad one."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        cid = f"C{int(rng.integers(0, n * 0.9)):06d}" if rng.random() < 0.97 else rng.choice(["", "  "])
        channel = str(rng.choice(CHANNELS))
        tier = str(rng.choice(TIERS))
        if rng.random() < 0.6:
            spend = f"{rng.uniform(0, 250000):.{int(rng.integers(0, 7))}f}"
            if rng.random() < 0.1:
                spend = f"{float(spend):,}"
        else:
            spend = str(rng.choice(SPENDS))
        rows.append(
            [
                cid,
                channel,
                spend,
                tier,
                str(rng.choice(WORDS)),
                str(rng.choice(WORDS)),
                f"KM-{int(rng.integers(0, 30)):03d}" if rng.random() < 0.8 else "",
                str(rng.choice(CHURN)),
                f"x{i}",
            ]
        )
    return rows


def write_messy(path: Path, n: int, seed: int) -> Path:
    header = [
        "customer_id",
        "channel",
        "monthly_spend",
        "tier",
        "industry",
        "district",
        "manager_id",
        "churn_risk",
        "note",
    ]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(messy_rows(n, seed))
    return path


@pytest.fixture(scope="module")
def policy():
    """The baseline policy (channel and tier labels, a commercial -> key ladder)."""
    return load_scenario(REPO / "scenarios" / "baseline.yaml").policy


def assert_same(path: Path, policy) -> None:
    new = read_roster(path, policy)
    old = read_roster_before(path, policy)
    assert new.rows_read == old.rows_read == new.rows_accepted + new.rows_rejected
    pd.testing.assert_frame_equal(new.accepted, old.accepted)
    pd.testing.assert_frame_equal(new.rejected, old.rejected)
    assert new.notes == old.notes


@pytest.mark.parametrize("seed", [1, 2])
def test_messy_roster_same_rows_and_reasons(tmp_path, policy, seed):
    path = write_messy(tmp_path / "messy.csv", 4000, seed)
    new = read_roster(path, policy)
    # The file really exercises every reason and both label kinds.
    kinds = set(new.rejected["reason"].str.replace(r"'.*'|\d+|channel \S+", "", regex=True))
    assert len(kinds) >= 8, kinds
    assert any("label" in note for note in new.notes)
    assert_same(path, policy)


def test_clean_roster_no_rejects(tmp_path, policy):
    path = tmp_path / "clean.csv"
    path.write_text("customer_id,channel,monthly_spend\nk1,key,4000\nc1,commercial,2000\n", encoding="utf-8")
    assert_same(path, policy)
    assert read_roster(path, policy).rows_rejected == 0


def test_all_rejected_and_empty(tmp_path, policy):
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,channel,monthly_spend\nk1,retail,4000\nk2,retail,x\n", encoding="utf-8")
    assert_same(bad, policy)
    empty = tmp_path / "empty.csv"
    empty.write_text("customer_id,channel,monthly_spend\n", encoding="utf-8")
    assert_same(empty, policy)


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "", "d"]),
            st.sampled_from(CHANNELS),
            st.sampled_from(SPENDS) | st.floats(0, 300000).map(lambda x: f"{x:.2f}"),
            st.sampled_from(TIERS),
            st.sampled_from(CHURN),
        ),
        max_size=30,
    )
)
def test_rows_read_equal_accepted_plus_rejected(tmp_path_factory, policy, rows):
    path = tmp_path_factory.mktemp("prop") / "r.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_id", "channel", "monthly_spend", "tier", "churn_risk"])
        writer.writerows(rows)
    read = read_roster(path, policy)
    assert read.rows_read == len(rows) == read.rows_accepted + read.rows_rejected
    assert sorted([*read.accepted["row"], *read.rejected["row"]]) == list(range(1, len(rows) + 1))
    assert_same(path, policy)


def test_check_json_byte_identical_to_before(tmp_path):
    """`roster check --format json` on a messy roster: the bytes the code before issue 15 wrote
    (``data/messy-800.expected.json``, written by that code from ``data/messy-800.csv``)."""
    from click.testing import CliRunner

    from planner.commands import main

    data = Path(__file__).resolve().parents[1] / "data" / "roster"
    scenario = str(REPO / "scenarios" / "baseline.yaml")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(data)
        result = CliRunner().invoke(
            main, ["roster", "check", "messy-800.csv", "--scenario", scenario, "--format", "json"]
        )
    assert result.exit_code == 0, result.output
    assert result.output == (data / "messy-800.expected.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("unique", [True, False])
def test_sorted_ids_same_rows_and_reasons(tmp_path, policy, unique):
    """Ids sorted (the strictly increasing shortcut) and sorted with repeats (the hash path)."""
    rows = messy_rows(3000, 4)
    for i, row in enumerate(rows):
        row[0] = f"S{i:05d}" if unique else f"S{i // 3:05d}"
    path = tmp_path / "sorted.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_id", "channel", "monthly_spend", "tier", "industry", "district"])
        writer.writerows(row[:6] for row in rows)
    assert_same(path, policy)
    duplicates = read_roster(path, policy).rejected["reason"].str.startswith("duplicate").sum()
    assert duplicates == (0 if unique else 2000)


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_workbook_and_parquet_same_rows_and_reasons(tmp_path, policy, suffix):
    """The other formats: text columns from a workbook; Parquet with a numeric spend column."""
    frame = pd.read_csv(write_messy(tmp_path / "messy.csv", 400, 6), dtype=str, keep_default_na=False)
    path = tmp_path / f"messy{suffix}"
    if suffix == ".parquet":
        frame["monthly_spend"] = pd.to_numeric(frame["monthly_spend"], errors="coerce")
        frame.to_parquet(path, index=False)
    else:
        frame.to_excel(path, index=False)
    assert_same(path, policy)
