"""A linear (or mixed-integer) programme held as arrays and solved by HiGHS directly.

The calendar model has thousands of variables and is solved several times per plan; building it
through pulp's expression objects costs more than HiGHS takes to solve it. :class:`Program` keeps
columns and rows as plain lists (row-wise sparse) and hands them to ``highspy`` in one call. CBC
(``--solver cbc``, or the fallback when HiGHS fails) gets the same columns and rows as pulp objects,
so both solvers see one model.

Duals follow :func:`planner.model.solver.solve`: ``dual(row)`` is d(objective)/d(right-hand side).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.errors import SolverError
from planner.model.solver import DEFAULT_TIME_LIMIT, SolveOutcome, SolveStatus, quiet_stdout

INF = math.inf
#: HiGHS's random seed, fixed: which of several optimal (or feasible) answers a solve returns, and how
#: fast, depends on it; fixing it keeps outputs the same on every run and machine.
RANDOM_SEED = 0


@dataclass
class Program:
    """Columns, rows and an objective; ``solve`` fills ``x`` (primal values) and ``duals``."""

    maximize: bool = False
    col_lo: list[float] = field(default_factory=list)
    col_hi: list[float] = field(default_factory=list)
    integer: set[int] = field(default_factory=set)
    row_lo: list[float] = field(default_factory=list)
    row_hi: list[float] = field(default_factory=list)
    starts: list[int] = field(default_factory=lambda: [0])
    index: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    cost: dict[int, float] = field(default_factory=dict)
    x: list[float] = field(default_factory=list)
    duals: list[float] = field(default_factory=list)
    #: Hand HiGHS a maximisation as the minimisation of the negated objective (every column given
    #: its cost, ``-0.0`` where it has none), as pulp's HiGHS interface does; the duals, ``x`` and the
    #: objective value are the same either way, but HiGHS may take another path to them.
    negate_max: bool = False
    #: Column names for CBC (pulp orders the columns of CBC's file by name); None names them ``c0``,
    #: ``c1``, ...
    names: list[str] | None = None

    @property
    def n_cols(self) -> int:
        """Columns so far."""
        return len(self.col_lo)

    @property
    def n_rows(self) -> int:
        """Rows so far."""
        return len(self.row_lo)

    def var(self, lo: float = 0.0, hi: float = INF, integer: bool = False) -> int:
        """A new column; its index."""
        self.col_lo.append(lo)
        self.col_hi.append(hi)
        j = len(self.col_lo) - 1
        if integer:
            self.integer.add(j)
        return j

    def vars(self, n: int, lo: float = 0.0, hi: float = INF) -> list[int]:
        """``n`` new continuous columns sharing bounds."""
        first = len(self.col_lo)
        self.col_lo.extend([lo] * n)
        self.col_hi.extend([hi] * n)
        return list(range(first, first + n))

    def row(self, terms: Iterable[tuple[int, float]], lo: float = -INF, hi: float = INF) -> int:
        """A new row ``lo <= sum(coef x col) <= hi``; its index. Repeated columns are summed."""
        merged: dict[int, float] = {}
        for j, a in terms:
            merged[j] = merged.get(j, 0.0) + a
        for j, a in merged.items():
            if a != 0.0:
                self.index.append(j)
                self.value.append(a)
        self.starts.append(len(self.index))
        self.row_lo.append(lo)
        self.row_hi.append(hi)
        return len(self.row_lo) - 1

    def rows(
        self, cols: Sequence[Sequence[int]], coefs: Sequence[Sequence[float]], lo: float, hi: float
    ) -> None:
        """Many rows ``lo <= sum(coef x col) <= hi`` at once; each row's columns must be distinct
        (nothing is merged: the fast path for rows built in bulk)."""
        for c, a in zip(cols, coefs, strict=True):
            self.index.extend(c)
            self.value.extend(a)
            self.starts.append(len(self.index))
        self.row_lo.extend([lo] * len(cols))
        self.row_hi.extend([hi] * len(cols))

    def set_bounds(self, j: int, lo: float, hi: float) -> None:
        """Change a column's bounds."""
        self.col_lo[j] = lo
        self.col_hi[j] = hi

    def set_objective(self, terms: Iterable[tuple[int, float]], maximize: bool) -> None:
        """Replace the objective (repeated columns are summed)."""
        self.cost = {}
        for j, a in terms:
            self.cost[j] = self.cost.get(j, 0.0) + a
        self.maximize = maximize

    def reordered(self, order: Sequence[int]) -> Program:
        """The programme over columns ``order`` (old indices, in their new order), rows as they are.

        Columns left out must have no coefficient in any row; their costs are dropped.
        """
        new = {j: k for k, j in enumerate(order)}
        return Program(
            maximize=self.maximize,
            col_lo=[self.col_lo[j] for j in order],
            col_hi=[self.col_hi[j] for j in order],
            integer={new[j] for j in self.integer if j in new},
            row_lo=list(self.row_lo),
            row_hi=list(self.row_hi),
            starts=list(self.starts),
            index=[new[j] for j in self.index],
            value=list(self.value),
            cost={new[j]: a for j, a in self.cost.items() if j in new},
            negate_max=self.negate_max,
            names=[self.names[j] for j in order] if self.names is not None else None,
        )

    def objective_value(self) -> float:
        """The objective at ``x``."""
        return sum(a * self.x[j] for j, a in self.cost.items())

    def solve(
        self, solver: str = "auto", time_limit: float = DEFAULT_TIME_LIMIT, gap_rel: float | None = None
    ) -> SolveOutcome:
        """Solve with HiGHS (CBC when asked, or when HiGHS fails under ``auto``)."""
        from planner.model.solver import resolve_solver_name

        name = resolve_solver_name(solver)
        if self.n_rows == 0:
            return self._no_rows()
        order = [name] if solver.lower() != "auto" or name == "cbc" else ["highs", "cbc"]
        last: Exception | None = None
        for candidate in order:
            try:
                if candidate == "highs":
                    return self._highs(time_limit, gap_rel)
                return self._cbc(time_limit, gap_rel)
            except (RuntimeError, SolverError) as exc:  # a solver that crashed, not a verdict
                last = exc
        from planner.i18n import _

        raise SolverError(_("every solver failed: {error}").format(error=last))

    # -- HiGHS -------------------------------------------------------------------------------------

    def _highs_model(self, time_limit: float, gap_rel: float | None) -> Any:
        import highspy
        import numpy as np

        with quiet_stdout():
            h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("random_seed", RANDOM_SEED)
        h.setOptionValue("time_limit", float(time_limit))
        if gap_rel is not None:
            h.setOptionValue("mip_rel_gap", float(gap_rel))
        n = self.n_cols
        h.addVars(n, np.asarray(self.col_lo, dtype=np.float64), np.asarray(self.col_hi, dtype=np.float64))
        if self.n_rows:
            h.addRows(
                self.n_rows,
                np.asarray(self.row_lo, dtype=np.float64),
                np.asarray(self.row_hi, dtype=np.float64),
                len(self.index),
                np.asarray(self.starts[:-1], dtype=np.int32),
                np.asarray(self.index, dtype=np.int32),
                np.asarray(self.value, dtype=np.float64),
            )
        negate = self.negate_max and self.maximize
        if negate:
            h.changeColsCost(
                n,
                np.arange(n, dtype=np.int32),
                np.asarray([-1.0 * self.cost.get(j, 0.0) for j in range(n)], dtype=np.float64),
            )
        elif self.cost:
            cols = sorted(self.cost)
            h.changeColsCost(
                len(cols),
                np.asarray(cols, dtype=np.int32),
                np.asarray([self.cost[j] for j in cols], dtype=np.float64),
            )
        sense = highspy.ObjSense.kMaximize if self.maximize and not negate else highspy.ObjSense.kMinimize
        h.changeObjectiveSense(sense)
        if self.integer:
            cols = sorted(self.integer)
            h.changeColsIntegrality(
                len(cols),
                np.asarray(cols, dtype=np.int32),
                np.asarray([highspy.HighsVarType.kInteger] * len(cols)),
            )
        return h

    def _highs(self, time_limit: float, gap_rel: float | None) -> SolveOutcome:
        import highspy

        h = self._highs_model(time_limit, gap_rel)
        with quiet_stdout():
            h.run()
        ms = h.getModelStatus()
        kind = highspy.HighsModelStatus
        status = SolveStatus.NOT_SOLVED
        if ms == kind.kOptimal:
            status = SolveStatus.OPTIMAL
        elif ms in (kind.kInfeasible, kind.kUnboundedOrInfeasible):
            status = SolveStatus.INFEASIBLE
        elif ms == kind.kUnbounded:
            status = SolveStatus.UNBOUNDED
        elif ms == kind.kTimeLimit and self.integer and h.getInfo().primal_solution_status == 2:
            # A MIP stopped by the time limit with a feasible incumbent is still a plan (as pulp reads it).
            status = SolveStatus.OPTIMAL
        if not status.is_ok:
            return SolveOutcome(status, "highs", None)
        sol = h.getSolution()
        self.x = list(sol.col_value)
        # HiGHS's row duals are d(objective)/d(rhs) of the objective it was given, in either sense; a
        # maximisation handed over as the minimisation of its negation gets them negated back.
        duals = list(sol.row_dual) if sol.dual_valid else [0.0] * self.n_rows
        self.duals = [-d for d in duals] if self.maximize and self.negate_max else duals
        return SolveOutcome(status, "highs", self.objective_value())

    def _no_rows(self) -> SolveOutcome:
        """A programme of bounds alone (HiGHS calls it empty): each column at its better bound."""
        x = []
        for j in range(self.n_cols):
            a = self.cost.get(j, 0.0) * (-1.0 if self.maximize else 1.0)  # minimise a x
            best = self.col_lo[j] if a > 0 else self.col_hi[j] if a < 0 else max(self.col_lo[j], 0.0)
            if math.isinf(best):
                if a != 0.0:
                    return SolveOutcome(SolveStatus.UNBOUNDED, "highs", None)
                best = 0.0 if self.col_lo[j] <= 0.0 <= self.col_hi[j] else self.col_lo[j]
            x.append(best)
        self.x = x
        self.duals = []
        return SolveOutcome(SolveStatus.OPTIMAL, "highs", self.objective_value())

    # -- CBC through pulp ----------------------------------------------------------------------------

    def _cbc(self, time_limit: float, gap_rel: float | None) -> SolveOutcome:
        """CBC on the programme built as pulp objects named by ``names`` (pulp writes CBC's file with
        the columns in the order of their names). A ranged row is two constraints; its dual is theirs
        summed (at most one of them binds)."""
        import pulp

        from planner.model.solver import solve

        names = self.names if self.names is not None else [f"c{j}" for j in range(self.n_cols)]
        prob = pulp.LpProblem("planner", pulp.LpMaximize if self.maximize else pulp.LpMinimize)
        cols = [
            pulp.LpVariable(
                name,
                lowBound=None if math.isinf(lo) else lo,
                upBound=None if math.isinf(hi) else hi,
                cat=pulp.LpInteger if j in self.integer else pulp.LpContinuous,
            )
            for j, (name, lo, hi) in enumerate(zip(names, self.col_lo, self.col_hi, strict=True))
        ]
        prob.setObjective(pulp.LpAffineExpression([(cols[j], a) for j, a in self.cost.items()]))
        rows: list[list[Any]] = []
        for i in range(self.n_rows):
            span = range(self.starts[i], self.starts[i + 1])
            expr = pulp.LpAffineExpression([(cols[self.index[k]], self.value[k]) for k in span])
            lo, hi = self.row_lo[i], self.row_hi[i]
            if lo == hi:
                parts = [pulp.LpConstraint(expr, pulp.LpConstraintEQ, f"r{i}", lo)]
            else:
                parts = []
                if not math.isinf(lo):
                    parts.append(pulp.LpConstraint(expr, pulp.LpConstraintGE, f"r{i}", lo))
                if not math.isinf(hi):
                    name = f"r{i}" if not parts else f"r{i}_hi"
                    parts.append(pulp.LpConstraint(expr, pulp.LpConstraintLE, name, hi))
            for row in parts:
                prob += row
            rows.append(parts)
        out = solve(prob, "cbc", time_limit, gap_rel)
        if not out.status.is_ok:
            return SolveOutcome(out.status, "cbc", None)
        self.x = [float(v.value() or 0.0) for v in cols]
        self.duals = [sum(float(row.pi or 0.0) for row in parts) for parts in rows]
        return SolveOutcome(out.status, "cbc", self.objective_value())


def terms(cols: Sequence[int], coef: float = 1.0) -> list[tuple[int, float]]:
    """``coef x`` each of ``cols``, as row terms."""
    return [(j, coef) for j in cols]
