"""Rosters: exact row accounting, reclassification by hand, column mapping, generation, plan --roster."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.analyses.roster import check_roster, generate_roster, load_profile, scaled_counts
from planner.data.roster import read_roster
from planner.data.scenario import load_scenario

REPO = Path(__file__).resolve().parent.parent.parent
BASELINE = REPO / "scenarios" / "baseline.yaml"
PROFILE = REPO / "scenarios" / "data" / "roster-profile.yaml"

HEADER = "customer_id,channel,monthly_spend,tier,industry,churn_risk\n"
# One row per kind of problem; the comment says the reason expected (data row numbers from 1).
BAD_ROWS = (
    "k1,key,4000,,mining and manufacturing,\n"  # 1 ok: key.crystal by band
    ",key,4000,,,\n"  # 2 missing customer_id
    "k1,key,5000,,,\n"  # 3 duplicate of row 1
    "r1,retail,100,,,\n"  # 4 unknown channel
    "k2,key,lots,,,\n"  # 5 spend not a number
    "k3,key,-10,,,\n"  # 6 negative spend
    "k4,key,5000,gold2,,\n"  # 7 unknown tier
    "p1,public,-,,,\n"  # 8 spend not a number
    "m1,mobile,50,,,1.5\n"  # 9 churn_risk outside [0, 1]
    "c1,commercial,2000,A,,0.3\n"  # 10 ok: commercial.A, own churn 0.3
    "k5,key,2000000,,,\n"  # 11 ok: key.diamond (open-ended band)
)


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def write_csv(path: Path, text: str, bom: bool = False) -> Path:
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def test_every_row_is_accounted_for(tmp_path, baseline):
    roster = read_roster(write_csv(tmp_path / "r.csv", HEADER + BAD_ROWS), baseline.policy)
    assert roster.rows_read == 11
    assert roster.rows_accepted + roster.rows_rejected == roster.rows_read
    assert list(roster.accepted["customer_id"]) == ["k1", "c1", "k5"]
    reasons = dict(zip(roster.rejected["row"], roster.rejected["reason"], strict=True))
    assert reasons == {
        2: "missing customer_id",
        3: "duplicate customer_id (first at row 1)",
        4: "unknown channel 'retail'; expected one of key, commercial, public, mobile",
        5: "monthly_spend 'lots' is not a number",
        6: "negative monthly_spend",
        7: "unknown tier 'gold2' for channel key",
        8: "monthly_spend '-' is not a number",
        9: "churn_risk is not a fraction in [0, 1]",
    }
    assert roster.counts() == {("commercial", "A"): 1, ("key", "crystal"): 1, ("key", "diamond"): 1}
    churn = dict(zip(roster.accepted["customer_id"], roster.accepted["churn_risk"], strict=True))
    assert churn == pytest.approx({"k1": 0.0612, "c1": 0.3, "k5": 0.0612})


def test_spend_outside_every_band_off_the_ladder_is_rejected(tmp_path, write):
    write(
        "p.yaml",
        """
        channels:
          home:
            tiers:
              - {id: low, spend: [10, 100], visits: {count: 0, per: year}, calls: {count: 1, per: year},
                 visit_minutes: 0, call_minutes: 5, discount: 0, churn_risk: 0.1}
        """,
    )
    from planner.data.policy import load_policy

    path = write_csv(
        tmp_path / "r.csv", "customer_id,channel,monthly_spend\na,home,5\nb,home,50\nc,home,100\n"
    )
    roster = read_roster(path, load_policy(tmp_path / "p.yaml"))
    assert list(roster.rejected["reason"]) == [
        "monthly_spend outside every band of channel home",
        "monthly_spend outside every band of channel home",
    ]
    assert list(roster.rejected["row"]) == [1, 3]


def test_reclassification_by_hand(tmp_path, baseline):
    rows = (
        "customer_id,channel,monthly_spend,tier\n"
        "a1,commercial,3500,A\n"  # commercial.A now above 3,000: -> key.crystal
        "a2,commercial,3100,A\n"  # -> key.crystal
        "k1,key,2800,crystal\n"  # key account now below 3,000: -> commercial.A
        "b1,commercial,1600,B\n"  # -> commercial.A within the channel
        "a3,commercial,2000,A\n"  # stays
        "g1,key,12000,crystal\n"  # -> key.bronze
    )
    check = check_roster(read_roster(write_csv(tmp_path / "r.csv", rows), baseline.policy), baseline)
    moves = {(m.from_, m.to): (m.customers, m.monthly_revenue) for m in check.reclassified}
    assert moves == {
        ("commercial.A", "key.crystal"): (2, 6600.0),  # 3,500 + 3,100
        ("key.crystal", "commercial.A"): (1, 2800.0),
        ("commercial.B", "commercial.A"): (1, 1600.0),
        ("key.crystal", "key.bronze"): (1, 12000.0),
    }
    # For planning this year they stay where the roster lists them.
    tiers = {(t.channel, t.tier): t.customers for t in check.tiers if t.customers}
    assert tiers == {("commercial", "A"): 3, ("commercial", "B"): 1, ("key", "crystal"): 2}


def test_churn_exposure_by_tier_and_industry(tmp_path, baseline):
    rows = (
        "customer_id,channel,monthly_spend,industry,churn_risk\n"
        "a,key,5000,finance,0.1\n"  # 5,000 x 12 x 0.1 = 6,000
        "b,key,4000,finance,\n"  # 4,000 x 12 x 0.0612 = 2,937.6
        "c,commercial,2000,,\n"  # 2,000 x 12 x 0.10 = 2,400
    )
    check = check_roster(read_roster(write_csv(tmp_path / "r.csv", rows), baseline.policy), baseline)
    by_tier = {e.key: e.revenue_at_risk for e in check.churn_tiers}
    assert by_tier == pytest.approx({"key.crystal": 8937.6, "commercial.A": 2400.0})
    by_industry = {e.key: e.revenue_at_risk for e in check.churn_industries}
    assert by_industry == pytest.approx({"finance": 8937.6, "(not given)": 2400.0})


def test_chinese_columns_and_channel_names_map(tmp_path, baseline, write):
    mapping = write(
        "cols.yaml",
        """
        columns: {客户编号: customer_id, 渠道: channel, 月消费: monthly_spend, 行业: industry}
        channels: {大客户: key, 商业客户: commercial}
        """,
    )
    data = '客户编号,渠道,月消费,行业\nX1,大客户,"4,500",金融\nX2,商业客户,1800,零售\n'
    path = write_csv(tmp_path / "cn.csv", data, bom=True)
    roster = read_roster(path, baseline.policy, mapping)
    assert roster.counts() == {("key", "crystal"): 1, ("commercial", "A"): 1}
    assert list(roster.accepted["monthly_spend"]) == [4500.0, 1800.0]
    assert list(roster.accepted["industry"]) == ["金融", "零售"]


def test_excel_parquet_and_csv_read_the_same(tmp_path, baseline):
    frame = generate_roster(baseline, 300, 3, load_profile(PROFILE))
    frame.to_csv(tmp_path / "r.csv", index=False)
    frame.to_excel(tmp_path / "r.xlsx", index=False)
    frame.to_parquet(tmp_path / "r.parquet", index=False)
    counts = [
        read_roster(tmp_path / f"r.{ext}", baseline.policy).counts() for ext in ("csv", "xlsx", "parquet")
    ]
    assert counts[0] == counts[1] == counts[2]
    assert sum(counts[0].values()) == 300


def test_generated_roster_follows_the_scenario(baseline):
    frame = generate_roster(baseline, 10_000, 7, load_profile(PROFILE))
    assert len(frame) == 10_000 and frame["customer_id"].is_unique
    got = frame.groupby(["channel", "tier"]).size().to_dict()
    expected = scaled_counts(baseline, 10_000)
    assert got == expected
    # Largest remainders: each count within 1 of the exact share, summing to 10,000 exactly.
    total = sum(baseline.customers(c, t.id) for c, t in baseline.tiers())
    for (c, t), n in expected.items():
        assert abs(n - 10_000 * baseline.customers(c, t) / total) < 1
    # The brief's three trades are among the industries of key and commercial customers.
    industries = set(frame.loc[frame["channel"].isin(["key", "commercial"]), "industry"])
    assert {
        "government/party/military",
        "mining and manufacturing",
        "real estate and property management",
    } <= industries
    # Spends sit inside the band except for the drifted share (5 % moved up to 25 %).
    crystal = frame[(frame["channel"] == "key") & (frame["tier"] == "crystal")]["monthly_spend"]
    assert crystal.between(3000 * 0.75, 10000 * 1.25).all()


def test_generate_is_deterministic_byte_for_byte(cli, tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    for path, seed in ((a, "7"), (b, "7"), (c, "8")):
        result = cli("roster", "generate", "--customers", "2000", "--seed", seed, "--out", path)
        assert result.exit_code == 0, result.output
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_plan_with_roster_equals_plan_with_the_same_counts(cli, tmp_path, baseline):
    roster = tmp_path / "r.csv"
    assert cli("roster", "generate", "--customers", "3000", "--seed", "1", "--out", roster).exit_code == 0
    counts = read_roster(roster, baseline.policy).counts()
    sets = []
    for channel, tier in baseline.policy.tier_keys():
        sets += ["--set", f"customers.{channel}.{tier}={counts.get((channel, tier), 0)}"]
    via_roster = json.loads(cli("plan", "--roster", roster, "--format", "json").stdout)
    via_counts = json.loads(cli("plan", *sets, "--format", "json").stdout)
    assert via_roster == via_counts


def test_roster_check_json_keys(cli, tmp_path):
    path = write_csv(tmp_path / "r.csv", HEADER + BAD_ROWS)
    data = json.loads(cli("roster", "check", path, "--format", "json").stdout)
    assert (data["rows_read"], data["rows_accepted"], data["rows_rejected"]) == (11, 3, 8)
    assert data["rejected"][0] == {"row": 2, "customer_id": "", "reason": "missing customer_id"}
    assert {"channel", "tier", "customers", "monthly_revenue"} <= set(data["tiers"][0])
    assert set(data["churn"]) == {"tiers", "industries"}


def test_roster_check_table(cli, tmp_path):
    path = write_csv(tmp_path / "r.csv", HEADER + BAD_ROWS)
    out = cli("roster", "check", path).stdout
    assert "11 rows read = 3 accepted + 8 rejected" in out
    assert "duplicate customer_id" in out


@pytest.mark.parametrize(
    ("name", "content", "extra", "expected"),
    [
        ("r.txt", "a,b\n", [], "unknown roster format '.txt'; expected .csv, .xlsx or .parquet"),
        (
            "r.csv",
            "id,channel,spend\n1,key,4000\n",
            [],
            "missing required column(s) customer_id, monthly_spend",
        ),
        ("r.csv", "", [], "file is empty"),
        ("r.xlsx", "not really a workbook", [], "cannot read as Excel"),
        ("r.csv", "客户编号,渠道,月消费\nX1,大客户,4000\n".encode("gbk"), [], "not UTF-8 text"),
        ("r.csv", HEADER, ["--columns", "nope.yaml"], "nope.yaml: file not found"),
    ],
)
def test_bad_roster_files_exit_2(cli, tmp_path, name, content, extra, expected):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    extra = [str(tmp_path / e) if e.endswith(".yaml") else e for e in extra]
    result = cli("roster", "check", path, *extra)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert result.stderr.startswith("Error: ") and str(tmp_path) in result.stderr  # names the file
    assert "Traceback" not in result.output


def test_short_rows_are_rejected_and_long_rows_name_their_line(cli, tmp_path, baseline):
    # pyarrow refuses both; the C parser fills a short row with empty fields (a counted reject)...
    short = write_csv(
        tmp_path / "s.csv", "customer_id,channel,monthly_spend\na,key,4000\nb,key\n\nc,key,5000\n"
    )
    roster = read_roster(short, baseline.policy)
    assert (roster.rows_read, roster.rows_accepted) == (3, 2)  # the blank line is not a row
    assert list(roster.rejected.itertuples(index=False, name=None)) == [
        (2, "b", "monthly_spend (empty) is not a number")
    ]
    # ...and a row with a field too many makes the file unreadable, naming the line (header = line 1).
    long = write_csv(tmp_path / "l.csv", "customer_id,channel,monthly_spend\na,key,4000\nb,key,1,2\n")
    result = cli("roster", "check", long)
    assert result.exit_code == 2
    assert f"{long}: cannot read as CSV: Expected 3 fields in line 3, saw 4" in result.stderr


def test_check_json_through_a_real_process_is_clean(tmp_path):
    import subprocess
    import sys

    path = write_csv(tmp_path / "r.csv", HEADER + BAD_ROWS)
    out = subprocess.run(
        [sys.executable, "cli.py", "roster", "check", str(path), "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    assert data["rows_read"] == data["rows_accepted"] + data["rows_rejected"] == 11


def test_missing_roster_and_bad_mapping(cli, tmp_path, write):
    assert "r.csv: file not found" in cli("plan", "--roster", tmp_path / "r.csv").stderr
    bad_map = write("m.yaml", "columns: {客户编号: customer_idd}\n")
    path = write_csv(tmp_path / "r.csv", "客户编号,channel,monthly_spend\n1,key,4000\n")
    result = cli("plan", "--roster", path, "--columns", bad_map)
    assert result.exit_code == 2
    assert (
        "m.yaml:1: columns.客户编号: maps to unknown column 'customer_idd' (did you mean 'customer_id'?)"
        in (result.stderr)
    )
    result = cli("plan", "--columns", bad_map)
    assert result.exit_code == 2 and "--columns needs --roster" in result.stderr


def test_generate_refuses_bad_arguments(cli, tmp_path):
    result = cli("roster", "generate", "--customers", "0", "--out", tmp_path / "x.csv")
    assert result.exit_code == 2 and "expected a positive number of customers" in result.stderr
    result = cli("roster", "generate", "--customers", "10", "--out", tmp_path / "x.json")
    assert result.exit_code == 2 and "expected .csv, .xlsx or .parquet" in result.stderr
    assert not (tmp_path / "x.json").exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "", "d"]),
            st.sampled_from(["key", "commercial", "public", "mobile", "retail", ""]),
            st.one_of(st.floats(-100, 300000, allow_nan=False), st.just("x")),
            st.sampled_from(["", "crystal", "A", "premium", "nope"]),
        ),
        max_size=30,
    )
)
def test_accounting_always_adds_up(tmp_path, baseline, rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "channel", "monthly_spend", "tier"])
    path = tmp_path / "h.csv"
    frame.to_csv(path, index=False)
    roster = read_roster(path, baseline.policy)
    assert roster.rows_read == len(rows)
    assert roster.rows_accepted + roster.rows_rejected == len(rows)
    assert set(roster.accepted["row"]).isdisjoint(set(roster.rejected["row"]))
    assert sum(roster.counts().values()) == roster.rows_accepted


@pytest.mark.parametrize("chunk_rows", [1, 3, 20_000])
def test_fast_json_is_byte_identical_to_the_generic_encoder(tmp_path, baseline, chunk_rows):
    from planner.report.export import to_json
    from planner.report.roster import roster_check_json_chunks

    odd = '"q""u\\o,te",retail,1,,,\n客户7,key,x,,,\n'  # a quote and a backslash in an id; a Chinese id
    path = write_csv(tmp_path / "r.csv", HEADER + BAD_ROWS + odd)
    check = check_roster(read_roster(path, baseline.policy), baseline)
    assert check.rows_rejected == 10
    assert {'q"u\\o,te', "客户7"} <= {r["customer_id"] for r in check.rejected}
    assert "".join(roster_check_json_chunks(check, chunk_rows)) == to_json(check)
    clean = check_roster(
        read_roster(write_csv(tmp_path / "ok.csv", HEADER + BAD_ROWS[:40]), baseline.policy), baseline
    )
    assert "".join(roster_check_json_chunks(clean, chunk_rows)) == to_json(clean)


@pytest.mark.parametrize("ext", ["xlsx", "parquet"])
def test_generate_excel_and_parquet_are_deterministic(cli, tmp_path, baseline, ext):
    a, b = tmp_path / f"a.{ext}", tmp_path / f"b.{ext}"
    for path in (a, b):
        assert cli("roster", "generate", "--customers", "200", "--seed", "5", "--out", path).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    if ext == "xlsx":
        # Runs a second apart would differ if the clock leaked in: check no part carries it.
        import zipfile

        with zipfile.ZipFile(a) as z:
            assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
            assert z.read("docProps/core.xml").count(b">2000-01-01T00:00:00Z<") == 2
    assert sum(read_roster(a, baseline.policy).counts().values()) == 200


def test_parquet_integer_ids_with_gaps_stay_integers(tmp_path, baseline):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "customer_id": pa.array([101, None, 103], pa.int64()),
            "channel": ["key", "key", "key"],
            "monthly_spend": pa.array([4000, 5000, None], pa.int64()),
        }
    )
    pq.write_table(table, tmp_path / "r.parquet")
    roster = read_roster(tmp_path / "r.parquet", baseline.policy)
    assert list(roster.accepted["customer_id"]) == ["101"]  # not "101.0"
    assert list(roster.rejected.itertuples(index=False, name=None)) == [
        (2, "", "missing customer_id"),
        (3, "103", "monthly_spend (empty) is not a number"),
    ]


def test_duplicate_of_a_rejected_row_is_still_a_duplicate(tmp_path, baseline):
    # The first occurrence is the one kept, even when it is itself rejected (documented rule).
    path = write_csv(tmp_path / "d.csv", "customer_id,channel,monthly_spend\nk1,key,oops\nk1,key,4000\n")
    roster = read_roster(path, baseline.policy)
    assert list(roster.rejected.itertuples(index=False, name=None)) == [
        (1, "k1", "monthly_spend 'oops' is not a number"),
        (2, "k1", "duplicate customer_id (first at row 1)"),
    ]
