"""Roster files as exports really come: trailing commas, labels, currency, title rows, sheets, bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.data.roster import read_roster
from planner.data.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "scenarios" / "baseline.yaml"

# Four customers, one per line; the tier each lands in worked out from policies/telecom-4plus1.yaml:
# key crystal is [3000, 10000), bronze [10000, 20000); commercial A is [1500, 3000).
ROWS = [
    ("k1", "key", "4000", "crystal"),
    ("k2", "key", "12000", "bronze"),
    ("c1", "commercial", "2000", "A"),
    ("k3", "key", "9000", ""),
]
EXPECTED = {("key", "crystal"): 2, ("key", "bronze"): 1, ("commercial", "A"): 1}


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def csv_text(rows, tail: str = "", header_tail: str = "") -> str:
    lines = ["customer_id,channel,monthly_spend,tier" + header_tail]
    lines += [",".join(r) + tail for r in rows]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("tail", "header_tail"), [(",", ""), (",", ","), (",,", ""), ("", ",")])
def test_trailing_commas_are_read_correctly(tmp_path, baseline, tail, header_tail):
    path = tmp_path / "r.csv"
    path.write_text(csv_text(ROWS, tail, header_tail))
    roster = read_roster(path, baseline.policy)
    assert (roster.rows_read, roster.rows_accepted, roster.rows_rejected) == (4, 4, 0)
    assert roster.counts() == EXPECTED
    assert list(roster.accepted["customer_id"]) == ["k1", "k2", "c1", "k3"]
    assert roster.notes  # says what it ignored


def test_an_extra_value_in_the_first_row_is_refused_with_its_line(cli, tmp_path):
    path = tmp_path / "r.csv"
    rows = [("k1", "key", "4000", "crystal", "surplus"), *ROWS[1:]]
    path.write_text(csv_text(rows))
    result = cli("roster", "check", path)
    assert result.exit_code == 2
    assert f"{path}: cannot read as CSV: Expected 4 fields in line 2, saw 5" in result.stderr
    assert "Traceback" not in result.output
    result = cli("plan", "--roster", path)
    assert result.exit_code == 2 and "line 2" in result.stderr


def test_too_many_trailing_fields_are_refused_with_their_line(cli, tmp_path):
    # Up to 8 empty fields past the header are read (TRAILING_FIELDS); line 4 has 9.
    path = tmp_path / "r.csv"
    path.write_text(csv_text(ROWS[:2], ",,,,,,,,") + ",".join(ROWS[2]) + "," * 9 + "\n")
    result = cli("roster", "check", path)
    assert result.exit_code == 2
    assert f"{path}: cannot read as CSV: Expected 4 fields in line 4, saw 13" in result.stderr


def test_trailing_comma_roster_plans_like_the_clean_one(cli, tmp_path):
    clean, messy = tmp_path / "clean.csv", tmp_path / "messy.csv"
    clean.write_text(csv_text(ROWS))
    messy.write_text(csv_text(ROWS, ","))
    a = cli("plan", "--roster", clean, "--accept-rejects", "--format", "json")
    b = cli("plan", "--roster", messy, "--accept-rejects", "--format", "json")
    assert a.exit_code == b.exit_code == 0
    one, two = json.loads(a.stdout), json.loads(b.stdout)
    assert one["total_headcount"] == two["total_headcount"] > 0
    assert any("trailing comma" in w for w in two["warnings"])


def test_policy_labels_name_channels_and_tiers(tmp_path, baseline):
    path = tmp_path / "r.csv"
    path.write_text(
        "customer_id,channel,monthly_spend,tier\n"
        "k1,大客户经理渠道,4000,水晶\n"  # key's label, crystal's label
        "k2,key,12000,铜牌\n"  # bronze's label
        "k3,key,12000,水晶\n"  # listed crystal (spend says bronze: listed tier kept, a move)
    )
    roster = read_roster(path, baseline.policy)
    assert roster.rows_rejected == 0
    assert list(roster.accepted["channel"]) == ["key", "key", "key"]
    assert list(roster.accepted["tier"]) == ["crystal", "bronze", "crystal"]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("¥5,000", 5000.0),
        ("5,000元", 5000.0),
        ("5,000", 5000.0),
        ("￥5000.5", 5000.5),
        ("RMB 12,345.67", 12345.67),
        ("1,234,567", 1234567.0),
        (" 5000 ", 5000.0),
    ],
)
def test_spend_with_currency_signs_and_thousands_separators(tmp_path, baseline, written, value):
    path = tmp_path / "r.csv"
    frame = pd.DataFrame({"customer_id": ["k1"], "channel": ["key"], "monthly_spend": [written]})
    frame.to_csv(path, index=False)
    roster = read_roster(path, baseline.policy)
    assert roster.rows_rejected == 0, roster.rejected
    assert roster.accepted["monthly_spend"].tolist() == [value]


@pytest.mark.parametrize("written", ["5,00", "5,0000", "¥", "5.000,00", "5 000 000x", "元"])
def test_malformed_spend_is_still_not_a_number(tmp_path, baseline, written):
    path = tmp_path / "r.csv"
    pd.DataFrame({"customer_id": ["k1"], "channel": ["key"], "monthly_spend": [written]}).to_csv(
        path, index=False
    )
    roster = read_roster(path, baseline.policy)
    assert roster.rows_accepted == 0
    assert roster.rejected["reason"].iloc[0].endswith("is not a number")


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**12),
    st.sampled_from(["", "¥", "￥", "RMB "]),
    st.sampled_from(["", "元", " CNY"]),
)
def test_grouped_spend_reads_as_its_integer(tmp_path_factory, value, before, after):
    from planner.data.roster import parse_spend

    text = pd.Series([f"{before}{value:,}{after}"], dtype="string")
    assert parse_spend(text).tolist() == [float(value)]


def write_book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


HEADER = ["customer_id", "channel", "monthly_spend", "tier"]


def test_excel_title_row_is_detected_and_reported(cli, tmp_path):
    path = write_book(
        tmp_path / "r.xlsx",
        {"客户": [["2006年大客户名单"], [], HEADER, *[list(r) for r in ROWS]]},
    )
    result = cli("roster", "check", path, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["rows_read"], data["rows_accepted"]) == (4, 4)
    assert any("header found on row 3" in w for w in data["warnings"])
    # Said explicitly, the same.
    again = json.loads(cli("roster", "check", path, "--header-row", "3", "--format", "json").stdout)
    assert again["tiers"] == data["tiers"]
    # A wrong header row names what it found instead.
    bad = cli("roster", "check", path, "--header-row", "1")
    assert bad.exit_code == 2 and "missing required column(s)" in bad.stderr
    far = cli("roster", "check", path, "--header-row", "99")
    assert far.exit_code == 2 and "outside sheet '客户' (rows 1 to 7)" in far.stderr


def test_excel_header_is_found_after_column_mapping(cli, tmp_path):
    # The export's own names sit on row 2 under a title; --columns maps them onto ours.
    path = write_book(
        tmp_path / "r.xlsx",
        {
            "Sheet1": [
                ["客户名单 2006"],
                ["客户编号", "渠道", "月消费"],
                ["k1", "大客户", "¥4,000"],
                ["c1", "商业客户", 2000],
            ]
        },
    )
    columns = tmp_path / "map.yaml"
    columns.write_text(
        "columns: {客户编号: customer_id, 渠道: channel, 月消费: monthly_spend}\n"
        "channels: {大客户: key, 商业客户: commercial}\n"
    )
    data = json.loads(cli("roster", "check", path, "--columns", columns, "--format", "json").stdout)
    assert (data["rows_read"], data["rows_accepted"]) == (2, 2)
    by_tier = {(t["channel"], t["tier"]): t["customers"] for t in data["tiers"] if t["customers"]}
    assert by_tier == {
        ("key", "crystal"): 1,
        ("commercial", "A"): 1,
    }  # 4000 in [3000, 10000); 2000 in [1500, 3000)
    assert any("header found on row 2" in w for w in data["warnings"])


def test_excel_sheet_by_name_or_number_and_the_others_are_named(cli, tmp_path):
    path = write_book(
        tmp_path / "r.xlsx",
        {
            "说明": [["this sheet explains the columns"]],
            "data": [HEADER, *[list(r) for r in ROWS]],
            "old": [HEADER, ["x1", "key", 4000, "crystal"]],
        },
    )
    first = cli("roster", "check", path)
    assert first.exit_code == 2 and "missing required column(s)" in first.stderr
    assert "choose the row with --header-row, the sheet with --sheet" in first.stderr
    for choice in ("data", "2"):
        result = cli("roster", "check", path, "--sheet", choice, "--format", "json")
        data = json.loads(result.stdout)
        assert (data["rows_read"], data["rows_accepted"]) == (4, 4)
        assert any("read sheet 'data' of 3 (also: 说明, old)" in w for w in data["warnings"])
    old = json.loads(cli("roster", "check", path, "--sheet", "old", "--format", "json").stdout)
    assert old["rows_read"] == 1
    missing = cli("roster", "check", path, "--sheet", "dta")
    assert missing.exit_code == 2
    assert "no sheet 'dta' (did you mean 'data'?); sheets: 说明, data, old" in missing.stderr
    four = cli("roster", "check", path, "--sheet", "4")
    assert four.exit_code == 2 and "a number from 1 to 3" in four.stderr


def test_sheet_options_on_a_csv_are_refused(cli, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(csv_text(ROWS))
    result = cli("plan", "--roster", path, "--sheet", "data")
    assert result.exit_code == 2 and "--sheet applies to .xlsx rosters only" in result.stderr


def test_plan_reads_the_chosen_sheet(cli, tmp_path):
    path = write_book(tmp_path / "r.xlsx", {"a": [["title"], HEADER, *[list(r) for r in ROWS]]})
    result = cli("plan", "--roster", path, "--accept-rejects", "--format", "json")
    assert result.exit_code == 0, result.output
    assert any("header found on row 2" in w for w in json.loads(result.stdout)["warnings"])


def test_binary_parquet_ids_are_decoded_or_refused(cli, tmp_path, baseline):
    import pyarrow as pa
    import pyarrow.parquet as pq

    good = tmp_path / "good.parquet"
    pq.write_table(
        pa.table(
            {
                "customer_id": pa.array([b"k1", "客户2".encode()], pa.binary()),
                "channel": ["key", "key"],
                "monthly_spend": [4000.0, 12000.0],
            }
        ),
        good,
    )
    roster = read_roster(good, baseline.policy)
    assert list(roster.accepted["customer_id"]) == ["k1", "客户2"]
    bad = tmp_path / "bad.parquet"
    pq.write_table(
        pa.table(
            {
                "customer_id": pa.array([b"k1", b"\xff\xfe"], pa.binary()),
                "channel": ["key", "key"],
                "monthly_spend": [4000.0, 12000.0],
            }
        ),
        bad,
    )
    result = cli("roster", "check", bad)
    assert result.exit_code == 2
    assert "column 'customer_id', row 2: binary value b'\\xff\\xfe' is not UTF-8 text" in result.stderr
    assert "Traceback" not in result.output


def test_generate_refuses_a_roster_too_large_for_memory(cli, tmp_path):
    from planner.analyses.roster import GENERATE_BYTES_PER_CUSTOMER, check_generate_size
    from planner.errors import InputError

    out = tmp_path / "huge.csv"
    result = cli("roster", "generate", "--customers", 10**12, "--out", out)
    assert result.exit_code == 2
    # 10^12 x 420 bytes = 4.2e14 bytes = 420 TB.
    assert GENERATE_BYTES_PER_CUSTOMER == 420
    assert "1,000,000,000,000 customers would need about 420.0 TB of memory" in result.stderr
    assert not out.exists()
    # 8 GB machine: at most 0.8 * 8e9 / 420 = 15,238,095 customers.
    check_generate_size(15_238_095, memory=8 * 10**9)
    with pytest.raises(InputError, match="generate at most 15,238,095"):
        check_generate_size(15_238_096, memory=8 * 10**9)
