"""compare: what tests/analyses/test_what_if.py leaves out (one-sided roles in the table, --set, bad
input)."""

from __future__ import annotations

import json

from planner.data.scenario import load_scenario
from planner.model.headcount import plan


def test_a_role_only_one_side_has_is_highlighted(cli):
    out = " ".join(cli("compare", "scenarios/baseline.yaml", "scenarios/unified-centre.yaml").stdout.split())
    # The remedy has 43 unified managers today (scenarios/unified-centre.yaml); the baseline has none.
    required = plan(load_scenario("scenarios/unified-centre.yaml"), with_current=False)
    heads = required.role("unified_manager").required_headcount
    assert f"unified_manager: planned │ - │ {heads} (new)" in out
    assert "unified_manager: today │ - │ 43 (new)" in out
    out = " ".join(cli("compare", "scenarios/unified-centre.yaml", "scenarios/baseline.yaml").stdout.split())
    assert f"unified_manager: planned │ {heads} │ - (absent)" in out


def test_set_applies_to_every_scenario_and_matches_plan(cli):
    result = cli(
        "compare",
        "scenarios/baseline.yaml",
        "scenarios/baseline.yaml",
        "--set",
        "customers.key.crystal=2000",
        "--format",
        "json",
    )
    data = json.loads(result.stdout)
    assert data["differences"] == []
    single = plan(load_scenario("scenarios/baseline.yaml", ["customers.key.crystal=2000"]))
    assert [s["total_headcount"] for s in data["scenarios"]] == [single.total_headcount] * 2
    # By hand, on the annual average: key managers = ceil((2,000 x 18 h + 107,440 h) / 1,200 h) = 120;
    # the calendar's (plan's) figure is what compare shows.
    assert data["scenarios"][0]["roles"]["key_manager"]["annual_bound"] == 120
    key = single.role("key_manager")
    assert data["scenarios"][0]["roles"]["key_manager"]["required_headcount"] == key.required_headcount >= 120


def test_bad_input_exits_2(cli):
    result = cli("compare", "scenarios/nope.yaml", "scenarios/baseline.yaml")
    assert result.exit_code == 2 and "scenarios/nope.yaml: file not found" in result.stderr
    result = cli("compare", "tests/data/bad/wrong-type.yaml")
    assert result.exit_code == 2
    assert "roles.rep.headcount: expected an integer, got 'ten'" in result.stderr
    result = cli("compare", "scenarios/baseline.yaml", "--set", "customers.key.crystl=5")
    assert result.exit_code == 2 and "crystl" in result.stderr
    result = cli("compare")
    assert result.exit_code == 2 and "SCENARIOS" in result.stderr
