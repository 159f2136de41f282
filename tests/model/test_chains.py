"""The annual model's least cost where roles share tiers in rings and paths, by a second method.

``chains_oracle`` is a dynamic programme over the roles of a chain (see its docstring). It is first
checked itself: on rings and paths small enough to solve by hand, and on random chains against the
integer programme written out here with its own flow variables (HiGHS at a zero gap). Then the
annual model (``annual_plan``, the package's code) must find the same least cost on random
scenarios whose roles share bottom tiers in a ring or a path, as the 50 x 200 benchmark's do.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import highspy
import numpy as np
import pytest
import yaml
from chains_oracle import Chain, ChainRole, ChainsProblem, chains_of, least_cost
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.data.scenario import load_scenario
from planner.model.headcount import _Model, _prepare, annual_plan


def _ring(low: tuple[int, int, int] = (0, 0, 0), high: int | None = None) -> ChainsProblem:
    # Three roles of 1,000 h a head at 1 CNY, each owning 900 h, each pair sharing 300 h.
    roles = tuple(ChainRole(1000.0, 1.0, 900.0, lo, high) for lo in low)
    return ChainsProblem((Chain(roles, (300.0, 300.0, 300.0), ring=True),))


def test_a_ring_needs_a_head_more_than_its_hours_say():
    # 3,600 h at 1,000 h a head: 4 heads by the hours. With one head each (3 heads) 3,000 h are
    # too few. With four, the role holding two heads covers its 900 h and both tiers it shares
    # (1,500 h of 2,000) but cannot reach the tier its two neighbours share: they have 100 h each
    # left after their own 900 h, 200 h for a 300 h tier. Five heads (2, 2, 1) hold: the least.
    assert least_cost(_ring()) == 5.0


def test_head_limits_bind():
    # At most one head a role: 3,000 h for 3,600 h, no plan.
    assert least_cost(_ring(high=1)) is None
    # At least three heads for the first role: it still reaches only the two tiers it shares, so
    # the other two need another head between them: 3 + 2 + 1.
    assert least_cost(_ring(low=(3, 0, 0))) == 6.0


def test_a_path_of_two():
    # A: 1,500 h own at 10 CNY a 1,000 h head; B: 500 h own at 30 CNY; 600 h shared. A needs 2
    # heads (500 h over, which takes 500 h of the shared tier); B covers 500 + 100 h with one head:
    # 50. A with 3 heads takes the whole shared tier and B still needs a head: 60.
    roles = (ChainRole(1000.0, 10.0, 1500.0), ChainRole(1000.0, 30.0, 500.0))
    assert least_cost(ChainsProblem((Chain(roles, (600.0, 0.0), ring=False),))) == 50.0


def test_the_middle_role_may_take_both_shared_tiers():
    # A, B, C at 1,000, 1,200, 1,400 h a head and 200, 80, 200 CNY; none owns a tier; A-B share
    # 1,400 h, B-C 2,400 h: 3,800 h in all. B alone: 4 heads (4,800 h), 320. Any head of A or C
    # costs 200, and B still needs 2 heads beside one of them (C's 1,400 h + B's 2,400 h just
    # hold 3,800 h): 360. So 320, B covering both shared tiers.
    roles = (ChainRole(1000.0, 200.0, 0.0), ChainRole(1200.0, 80.0, 0.0), ChainRole(1400.0, 200.0, 0.0))
    assert least_cost(ChainsProblem((Chain(roles, (1400.0, 2400.0, 0.0), ring=False),))) == 320.0


def test_chains_are_independent_and_add_up():
    lone = Chain((ChainRole(800.0, 7.0, 2000.0),), (0.0,), ring=False)  # ceil(2000 / 800) = 3 heads
    both = ChainsProblem((*_ring().chains, lone))
    assert least_cost(both) == 5.0 + 21.0


def _mip_least_cost(chain: Chain) -> float | None:
    """The same question as an integer programme with flows: each shared tier's hours split
    between its two roles; each role's heads x hours hold its own hours and its parts."""
    n = len(chain.roles)
    links = [(k, (k + 1) % n) for k in range(n if chain.ring else n - 1)]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)  # as planner's solves: HiGHS's thread pool is set once a process
    h.setOptionValue("mip_rel_gap", 0.0)
    lows = np.array([float(r.low) for r in chain.roles])
    highs = np.array([np.inf if r.high is None else float(r.high) for r in chain.roles])
    h.addVars(n, lows, highs)
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array([r.cost for r in chain.roles]))
    m = len(links)
    h.addVars(2 * m, np.zeros(2 * m), np.full(2 * m, np.inf))  # left part, right part of each link
    for j, (k, _) in enumerate(links):
        cols = np.array([n + 2 * j, n + 2 * j + 1], dtype=np.int32)
        h.addRow(chain.shared[k], chain.shared[k], 2, cols, np.ones(2))
    for i, role in enumerate(chain.roles):
        cols, vals = [i], [role.hours_per_head]
        for j, (a, b) in enumerate(links):
            if a == i:
                cols.append(n + 2 * j)
                vals.append(-1.0)
            if b == i:
                cols.append(n + 2 * j + 1)
                vals.append(-1.0)
        h.addRow(role.own, np.inf, len(cols), np.array(cols, dtype=np.int32), np.array(vals))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return h.getInfo().objective_function_value


role_st = st.builds(
    ChainRole,
    hours_per_head=st.integers(500, 1500).map(float),
    cost=st.integers(1, 90).map(float),
    own=st.just(0.0) | st.integers(0, 4000).map(lambda v: v * 0.75),  # a role with no tier of its own
    low=st.integers(0, 2),
    high=st.none() | st.integers(1, 8),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    roles=st.lists(role_st, min_size=1, max_size=7),
    shared=st.lists(st.integers(0, 12000).map(lambda v: v * 0.5), min_size=7, max_size=7),
    ring=st.booleans(),
)
def test_chain_value_is_the_integer_programmes_optimum(roles, shared, ring):
    ring = ring and len(roles) >= 3
    links = shared[: len(roles)]
    if not ring:
        links[-1] = 0.0
    chain = Chain(tuple(roles), tuple(links), ring)
    want = _mip_least_cost(chain)
    got = least_cost(ChainsProblem((chain,)))
    if want is None:
        assert got is None
    else:
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9)


def _sharing_scenario(
    directory: Path, customers: list[tuple[int, int]], ring: bool, costs: list[int]
) -> Path:
    """Role i serves channel i and channel i+1's bottom tier (the last role wraps to channel 0 in a
    ring), as the 50 x 200 benchmark does."""
    n = len(customers)
    tiers = [
        {
            "id": f"t{t}",
            "spend": [1000 * t, 1000 * (t + 1)],
            "visits": {"count": 1 + t, "per": "quarter"},
            "calls": {"count": 1, "per": "month"},
            "visit_minutes": 60 + 20 * t,
            "call_minutes": 10,
            "discount": 0.0,
            "churn_risk": 0.05,
        }
        for t in range(2)
    ]
    policy = {"channels": {f"c{i}": {"tiers": tiers} for i in range(n)}}
    roles = {}
    for i in range(n):
        serves = [f"c{i}"]
        if ring or i + 1 < n:
            serves.append(f"c{(i + 1) % n}.t0")
        roles[f"r{i}"] = {
            "serves": serves,
            "headcount": 1,
            "hours_per_year": 2000,
            "customer_time_share": 0.5 + (i % 3) / 10,
            "annual_cost": costs[i],
        }
    doc = {
        "policy": "policy.yaml",
        "customers": {f"c{i}": {"t0": a, "t1": b} for i, (a, b) in enumerate(customers)},
        "roles": roles,
    }
    (directory / "policy.yaml").write_text(yaml.safe_dump(policy))
    path = directory / "scenario.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    customers=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 200)), min_size=3, max_size=12),
    ring=st.booleans(),
    costs=st.lists(st.sampled_from([80000, 81000, 83000, 86000]), min_size=12, max_size=12),
)
def test_annual_model_finds_the_least_cost_along_a_chain(customers, ring, costs):
    with tempfile.TemporaryDirectory() as tmp:
        scenario = load_scenario(_sharing_scenario(Path(tmp), customers, ring, costs))
    meet = _Model("meet_standards", scenario, _prepare(scenario), full_coverage=True)
    chains = chains_of(scenario, meet)
    assert chains is not None
    if all(a for a, _ in customers):  # every shared tier has customers: one chain of every role
        assert len(chains.chains) == 1 and chains.chains[0].ring is ring
    result = annual_plan(scenario, with_current=False)
    assert (result.status, result.mode) == ("optimal", "meet_standards")
    assert result.total_cost == pytest.approx(least_cost(chains), rel=1e-12)


def test_what_is_not_a_chain_is_left_to_the_solver(tmp_path):
    # Three roles serving one tier, or a role sharing with three others: no chain value.
    path = _sharing_scenario(tmp_path, [(100, 50)] * 4, ring=True, costs=[80000] * 4)
    doc = yaml.safe_load(path.read_text())
    doc["roles"]["r2"]["serves"].append("c0.t0")  # c0.t0 now has r3, r0 and r2
    path.write_text(yaml.safe_dump(doc))
    scenario = load_scenario(path)
    assert chains_of(scenario, _Model("m", scenario, _prepare(scenario), full_coverage=True)) is None
