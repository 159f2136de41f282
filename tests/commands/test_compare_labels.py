"""`compare` says what its brackets are against, and does not let a capped plan read as a saving."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def test_budget_freeze_against_baseline(cli: Callable[..., Any]) -> None:
    result = cli("compare", "scenarios/baseline.yaml", "scenarios/budget-freeze.yaml")
    assert result.exit_code == 0
    out = " ".join(result.stdout.split())  # the sentence may wrap
    # The second method: each scenario planned on its own.
    base = json.loads(cli("plan", "scenarios/baseline.yaml", "--format", "json").stdout)
    frozen = json.loads(cli("plan", "scenarios/budget-freeze.yaml", "--format", "json").stdout)
    fewer = base["total_headcount"] - frozen["total_headcount"]
    assert fewer > 0 and frozen["mode"] == "max_coverage"
    assert "difference from baseline" in out and "(vs baseline)" in out and "(base)" in out
    assert "managers required (plan)" not in out and "managers planned" in out
    assert (
        f"budget-freeze: {frozen['total_headcount']} managers planned, {fewer} fewer than baseline's "
        f"{base['total_headcount']}; its limits ({', '.join(frozen['binding'])}) leave standards unmet, "
        "so fewer heads here are a shortfall, not a saving." in out
    )


def test_compare_json_names_binding_limits(cli: Callable[..., Any]) -> None:
    data = json.loads(
        cli("compare", "scenarios/baseline.yaml", "scenarios/budget-freeze.yaml", "--format", "json").stdout
    )
    assert data["scenarios"][0]["binding"] == []
    assert "budget" in data["scenarios"][1]["binding"]
