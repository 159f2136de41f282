"""The training cap counts each newcomer for its own ramp-up: a transferee's, not the target role's.

key-growth-2006: key managers ramp for 3 months (0.5, 0.5, 0.5), commercial managers promoted to key
manager ramp for 2 (0.75, 0.9), at most 8 hires a month, 2 transfers a month, 20 people in ramp-up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.analyses.hiring import hiring_plan
from planner.data.scenario import load_scenario
from planner.model.hiring import MIP_GAP

REPO = Path(__file__).resolve().parents[2]

#: Cost + shortfall penalty over 24 months with transferees counted for 3 months (the old rule),
#: measured on the code before the fix (`planner hire scenarios/key-growth-2006.yaml --format json`:
#: total_cost 47,333,333.33 + shortfall_penalty 7,977,175.00).
OLD_OBJECTIVE = 55_310_508
#: The same with transferees counted for their own 2 months: 54,772,633 solved to a zero gap (the
#: issue quotes 54,756,383, 0.03 % lower, from another round of the leavers' fixed point); both are
#: within the 0.1 % MIP gap of the default solve.
NEW_OBJECTIVE = 54_772_633


def test_transferees_count_for_their_own_ramp() -> None:
    """Hires 8, 8, 0 per three-month cycle instead of 8, 6, 0, and about 1 % cheaper.

    In a month t of the cycle, people in ramp-up are hires of t, t-1, t-2 (3-month ramp) plus
    transfer cohorts of 2. Old rule (transfers counted 3 months): 8 + 6 + 0 + 2 + 2 + 2 = 20, so
    the second month of a cycle only has room for 6. Own ramp (2 months): 8 + 8 + 0 + 2 + 2 = 20.
    """
    # The figures are for even months (a twelfth of the year each).
    # Its point is the ramp rule, not the calendar: a head delivers all its hours (efficiency none).
    sc = load_scenario(
        REPO / "scenarios" / "key-growth-2006.yaml", ["hiring.months=even", "hiring.efficiency=none"]
    )
    result = hiring_plan(sc, horizon=24)
    assert result.ok
    key = [p.hires_decided for p in result.rows("key_manager")]
    assert key[:9] == [8, 8, 0] * 3
    objective = result.total_cost + result.penalty_cost
    assert objective == pytest.approx(NEW_OBJECTIVE, rel=MIP_GAP)
    assert objective < OLD_OBJECTIVE * (1 - 0.009)  # about 1.0 % cheaper
