"""Choosing and running a solver: HiGHS (through highspy) by default, CBC as the fallback.

Every optimisation in planner goes through :func:`solve`, which keeps the process's stdout clean
(the HiGHS library prints a banner straight to file descriptor 1 when a solver is created, even
with ``msg=False``), normalises dual signs across solvers, and reports the outcome as a
:class:`SolveStatus` word instead of a solver-specific code.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from planner.errors import InputError, SolverError
from planner.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    import pulp

#: Names accepted by ``--solver``.
SOLVER_NAMES = ("auto", "highs", "cbc")
DEFAULT_TIME_LIMIT = 120.0


class SolveStatus(StrEnum):
    """What came of a solve, in words."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    NOT_SOLVED = "not_solved"

    @property
    def is_ok(self) -> bool:
        """True when the solution can be read."""
        return self is SolveStatus.OPTIMAL


@dataclass(frozen=True)
class SolveOutcome:
    """The solver's verdict and which solver gave it."""

    status: SolveStatus
    solver: str
    objective: float | None


_QUIET_LOCK = threading.Lock()
_quiet_depth = 0
_quiet_saved: int | None = None


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Send anything written to file descriptor 1 (C libraries included) to /dev/null meanwhile.

    Thread-safe: solves running in several threads (a Dask worker's) share one redirection, made
    by the first to enter and undone by the last to leave.
    """
    global _quiet_depth, _quiet_saved
    with _QUIET_LOCK:
        if _quiet_depth == 0:
            with contextlib.suppress(AttributeError, OSError, ValueError):
                sys.stdout.flush()  # what Python buffered goes out before fd 1 is swapped
            try:
                _quiet_saved = os.dup(1)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.close(devnull)
            except OSError:  # pragma: no cover - no fd 1 at all
                _quiet_saved = None
        _quiet_depth += 1
    try:
        yield
    finally:
        with _QUIET_LOCK:
            _quiet_depth -= 1
            if _quiet_depth == 0 and _quiet_saved is not None:
                os.dup2(_quiet_saved, 1)
                os.close(_quiet_saved)
                _quiet_saved = None


def _highs_available() -> bool:
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_solver_name(name: str) -> str:
    """``auto`` -> ``highs`` where highspy imports, else ``cbc``; refuses unknown names."""
    key = name.lower()
    if key not in SOLVER_NAMES:
        raise InputError(
            _("unknown solver {name}; expected one of {names}").format(
                name=repr(name), names=", ".join(SOLVER_NAMES)
            ),
            source="--solver",
        )
    if key == "auto":
        return "highs" if _highs_available() else "cbc"
    if key == "highs" and not _highs_available():
        raise SolverError(_("solver 'highs' needs the highspy package: pip install highspy"))
    return key


def _make(name: str, time_limit: float, gap_rel: float | None) -> Any:
    import pulp

    if name == "highs":
        kwargs: dict[str, Any] = {"msg": False, "timeLimit": time_limit, "threads": 1}
        if gap_rel is not None:
            kwargs["gapRel"] = gap_rel
        return pulp.HiGHS(**kwargs)
    kwargs = {"msg": False, "timeLimit": time_limit}
    if gap_rel is not None:
        kwargs["gapRel"] = gap_rel
    with warnings.catch_warnings():
        # PuLP 3.x deprecates its bundled CBC in favour of pulp[cbc]; it still works and ships with pulp.
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(**kwargs)


def solve(
    problem: pulp.LpProblem,
    solver: str = "auto",
    time_limit: float = DEFAULT_TIME_LIMIT,
    gap_rel: float | None = None,
) -> SolveOutcome:
    """Solve ``problem`` in place and say how it went.

    Duals (``constraint.pi``) are left as d(objective)/d(right-hand side) whichever solver ran.
    With ``solver="auto"`` a HiGHS failure is retried once with CBC.
    """
    import pulp

    name = resolve_solver_name(solver)
    order = [name] if solver.lower() != "auto" or name == "cbc" else ["highs", "cbc"]
    last_error: Exception | None = None
    for candidate in order:
        try:
            with quiet_stdout():
                code = problem.solve(_make(candidate, time_limit, gap_rel))
        except pulp.PulpSolverError as exc:
            last_error = exc
            continue
        status = _status(problem, code)
        if candidate == "highs" and problem.sense == pulp.LpMaximize:
            for constraint in _constraints(problem):
                if constraint.pi is not None:
                    constraint.pi = -constraint.pi
        objective = pulp.value(problem.objective) if status.is_ok else None
        return SolveOutcome(status, candidate, objective)
    raise SolverError(_("every solver failed: {error}").format(error=last_error))


def _constraints(problem: pulp.LpProblem) -> list[Any]:
    """The problem's constraint objects (PuLP 3.x deprecates the mapping view)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return list(problem.constraints.values())


def constraint(problem: pulp.LpProblem, name: str) -> Any:
    """The constraint called ``name`` (KeyError if absent), without PuLP's deprecation noise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return problem.constraints[name]


def has_constraint(problem: pulp.LpProblem, name: str) -> bool:
    """Whether ``problem`` has a constraint called ``name``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return name in problem.constraints


def _status(problem: pulp.LpProblem, code: int) -> SolveStatus:
    import pulp

    if code == pulp.LpStatusOptimal and problem.sol_status in (
        pulp.LpSolutionOptimal,
        pulp.LpSolutionIntegerFeasible,
    ):
        return SolveStatus.OPTIMAL
    if code == pulp.LpStatusInfeasible:
        return SolveStatus.INFEASIBLE
    if code == pulp.LpStatusUnbounded:
        return SolveStatus.UNBOUNDED
    return SolveStatus.NOT_SOLVED
