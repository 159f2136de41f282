"""The visit calendar, checked from the files it writes, independently of the code that made them.

The checks re-derive everything they need from the policy, the scenario and the ``holidays``
package: which month an ISO week belongs to (its Thursday), each week's working days, a manager's
weekly capacity, the spacing rule. Scenario: ``tests/data/schedule/small.yaml`` (608 customers).
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import math
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import holidays
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.analyses.schedule import build_schedule, min_gap_weeks
from planner.analyses.schedule_assign import deal_books
from planner.data.calendar import default_year, iso_weeks_in_year, year_calendar
from planner.data.scenario import load_scenario

REPO = Path(__file__).resolve().parent.parent
SMALL = REPO / "tests" / "data" / "schedule" / "small.yaml"
POLICY = REPO / "policies" / "telecom-4plus1.yaml"
YEAR = 2027
PERIODS = {"month": 12, "quarter": 4, "year": 1}


def _policy_tiers() -> dict[tuple[str, str], dict]:
    data = yaml.safe_load(POLICY.read_text(encoding="utf-8"))
    return {(c, t["id"]): t for c, ch in data["channels"].items() for t in ch["tiers"]}


def _period(week: int, per: str) -> int:
    """Period of an ISO week, by its Thursday (computed here, not by planner)."""
    month = dt.date.fromisocalendar(YEAR, week, 4).month
    return {"month": month, "quarter": (month - 1) // 3 + 1, "year": 1}[per]


def _working_days(week: int) -> int:
    cn = holidays.China(years=[YEAR - 1, YEAR, YEAR + 1])
    days = [dt.date.fromisocalendar(YEAR, week, d) for d in range(1, 8)]
    return sum(1 for d in days if cn.is_working_day(d))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _run(cli, out: Path, *extra: str):
    result = cli("schedule", str(SMALL), "--year", str(YEAR), "--out", str(out), *extra)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def required_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """schedule.csv/managers.csv of the small scenario, required headcount, written by the CLI."""
    from click.testing import CliRunner

    from planner.commands import main

    out = tmp_path_factory.mktemp("required")
    runner = CliRunner()
    res = runner.invoke(
        main,
        ["schedule", str(SMALL), "--year", str(YEAR), "--out", str(out), "--excel"],
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="module")
def current_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Files and JSON of the small scenario with today's (short) headcount."""
    from click.testing import CliRunner

    from planner.commands import main

    out = tmp_path_factory.mktemp("current")
    runner = CliRunner()
    res = runner.invoke(
        main,
        [
            "schedule",
            str(SMALL),
            "--year",
            str(YEAR),
            "--headcount",
            "current",
            "--out",
            str(out),
            "--format",
            "json",
        ],
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.output
    return out, json.loads(res.stdout)


# --- calendar -------------------------------------------------------------------------------------


def test_iso_weeks_per_year():
    # 2026 starts on a Thursday, so it has 53 ISO weeks; 2027 has 52.
    assert iso_weeks_in_year(2026) == 53
    assert iso_weeks_in_year(2027) == 52
    assert year_calendar(2026).n_weeks == 53


def test_weeks_belong_to_the_month_of_their_thursday():
    cal = year_calendar(YEAR)
    for w in cal.weeks:
        assert w.month == dt.date.fromisocalendar(YEAR, w.week, 4).month
    # Every month gets 4 or 5 weeks.
    per_month = Counter(w.month for w in cal.weeks)
    assert sorted(set(per_month.values())) == [4, 5] and sum(per_month.values()) == 52


def test_holiday_weeks_carry_less():
    cal = year_calendar(YEAR)
    by_week = {w.week: w for w in cal.weeks}
    # Spring Festival 2027: 5 Feb (Fri, eve) and 8-10 Feb (Mon-Wed, observed) are days off.
    assert by_week[5].working_days == 4
    assert by_week[6].working_days == 2
    # National Day 2027: 1 Oct (Fri) and 4-5 Oct (Mon-Tue) off.
    assert by_week[39].working_days == 4
    assert by_week[40].working_days == 3
    assert by_week[30].working_days == 5
    for w in cal.weeks:
        assert w.working_days == _working_days(w.week)
    share = cal.week_share()
    assert math.isclose(sum(share), 1.0)
    assert share[5] < share[29] / 2  # W06 holds 2 days, W30 five


def test_default_year_is_next_year():
    assert default_year(dt.date(2026, 11, 28)) == 2027


def test_min_gap_by_hand():
    # 52 weeks: 2/quarter -> 8 a year -> interval 6.5 -> half 3.25 -> 4 weeks; 1/month -> 26/12 -> 3.
    assert min_gap_weeks(52, 8) == 4
    assert min_gap_weeks(52, 12) == 3
    assert min_gap_weeks(52, 4) == 7
    assert min_gap_weeks(52, 24) == 2
    assert min_gap_weeks(52, 48) == 1
    assert min_gap_weeks(52, 0) == 0


# --- books ----------------------------------------------------------------------------------------


def test_deal_books_by_hand():
    # 3 managers; 2 heavy customers (10 h) and 4 light ones (1 h): heavy to managers 0 and 1,
    # then the light ones fill the empty book first: manager 2 gets 4 light? No: water-filling
    # tops books up evenly -> manager 2 reaches 4 h with 4 light ones, others keep 10 h.
    per, load = deal_books([2, 4], [10.0, 1.0], 3)
    assert per.tolist() == [[1, 1, 0], [0, 0, 4]]
    assert load.tolist() == [10.0, 10.0, 4.0]


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(0, 400), min_size=1, max_size=6),
    weights=st.lists(st.floats(0.0, 120.0), min_size=6, max_size=6),
    managers=st.integers(1, 40),
)
def test_deal_books_keeps_every_customer_and_balances(counts, weights, managers):
    hours = weights[: len(counts)]
    per, load = deal_books(counts, hours, managers)
    assert per.sum(axis=1).tolist() == counts
    assert (per >= 0).all()
    # Greedy-to-lightest: no two books differ by more than the heaviest single customer.
    heaviest = max([h for h, n in zip(hours, counts, strict=True) if n > 0], default=0.0)
    assert load.max() - load.min() <= heaviest + 1e-6


# --- the calendar from its files ------------------------------------------------------------------


def test_every_standard_met_in_every_period_for_every_customer(required_files: Path):
    tiers = _policy_tiers()
    rows = _read_csv(required_files / "schedule.csv")
    scenario = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    got: Counter = Counter()
    tier_of: dict[str, tuple[str, str]] = {}
    for r in rows:
        key = (r["channel"], r["tier"])
        tier_of[r["customer_id"]] = key
        per = tiers[key]["visits" if r["kind"] == "visit" else "calls"]["per"]
        got[(r["customer_id"], r["kind"], _period(int(r["week"]), per))] += 1
    checked = 0
    for channel, counts in scenario["customers"].items():
        for tier_id, n in counts.items():
            t = tiers[(channel, tier_id)]
            ids = [c for c, k in tier_of.items() if k == (channel, tier_id)]
            if t["visits"]["count"] or t["calls"]["count"]:
                assert len(ids) == n, f"{channel}.{tier_id}: {len(ids)} of {n} customers scheduled"
            for c in ids:
                for kind, std in (("visit", t["visits"]), ("call", t["calls"])):
                    periods = {"month": range(1, 13), "quarter": range(1, 5), "year": [1]}[std["per"]]
                    for p in periods:
                        assert got[(c, kind, p)] >= std["count"], (c, kind, p)
                        checked += 1
    assert checked > 5000


def test_visits_are_spaced_at_least_half_the_even_interval(required_files: Path):
    tiers = _policy_tiers()
    weeks: dict[str, list[int]] = defaultdict(list)
    tier_of = {}
    for r in _read_csv(required_files / "schedule.csv"):
        if r["kind"] == "visit":
            weeks[r["customer_id"]].append(int(r["week"]))
            tier_of[r["customer_id"]] = (r["channel"], r["tier"])
    assert weeks
    for c, ws in weeks.items():
        std = tiers[tier_of[c]]["visits"]
        per_year = std["count"] * PERIODS[std["per"]]
        need = 52 / per_year / 2
        ws.sort()
        gaps = [b - a for a, b in itertools.pairwise(ws)]
        assert all(g >= need for g in gaps), (c, ws)


def _capacity(role: dict, week: int) -> float:
    """One manager's hours in ``week``: yearly customer hours spread over the year's working days."""
    total = sum(_working_days(w) for w in range(1, 53))
    hours = role["hours_per_year"] * role["customer_time_share"] * role.get("productivity", 1.0)
    return hours * _working_days(week) / total


def _check_no_overbooking(folder: Path) -> None:
    roles = yaml.safe_load(SMALL.read_text(encoding="utf-8"))["roles"]
    minutes: Counter = Counter()
    role_of = {}
    for r in _read_csv(folder / "schedule.csv"):
        minutes[(r["manager_id"], int(r["week"]))] += float(r["minutes"])
        role_of[r["manager_id"]] = r["role"]
    assert minutes
    caps = {(role, w): _capacity(spec, w) for role, spec in roles.items() for w in range(1, 53)}
    for (manager, week), m in minutes.items():
        assert m / 60 <= caps[(role_of[manager], week)] + 1e-6, (manager, week, m / 60)


def test_no_manager_over_capacity_under_required_headcount(required_files: Path):
    _check_no_overbooking(required_files)


def test_no_manager_over_capacity_under_current_headcount(current_run):
    _check_no_overbooking(current_run[0])


def test_holiday_weeks_get_less_work(required_files: Path):
    hours: Counter = Counter()
    for r in _read_csv(required_files / "schedule.csv"):
        hours[int(r["week"])] += float(r["minutes"]) / 60
    ordinary = sorted(hours[w] for w in range(1, 53) if _working_days(w) == 5)
    median = ordinary[len(ordinary) // 2]
    assert hours[6] < median / 2  # Spring Festival week: 2 working days of 5


def test_one_manager_per_customer_of_a_role_serving_the_tier(required_files: Path):
    scenario = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    owners: dict[str, set[str]] = defaultdict(set)
    for r in _read_csv(required_files / "schedule.csv"):
        owners[r["customer_id"]].add(r["manager_id"])
        assert r["channel"] in scenario["roles"][r["role"]]["serves"]
        assert r["manager_id"].startswith(r["role"] + "-")
    assert all(len(m) == 1 for m in owners.values())


def test_books_balanced_within_five_percent(required_files: Path):
    managers = _read_csv(required_files / "managers.csv")
    by_role: dict[str, list[float]] = defaultdict(list)
    for m in managers:
        by_role[m["role"]].append(float(m["yearly_hours"]))
        weekly = sum(float(m[f"w{w:02d}"]) for w in range(1, 53))
        assert math.isclose(weekly, float(m["yearly_hours"]), abs_tol=0.01 * 53)
    for role, hours in by_role.items():
        mean = sum(hours) / len(hours)
        assert all(abs(h - mean) <= 0.05 * mean for h in hours), (role, hours)


def test_required_headcount_meets_every_standard_without_shortfall():
    sc = load_scenario(SMALL)
    result = build_schedule(sc, year=YEAR, headcount="required")
    assert result.ok
    for t in result.tiers:
        assert t.scheduled_visits == t.required_visits and t.scheduled_calls == t.required_calls
        assert t.missed == ()
    for r in result.roles:
        assert r.managers >= r.plan_headcount
        assert r.weeks_over_capacity == 0 and r.max_manager_utilization <= 1 + 1e-9


def test_current_headcount_shortfall_is_required_minus_scheduled(current_run):
    folder, data = current_run
    tiers = _policy_tiers()
    counted: Counter = Counter()
    for r in _read_csv(folder / "schedule.csv"):
        counted[(r["channel"], r["tier"], r["kind"])] += 1
    scenario = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    short_total = 0
    for t in data["tiers"]:
        std = tiers[(t["channel"], t["tier"])]
        n = scenario["customers"][t["channel"]][t["tier"]]
        req_v = n * std["visits"]["count"] * PERIODS[std["visits"]["per"]]
        req_c = n * std["calls"]["count"] * PERIODS[std["calls"]["per"]]
        assert t["required_visits"] == req_v and t["required_calls"] == req_c
        assert t["scheduled_visits"] == counted[(t["channel"], t["tier"], "visit")]
        assert t["scheduled_calls"] == counted[(t["channel"], t["tier"], "call")]
        assert t["shortfall_visits"] == req_v - t["scheduled_visits"]
        assert t["shortfall_calls"] == req_c - t["scheduled_calls"]
        # The week-by-week gap adds up to the same shortfall.
        assert sum(m["visits"] for m in t["missed"]) == t["shortfall_visits"]
        assert sum(m["calls"] for m in t["missed"]) == t["shortfall_calls"]
        short_total += t["shortfall_visits"] + t["shortfall_calls"]
    assert short_total > 0  # four key managers cannot carry 228 key accounts
    assert {r["role"]: r["managers"] for r in data["roles"]}["key_manager"] == 4


def test_limits_keep_the_plans_headcount_and_show_the_gap():
    # 6 managers in all cannot meet every standard (the yearly plan needs 5 key + 1 + 1), so the
    # plan maximises coverage; the calendar must not add heads past the limit, and shows the gap.
    sc = load_scenario(SMALL, ["max_total_headcount=6"])
    result = build_schedule(sc, year=YEAR, headcount="required")
    assert result.ok
    assert sum(r.managers for r in result.roles) <= 6
    assert any("within the scenario's limits" in w for w in result.warnings)
    assert sum(t.shortfall_visits + t.shortfall_calls for t in result.tiers) > 0
    for r in result.roles:
        assert r.max_manager_utilization <= 1 + 1e-9


def test_same_input_same_files(cli, tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    _run(cli, a, "--excel")
    _run(cli, b, "--excel")
    for name in ("schedule.csv", "managers.csv", "schedule.xlsx"):
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_excel_has_summary_and_one_sheet_per_manager(required_files: Path):
    from openpyxl import load_workbook

    wb = load_workbook(required_files / "schedule.xlsx", read_only=True)
    managers = {m["manager_id"] for m in _read_csv(required_files / "schedule.csv")}
    assert wb.sheetnames[0] == "summary"
    assert set(wb.sheetnames[1:]) == managers
    ws = wb[sorted(managers)[0]]
    header = next(ws.iter_rows(values_only=True))
    assert header[:3] == ("customer", "tier", "W01") and len(header) == 54


# --- command line ---------------------------------------------------------------------------------


def test_json_on_stdout_is_clean():
    proc = subprocess.run(
        [sys.executable, "cli.py", "schedule", str(SMALL), "--year", str(YEAR), "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(proc.stdout)
    assert {"year", "weeks", "roles", "tiers", "customers_scheduled"} <= set(data)
    assert data["year"] == YEAR and data["weeks"] == 52 and data["customers_scheduled"] == 608
    assert {"role", "managers", "peak_utilization", "weeks_over_capacity"} <= set(data["roles"][0])
    assert {
        "channel",
        "tier",
        "required_visits",
        "scheduled_visits",
        "required_calls",
        "scheduled_calls",
    } <= set(data["tiers"][0])
    assert "calendar needs" in proc.stderr  # the extra key manager is said, on stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "1990"], "--year: year must be between 2001 and 2099, got 1990"),
        (["--excel"], "--excel: --excel writes schedule.xlsx into the --out directory; add --out DIR"),
        (["--set", "roles.key_manager.headcount=-1"], "roles.key_manager.headcount"),
    ],
)
def test_bad_input_exits_2(cli, args, message):
    result = cli("schedule", str(SMALL), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_summary_names_roles_tiers_and_gap():
    from rich.console import Console

    from planner.report.schedule import render_schedule

    result = build_schedule(load_scenario(SMALL), year=YEAR, headcount="current")
    console = Console(width=100, record=True)
    render_schedule(result, console)
    text = console.export_text()
    assert "key_manager" in text and "key.crystal" in text
    assert "Coverage gap" in text
    crystal = next(t for t in result.tiers if t.key == "key.crystal")
    assert f"{crystal.shortfall_visits:,}" in text.split("Coverage gap")[1]


@settings(max_examples=6, deadline=None)
@given(
    crystal=st.integers(0, 60),
    gold=st.integers(0, 8),
    diamond=st.integers(0, 3),
    commercial_a=st.integers(0, 40),
    key_heads=st.integers(1, 3),
    year=st.sampled_from([2026, 2027, 2028]),
    basis=st.sampled_from(["required", "current"]),
)
def test_random_branches_keep_every_rule(crystal, gold, diamond, commercial_a, key_heads, year, basis):
    sets = [
        f"customers.key.crystal={crystal}",
        f"customers.key.gold={gold}",
        f"customers.key.diamond={diamond}",
        "customers.key.bronze=0",
        "customers.key.silver=0",
        "customers.key.platinum=0",
        f"customers.commercial.A={commercial_a}",
        f"roles.key_manager.headcount={key_heads}",
    ]
    sc = load_scenario(SMALL, sets)
    result = build_schedule(sc, year=year, headcount=basis)
    assert result.ok
    frame = result.schedule
    n_w = iso_weeks_in_year(year)
    cn = holidays.China(years=[year - 1, year, year + 1])
    wd = [
        sum(1 for d in range(1, 8) if cn.is_working_day(dt.date.fromisocalendar(year, w, d)))
        for w in range(1, n_w + 1)
    ]
    # Nobody over capacity, in any week.
    spec = yaml.safe_load(SMALL.read_text(encoding="utf-8"))["roles"]
    load = frame.groupby(["manager_id", "role", "week"])["minutes"].sum()
    for (_m, role, week), minutes in load.items():
        r = spec[role]
        cap = r["hours_per_year"] * r["customer_time_share"] * wd[week - 1] / sum(wd)
        assert minutes / 60 <= cap + 1e-6
    tiers = _policy_tiers()
    for t in result.tiers:
        rows = frame[(frame["channel"] == t.channel) & (frame["tier"] == t.tier)]
        assert t.scheduled_visits == int((rows["kind"] == "visit").sum())
        assert t.shortfall_visits == t.required_visits - t.scheduled_visits
        assert t.shortfall_calls == t.required_calls - t.scheduled_calls
        std = tiers[(t.channel, t.tier)]["visits"]
        per_year = std["count"] * PERIODS[std["per"]]
        for _c, weeks in rows[rows["kind"] == "visit"].groupby("customer_id")["week"]:
            ws = sorted(weeks)
            assert all(b - a >= n_w / per_year / 2 for a, b in itertools.pairwise(ws))
        if basis == "required":
            assert t.shortfall_visits == 0 and t.shortfall_calls == 0


def test_a_tier_nobody_serves_is_all_shortfall_and_said():
    sc = load_scenario(SMALL, ["roles.key_manager.headcount=0"])
    result = build_schedule(sc, year=YEAR, headcount="current")
    crystal = next(t for t in result.tiers if t.key == "key.crystal")
    assert crystal.scheduled_visits == 0 and crystal.shortfall_visits == 120 * 8
    assert sum(m.visits for m in crystal.missed) == crystal.shortfall_visits
    assert crystal.quarter_met == (0.0, 0.0, 0.0, 0.0)
    assert any("key.crystal: 120 customers but no manager serves the tier" in w for w in result.warnings)
    assert result.customers_scheduled == 608 - 228
