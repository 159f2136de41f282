"""The annual model's programme (``planner.model.headcount._Model`` on :class:`planner.model.lp.Program`).

Checked two ways: a case small enough to write the programme and its optimum down by hand, and
random small scenarios against the pulp build it replaced (``tests/model/headcount_pulp.py``),
which must give HiGHS the same programme and so get the same answer to the last bit.

The hand case uses conftest's ``tiny`` policy: retail.small and retail.big each need 8 h per
customer a year; a head gives 2000 h x 0.4 = 800 h. 150 small customers need 1,200 h and 50 big
ones 400 h. ``small_rep`` (100,000 CNY) serves retail.small only; ``all_rep`` (90,000 CNY) serves
both tiers.
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import headcount_pulp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.data.scenario import load_scenario
from planner.errors import PlannerError
from planner.model.headcount import MIP_GAP, _fixed_hours_bonus, _Model, _prepare, annual_plan, plan
from planner.model.lp import Program

ROLES = """
  small_rep:
    serves: [retail.small]
    headcount: 0
    hours_per_year: 2000
    customer_time_share: 0.4
    annual_cost: 100000
  all_rep:
    serves: [retail]
    headcount: 0
    hours_per_year: 2000
    customer_time_share: 0.4
    annual_cost: 90000
"""


def test_meet_standards_programme_written_out_by_hand(tiny):
    scenario = load_scenario(tiny(small=150, big=50, roles=ROLES))
    model = _Model("meet", scenario, _prepare(scenario), full_coverage=True)
    model.minimise(model.cost_expr)
    # Columns h_0 (small_rep), h_1 (all_rep), x_0_0 (small_rep -> small), x_1_0, x_1_1 (all_rep ->
    # small, big). all_rep alone serves big: 400 h -> at least ceil(400 / 800) = 1 head.
    assert model.prog.names == ["h_0", "h_1", "x_0_0", "x_1_0", "x_1_1"]
    assert model.prog.col_lo == [0.0, 1.0, 0.0, 0.0, 0.0]
    assert model.prog.integer == {0, 1}
    rows = {
        name: (
            {
                model.prog.names[model.prog.index[k]]: model.prog.value[k]  # type: ignore[index]
                for k in range(model.prog.starts[i], model.prog.starts[i + 1])
            },
            model.prog.row_lo[i],
            model.prog.row_hi[i],
        )
        for name, i in model.rows.items()
    }
    inf = float("inf")
    assert rows == {
        "need_0": ({"x_0_0": 1.0, "x_1_0": 1.0}, 1200.0, inf),
        "need_1": ({"x_1_1": 1.0}, 400.0, inf),
        "cap_0": ({"x_0_0": 1.0, "h_0": -800.0}, -inf, 0.0),
        "cap_1": ({"x_1_0": 1.0, "x_1_1": 1.0, "h_1": -800.0}, -inf, 0.0),
    }
    outcome = model.solve("highs", 60.0, MIP_GAP)
    # 1,600 h need two heads of 800 h; two all_reps (180,000) beat one of each (190,000).
    assert outcome.status.is_ok
    assert outcome.objective == pytest.approx(180_000)
    assert model.heads() == {"small_rep": 0.0, "all_rep": 2.0}
    hours = model.hours()
    assert hours[("all_rep", ("retail", "big"))] == pytest.approx(400)
    assert hours[("all_rep", ("retail", "small"))] == pytest.approx(1200)


def test_budget_for_one_head_buys_the_role_that_serves_the_dearer_tier(tiny):
    # Budget 100,000 affords one head: small_rep gives small 800 h; all_rep (90,000) gives big its
    # 400 h and small the other 400. Linear value: revenue at risk small 150 x 600 = 90,000 and big
    # 50 x 3,600 = 180,000, each plus a tie-breaker of 1e-6 x 270,000 x its share of the 1,600 h
    # (0.2025 small, 0.0675 big). all_rep: (90,000.2025) / 3 + 180,000.0675 = 210,000.135; small_rep:
    # 90,000.2025 x 2 / 3 = 60,000.135.
    scenario = load_scenario(tiny(small=150, big=50, roles=ROLES, extra="budget: 100000\n"))
    data = _prepare(scenario, "linear")
    best = _Model("max_coverage", scenario, data, full_coverage=False)
    best.maximise(best.value_expr)
    outcome = best.solve("highs", 60.0, MIP_GAP)
    assert outcome.objective == pytest.approx(210_000.135, abs=1e-6)
    assert best.heads() == {"small_rep": 0.0, "all_rep": 1.0}
    result = annual_plan(scenario, objective="linear", with_current=False)
    assert result.mode == "max_coverage"
    assert result.role("all_rep").required_headcount == 1
    assert result.tier("retail", "small").coverage == pytest.approx(1 / 3)
    assert result.tier("retail", "big").coverage == 1.0
    assert result.revenue_at_risk_covered == pytest.approx(90_000 / 3 + 180_000)


def test_program_reordered_and_negated_maximisation_solve_alike():
    # max 3a + 2b, a + b <= 4, a <= 3: a = 3, b = 1, value 11; the dual of the first row is 2.
    prog = Program(names=["b", "a"])
    b, a = prog.var(), prog.var()
    prog.row([(a, 1.0), (b, 1.0)], hi=4.0)
    prog.row([(a, 1.0)], hi=3.0)
    prog.set_objective([(a, 3.0), (b, 2.0)], maximize=True)
    swapped = prog.reordered([a, b])
    assert swapped.names == ["a", "b"] and swapped.index == [0, 1, 0] and swapped.cost == {0: 3.0, 1: 2.0}
    plain = prog.solve("highs")
    assert plain.objective == pytest.approx(11.0) and prog.x == pytest.approx([1.0, 3.0])
    # One more unit of a + b's bound is worth 2 (b's price); one more of a's, 3 - 2 = 1.
    assert prog.duals == pytest.approx([2.0, 1.0])
    # Handed over as min -3a - 2b (as pulp did), the duals come back as d(objective)/d(bound).
    for p in (Program(**{**prog.__dict__, "negate_max": True}), swapped):
        p.negate_max = True
        assert p.solve("highs").objective == pytest.approx(11.0)
        assert p.duals == pytest.approx([2.0, 1.0])
    assert swapped.x == pytest.approx([3.0, 1.0])
    named = prog.reordered([a, b])
    named.negate_max = True
    assert named.solve("cbc").objective == pytest.approx(11.0)
    assert named.x == pytest.approx([3.0, 1.0]) and named.duals == pytest.approx([2.0, 1.0])


POLICY = """
channels:
  retail:
    tiers:
      - id: small
        spend: [0, 1000]
        visits: {count: 4, per: year}
        calls: {count: 1, per: month}
        visit_minutes: 120
        call_minutes: 10
        discount: 0.0
        churn_risk: 0.1
      - id: big
        spend: [1000, 5000]
        visits: {count: 2, per: quarter}
        calls: {count: 0, per: year}
        visit_minutes: 60
        call_minutes: 0
        discount: 0.1
        churn_risk: 0.2
        response: [[0, 0.5], [0.5, 0.9], [1, 1]]
  key:
    tiers:
      - id: gold
        spend: [5000, 90000]
        visits: {count: 1, per: month}
        calls: {count: 2, per: month}
        visit_minutes: 90
        call_minutes: 15
        discount: 0.0
        churn_risk: 0.05
response:
  churn_lost: [[0, 1.0], [0.5, 0.6], [1, 0.5]]
"""

SERVES = ["retail", "retail.small", "retail.big", "key", "key.gold"]

role_st = st.fixed_dictionaries(
    {
        "serves": st.lists(st.sampled_from(SERVES), min_size=1, max_size=3, unique=True),
        "headcount": st.integers(0, 4),
        "hours_per_year": st.sampled_from([1600, 2000]),
        "customer_time_share": st.sampled_from([0.4, 0.55]),
        "annual_cost": st.integers(50, 120).map(lambda k: k * 1000),
        "max_headcount": st.none() | st.integers(4, 9),
        "contacts": st.sampled_from(["all", "all", "calls"]),
        "fixed": st.none() | st.none() | st.integers(0, 3000),
    }
)


def _scenario_text(roles, customers, budget, max_total, floor):
    lines = ["policy: policy.yaml", "year: 2027", "customers:"]
    lines += ["  retail:", f"    small: {customers[0]}", f"    big: {customers[1]}"]
    lines += ["  key:", f"    gold: {customers[2]}", "roles:"]
    for i, r in enumerate(roles):
        lines += [f"  r{i}:", f"    serves: [{', '.join(r['serves'])}]", f"    headcount: {r['headcount']}"]
        lines += [f"    hours_per_year: {r['hours_per_year']}"]
        lines += [
            f"    customer_time_share: {r['customer_time_share']}",
            f"    annual_cost: {r['annual_cost']}",
        ]
        lines += [f"    contacts: {r['contacts']}"]
        if r["max_headcount"] is not None:
            lines.append(f"    max_headcount: {max(r['max_headcount'], r['headcount'])}")
        if r["fixed"] is not None:
            lines.append(f"    fixed_hours: {r['fixed']}")
    if budget is not None:
        lines.append(f"budget: {budget}")
    if max_total is not None:
        lines.append(f"max_total_headcount: {max_total}")
    if floor:
        lines += ["min_coverage:", f"  retail.big: {floor}"]
    return "\n".join(lines) + "\n"


def _both(scenario, data, name, objective, **kw):
    """The new and the pulp build, each solved by HiGHS; their outcomes, heads and hours."""
    new = _Model(name, scenario, data, **kw)
    old = headcount_pulp._Model(name, scenario, data, **kw)
    if objective == "cost":
        new.minimise(new.cost_expr)
        old.minimise(old.cost_expr)
    else:
        new.maximise(new.value_expr, _fixed_hours_bonus(new))
        old.maximise(old.value_expr + headcount_pulp._fixed_hours_bonus(old))
    from planner.model.solver import solve

    gap = None if kw.get("relax") or kw.get("fixed") is not None else MIP_GAP
    a = new.solve("highs", 60.0, gap)
    b = solve(old.prob, "highs", 60.0, gap)
    # A head column in no row and no objective is not in pulp's model (no value): compare the rest.
    in_old = {r for r, h in old.h.items() if isinstance(h, float) or h.varValue is not None}
    heads_a = {r: v for r, v in new.heads().items() if r in in_old} if a.status.is_ok else None
    heads_b = (
        {
            r: float(old.h[r].value() if r not in old.h or not isinstance(old.h[r], float) else old.h[r])
            for r in in_old
        }
        if b.status.is_ok
        else None
    )
    return (a, heads_a, new.hours() if a.status.is_ok else None), (
        b,
        heads_b,
        old.hours() if b.status.is_ok else None,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    roles=st.lists(role_st, min_size=1, max_size=4),
    customers=st.tuples(st.integers(0, 300), st.integers(0, 300), st.integers(0, 40)),
    budget=st.none() | st.integers(0, 600).map(lambda k: k * 1000),
    max_total=st.none() | st.integers(0, 8),
    floor=st.sampled_from([0, 0, 0.5]),
    objective=st.sampled_from(["response", "linear"]),
)
def test_programme_solves_exactly_as_the_pulp_build(roles, customers, budget, max_total, floor, objective):
    if not any(r["contacts"] == "all" for r in roles):
        roles[0]["contacts"] = "all"
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "policy.yaml").write_text(textwrap.dedent(POLICY))
        path = Path(tmp) / "scenario.yaml"
        path.write_text(_scenario_text(roles, customers, budget, max_total, floor))
        try:
            scenario = load_scenario(path)
        except PlannerError:  # a draw the schema refuses (a tier no role serves under min_coverage)
            return
    data = _prepare(scenario, objective)
    heads = {r: role.headcount for r, role in scenario.roles.items()}
    cases = [
        ("meet", "cost", {"full_coverage": True}),
        ("best", "value", {"full_coverage": False}),
        ("relax", "value", {"full_coverage": False, "relax": True}),
        ("alloc", "value", {"full_coverage": False, "fixed": heads}),
        ("free", "value", {"full_coverage": False, "fixed": heads, "use_min_coverage": False}),
        ("floors", "cost", {"full_coverage": False, "limits": False}),
    ]
    for name, objective_kind, kw in cases:
        (a, heads_a, hours_a), (b, heads_b, hours_b) = _both(scenario, data, name, objective_kind, **kw)
        assert (a.status, a.solver) == (b.status, b.solver), name
        if b.status.is_ok:
            assert a.objective == b.objective, name
            assert heads_a == heads_b, name
            assert hours_a == hours_b, name


def test_calendar_and_books_solve_with_cbc_too(tiny):
    # HiGHS's MPS file gives integer columns LI / UI bounds, which pulp's reader refused: CBC now reads
    # the programme as pulp objects. 150 small customers (1,200 h) and 50 big (400 h) at 800 h a head
    # need 2 all_reps by the year's hours; the calendar may need more, but both solvers must agree.
    scenario = load_scenario(tiny(small=150, big=50, roles=ROLES))
    highs = plan(scenario, solver="highs", with_current=False)
    cbc = plan(scenario, solver="cbc", with_current=False)
    assert (highs.solver, cbc.solver) == ("highs", "cbc")
    assert highs.role("all_rep").annual_bound == cbc.role("all_rep").annual_bound == 2
    assert [r.required_headcount for r in cbc.roles] == [r.required_headcount for r in highs.roles]
    assert cbc.total_cost == highs.total_cost


def test_cbc_takes_a_ranged_row_over_integer_columns_with_bounds():
    # max x + y, 1 <= x + y <= 3.5, x integer in [1, 2], y integer in [0, 5]: x + y = 3 at best. Through
    # an MPS file pulp refused the integer bounds (LI); one more unit of the range's top is worth 0 here
    # (3.5 does not bind), and in the LP max 2a, 1 <= a <= 4, the top is worth 2 for both solvers.
    p = Program()
    x, y = p.var(1, 2, integer=True), p.var(0, 5, integer=True)
    p.row([(x, 1.0), (y, 1.0)], lo=1.0, hi=3.5)
    p.set_objective([(x, 1.0), (y, 1.0)], maximize=True)
    assert p.solve("cbc").objective == pytest.approx(3.0)
    assert sum(p.x) == pytest.approx(3.0) and 1 <= p.x[0] <= 2
    for solver in ("cbc", "highs"):
        q = Program()
        a = q.var(0)
        q.row([(a, 1.0)], lo=1.0, hi=4.0)
        q.set_objective([(a, 2.0)], maximize=True)
        assert q.solve(solver).objective == pytest.approx(8.0)
        assert q.duals == pytest.approx([2.0])
