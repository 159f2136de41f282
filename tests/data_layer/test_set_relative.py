"""Relative ``--set`` values (``+200``, ``-5%``): the parser, a property, and the CLI.

Expected figures are worked by hand from scenarios/baseline.yaml: today's payroll is
110 x 120,000 + 48 x 90,000 + 15 x 60,000 + 3 x 50,000 = 18,570,000 CNY; 5 % below is
18,570,000 x 0.95 = 17,641,500. key.crystal has 3,200 customers: +200 -> 3,400,
-10 % -> 2,880, +3.5 % -> 3,312.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.data.scenario import load_scenario
from planner.data.yaml_io import Document, apply_assignments
from planner.errors import InputError

REPO = Path(__file__).resolve().parents[2]
TODAY_COST = 110 * 120_000 + 48 * 90_000 + 15 * 60_000 + 3 * 50_000


def _doc(**data: Any) -> Document:
    return Document(data=data, source="test.yaml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("+200", 3400), ("-200", 3000), ("-10%", 2880), ("+3.5%", 3312), ("+0%", 3200), ("+1e2", 3300)],
)
def test_relative_counts(text: str, expected: int) -> None:
    out = apply_assignments(_doc(customers={"key": {"crystal": 3200}}), [f"customers.key.crystal={text}"])
    value = out.data["customers"]["key"]["crystal"]
    assert value == expected and isinstance(value, int)


def test_integer_rounds_to_nearest() -> None:
    # 1,601 x 1.1 = 1,761.1 -> 1,761; 5 x 1.1 = 5.5 -> 6 (half to even), 15 x 1.1 = 16.5 -> 16
    out = apply_assignments(_doc(a=1601, b=5, c=15), ["a=+10%", "b=+10%", "c=+10%"])
    assert (out.data["a"], out.data["b"], out.data["c"]) == (1761, 6, 16)


def test_float_stays_exact() -> None:
    out = apply_assignments(_doc(budget=18570000.0), ["budget=-5%"])
    assert out.data["budget"] == 17641500.0


def test_relative_in_a_list() -> None:
    out = apply_assignments(_doc(xs=[10, 20.5]), ["xs.1=+0.5"])
    assert out.data["xs"] == [10, 21.0]


def test_fallback_for_an_unset_key_is_noted() -> None:
    doc = _doc(roles={})
    out = apply_assignments(doc, ["budget=-5%"], fallbacks={"budget": lambda _data: (1000, "today's cost")})
    assert out.data["budget"] == 950
    assert len(out.notes) == 1 and "today's cost" in out.notes[0] and "950" in out.notes[0]


def test_sweep_style_assignment_reads_signed_values_outright() -> None:
    out = apply_assignments(_doc(delta=5), ["delta=-4000"], relative=False)
    assert out.data["delta"] == -4000


@pytest.mark.parametrize(
    ("assignment", "fragment"),
    [
        ("budget=+abc", "budget: relative value '+abc' is not a number: expected +N, -N, +N% or -N%"),
        ("budget=-5%%", "budget: relative value '-5%%' is not a number"),
        ("budget=+", "budget: relative value '+' is not a number"),
        ("budget=+inf", "budget: relative value '+inf' is not a number"),
        ("name=+5", "name: relative value +5 needs a number, but name holds text 'x'"),
        ("flag=+5", "flag: relative value +5 needs a number, but flag holds true/false"),
        ("roles=-5%", "roles: relative value -5% needs a number, but roles holds a mapping"),
        ("missing=+5", "missing: relative value +5 needs a current number, but missing is not set"),
    ],
)
def test_bad_relative_values(assignment: str, fragment: str) -> None:
    doc = _doc(budget=100, name="x", flag=True, roles={"a": 1})
    with pytest.raises(InputError) as err:
        apply_assignments(doc, [assignment])
    assert fragment in str(err.value)


@settings(derandomize=True, max_examples=40, deadline=None)
@given(
    base=st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False),
    pct=st.decimals(min_value=-100, max_value=500, places=2, allow_nan=False, allow_infinity=False),
)
def test_percent_property(base: float, pct: Decimal) -> None:
    """Applying +x% gives value x (1 + x/100) (a float key; to the float's precision)."""
    text = f"{pct:+f}%"
    out = apply_assignments(_doc(budget=base), [f"budget={text}"])
    assert out.data["budget"] == pytest.approx(base * (1 + float(pct) / 100), rel=1e-12, abs=1e-9)


@settings(derandomize=True, max_examples=8, deadline=None)
@given(pct=st.decimals(min_value=-50, max_value=50, places=1, allow_nan=False, allow_infinity=False))
def test_percent_property_through_the_scenario(pct: Decimal) -> None:
    """The validated scenario's budget equals today's cost x (1 + x/100) when none is set."""
    sc = load_scenario(REPO / "scenarios" / "baseline.yaml", [f"budget={pct:+f}%"])
    assert sc.spec.budget == pytest.approx(TODAY_COST * (1 + float(pct) / 100), rel=1e-12)
    assert any("today's cost 18,570,000 CNY" in w for w in sc.warnings)


def test_plan_cli_budget_cut(cli: Callable[..., Any]) -> None:
    result = cli("plan", "--set", "budget=-5%", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["budget"] == 17_641_500 == TODAY_COST * 95 / 100
    assert data["total_cost"] <= 17_641_500
    assert "the scenario sets no budget; applied to today's cost 18,570,000 CNY" in result.stderr
    assert "17,641,500" in result.stderr


def test_plan_cli_relative_budget_of_a_scenario_with_one(cli: Callable[..., Any]) -> None:
    # budget-freeze.yaml sets budget 18,570,000: -10 % -> 16,713,000, with no fallback note.
    result = cli("plan", "scenarios/budget-freeze.yaml", "--set", "budget=-10%", "--format", "json")
    assert json.loads(result.stdout)["budget"] == 16_713_000
    assert "sets no budget" not in result.stderr


@pytest.mark.parametrize(("text", "expected"), [("+200", 3400), ("-10%", 2880), ("+3.5%", 3312)])
def test_plan_cli_relative_customers(cli: Callable[..., Any], text: str, expected: int) -> None:
    result = cli("plan", "--set", f"customers.key.crystal={text}", "--format", "json")
    tiers = {f"{t['channel']}.{t['tier']}": t for t in json.loads(result.stdout)["tiers"]}
    assert tiers["key.crystal"]["customers"] == expected


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        (
            "budget=+abc",
            "Error: --set: budget: relative value '+abc' is not a number: expected +N, -N, +N% or -N%",
        ),
        ("name=+5", "Error: --set: name: relative value +5 needs a number, but name holds text 'baseline'"),
        (
            "max_total_headcount=-5%",
            "Error: --set: max_total_headcount: relative value -5% needs a current number, "
            "but max_total_headcount is not set",
        ),
        (
            "customers.key=+5%",
            "customers.key: relative value +5% needs a number, but customers.key holds a mapping",
        ),
    ],
)
def test_plan_cli_bad_relative(cli: Callable[..., Any], assignment: str, message: str) -> None:
    result = cli("plan", "--set", assignment)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
