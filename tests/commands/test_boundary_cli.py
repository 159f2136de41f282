"""``planner boundary`` through the command line: the report, JSON on stdout, and bad input -> exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
DATA = "tests/data/boundary"


def test_baseline_report_in_words(cli) -> None:
    result = cli("boundary", "scenarios/baseline.yaml")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())  # rich wraps long lines; compare words
    assert "Chicken head vs phoenix tail: baseline" in out
    # crystal's calls a customer in practice: what plan --headcount current delivers over 3,200
    # customers, a month (tests/analyses/test_boundary.py works the figures).
    today = json.loads(cli("plan", "--headcount", "current", "--format", "json").stdout)
    crystal = next(t for t in today["tiers"] if t["tier"] == "crystal")
    a_month = crystal["delivered_calls"] / 3200 / 12
    assert 0.55 < a_month < 0.65
    assert (
        f"key.crystal customers get {a_month:.2f} phone contacts a month in practice against 1.00 for "
        "commercial.A" in out
    )
    assert "sound on paper, inverted in" in out
    assert "crossing the line costs 60 CNY a month more" in out


def test_remedy_side_by_side(cli) -> None:
    result = cli("boundary", "scenarios/baseline.yaml", "--remedy", "scenarios/unified-centre.yaml")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "before: baseline" in out and "after: unified-centre" in out
    assert "18,570,000" in out and "19,820,000" in out
    assert "Removed by the remedy" in out
    assert "commercial.A / key.crystal: price: net monthly price" in out
    # Two-line column headers keep their line break (not shown as an escaped \x0a).
    assert "\\x0a" not in out and "on paper" in out and "in practice" in out
    # Both bases named: today's 176 / 187 managers, and the required heads `compare` shows.
    assert "managers today" in out and "managers required (plan, compare)" in out


def test_clean_policy_says_no_inversion(cli) -> None:
    result = cli("boundary", f"{DATA}/clean.yaml")
    assert result.exit_code == 0, result.output
    assert "no inversion on any of the 3 lines" in result.output.lower()


def test_set_applies(cli) -> None:
    """--set the big team back to 2 heads: the understaffed scenario's delivery inversion goes away."""
    result = cli(
        "boundary", f"{DATA}/understaffed.yaml", "--set", "roles.big_rep.headcount=2", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["boundaries"][0]["inversions"] == []


def test_json_through_a_real_process() -> None:
    """stdout is clean JSON (no solver banner), shaped {boundaries: [...], remedy: ...}."""
    args = [sys.executable, "cli.py", "boundary", "scenarios/baseline.yaml", "--format", "json"]
    proc = subprocess.run(
        [*args, "--remedy", "scenarios/unified-centre.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert list(data) == ["boundaries", "remedy", "warnings"]
    first = next(b for b in data["boundaries"] if b["lower"] == "commercial.A")
    assert (first["lower"], first["upper"]) == ("commercial.A", "key.crystal")
    assert first["near"] is None
    kinds = {(i["kind"], i["metric"]) for i in first["inversions"]}
    assert ("delivered", "contacts_per_year") in kinds and ("price", "net_monthly_price") in kinds
    assert data["remedy"]["after"]["coverage"]["key.crystal"] > 0.98  # whole contacts: 98.6 %
    # Deterministic: the same run again gives the same bytes.
    again = subprocess.run(
        [*args, "--remedy", "scenarios/unified-centre.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.stdout == proc.stdout


def test_json_without_remedy_has_null_remedy(cli) -> None:
    result = cli("boundary", f"{DATA}/clean.yaml", "--format", "json")
    assert json.loads(result.stdout)["remedy"] is None


def test_roster_near_the_line(cli) -> None:
    """tests/data/boundary/roster-near.csv against discount.yaml (s2 5 % off, b1 0 %), line at 1,000.

    Window 900-1,100: s2 950 and 990 (r3's tier from its band) = 1,940 CNY; b1 1,000 and 1,100 = 2,100.
    Out: s2 880, b1 1,200, s1, b2. s2's 5 % beats b1's 0 %, so all 4 pay less just below the line;
    b1's pay 2,100 x 0.05 = 105 CNY a month more. Customers per tier come from the roster: s2 3, b1 3.
    """
    roster = f"{DATA}/roster-near.csv"
    result = cli("boundary", f"{DATA}/discount.yaml", "--roster", roster, "--format", "json")
    assert result.exit_code == 0, result.output
    b = next(x for x in json.loads(result.stdout)["boundaries"] if x["lower"] == "small.s2")
    listed = b["near"].pop("customers")  # listed one by one in tests/analyses/test_boundary_near.py
    assert [c["customer_id"] for c in listed] == ["r4", "r3", "r1", "r5"]
    assert b["near"].pop("fraction") == 0.1
    assert b["near"] == {
        "window_low": 900.0,
        "window_high": 1100.0,
        "lower": {"tier": "small.s2", "customers": 2, "monthly_revenue": 1940.0},
        "upper": {"tier": "big.b1", "customers": 2, "monthly_revenue": 2100.0},
        "pay_less_below": 4,
        "overpay_per_month": 105.0,
    }
    assert (b["designed"]["lower"]["customers"], b["designed"]["upper"]["customers"]) == (3, 3)
    table = cli("boundary", f"{DATA}/discount.yaml", "--roster", roster)
    words = " ".join(table.output.split())
    assert "4 would pay less just below the line" in words
    assert "big.b1's pay 105 CNY a month more" in words
    # Without a price inversion nobody pays less below the line.
    clean = json.loads(cli("boundary", f"{DATA}/clean.yaml", "--roster", roster, "--format", "json").stdout)
    assert clean["boundaries"][0]["near"]["pay_less_below"] == 0


def test_roster_counts_apply_to_the_remedy_too(cli) -> None:
    """The roster has 3 b1 + 1 b2 customers: 3 x 10 h + 16 h = 46 h, which understaffed.yaml's one
    big_rep (1,000 h) covers in full; with the remedy's own 100 + 50 customers b1 would get 20 %."""
    roster = f"{DATA}/roster-near.csv"
    args = ["--roster", roster, "--remedy", f"{DATA}/understaffed.yaml", "--format", "json"]
    result = cli("boundary", f"{DATA}/clean.yaml", *args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["remedy"]["after"]["coverage"]["big.b1"] == 1.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope.yaml"], "Error: nope.yaml: file not found"),
        (
            [f"{DATA}/clean.yaml", "--remedy", f"{DATA}/missing.yaml"],
            f"Error: {DATA}/missing.yaml: remedy scenario file not found",
        ),
        (
            [f"{DATA}/clean.yaml", "--remedy", f"{DATA}/remedy-other-tiers.yaml"],
            "remedy 'other-tiers' has different tiers from 'clean' (only in the remedy: only.t1; "
            "missing from the remedy: big.b1, big.b2, small.s1, small.s2)",
        ),
        (
            [f"{DATA}/clean.yaml", "--remedy", f"{DATA}/remedy-broken.yaml"],
            "remedy-broken.yaml:4: malformed YAML",
        ),
        (["--set", "roles.key_manager.headcunt=3"], "did you mean 'headcount'?"),
        ([f"{DATA}/clean.yaml", "--remedy", "tests/data"], "is a directory"),
        ([f"{DATA}/clean.yaml", "--format", "csv"], "Invalid value for '--format'"),
        ([f"{DATA}/clean.yaml", "--roster", f"{DATA}/missing.csv"], "missing.csv: file not found"),
        ([f"{DATA}/clean.yaml", "--columns", f"{DATA}/clean.yaml"], "--columns needs --roster"),
    ],
    ids=[
        "missing-scenario",
        "missing-remedy",
        "remedy-other-tiers",
        "broken-remedy",
        "bad-set",
        "dir",
        "format",
        "missing-roster",
        "columns-alone",
    ],
)
def test_bad_input_exits_2(cli, args: list[str], message: str) -> None:
    result = cli("boundary", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_help_lists_every_option(cli) -> None:
    out = cli("boundary", "--help").output
    for option in ("--remedy", "--set", "--solver", "--format", "--roster", "--columns"):
        assert option in out


def test_the_plans_own_warnings_reach_stderr_once(cli, monkeypatch) -> None:
    # A warning of today's plan itself (not the scenario's) is in the JSON and, in either format,
    # on stderr once; the scenario's, printed first, are not repeated. The plan is the real one
    # with one line added to its warnings.
    from dataclasses import replace

    from planner.analyses import boundary

    real = boundary._plan_current
    line = "a warning of today's plan"

    def warned(scenario, solver, year=None):
        result = real(scenario, solver, year)
        return replace(result, warnings=[*result.warnings, line])

    monkeypatch.setattr(boundary, "_plan_current", warned)
    cut = ["--set", "customers.mobile.worker=0", "--set", "customers.mobile.payphone=0"]
    cut += ["--set", "customers.mobile.site=0"]  # district_manager has nothing left: the scenario warns
    scenario_line = "role 'district_manager' serves no tier that has customers"
    for fmt in ("table", "json"):
        result = cli("boundary", "scenarios/baseline.yaml", *cut, "--format", fmt)
        assert result.exit_code == 0
        assert result.stderr.splitlines() == [f"Warning: {scenario_line}", f"Warning: {line}"]
    assert json.loads(result.stdout)["warnings"] == [scenario_line, line]
