"""``--objective`` and the revenue figures through the CLI: plan, compare and a budget sweep."""

from __future__ import annotations

import json

import pytest


def test_plan_json_values_both_objectives_on_the_same_curves(cli):
    data = json.loads(cli("plan", "scenarios/budget-freeze.yaml", "--format", "json").stdout)
    assert data["mode"] == "max_coverage" and data["objective"] == "response"
    both = data["objectives_compared"]
    assert both["chosen"] == "response"
    assert both["revenue_kept"]["response"] == pytest.approx(data["revenue_kept"])
    assert both["revenue_kept"]["response"] >= both["revenue_kept"]["linear"]
    tiers = {f"{t['channel']}.{t['tier']}": t for t in data["tiers"]}
    # A tier with no standard (public.basic: no visits, no calls) is neither kept nor lost.
    assert tiers["public.basic"]["required_hours"] == 0
    assert tiers["public.basic"]["revenue_kept"] is None and tiers["public.basic"]["revenue_lost"] is None
    # The totals, a second way: sums over the tiers with hours to give.
    served = [t for t in data["tiers"] if t["required_hours"] > 0]
    assert data["revenue_kept"] == pytest.approx(sum(t["revenue_kept"] for t in served))
    assert data["revenue_lost"] == pytest.approx(sum(t["revenue_lost"] for t in served))
    covered = sum(t["revenue_at_risk"] * t["coverage"] for t in served)
    assert data["revenue_at_risk_covered"] == pytest.approx(covered)
    # A tier met in full loses nothing and its next hour keeps nothing more.
    silver = tiers["key.silver"]
    assert silver["coverage"] == 1.0 and silver["revenue_lost"] == 0 and silver["value_of_next_hour"] == 0
    # crystal's revenue: 3,200 x 6,500 x 12 = 249,600,000 CNY a year.
    assert tiers["key.crystal"]["revenue"] == pytest.approx(249_600_000)


def test_plan_meeting_every_standard_has_no_objective_table(cli):
    data = json.loads(cli("plan", "--format", "json").stdout)
    assert data["mode"] == "meet_standards"
    assert "objectives_compared" not in data
    assert data["revenue_lost"] == 0


def test_compare_takes_the_objective(cli):
    args = ("compare", "scenarios/budget-freeze.yaml", "scenarios/baseline.yaml", "--format", "json")
    linear = json.loads(cli(*args, "--objective", "linear").stdout)
    response = json.loads(cli(*args).stdout)
    assert [s["objective"] for s in linear["scenarios"]] == ["linear", "linear"]
    assert [s["objective"] for s in response["scenarios"]] == ["response", "response"]
    # Crystal under the budget freeze: the linear corner (46.8 %) against the response spread.
    assert round(linear["scenarios"][0]["tiers"]["key.crystal"]["coverage"], 3) == 0.468
    assert response["scenarios"][0]["tiers"]["key.crystal"]["coverage"] > 0.468
    assert response["scenarios"][0]["revenue_kept"] >= linear["scenarios"][0]["revenue_kept"]
    table = cli("compare", "scenarios/budget-freeze.yaml", "scenarios/baseline.yaml").stdout
    assert "revenue kept (CNY)" in table and "revenue lost vs full service" in table


def test_budget_sweep_table_shows_the_next_million(cli):
    args = ("sweep", "scenarios/budget-freeze.yaml", "--vary", "budget=16000000,17000000")
    data = json.loads(cli(*args, "--format", "json").stdout)
    low, high = data["points"]
    assert low["marginal_per_million"] is None
    # By definition: (kept at 17 M - kept at 16 M) / 1,000,000 CNY x 1,000,000.
    expected = high["revenue_kept"] - low["revenue_kept"]
    assert high["marginal_per_million"] == pytest.approx(expected, abs=1e-3)
    assert expected > 0
    out = " ".join(cli(*args).stdout.split())
    assert "per +1M" in out and "kept (M CNY)" in out
    assert f"{expected:,.0f}" in out
    assert "Revenue lost against full service" in out


def test_sweep_without_budget_has_no_marginal_column(cli):
    out = cli("sweep", "scenarios/baseline.yaml", "--vary", "customers.key.crystal=1000,2000").stdout
    assert "per +1M" not in out
