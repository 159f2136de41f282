"""The public benchmark: H. P. Williams' "Manpower planning", shipped as scenarios/williams-manpower.yaml.

Published continuous optima (Model Building in Mathematical Programming): minimum redundancy
841.8 people, minimum cost 498,677. They were also re-derived for this test with a separate pulp
model written straight from the book's equations (T = 0.95 T' + 0.90 U + 0.95 V - ... ): 841.797
and 498,677.29.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from planner.analyses.hiring import HiringResult, hiring_plan
from planner.data.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
WILLIAMS = REPO / "scenarios" / "williams-manpower.yaml"


def _plan(**kwargs: str) -> HiringResult:
    result = hiring_plan(load_scenario(WILLIAMS), **kwargs)  # type: ignore[arg-type]
    assert result.ok, result.status
    return result


def test_min_redundancy_lp() -> None:
    result = _plan(mode="lp", objective="min_redundancy")
    assert result.mode == "lp"
    assert result.period_unit == "year" and result.horizon == 3  # the scenario's defaults
    assert result.redundancies == pytest.approx(841.8, abs=0.1)


def test_min_cost_lp() -> None:
    result = _plan(mode="lp", objective="min_cost")
    assert result.total_cost == pytest.approx(498_677, abs=0.1 + 0.3)  # published rounded to the unit
    assert result.total_cost == pytest.approx(498_677.29, abs=0.1)
    # The book's cost has no wages and no recruiting cost: retraining + redundancy + short time + overmanning.
    parts = result.transfer_cost + result.layoff_cost + result.short_time_cost + result.overmanning_cost
    assert parts == pytest.approx(result.total_cost)
    assert result.salary_cost == 0 and result.hiring_cost == 0


def test_plan_meets_the_requirements_exactly() -> None:
    """Strength - overmanned - half the short-timers = the requirement, every level and year."""
    result = _plan(mode="lp")
    over = 0.0
    for p in result.periods:
        assert p.required_heads is not None
        assert p.headcount - p.overmanned - 0.5 * p.short_time == pytest.approx(p.required_heads, abs=1e-6)
        assert p.short_time <= 50 + 1e-9
    for label in result.labels:
        over = sum(p.overmanned for p in result.periods if p.period == label)
        assert over <= 150 + 1e-9
    # Semi-skilled -> skilled retraining is at most a quarter of the skilled workforce.
    skilled = {p.period: p.headcount for p in result.rows("skilled")}
    for t in result.transfers:
        if (t.from_role, t.to_role) == ("semi_skilled", "skilled"):
            assert t.count <= 0.25 * skilled[t.effective] + 1e-6


def test_integer_mode_is_close_to_the_lp_optimum() -> None:
    """Whole people, leavers rounded: within 1 % of the continuous optimum (either side, since the
    rounded leavers can fall either way), every count whole, the mode stated."""
    result = _plan(mode="integer")
    assert result.mode == "integer"
    assert result.total_cost == pytest.approx(498_677.29, rel=0.01)
    for p in result.periods:
        assert all(float(x).is_integer() for x in (p.headcount, p.hires, p.leavers, p.layoffs))


def test_cli_states_the_mode(cli: Callable[..., object]) -> None:
    result = cli("hire", WILLIAMS, "--objective", "min_redundancy", "--format", "json")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    data = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert data["mode"] == "lp" and data["objective"] == "min_redundancy"
    assert data["redundancies"] == pytest.approx(841.8, abs=0.1)
    table = cli("hire", WILLIAMS)
    assert "LP mode (continuous" in table.output  # type: ignore[attr-defined]
    assert "Warning" not in table.stderr  # type: ignore[attr-defined]
