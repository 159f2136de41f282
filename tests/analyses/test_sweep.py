"""sweep: edge cases of --vary beyond tests/analyses/test_what_if.py, and clean JSON through a process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.data.scenario import load_scenario
from planner.model.headcount import plan

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("customers.key.crystal=nan:5:1", "'nan' is not a finite number"),
        ("customers.key.crystal=1:inf:1", "'inf' is not a finite number"),
        ("customers.key.crystal=1:5:-Infinity", "'-Infinity' is not a finite number"),
    ],
)
def test_non_finite_bounds_exit_2_naming_the_option(cli, text, expected):
    result = cli("sweep", "scenarios/baseline.yaml", "--vary", text)
    assert result.exit_code == 2
    assert f"--vary {text}" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.output


def test_the_same_key_twice_is_refused(cli):
    result = cli(
        "sweep",
        "scenarios/baseline.yaml",
        "--vary",
        "customers.key.crystal=1000,2000",
        "--vary",
        "customers.key.crystal=5,6",
    )
    assert result.exit_code == 2
    assert "--vary" in result.stderr and "varied twice: customers.key.crystal" in result.stderr


def test_grid_json_through_a_process_is_clean_and_matches_single_plans(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "cli.py",
            "sweep",
            "scenarios/baseline.yaml",
            "--vary",
            "customers.key.crystal=1000:2000:1000",
            "--vary",
            "roles.key_manager.headcount=100,140",
            "--format",
            "json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    # The first --vary changes slowest.
    assert [tuple(p["values"].values()) for p in data["points"]] == [
        (1000, 100),
        (1000, 140),
        (2000, 100),
        (2000, 140),
    ]
    last = data["points"][-1]
    single = plan(
        load_scenario(
            REPO / "scenarios" / "baseline.yaml",
            ["customers.key.crystal=2000", "roles.key_manager.headcount=140"],
        )
    )
    assert last["total_headcount"] == single.total_headcount
    assert last["total_cost"] == pytest.approx(single.total_cost)
    # By hand, the annual average: ceil((2,000 x 18 h + 107,440 h) / 1,200 h) = ceil(119.53) = 120; the
    # calendar (plan's figure, checked equal above) needs at least that.
    assert single.role("key_manager").annual_bound == 120
    assert last["headcount"]["key_manager"] == single.role("key_manager").required_headcount >= 120


def test_a_tier_left_at_zero_today_is_shown_and_charted():
    from rich.console import Console

    from planner.analyses.what_if import parse_vary, sweep
    from planner.report.what_if import render_sweep

    # No key managers today: every key tier is covered 0 % (not "fully", as a falsy 0.0 once read).
    varies = [parse_vary("roles.key_manager.headcount=0,100,140")]
    result = sweep(REPO / "scenarios" / "baseline.yaml", varies)
    console = Console(width=160, record=True)
    render_sweep(result, console)
    out = console.export_text()
    assert "more coverage columns short of the standard" in out  # only the worst 4 get columns
    assert "crystal today" in out and "today = coverage with today's headcount" in out
    assert "key_manager headcount" in out
    # The chart is of crystal, the tier served worst. By hand, at 100 key managers: 120,000 h. The
    # response curves' values of an hour (worked out in tests/model/test_headcount.py) rank, best
    # first: silver..diamond (64,240 h, the lowest silver's last quarter at 92.5 CNY/h), bronze to 75 %
    # (32,400 h, down to 112), crystal to 50 % (28,800 h, down to 129): 125,440 h, 5,440 more than
    # there are, taken from the cheapest of them, silver's last quarter. Crystal stays at 50 % in the
    # model; the managers' whole contacts (what the sweep shows, as plan --headcount current) within a
    # point of it. At 140 (168,000 h >= 165,040 h) all of it on the annual average, but in the 2027
    # calendar the quarters and months short of working days leave crystal what plan --headcount
    # current says. Bars scale to 100 %, so 0 % has none.
    chart = out[out.index("key.crystal coverage with today's headcount") :]
    assert "    0  0.0%" in chart
    for heads, low, high in ((100, 0.49, 0.51), (140, 0.95, 1.0)):
        at = plan(
            load_scenario(REPO / "scenarios" / "baseline.yaml", [f"roles.key_manager.headcount={heads}"])
        )
        crystal = at.tier("key", "crystal").coverage_at_current
        assert crystal is not None and low < crystal < high
        assert f"{heads:>5} {'█' * round(40 * crystal)} {crystal:.1%}" in chart


@given(
    start=st.integers(min_value=0, max_value=10_000),
    span=st.integers(min_value=0, max_value=5_000),
    step=st.integers(min_value=1, max_value=1_000),
)
def test_integer_ranges_match_python_range(start, span, step):
    from planner.analyses.what_if import parse_vary

    # A second method: Python's range with the stop made inclusive.
    values = parse_vary(f"customers.key.crystal={start}:{start + span}:{step}").values
    assert values == list(range(start, start + span + 1, step))
    assert all(isinstance(v, int) for v in values)


@given(
    start=st.decimals(min_value=0, max_value=10, places=2),
    span=st.decimals(min_value=0, max_value=10, places=2),
    step=st.decimals(min_value="0.05", max_value=5, places=2),
)
def test_decimal_ranges_are_exact_steps_up_to_stop(start, span, step):
    from decimal import Decimal

    from planner.analyses.what_if import parse_vary

    values = parse_vary(f"budget={start}:{start + span}:{step}").values
    # Exact decimal steps (no 0.30000000000000004 drift), never past stop, and no room for one more.
    assert values == [float(start + i * step) for i in range(len(values))]
    assert Decimal(str(values[-1])) <= start + span < Decimal(str(values[-1])) + step
