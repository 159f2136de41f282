"""Erlang C: textbook cases checked against an exact-rational implementation, exact ceilings, properties."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.model.erlang import (
    Target,
    agents_for_occupancy,
    erlang_c,
    exact,
    inverse_erlang_b,
    offered_load,
    required_agents,
    service,
    with_shrinkage,
)

REPO = Path(__file__).resolve().parent.parent.parent


def exact_erlang_c(n: int, a: Fraction) -> Fraction:
    """P(wait) by direct summation in exact rationals (only for small n; factorials are fine here).

    C = (a^n/n! * n/(n-a)) / (sum_{k<n} a^k/k! + a^n/n! * n/(n-a)).
    """
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def exact_agents(a: Fraction, aht: float, sl: float, within: float, occ: Fraction = Fraction(1)) -> int:
    """Smallest n > a with 1 - C exp(-(n-a) t / AHT) >= sl and a / n <= occ, by the exact C above."""
    n = math.floor(a) + 1
    while True:
        c = exact_erlang_c(n, a)
        level = 1 - float(c) * math.exp(-float(n - a) * within / aht)
        if level >= sl and a <= occ * n:
            return n
        n += 1


def test_textbook_100_calls_in_30_minutes():
    # 100 calls in 1,800 s x 180 s = 10 Erlangs. By hand: with 13 agents C = 0.2853 and
    # SL = 1 - 0.2853 * exp(-3 * 20 / 180) = 1 - 0.2853 * 0.7165 = 0.7956 < 0.8; with 14 agents
    # C = 0.1741 and SL = 1 - 0.1741 * exp(-4/9) = 0.8884 >= 0.8. So 14 agents.
    a = offered_load(100, 1800, 180)
    assert a == 10
    st_ = required_agents(a, 180, Target("service_level", 0.8, 20), max_occupancy=0.85, shrinkage=0.3)
    assert st_.agents == 14 == exact_agents(Fraction(10), 180, 0.8, 20)
    # ceil(14 / (1 - 0.3)) = ceil(20) = 20 on-shift agents.
    assert st_.agents_with_shrinkage == 20
    # ceil(10 / 0.85) = ceil(11.76) = 12 agents keep occupancy <= 85 %.
    assert st_.occupancy_floor == 12
    assert st_.service.p_wait == pytest.approx(float(exact_erlang_c(14, Fraction(10))), rel=1e-12)
    assert st_.service.service_level == pytest.approx(0.88835, abs=1e-5)
    # ASA = C * AHT / (n - a) = 0.17413 * 180 / 4 = 7.836 s; occupancy 10/14.
    assert st_.service.asa_seconds == pytest.approx(0.1741319 * 180 / 4, rel=1e-6)
    assert st_.service.occupancy == pytest.approx(10 / 14)


@pytest.mark.parametrize(
    ("n", "a"),
    [
        (1, Fraction(1, 2)),
        (5, Fraction(1)),
        (11, Fraction(10)),
        (20, Fraction(21, 2)),
        (40, Fraction(3333, 100)),
    ],
)
def test_erlang_c_matches_exact_rationals(n, a):
    assert erlang_c(n, float(a)) == pytest.approx(float(exact_erlang_c(n, a)), rel=1e-12)


def test_inverse_erlang_b_recursion_small():
    # B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2, so 1/B = 5.
    assert inverse_erlang_b(2, 1.0) == pytest.approx(5.0)
    assert inverse_erlang_b(0, 3.0) == 1.0


def test_exact_ceilings_use_the_decimal_written():
    assert exact(0.85) == Fraction(17, 20)
    # 22.1 / 0.85 = 26 exactly, but in binary floats it is 26.000000000000004 (a naive ceil says 27).
    assert 22.1 / 0.85 > 26
    assert agents_for_occupancy(22.1, 0.85) == 26
    # 21 / (1 - 0.3) = 30 exactly; floats give 30.000000000000004 (a naive ceil says 31).
    assert 21 / (1 - 0.3) > 30
    assert with_shrinkage(21, 0.3) == 30
    assert with_shrinkage(7, 0.3) == 10
    assert with_shrinkage(7, 0) == 7
    assert with_shrinkage(8, 0.3) == 12  # 11.43 -> 12


def test_lenient_target_starts_at_the_stability_bound():
    # a = 10.6: round(a + 1) = 12 but 11 agents (the first stable count) already answer 10 % in 20 s.
    a = Fraction(106, 10)
    st_ = required_agents(a, 180, Target("service_level", 0.1, 20))
    assert st_.agents == 11 == exact_agents(a, 180, 0.1, 20)
    assert st_.agents < round(float(a) + 1)


def test_zero_calls_need_no_agents():
    st_ = required_agents(0, 180, Target("service_level", 0.8, 20), shrinkage=0.3)
    assert (st_.agents, st_.agents_with_shrinkage, st_.service.service_level) == (0, 0, 1.0)


def test_asa_target():
    # ASA with 13 agents = 0.28527 * 180 / 3 = 17.1 s; with 12 it is 0.44939 * 180 / 2 = 40.4 s.
    st_ = required_agents(10, 180, Target("asa", 20.0))
    assert st_.agents == 13
    assert service(12, 10, 180, 20).asa_seconds > 20 >= st_.service.asa_seconds


def test_large_load_agrees_with_log_space_poisson():
    """3,000 Erlangs: no overflow, and the same answer as an independent log-space computation."""
    a = 3000.0
    st_ = required_agents(a, 180, Target("service_level", 0.8, 20))

    def log_c(n: int) -> float:
        # log P(N = k) for N ~ Poisson(a); B = P(N = n) / P(N <= n); C from B.
        logs = [-a + k * math.log(a) - math.lgamma(k + 1) for k in range(n + 1)]
        top = max(logs)
        b = math.exp(logs[n] - top) / sum(math.exp(x - top) for x in logs)
        return n * b / (n - a * (1 - b))

    def sl(n: int) -> float:
        return 1 - log_c(n) * math.exp(-(n - a) * 20 / 180)

    assert sl(st_.agents) >= 0.8 > sl(st_.agents - 1)
    assert st_.service.p_wait == pytest.approx(log_c(st_.agents), rel=1e-9)


loads = st.fractions(min_value=Fraction(1, 10), max_value=Fraction(400), max_denominator=100)


@settings(max_examples=60, deadline=None)
@given(a=loads, extra=st.fractions(min_value=0, max_value=50, max_denominator=10), sl=st.floats(0.05, 0.99))
def test_more_calls_never_need_fewer_agents(a, extra, sl):
    t = Target("service_level", sl, 20)
    assert required_agents(a + extra, 240, t).agents >= required_agents(a, 240, t).agents


@settings(max_examples=60, deadline=None)
@given(a=loads, sl=st.floats(0.05, 0.98), tighter=st.floats(0, 0.5), occ=st.floats(0.5, 1.0))
def test_stricter_target_never_needs_fewer_agents(a, sl, tighter, occ):
    strict = min(0.99, sl + tighter)
    lenient = required_agents(a, 180, Target("service_level", sl, 20), max_occupancy=occ)
    strictr = required_agents(a, 180, Target("service_level", strict, 20), max_occupancy=occ)
    assert strictr.agents >= lenient.agents
    asa_lenient = required_agents(a, 180, Target("asa", 60.0))
    asa_strict = required_agents(a, 180, Target("asa", 5.0))
    assert asa_strict.agents >= asa_lenient.agents


@settings(max_examples=40, deadline=None)
@given(
    a=st.fractions(min_value=Fraction(1, 10), max_value=Fraction(30), max_denominator=20),
    sl=st.floats(0.05, 0.95),
)
def test_answer_is_minimal_by_exact_rationals(a, sl):
    assert required_agents(a, 180, Target("service_level", sl, 20)).agents == exact_agents(a, 180, sl, 20)


# ---- the CLI -------------------------------------------------------------------------------------

ISSUE_ARGS = [
    "erlang",
    "--calls", "100", "--interval-minutes", "30", "--aht", "180", "--target", "0.8",
    "--answer-within", "20", "--shrinkage", "0.3", "--max-occupancy", "0.85",
]  # fmt: skip


def test_erlang_json_through_a_real_process():
    out = subprocess.run(
        [sys.executable, "cli.py", *ISSUE_ARGS, "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    assert {
        "erlangs",
        "agents",
        "agents_with_shrinkage",
        "service_level",
        "asa_seconds",
        "occupancy",
        "p_wait",
    } <= set(data)
    assert (data["erlangs"], data["agents"], data["agents_with_shrinkage"]) == (10.0, 14, 20)
    assert data["occupancy"] == pytest.approx(10 / 14, abs=1e-6)


def test_erlang_table_and_asa(cli):
    res = cli(*ISSUE_ARGS)
    assert res.exit_code == 0
    assert "agents with shrinkage" in res.output and "20" in res.output
    res = cli("erlang", "--calls", "100", "--aht", "180", "--asa-target", "20", "--format", "json")
    assert res.exit_code == 0
    assert json.loads(res.output)["agents"] == 13


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--aht", "0", "--target", "0.8"], "--aht: average handle time (s) must be in (0, inf), got 0"),
        (["--aht", "-5", "--target", "0.8"], "--aht: average handle time (s) must be in (0, inf), got -5"),
        (["--aht", "180", "--target", "1"], "--target: the service-level target must be in (0, 1), got 1"),
        (["--aht", "180", "--target", "0"], "--target: the service-level target must be in (0, 1), got 0"),
        (
            ["--aht", "180", "--target", "0.8", "--max-occupancy", "0"],
            "--max-occupancy: max occupancy must be in (0, 1]",
        ),
        (
            ["--aht", "180", "--target", "0.8", "--max-occupancy", "1.1"],
            "--max-occupancy: max occupancy must be in (0, 1]",
        ),
        (
            ["--aht", "180", "--target", "0.8", "--shrinkage", "1"],
            "--shrinkage: shrinkage must be in [0, 1), got 1",
        ),
        (
            ["--aht", "180", "--target", "0.8", "--shrinkage", "-0.1"],
            "--shrinkage: shrinkage must be in [0, 1)",
        ),
        (["--aht", "180"], "give exactly one service target"),
        (["--aht", "180", "--target", "0.8", "--asa-target", "20"], "give exactly one service target"),
        (
            ["--aht", "180", "--asa-target", "0"],
            "--asa-target: the ASA target (s) must be in (0, inf), got 0",
        ),
        (
            ["--aht", "180", "--target", "0.8", "--interval-minutes", "0"],
            "--interval-minutes: the interval must be",
        ),
        (["--aht", "180000", "--target", "0.8"], "Erlangs, more than 1,000,000; check the units"),
    ],
)
def test_erlang_bad_input_exits_2(cli, args, message):
    res = cli("erlang", "--calls", "20000", *args)
    assert res.exit_code == 2
    assert res.output.startswith("Error: ")
    assert message in res.output
    assert "Traceback" not in res.output


def test_cli_occupancy_ceiling_is_exact(cli):
    # 221 calls x 180 s / 1,800 s = 22.1 Erlangs; a lenient target leaves the 85 % occupancy cap in
    # charge: ceil(22.1 / 0.85) = 26 exactly (floats say 26.000000000000004, whose ceiling is 27).
    res = cli(
        "erlang",
        "--calls",
        "221",
        "--aht",
        "180",
        "--target",
        "0.05",
        "--max-occupancy",
        "0.85",
        "--format",
        "json",
    )
    data = json.loads(res.output)
    assert (data["erlangs"], data["agents"], data["agents_for_occupancy"]) == (22.1, 26, 26)
