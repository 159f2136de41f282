"""Planning with a roster that loses rows or a whole channel: refused with counts unless asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.analyses.roster import roster_losses
from planner.data.roster import read_roster
from planner.data.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "scenarios" / "baseline.yaml"
SMALL = REPO / "scenarios" / "data"


def every_channel_rows(n_per_channel: int) -> list[str]:
    """``n_per_channel`` rows in each baseline channel, each spend inside a band of
    policies/telecom-4plus1.yaml: key 4000 in crystal [3000, 10000), commercial 2000 in A
    [1500, 3000), public 100 in family [60, 150), mobile 50 in worker [30, 100)."""
    rows = []
    for ch, spend in (("key", 4000), ("commercial", 2000), ("public", 100), ("mobile", 50)):
        rows += [f"{ch[0]}{i},{ch},{spend}" for i in range(n_per_channel)]
    return rows


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("customer_id,channel,monthly_spend\n" + "\n".join(rows) + "\n")
    return path


def test_a_clean_roster_in_every_channel_passes(cli, tmp_path, baseline):
    path = write(tmp_path / "r.csv", every_channel_rows(25))
    roster = read_roster(path, baseline.policy)
    assert (roster.rows_read, roster.rows_rejected) == (100, 0)
    assert roster_losses(roster, baseline, 0.01) == []
    result = cli("plan", "--roster", path, "--format", "json")
    assert result.exit_code == 0, result.stderr


def test_rejects_over_the_threshold_exit_2_with_counts(cli, tmp_path, baseline):
    # 100 good rows + 2 unknown tiers: 2 / 102 = 1.96 % > 1 %.
    rows = [*every_channel_rows(25), "x1,key,4000,钻石王", "x2,key,5000,gold2"]
    path = tmp_path / "r.csv"
    path.write_text(
        "customer_id,channel,monthly_spend,tier\n"
        + "\n".join(r if r.count(",") == 3 else r + "," for r in rows)
        + "\n"
    )
    result = cli("plan", "--roster", path, "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "2 of 102 rows rejected (2.0%, more than the 1.0% --max-reject-share allows" in result.stderr
    assert "2 unknown tier … …" in result.stderr and "--accept-rejects" in result.stderr
    # A looser threshold (2 %) lets it through, with the rejections in the JSON warnings.
    ok = cli("plan", "--roster", path, "--format", "json", "--max-reject-share", "0.02")
    assert ok.exit_code == 0, ok.stderr
    warnings = json.loads(ok.stdout)["warnings"]
    assert (
        f"roster {path}: 2 of 102 rows rejected and left out (2 unknown tier … …; "
        "`planner roster check` lists them)" in warnings
    )
    # Exactly at the threshold passes: 1 of 101 = 0.99 % <= 1 %.
    one = write(tmp_path / "one.csv", [*every_channel_rows(25), "x1,key,lots"])
    assert cli("plan", "--roster", one, "--format", "json").exit_code == 0


def test_a_channel_that_loses_every_customer_exits_2(cli, tmp_path):
    # The CRM writes 大客户 (not mapped) for key: every key row is an unknown channel. 25 of 100
    # rejected is also over 1 %, but the channel is named on its own.
    rows = [r.replace(",key,", ",大客户,") for r in every_channel_rows(25)]
    path = write(tmp_path / "r.csv", rows)
    result = cli("plan", "--roster", path)
    assert result.exit_code == 2
    assert "channel key has 6,360 customers in the scenario and none in the roster" in result.stderr
    assert "25 of 100 rows rejected (25.0%" in result.stderr
    # The value to map is named, so the fix (--columns channels: {大客户: key}) is plain.
    assert "channel values not in the policy: 大客户 (25 rows); map them with --columns" in result.stderr
    # Going on is explicit, and the JSON says what was lost.
    go = cli("plan", "--roster", path, "--accept-rejects", "--format", "json")
    assert go.exit_code == 0
    warnings = json.loads(go.stdout)["warnings"]
    assert any("channel key has 6,360 customers" in w and "--accept-rejects given" in w for w in warnings)
    # A channel simply absent from the file (no rows at all) is lost too.
    absent = write(tmp_path / "a.csv", [r for r in every_channel_rows(25) if ",mobile," not in r])
    result = cli("plan", "--roster", absent)
    assert result.exit_code == 2 and "channel mobile has 55,000 customers" in result.stderr
    assert "channel values not in the policy" not in result.stderr
    # Mapping the value fixes it: 100 accepted, nothing lost.
    columns = tmp_path / "map.yaml"
    columns.write_text("columns: {}\nchannels: {大客户: key}\n")
    fixed = cli("plan", "--roster", path, "--columns", columns, "--format", "json")
    assert fixed.exit_code == 0, fixed.stderr
    assert not any("rejected" in w for w in json.loads(fixed.stdout)["warnings"])


def test_roster_check_reports_the_same_problems_in_warnings(cli, tmp_path):
    rows = [r.replace(",key,", ",大客户,") for r in every_channel_rows(25)]
    path = write(tmp_path / "r.csv", rows)
    result = cli("roster", "check", path, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["rows_read"] == data["rows_accepted"] + data["rows_rejected"] == 100
    assert any("channel key has 6,360 customers" in w for w in data["warnings"])


@pytest.mark.parametrize("option", [["--sheet", "a"], ["--header-row", "2"], ["--accept-rejects"]])
def test_roster_reading_options_need_a_roster(cli, option):
    result = cli("plan", *option)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {option[0]}: {option[0]} needs --roster"
