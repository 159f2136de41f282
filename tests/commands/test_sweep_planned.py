"""`sweep --vary budget=...` shows the coverage each budget's plan gives, not today's heads' figure.

The second method: `plan --set budget=B` on the same scenario; the sweep row at B must show the
same coverage (today's heads cover key.crystal 61.4 % whatever the budget, so a table repeating
61.4 % on every row, as before, would fail the 15,000,000 row).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def _row(table: str, first: str) -> str:
    """The row starting with ``first``; a table stacked to fit the terminal repeats it in each part."""
    return " ".join(line for line in table.splitlines() if line.strip("│ ").startswith(first))


def test_budget_rows_show_planned_coverage(cli: Callable[..., Any]) -> None:
    budgets = (15_000_000, 17_500_000)
    table = cli("sweep", "scenarios/baseline.yaml", "--vary", f"budget={budgets[0]},{budgets[1]}").stdout
    assert "cov. = coverage with the heads planned at that point" in table
    today = json.loads(cli("plan", "--headcount", "current", "--format", "json").stdout)
    now = next(t["coverage"] for t in today["tiers"] if t["tier"] == "crystal")
    crystal = []
    for budget in budgets:
        planned = json.loads(cli("plan", "--set", f"budget={budget}", "--format", "json").stdout)
        tiers = {f"{t['channel']}.{t['tier']}": t for t in planned["tiers"]}
        crystal.append(tiers["key.crystal"]["coverage"])
        row = _row(table, str(budget))
        assert f"{tiers['key.crystal']['coverage']:.1%}" in row
        assert f"{planned['total_headcount']:,}" in row
        # today's heads (110 key managers) give crystal what plan --headcount current says at every
        # budget (about 60 %)
        assert tiers["key.crystal"]["coverage_at_current"] == now
    assert crystal[0] < crystal[1]  # more budget, more crystal coverage: the rows differ
    # Today's coverage does not move with the budget, so it gets no column.
    assert "crystal today" not in table and f"{now:.1%}" not in _row(table, str(budgets[0]))


def test_sweep_json_keeps_both_coverages(cli: Callable[..., Any]) -> None:
    data = json.loads(
        cli("sweep", "scenarios/baseline.yaml", "--vary", "budget=15000000", "--format", "json").stdout
    )
    point = data["points"][0]
    assert point["coverage"]["key.crystal"] < point["coverage_at_current"]["key.crystal"]
