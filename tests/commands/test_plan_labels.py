"""`plan`'s role table says what its heads are, and shows today's cost beside the plan's.

Today's cost by hand from scenarios/baseline.yaml: key 110 x 120,000 = 13,200,000; commercial
48 x 90,000 = 4,320,000; community 15 x 60,000 = 900,000; district 3 x 50,000 = 150,000; total
18,570,000.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

COSTS = {
    "key_manager": 120_000,
    "commercial_manager": 90_000,
    "community_manager": 60_000,
    "district_manager": 50_000,
}
TODAY = {"key_manager": 110, "commercial_manager": 48, "community_manager": 15, "district_manager": 3}


def _header(output: str) -> str:
    """The role table's header line (the first line holding the 'role' column)."""
    return next(line for line in output.splitlines() if "role" in line and "today" in line)


def test_current_headcount_is_labelled_as_today(cli: Callable[..., Any]) -> None:
    result = cli("plan", "--headcount", "current")
    assert result.exit_code == 0
    out = result.stdout
    assert "Headcount plan: baseline: today's heads, not sized (--headcount current)" in out
    header = _header(out)
    assert "heads used" in header and "required" not in header and " gap " not in header
    today_cost = sum(TODAY[r] * COSTS[r] for r in TODAY)
    assert today_cost == 18_570_000
    assert "Cost a year: today 18,570,000 CNY (176 heads), the cost column's total." in out
    assert "13,200,000" in out  # key: 110 x 120,000


def test_required_plan_shows_both_costs(cli: Callable[..., Any]) -> None:
    table = cli("plan").stdout
    data = json.loads(cli("plan", "--format", "json").stdout)
    header = _header(table)
    assert "required" in header and "gap" in header
    assert "heads required to meet every standard" in table
    required_cost = sum(r["required_headcount"] * COSTS[r["role"]] for r in data["roles"])
    today_cost = sum(TODAY[r] * COSTS[r] for r in TODAY)
    assert today_cost == 18_570_000 == data["current_total_cost"]
    heads = data["total_headcount"]
    delta = required_cost - today_cost
    line = (
        f"Cost a year: today 18,570,000 CNY (176 heads); required {required_cost:,} ({heads} heads): "
        f"+{delta:,} CNY ({delta / today_cost:+.1%}) against today."
    )
    assert line in " ".join(table.split())


def test_capped_plan_says_planned(cli: Callable[..., Any]) -> None:
    # budget=-5%: 18,570,000 x 0.95 = 17,641,500 at most; the plan spends what it can under it.
    out = cli("plan", "--set", "budget=-5%").stdout
    data = json.loads(cli("plan", "--set", "budget=-5%", "--format", "json").stdout)
    assert "heads the limits allow, short of the standards" in out
    header = _header(out)
    assert "planned" in header and "required" not in header
    cost = data["total_cost"]
    assert cost <= 17_641_500
    words = " ".join(out.split())
    assert f"planned {cost:,.0f} ({data['total_headcount']} heads): -{18_570_000 - cost:,.0f} CNY" in words
