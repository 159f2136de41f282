"""planner callcentre with profiles through the CLI: tables, JSON, --year, bad profiles (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "callcentre"
PROFILES = DATA / "profiles.yaml"


def test_json_reports_day_types_and_the_peak_day(cli):
    res = cli("callcentre", PROFILES, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    prof = data["profiles"]
    assert prof["year"] == 2027 and prof["peak_day"] == "monday"
    assert [d["day_type"] for d in prof["day_types"]] == ["monday", "friday", "holiday", "weekday", "weekend"]
    assert {d["day_type"] for d in data["shifts"]} == {"monday", "friday", "holiday", "weekday", "weekend"}
    assert len(data["intervals"]) == 5 * 24
    assert sum(d["days_per_year"] for d in data["days"]) == 365


def test_without_profiles_the_json_has_no_profiles_key(cli):
    data = json.loads(cli("callcentre", DATA / "scenario.yaml", "--format", "json").output)
    assert "profiles" not in data
    assert [d["day_type"] for d in data["days"]] == ["weekday", "weekend"]


def test_year_option(cli):
    data = json.loads(cli("callcentre", PROFILES, "--year", "2028", "--format", "json").output)
    assert data["profiles"]["year"] == 2028
    assert sum(d["days_per_year"] for d in data["days"]) == 366
    res = cli("callcentre", PROFILES, "--year", "1999")
    assert res.exit_code == 2 and "--year" in res.output


@pytest.mark.parametrize("width", [100, 80])
def test_table_names_the_peak_day_and_fits(cli, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    res = cli("callcentre", PROFILES)
    assert res.exit_code == 0, res.output
    for text in ("Day types of 2027", "peak day: monday", "Monday: agents on shift", "weekday x 1.2"):
        assert text in res.output
    assert "own curve" in res.output and "mon = monday" in res.output
    assert "…" not in res.output  # nothing cut


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad-profile-day", "bad-profile-day.yaml:6: callcentre.profiles.mondy"),
        (
            "bad-profile-day",
            "unknown day type 'mondy' (did you mean 'monday'?); expected one of monday, tuesday",
        ),
        (
            "bad-profile-negative",
            "bad-profile-negative.yaml:6: callcentre.profiles.monday.scale: expected a value greater than "
            "or equal to 0.0, got -0.5",
        ),
        (
            "bad-profile-both",
            "bad-profile-both.yaml:6: callcentre.profiles.monday: give a profile either its own `calls:`",
        ),
        (
            "bad-profile-short",
            "bad-profile-short.yaml:7: callcentre.profiles.holiday.calls: expected 24 intervals of 60 "
            "minutes, got 23",
        ),
        (
            "bad-profile-grid",
            "callcentre.profiles.friday.windows[0].start: start 17:30 is not on the 60-minute interval grid",
        ),
        ("bad-profile-overlap", "windows 17:00-19:00 and 18:00-20:00 overlap"),
        ("bad-profile-key", "bad-profile-key.yaml:6: callcentre.profiles.monday.scael: unknown key 'scael'"),
        ("bad-profile-empty", "callcentre.profiles: give at least one profile (monday"),
        (
            "bad-profile-uncovered",
            "callcentre.profiles.holiday: no shift covers the open holiday interval(s) 03:00-04:00",
        ),
        (
            "bad-profile-window-empty",
            "callcentre.profiles.friday.windows[0]: the window 19:00-17:00 is empty",
        ),
    ],
)
def test_bad_profiles_exit_2(cli, name, message):
    res = cli("callcentre", DATA / f"{name}.yaml", "--format", "json")
    assert res.exit_code == 2
    assert res.output.startswith("Error: ") and res.output.count("\n") == 1
    assert message in res.output
    assert "Traceback" not in res.output


def test_bad_profile_through_set(cli):
    res = cli("callcentre", DATA / "scenario.yaml", "--set", "callcentre.profiles.sunday.scale=.nan")
    assert res.exit_code == 2
    assert "--set: callcentre.profiles.sunday.scale" in res.output


GOLDEN = DATA / "golden"


@pytest.mark.parametrize(
    ("args", "golden"),
    [
        (("scenarios/baseline.yaml", "--format", "json"), "baseline.json"),
        (("scenarios/baseline.yaml",), "baseline.txt"),
        ((str(DATA / "scenario.yaml"), "--format", "json"), "cc-small.json"),
    ],
)
def test_output_unchanged_without_profiles(cli, monkeypatch, args, golden):
    """Byte for byte what `planner callcentre` printed before the shift programme moved to
    model/shifts.py and profiles existed (captured from the command, 120 columns as when piped)."""
    monkeypatch.setenv("COLUMNS", "120")
    res = cli("callcentre", *args)
    assert res.exit_code == 0
    assert res.output == (GOLDEN / golden).read_text(encoding="utf-8")
