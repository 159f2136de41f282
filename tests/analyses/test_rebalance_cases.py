"""Hand-worked rebalance cases (tests/data/portfolio), through the analysis and the CLI.

Hours per customer a year from the shipped policy (visits x visit_minutes + calls x call_minutes):
commercial.B = 2 x 90 + 12 x 10 = 300 min = 5 h; commercial.A = 4 x 90 + 12 x 10 = 480 min = 8 h;
key.crystal = 8 x 120 + 12 x 10 = 1080 min = 18 h. small.yaml / unified.yaml give each manager
100 h a year. Move cost = a tier's representative spend over the role's cheapest tier's:
commercial (cheapest D, 150 CNY): B = 1150 / 150 = 7.67, A = 2250 / 150 = 15;
unified (commercial.A and key.crystal, cheapest A 2250): A = 1, crystal = 6500 / 2250 = 2.89.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from planner.analyses.rebalance import rebalance
from planner.data.managers import build_book
from planner.data.roster import read_roster
from planner.data.scenario import load_scenario

DATA = Path(__file__).resolve().parents[1] / "data" / "portfolio"


def run(scenario: str, roster: str, **kwargs):
    sc = load_scenario(DATA / scenario)
    book = build_book(read_roster(DATA / roster, sc.policy), sc)
    return rebalance(book, sc, new=kwargs.pop("new", {}), **kwargs)


def moves(result) -> list[tuple[str, str, str, str, str, str]]:
    return [tuple(r) for r in result.moves.itertuples(index=False, name=None)]


def load(result, manager: str):
    return next(c for c in result.loads if c.manager == manager)


def test_overloaded_and_light_manager_same_district_cheapest_customers_move():
    # CM-1: 10 A + 6 B = 80 + 30 = 110 h against 100 h: 10 h too many. CM-2: 4 A = 32 h.
    # Ways to free >= 10 h: 2 B (10 h, cost 15.3); 1 A + 1 B (13 h, cost 22.7); 2 A (16 h, cost 30);
    # 1 A alone frees 8 h (not enough). Cheapest: 2 B, and within B the two lowest spends, B4 (850)
    # and B2 (900).
    result = run("small.yaml", "over-one.csv")
    assert moves(result) == [
        ("B2", "commercial.B", "CM-1", "CM-2", "North", "over capacity"),
        ("B4", "commercial.B", "CM-1", "CM-2", "North", "over capacity"),
    ]
    assert load(result, "CM-1").hours_after == pytest.approx(100.0)
    assert load(result, "CM-2").hours_after == pytest.approx(42.0)
    assert result.gap == pytest.approx(0.0, abs=1e-9)


def test_leavers_customers_spread_with_district_kept():
    # CM-L leaves with 6 B in North (30 h). CM-2 and CM-3 (North) hold 17 B = 85 h each: room for
    # exactly 3 B (15 h) each. CM-4 (South, 10 h) has room for all six but would take a new
    # district (cost 2). So 3 go to CM-2 and 3 to CM-3, all staying in North; the lowest spends go
    # first to the lower-numbered manager.
    result = run("small.yaml", "leaver.csv", leaving=["CM-L"])
    assert moves(result) == [
        ("L1", "commercial.B", "CM-L", "CM-2", "North", "leaving"),
        ("L2", "commercial.B", "CM-L", "CM-2", "North", "leaving"),
        ("L3", "commercial.B", "CM-L", "CM-2", "North", "leaving"),
        ("L4", "commercial.B", "CM-L", "CM-3", "North", "leaving"),
        ("L5", "commercial.B", "CM-L", "CM-3", "North", "leaving"),
        ("L6", "commercial.B", "CM-L", "CM-3", "North", "leaving"),
    ]
    assert load(result, "CM-4").customers_after == 2
    assert load(result, "CM-4").districts_after == 1
    assert load(result, "CM-L").customers_after == 0
    assert all(c.hours_after <= c.capacity_hours + 1e-9 for c in result.loads if c.status == "kept")


def test_crystal_stays_put_when_an_a_plus_move_suffices():
    # U-1: 4 crystal (72 h) + 4 A (32 h) = 104 h: 4 h too many. One A (8 h, cost 1) suffices; one
    # crystal (18 h) would too but costs 2.89. The cheapest A is P2 (1,600 CNY).
    result = run("unified.yaml", "crystal.csv")
    assert moves(result) == [("P2", "commercial.A", "U-1", "U-2", "North", "over capacity")]
    assert load(result, "U-1").hours_after == pytest.approx(96.0)


def test_customers_without_manager_are_assigned_and_leavers_go_to_new_managers():
    # CM-1 leaves with 110 h; CM-2 (32 h) has 68 h spare, so the rest needs a new manager: one
    # NEW-1 (100 h) given with new. The no-manager row in travel.csv (T5) would be assigned too.
    result = run("small.yaml", "over-one.csv", leaving=["CM-1"], new={"commercial_manager": 1})
    assert len(result.moves) == 16
    assert set(result.moves["reason"]) == {"leaving"}
    after = {c.manager: c for c in result.loads}
    assert after["CM-1"].customers_after == 0
    assert after["CM-2"].hours_after + after["NEW-1"].hours_after == pytest.approx(142.0)
    assert after["CM-2"].hours_after <= 100 + 1e-9
    assert after["NEW-1"].hours_after <= 100 + 1e-9
    assert after["NEW-1"].status == "new"
    none = run("travel.yaml", "travel.csv")
    assert moves(none) == [("T5", "commercial.A", "", "CM-1", "South", "no manager")]


def test_vacancies_from_plan_when_new_is_not_given():
    # Without CM-1 the role needs ceil(142 / 100) = 2 heads and keeps 1: plan's vacancy is 1.
    result = run("small.yaml", "over-one.csv", leaving=["CM-1"], new=None)
    assert result.new_from == "plan"
    assert result.new_managers == {"commercial_manager": 1}


def test_rebalance_cli_writes_moves_and_loads_byte_identical(cli, tmp_path):
    outs = []
    for i in range(2):
        out = tmp_path / f"moves{i}.csv"
        result = cli(
            "rebalance",
            DATA / "small.yaml",
            "--roster",
            DATA / "over-one.csv",
            "--out",
            out,
            "--new",
            "0",
        )
        assert result.exit_code == 0, result.output
        outs.append((out.read_bytes(), (tmp_path / f"moves{i}-loads.csv").read_bytes()))
    assert outs[0] == outs[1]
    rows = list(csv.DictReader(outs[0][0].decode().splitlines()))
    assert [r["customer_id"] for r in rows] == ["B2", "B4"]
    loads = list(csv.DictReader(outs[0][1].decode().splitlines()))
    assert [(r["manager"], r["load_before"], r["load_after"]) for r in loads] == [
        ("CM-1", "1.1", "1.0"),
        ("CM-2", "0.32", "0.42"),
    ]


def test_protected_tier_moves_only_when_nothing_else_fits(tmp_path):
    # CM-1: 11 A (88 h) + 60 D (60 x 1/3 = 20 h) = 108 h: 8 h too many; CM-2 (North) 1 D.
    # Unprotected: one A (8 h, cost 15) beats 24 D (8 h, cost 24 x 1). With protect_spend_from 1500
    # (A's band starts at 1,500) an A costs 15 + 10 x 3 (D's cost per hour, the dearest) x 8 h = 255,
    # so the 24 lowest-spend D customers move instead.
    lines = ["customer_id,channel,tier,monthly_spend,district,manager_id"]
    lines += [f"A{i:02d},commercial,A,{2000 + i},North,CM-1" for i in range(11)]
    lines += [f"D{i:02d},commercial,D,{100 + i},North,CM-1" for i in range(60)]
    lines += ["E00,commercial,D,100,North,CM-2"]
    path = tmp_path / "protect.csv"
    path.write_text("\n".join(lines) + "\n")
    sc = load_scenario(DATA / "small.yaml", ["portfolio.protect_spend_from=null"])
    book = build_book(read_roster(path, sc.policy), sc)
    plain = rebalance(book, sc, new={})
    assert moves(plain) == [("A00", "commercial.A", "CM-1", "CM-2", "North", "over capacity")]
    sc = load_scenario(DATA / "small.yaml", ["portfolio.protect_spend_from=1500"])
    guarded = rebalance(book, sc, new={})
    assert list(guarded.moves["customer_id"]) == [f"D{i:02d}" for i in range(24)]
    assert load(guarded, "CM-1").hours_after == pytest.approx(100.0)


def test_repair_moves_cheapest_per_hour_off_a_manager_left_over():
    # The over-one case as a bare problem with no flows (as if the solver had stopped early):
    # CM-1 110 h of 100. Price per hour freed: B 7.67 / 5 = 1.53 < A 15 / 8 = 1.88, so B first;
    # ceil(10 / 5) = 2 B go to CM-2 (68 h of room, same district).
    import numpy as np

    from planner.model.assignment import RebalanceProblem, _repair

    i = np.array
    p = RebalanceProblem(
        group_manager=i([0, 0, 1]),
        group_role=i([0, 0, 0]),
        group_tier=i([0, 1, 0]),
        group_district=i([0, 0, 0]),
        group_count=i([10, 6, 4]),
        manager_role=i([0, 0]),
        manager_capacity=i([100.0, 100.0]),
        manager_leaving=i([False, False]),
        manager_new=i([False, False]),
        base_hours=i([[8.0, 5.0]]),
        travel_hours=i([[0.0, 0.0]]),
        travel_minutes=np.zeros((2, 1)),
        move_cost=i([[15.0, 1150 / 150]]),
        role_tiers=i([[True, True]]),
        new_district_cost=2.0,
        serves=i([[True], [True]]),
    )
    empty = np.zeros(0, dtype=np.int64)
    fg, fm, fn = _repair(
        p, empty, empty, empty, i([False] * 3), i([8.0, 5.0, 8.0]), i([110.0, 32.0]), i([100.0, 100.0])
    )
    assert (fg.tolist(), fm.tolist(), fn.tolist()) == ([1], [1], [2])
