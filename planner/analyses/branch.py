"""One branch, one answer: plan, schedule, boundaries, the call centre and hiring from one reading.

``planner branch`` reads the scenario and the roster once and runs every analysis a channel
director needs for one branch (分公司); :func:`analyse_branch` gathers their results into one
:class:`BranchResult`, which feeds the terminal summary, ``branch.json``, ``branch.xlsx`` and
``report.html`` alike.

Branch totals add the call centre's agents (FTE, from :mod:`planner.analyses.callcentre`) to the
managers the plan needs: the "+1" channel is part of the branch's headcount and cost. The scenario
gives no count of today's agents, so "today" counts the call centre at its planned FTE
(``callcentre_today_basis = "planned"``) and the gap against today is the managers' only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planner.model.solver import SolveStatus

if TYPE_CHECKING:  # pragma: no cover
    from planner.analyses.boundary import BoundaryReport
    from planner.analyses.callcentre import CallCentreResult, OutboundResult
    from planner.analyses.hiring import HiringResult
    from planner.analyses.schedule import Customers, ScheduleResult
    from planner.data.assumptions import Assumption
    from planner.data.roster import Roster
    from planner.data.scenario import Scenario
    from planner.model.headcount import PlanResult

#: How many of the worst coverage gaps the headline names.
WORST_GAPS = 3
#: Coverage within this of 1 counts as met.
COVERAGE_TOL = 1e-6


@dataclass(frozen=True)
class BranchTotals:
    """Heads and annual cost of the whole branch: field managers plus call-centre agents.

    ``*_required`` are what the plan (and the call centre's shift plan) need; ``*_today`` today's
    managers plus the call centre at its planned FTE (the scenario has no agent count). Costs are
    CNY a year.
    """

    managers_required: int
    managers_today: int
    agents: float
    heads_required: float
    heads_today: float
    gap: float
    managers_cost_required: float
    managers_cost_today: float
    agents_cost: float
    cost_required: float
    cost_today: float
    callcentre_today_basis: str


@dataclass(frozen=True)
class CoverageGap:
    """One tier below its standard at today's headcount (and at the plan's, when short there too)."""

    tier: str
    label: str | None
    customers: int
    coverage_today: float
    coverage_planned: float
    visits_today: float | None
    required_visits: int
    calls_today: float | None
    required_calls: int


@dataclass(frozen=True)
class BranchResult:
    """Everything ``planner branch`` reports; the analyses' own results are kept whole."""

    scenario: str
    year: int
    headcount: str
    status: SolveStatus
    plan_status: SolveStatus
    schedule_status: SolveStatus | None
    callcentre_status: SolveStatus | None
    hiring_status: SolveStatus | None
    totals: BranchTotals
    gaps: list[CoverageGap]
    plan: PlanResult
    schedule: ScheduleResult | None
    boundary: BoundaryReport
    callcentre: CallCentreResult | None
    hiring: HiringResult | None
    assumptions: list[Assumption]
    roster: str | None = None
    remedy: str | None = None
    outbound: OutboundResult | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every analysis that ran found its answer."""
        return self.status.is_ok

    def worst_gaps(self, n: int = WORST_GAPS) -> list[CoverageGap]:
        """The ``n`` tiers furthest below their standard at today's headcount."""
        return self.gaps[:n]

    def to_dict(self) -> dict[str, Any]:
        """The ``branch.json`` document (keys listed in the README, planner branch)."""
        from dataclasses import asdict

        from planner.report.export import plain

        return {
            "scenario": self.scenario,
            "year": self.year,
            "headcount": self.headcount,
            "roster": self.roster,
            "remedy": self.remedy,
            "status": self.status.value,
            "statuses": {
                "plan": self.plan_status.value,
                "schedule": None if self.schedule_status is None else self.schedule_status.value,
                "callcentre": None if self.callcentre_status is None else self.callcentre_status.value,
                "hiring": None if self.hiring_status is None else self.hiring_status.value,
            },
            "totals": asdict(self.totals),
            "gaps": [asdict(g) for g in self.gaps],
            "plan": plain(self.plan),
            "schedule": None if self.schedule is None else plain(self.schedule),
            "boundary": plain(self.boundary),
            "callcentre": None if self.callcentre is None else plain(self.callcentre),
            "outbound": None if self.outbound is None else plain(self.outbound),
            "hiring": None if self.hiring is None else plain(self.hiring),
            "assumptions": [asdict(a) for a in self.assumptions],
            "warnings": list(self.warnings),
        }


def _status(word: Any) -> SolveStatus:
    try:
        return SolveStatus(str(getattr(word, "value", word)))
    except ValueError:
        return SolveStatus.NOT_SOLVED


def branch_totals(plan: PlanResult, callcentre: CallCentreResult | None) -> BranchTotals:
    """Managers (the plan's) plus agents (the call centre's FTE), heads and cost."""
    agents = float(callcentre.fte) if callcentre is not None and callcentre.ok else 0.0
    agents_cost = float(callcentre.annual_cost) if callcentre is not None and callcentre.ok else 0.0
    required = plan.total_headcount + agents
    today = plan.current_total_headcount + agents
    return BranchTotals(
        managers_required=plan.total_headcount,
        managers_today=plan.current_total_headcount,
        agents=agents,
        heads_required=required,
        heads_today=today,
        gap=required - today,
        managers_cost_required=plan.total_cost,
        managers_cost_today=plan.current_total_cost,
        agents_cost=agents_cost,
        cost_required=plan.total_cost + agents_cost,
        cost_today=plan.current_total_cost + agents_cost,
        callcentre_today_basis="planned" if callcentre is not None else "none",
    )


def coverage_gaps(plan: PlanResult) -> list[CoverageGap]:
    """Tiers short of their standard at today's headcount (or in the plan), worst first."""
    gaps: list[CoverageGap] = []
    for t in plan.tiers:
        today = t.coverage if t.coverage_at_current is None else t.coverage_at_current
        if today >= 1 - COVERAGE_TOL and t.coverage >= 1 - COVERAGE_TOL:
            continue
        visits = t.visits_at_current if t.coverage_at_current is not None else t.delivered_visits
        calls = t.calls_at_current if t.coverage_at_current is not None else t.delivered_calls
        gaps.append(
            CoverageGap(
                tier=t.key,
                label=t.label,
                customers=t.customers,
                coverage_today=today,
                coverage_planned=t.coverage,
                visits_today=visits,
                required_visits=t.required_visits,
                calls_today=calls,
                required_calls=t.required_calls,
            )
        )
    return sorted(gaps, key=lambda g: (g.coverage_today, g.coverage_planned, g.tier))


Side = tuple[
    "PlanResult", "OutboundResult | None", "BoundaryReport", "CallCentreResult | None", "HiringResult | None"
]


@dataclass(frozen=True)
class _SideJob:
    """Plan, boundary, call centre and hiring: the analyses that need no schedule."""

    scenario: Scenario
    roster: Roster | None
    remedy: Scenario | None
    headcount: str
    year: int
    solver: str

    def run(self) -> Side:
        from planner.analyses.boundary import analyse_boundaries
        from planner.analyses.callcentre import analyse_callcentre
        from planner.analyses.plan import branch_plan

        sc, solver = self.scenario, self.solver
        planned, outbound = branch_plan(sc, headcount=self.headcount, solver=solver, year=self.year)
        boundary = analyse_boundaries(
            sc, solver=solver, roster=self.roster, remedy=self.remedy, year=self.year
        )
        callcentre = analyse_callcentre(sc, solver=solver) if sc.spec.callcentre is not None else None
        hiring = None
        if sc.spec.hiring is not None:
            from planner.analyses.hiring import hiring_plan

            # The hire's roles' efficiency comes from plan's required heads: reuse this plan when it
            # is that one (required heads, no outbound agents among its roles; hiring_plan checks the
            # year) rather than solving it twice.
            reuse = planned if outbound is None and self.headcount == "required" else None
            hiring = hiring_plan(sc, solver=solver, planned=reuse)
        return planned, outbound, boundary, callcentre, hiring


#: The job a forked worker runs: set before the fork, so the child inherits it (the roster is
#: not copied through a pipe).
_FORKED_JOB: _SideJob | None = None


def _run_forked_job() -> Side:
    assert _FORKED_JOB is not None
    return _FORKED_JOB.run()


def _start_side(job: _SideJob) -> Any:
    """Start ``job`` in a forked process: (pool, future), or None where fork is unavailable."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _FORKED_JOB
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    _FORKED_JOB = job
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        return pool, pool.submit(_run_forked_job)
    except (OSError, ValueError):
        _FORKED_JOB = None
        return None


def _finish_side(pending: Any, job: _SideJob) -> Side:
    """The forked job's results; run here when it was not started or did not come back."""
    global _FORKED_JOB
    if pending is None:
        return job.run()
    pool, future = pending
    try:
        result: Side = future.result()
        return result
    except Exception:  # a lost worker or an error that did not survive pickling: do it here
        return job.run()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _FORKED_JOB = None


def _abandon_side(pending: Any) -> None:
    """Stop waiting for a forked job: cancel it and let its process end on its own."""
    global _FORKED_JOB
    if pending is not None:
        pool, future = pending
        future.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
    _FORKED_JOB = None


def analyse_branch(
    scenario: Scenario,
    *,
    roster: Roster | None = None,
    customers: Customers | None = None,
    remedy: Scenario | None = None,
    headcount: str = "required",
    year: int | None = None,
    solver: str = "auto",
    with_schedule: bool = True,
    progress: Callable[[str], None] | None = None,
    parallel: bool = True,
) -> BranchResult:
    """Run plan, the dated schedule, boundary (and the remedy), the call centre and hiring.

    Parameters
    ----------
    scenario
        A validated scenario, its customers per tier already the roster's when there is one.
    roster, customers
        The roster read once (for the customers near each boundary) and its accepted rows as
        :class:`~planner.analyses.schedule.Customers` (for the schedule); None: synthetic ids.
    remedy
        A remedy scenario for the boundary's before/after (same customers as ``scenario``).
    headcount
        ``required`` or ``current``, as for ``plan`` and ``schedule``.
    year, solver
        The plan year (default: the scenario's) and the solver choice.
    with_schedule
        False skips the dated schedule (its status is then None).
    progress
        Called with each step's name as it starts, and with ``done`` at the end.
    parallel
        With the schedule, run the other analyses in a forked process meanwhile (where the
        platform forks; otherwise, or when that process fails, they run here afterwards).
    """
    from planner.data.assumptions import scenario_assumptions
    from planner.model.headcount import plan_year

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    the_year = plan_year(scenario, year)
    job = _SideJob(scenario, roster, remedy, headcount, the_year, solver)
    schedule = None
    if with_schedule:
        # The schedule (the longest step) runs here while a forked process (the second core) runs
        # plan, boundary, the call centre and hiring, whose results are small to send back.
        step("schedule + plan, boundary, callcentre, hiring")
        pending = _start_side(job) if parallel else None
        from planner.analyses.schedule import build_schedule

        try:
            schedule = build_schedule(
                scenario,
                year=the_year,
                headcount=headcount,  # type: ignore[arg-type]
                customers=customers,
                solver=solver,
            )
        except BaseException:  # an error or an interrupt here: do not wait for the other process
            _abandon_side(pending)
            raise
        side = _finish_side(pending, job)
    else:
        step("plan, boundary, callcentre, hiring")
        side = job.run()
    planned, outbound, boundary, callcentre, hiring = side
    warnings: list[str] = []
    for found in (planned, schedule, boundary, callcentre, hiring):
        if found is not None:
            warnings.extend(w for w in found.warnings if w not in warnings)

    statuses = [
        _status(planned.status),
        None if schedule is None else _status(schedule.status),
        None if callcentre is None else _status(callcentre.status),
        None if hiring is None else _status(hiring.status),
    ]
    step("assumptions")
    assumptions = scenario_assumptions(scenario)
    step("done")
    worst = next((s for s in statuses if s is not None and not s.is_ok), SolveStatus.OPTIMAL)
    return BranchResult(
        scenario=scenario.name,
        year=the_year,
        headcount=headcount,
        status=worst,
        plan_status=statuses[0] or SolveStatus.NOT_SOLVED,
        schedule_status=statuses[1],
        callcentre_status=statuses[2],
        hiring_status=statuses[3],
        totals=branch_totals(planned, callcentre),
        gaps=coverage_gaps(planned),
        plan=planned,
        schedule=schedule,
        boundary=boundary,
        callcentre=callcentre,
        hiring=hiring,
        assumptions=assumptions,
        roster=None if roster is None else str(roster.source),
        remedy=None if remedy is None else remedy.name,
        outbound=outbound,
        warnings=[w for w in warnings if w not in scenario.warnings],
    )
