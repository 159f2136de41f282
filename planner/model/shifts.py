"""The call-centre shift programme: how many agents start each shift so every interval is staffed.

One integer program per day (pulp, solved through :func:`planner.model.solver.solve`), built from a
:class:`ShiftProblem` whose requirement per interval already comes from Erlang C
(see :mod:`planner.analyses.callcentre`).

Variables
    ``x_k >= 0`` integer: agents starting shift ``k`` (a template at one start time).

Cover (every interval ``i`` with a requirement)::

    sum of x_k over the shifts k on duty in i  >=  required_i

Objective
    Least paid hours, ``sum_k paid_hours_k x_k``: every agent costs the same per paid hour, so least
    paid hours is least cost. A whisker (1e-6) of each shift's span (paid hours plus unpaid break) is
    added so that, between plans paying the same hours, the one with shorter days wins: the choice
    is then the same whichever solver runs. The relative MIP gap is 1e-9: the plan is optimal, not
    merely close (the programs are small: a few dozen variables and constraints).

This is the classic shift-scheduling set-covering model (G. B. Dantzig, "A comment on Edie's
traffic delays at toll booths", Operations Research 2 (1954) 339-341).
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.model.solver import DEFAULT_TIME_LIMIT, SolveStatus, solve

#: Weight of a shift's span (hours from start to end) in the objective, to break ties in paid hours.
SPAN_WEIGHT = 1e-6
#: Relative MIP gap: optimal to solver precision.
MIP_GAP = 1e-9


@dataclass(frozen=True)
class ShiftOption:
    """One shift an agent may work: its paid hours, its span and the intervals it is on duty."""

    paid_hours: float
    #: Paid hours plus the unpaid break: from start to end.
    length_hours: float
    #: Interval indexes on duty (the unpaid break excluded).
    covers: tuple[int, ...]


@dataclass(frozen=True)
class ShiftProblem:
    """One day's shift choice: on-shift agents required per interval, and the shifts allowed."""

    #: On-shift agents each interval needs (index 0 starts at 00:00).
    required: tuple[int, ...]
    shifts: tuple[ShiftOption, ...]
    #: The program's name (shown only in solver logs).
    name: str = "shifts"


@dataclass(frozen=True)
class ShiftSolution:
    """Agents starting each shift (in the problem's order) and what they put on duty."""

    status: SolveStatus
    #: Agents starting each shift of the problem; all zero unless ``status`` is optimal.
    starts: tuple[int, ...]
    #: Agents on duty in each interval.
    scheduled: tuple[int, ...]
    #: Paid agent-hours of the day.
    paid_hours: float
    #: The solver that answered; None when no solve was needed (no interval needs an agent).
    solver: str | None = None

    @property
    def ok(self) -> bool:
        """True when a plan was found."""
        return self.status.is_ok


def _solution(
    problem: ShiftProblem, status: SolveStatus, starts: list[int], solver: str | None
) -> ShiftSolution:
    scheduled = [0] * len(problem.required)
    for s, n in zip(problem.shifts, starts, strict=True):
        for i in s.covers:
            scheduled[i] += n
    paid = sum(s.paid_hours * n for s, n in zip(problem.shifts, starts, strict=True))
    return ShiftSolution(status, tuple(starts), tuple(scheduled), paid, solver)


def solve_shifts(
    problem: ShiftProblem, solver: str = "auto", time_limit: float = DEFAULT_TIME_LIMIT
) -> ShiftSolution:
    """The least-paid-hours shift plan covering every interval's requirement.

    An infeasible or unsolved program comes back as its status with no agents started; it never
    raises for that (a shift template that cannot reach an interval is refused when the scenario
    loads, see :func:`planner.data.callcentre.load_callcentre`).
    """
    shifts = problem.shifts
    if not any(problem.required):
        return _solution(problem, SolveStatus.OPTIMAL, [0] * len(shifts), None)
    import pulp

    prob = pulp.LpProblem(problem.name, pulp.LpMinimize)
    x = [pulp.LpVariable(f"x_{k}", lowBound=0, cat=pulp.LpInteger) for k in range(len(shifts))]
    prob.setObjective(
        pulp.lpSum((s.paid_hours + SPAN_WEIGHT * s.length_hours) * x[k] for k, s in enumerate(shifts))
    )
    for i, need in enumerate(problem.required):
        if need <= 0:
            continue
        on = [x[k] for k, s in enumerate(shifts) if i in s.covers]
        prob += pulp.LpConstraint(pulp.lpSum(on), pulp.LpConstraintGE, f"cover_{i}", need)
    outcome = solve(prob, solver, time_limit, gap_rel=MIP_GAP)
    if not outcome.status.is_ok:
        return _solution(problem, outcome.status, [0] * len(shifts), outcome.solver)
    return _solution(problem, outcome.status, [round(v.value() or 0) for v in x], outcome.solver)
