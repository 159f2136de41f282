"""The shift programme (model/shifts.py): hand-worked optimum, tie-break, status, brute force."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.model.shifts import ShiftOption, ShiftProblem, ShiftSolution, solve_shifts
from planner.model.solver import SolveStatus

# Six hourly intervals; three shifts:
#   A: 4 paid hours on duty in intervals 0-3
#   B: 4 paid hours on duty in intervals 2-5
#   C: 6 paid hours on duty in intervals 0-5
A = ShiftOption(paid_hours=4, length_hours=4, covers=(0, 1, 2, 3))
B = ShiftOption(paid_hours=4, length_hours=4, covers=(2, 3, 4, 5))
C = ShiftOption(paid_hours=6, length_hours=6, covers=(0, 1, 2, 3, 4, 5))


def test_hand_worked_three_shifts():
    # Required on shift: [2, 3, 5, 5, 3, 1]. With a, b, c agents starting A, B, C the cover rows are
    #   i0: a + c >= 2   i1: a + c >= 3   i2, i3: a + b + c >= 5   i4: b + c >= 3   i5: b + c >= 1
    # so a >= 3 - c, b >= 3 - c and a + b >= 5 - c; minimise 4a + 4b + 6c:
    #   c = 0: a = b = 3            -> 24 paid hours
    #   c = 1: a = b = 2 (sum 4)    -> 16 + 6 = 22
    #   c = 2: a + b >= 3, each >= 1 -> 12 + 12 = 24
    #   c = 3: a + b >= 2           ->  8 + 18 = 26
    #   c = 4: a + b >= 1           ->  4 + 24 = 28;  c >= 5: at least 30
    # The optimum is unique: c = 1, a = b = 2, 22 paid hours; on duty [3, 3, 5, 5, 3, 3].
    sol = solve_shifts(ShiftProblem(required=(2, 3, 5, 5, 3, 1), shifts=(A, B, C)))
    assert sol.status is SolveStatus.OPTIMAL and sol.ok
    assert sol.starts == (2, 2, 1)
    assert sol.paid_hours == 22
    assert sol.scheduled == (3, 3, 5, 5, 3, 3)


def test_equal_paid_hours_prefer_the_shorter_day():
    # Both shifts pay 2 hours and are on duty in intervals 0-1; the second spans 3 hours (an unpaid
    # break after it), so the first is chosen.
    short = ShiftOption(paid_hours=2, length_hours=2, covers=(0, 1))
    long = ShiftOption(paid_hours=2, length_hours=3, covers=(0, 1))
    for order in ((short, long), (long, short)):
        sol = solve_shifts(ShiftProblem(required=(4, 4, 0), shifts=order))
        assert dict(zip(order, sol.starts, strict=True)) == {short: 4, long: 0}


def test_nothing_required_needs_no_solve():
    sol = solve_shifts(ShiftProblem(required=(0, 0, 0, 0, 0, 0), shifts=(A, B, C)))
    assert sol == ShiftSolution(SolveStatus.OPTIMAL, (0, 0, 0), (0, 0, 0, 0, 0, 0), 0, None)


def test_an_interval_no_shift_covers_is_infeasible_not_an_exception():
    sol = solve_shifts(ShiftProblem(required=(1, 1), shifts=(ShiftOption(2, 2, (0,)),)))
    assert sol.status is SolveStatus.INFEASIBLE and not sol.ok
    assert sol.starts == (0,) and sol.scheduled == (0, 0)


def test_cbc_gives_the_same_plan():
    sol = solve_shifts(ShiftProblem(required=(2, 3, 5, 5, 3, 1), shifts=(A, B, C)), solver="cbc")
    assert (sol.solver, sol.starts) == ("cbc", (2, 2, 1))


windows = st.tuples(st.integers(0, 5), st.integers(1, 4)).map(
    lambda t: tuple(sorted({(t[0] + k) % 6 for k in range(t[1])}))
)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    required=st.lists(st.integers(0, 4), min_size=6, max_size=6),
    covers=st.lists(windows, min_size=1, max_size=3),
)
def test_least_paid_hours_equals_brute_force(required, covers):
    """Second method: every start vector up to the largest requirement, cheapest one that covers."""
    shifts = tuple(ShiftOption(float(len(c)), float(len(c)), c) for c in covers)
    sol = solve_shifts(ShiftProblem(tuple(required), shifts))
    top = max(required)
    best = None
    for starts in itertools.product(range(top + 1), repeat=len(shifts)):
        on = [sum(n for s, n in zip(shifts, starts, strict=True) if i in s.covers) for i in range(6)]
        if all(o >= r for o, r in zip(on, required, strict=True)):
            cost = sum(s.paid_hours * n for s, n in zip(shifts, starts, strict=True))
            best = cost if best is None else min(best, cost)
    if best is None:
        assert sol.status is SolveStatus.INFEASIBLE
    else:
        assert sol.ok and sol.paid_hours == best
        assert all(o >= r for o, r in zip(sol.scheduled, required, strict=True))
