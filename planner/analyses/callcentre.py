"""The 10000 call centre: agents per interval (Erlang C), a least-cost shift plan, and outbound work.

Three questions, answered in order:

1. **Staffing.** For each half-hour (or hour) of each day type, the fewest productive agents that
   meet the service target and the occupancy cap (:mod:`planner.model.erlang`), and the on-shift
   agents that leaves after shrinkage: ``ceil(agents / (1 - shrinkage))``. The day types are a
   weekday and a weekend day counted ``days_open_per_year``; with ``callcentre.profiles``, those of
   the plan year's China calendar (:func:`planner.data.callcentre.year_day_types`).
2. **Shifts.** Per day type, a :class:`planner.model.shifts.ShiftProblem` (how many agents start each
   template x start time so every interval has at least its on-shift requirement, at least paid
   hours: all agents cost the same per hour, so least paid hours is least cost), solved by
   :func:`planner.model.shifts.solve_shifts`; this module builds it and shapes the answer. FTE =
   paid hours a year / ``paid_hours_per_agent_year``; annual cost = FTE x ``cost_per_agent_year``.
3. **Channel mix.** Agents scheduled beyond what inbound needs (the shift plan's over-staffing, after
   shrinkage) are spare; inside the outbound calling window that spare time may make the routine
   phone contacts of the tiers ``outbound.serves`` names. The core headcount model takes it as one
   more role, calls only, whose capacity is those spare hours (``Role.fixed_hours``); comparing the
   plan with and without that role gives the field heads it frees. The agents Erlang C needs for
   inbound are never used: their idle time is what keeps the queue short.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from planner.data.callcentre import (
    DAY_TYPES,
    PROFILE_BASE,
    CallCentre,
    Shift,
    load_callcentre,
    year_day_types,
)
from planner.model.erlang import Target, exact, offered_load, required_agents, service
from planner.model.shifts import ShiftOption, ShiftProblem, ShiftSolution, solve_shifts
from planner.model.solver import DEFAULT_TIME_LIMIT, SolveStatus

if TYPE_CHECKING:  # pragma: no cover
    from planner.data.callcentre import ErlangQuery
    from planner.data.scenario import Scenario
    from planner.model.headcount import PlanResult

#: Role id the outbound work takes in the headcount model.
OUTBOUND_ROLE = "callcentre_outbound"


@dataclass(frozen=True)
class IntervalResult:
    """One interval of one day type.

    ``agents_erlang`` productive agents meet the target and occupancy cap; ``agents_required`` is
    that after shrinkage (what must be on shift); ``service_level``, ``asa_seconds``,
    ``occupancy`` and ``p_wait`` are what the scheduled agents achieve after shrinkage;
    ``spare_agent_hours`` is scheduled productive time beyond ``agents_erlang`` in the interval.
    """

    day_type: str
    start: str
    calls: float
    erlangs: float
    agents_erlang: int
    agents_required: int
    agents_scheduled: int
    over: int
    under: int
    service_level: float
    asa_seconds: float
    occupancy: float
    p_wait: float
    spare_agent_hours: float
    outbound_window: bool


@dataclass(frozen=True)
class ShiftResult:
    """Agents starting one shift template at one time on one day type."""

    day_type: str
    template: str
    start: str
    length_hours: float
    paid_hours: float
    unpaid_break_minutes: float
    agents: int


@dataclass(frozen=True)
class DayResult:
    """Totals of one day type (per day) and how many such days a year."""

    day_type: str
    days_per_year: int
    calls: float
    agents_on_shift_peak: int
    paid_agent_hours: float
    required_agent_hours: float
    scheduled_agent_hours: float
    spare_agent_hours: float
    outbound_hours: float
    status: SolveStatus


@dataclass(frozen=True)
class TierHours:
    """Hours a year of one tier's phone contacts the call centre makes."""

    tier: str
    hours: float


@dataclass(frozen=True)
class OutboundResult:
    """What the call centre's spare time does to the field plan.

    ``freed_heads`` maps each field role to heads needed without outbound minus heads needed with
    it (positive: freed); the totals are over field roles only.
    """

    serves: list[str]
    window: str
    available_hours: float
    absorbed_hours: float
    by_tier: list[TierHours]
    freed_heads: dict[str, int]
    freed_total: int
    cost_saving: float
    mode_without: str
    mode_with: str
    status: SolveStatus


@dataclass(frozen=True)
class DayTypeProfile:
    """One day type of a profiled plan year: what its calls are, and the agents it needs."""

    day_type: str
    #: The plain curve it builds on and whose shift templates it uses: weekday or weekend.
    base: str
    #: How its calls are made: ``plain weekday curve``, ``weekday x 1.2``, ``weekday; 17:00-22:00 x 1.3``,
    #: ``own curve``.
    profile: str
    days_per_year: int
    #: Agents working that day (the sum of the shift plan's starts).
    agents: int
    agents_on_shift_peak: int
    #: Start of the first interval with the most agents on shift.
    peak_at: str
    paid_agent_hours: float


@dataclass(frozen=True)
class ProfileResult:
    """The day types of a profiled plan year and the peak day.

    ``peak_day`` needs the most agents on shift at once (ties: more paid hours, then the earlier
    day type in ``day_types`` order).
    """

    year: int
    peak_day: str
    day_types: list[DayTypeProfile]


@dataclass(frozen=True)
class CallCentreResult:
    """Everything ``planner callcentre`` shows."""

    scenario: str
    status: SolveStatus
    interval_minutes: int
    target: str
    aht_seconds: float
    max_occupancy: float
    shrinkage: float
    intervals: list[IntervalResult]
    shifts: list[ShiftResult]
    days: list[DayResult]
    paid_hours_per_year: float
    fte: float
    annual_cost: float
    outbound_hours_available: float
    outbound_hours_absorbed: float
    outbound: OutboundResult | None = None
    warnings: list[str] = field(default_factory=list)
    #: Only with ``callcentre.profiles`` (and only then in the JSON).
    profiles: ProfileResult | None = None

    @property
    def ok(self) -> bool:
        """True when every day type has a shift plan."""
        return self.status is SolveStatus.OPTIMAL

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (the keys the README, planner callcentre lists)."""
        data = asdict(self)
        if self.profiles is None:
            del data["profiles"]
        return data


@dataclass(frozen=True)
class ErlangResult:
    """``planner erlang``: one interval's productive agents, on-shift agents and the service they give.

    ``service_level``, ``asa_seconds``, ``occupancy`` and ``p_wait`` are at ``agents``.
    """

    erlangs: float
    agents: int
    agents_with_shrinkage: int
    service_level: float
    asa_seconds: float
    occupancy: float
    p_wait: float
    target: str
    agents_for_occupancy: int


def erlang_calculator(q: ErlangQuery) -> ErlangResult:
    """The quick one-interval calculator behind ``planner erlang``."""
    a = offered_load(exact(q.calls), exact(q.interval_minutes) * 60, exact(q.aht_seconds))
    if q.target is not None:
        target = Target("service_level", q.target, q.answer_within_seconds)
    else:
        assert q.asa_target_seconds is not None  # one of the two, checked by erlang_query
        target = Target("asa", q.asa_target_seconds, q.answer_within_seconds)
    st = required_agents(a, q.aht_seconds, target, max_occupancy=q.max_occupancy, shrinkage=q.shrinkage)
    s = st.service
    return ErlangResult(
        erlangs=float(a),
        agents=st.agents,
        agents_with_shrinkage=st.agents_with_shrinkage,
        service_level=s.service_level,
        asa_seconds=s.asa_seconds,
        occupancy=s.occupancy,
        p_wait=s.p_wait,
        target=describe_target(target),
        agents_for_occupancy=st.occupancy_floor,
    )


def target_of(cc: CallCentre) -> Target:
    """The scenario's service target as an Erlang :class:`Target`."""
    spec = cc.spec
    if spec.service_level_target is not None:
        return Target("service_level", spec.service_level_target, spec.answer_within_seconds)
    assert spec.asa_target_seconds is not None  # one of the two, checked when loaded
    return Target("asa", spec.asa_target_seconds, spec.answer_within_seconds)


def describe_target(t: Target) -> str:
    """``80% answered within 20 s`` or ``ASA <= 30 s``."""
    if t.kind == "service_level":
        return f"{t.value:.0%} answered within {t.answer_within_seconds:g} s"
    return f"ASA <= {t.value:g} s"


@dataclass(frozen=True)
class _DayType:
    """One kind of day the centre plans: its name, the plain curve and shifts it uses, its calls."""

    name: str
    base: str
    days_per_year: int
    calls: tuple[float, ...]


def _day_types(cc: CallCentre, year: int | None) -> list[_DayType]:
    """Weekday and weekend as ``days_open_per_year`` counts them; with profiles, the plan year's."""
    if not cc.profiled:
        return [_DayType(day, day, cc.days(day), cc.calls[day]) for day in DAY_TYPES]
    assert year is not None
    return [
        _DayType(name, base, n, cc.profile_calls[name] if name in cc.profile_calls else cc.calls[name])
        for name, base, n in year_day_types(year, cc.profile_calls)
    ]


def _plan_year(scenario: Scenario, year: int | None) -> int:
    """``year``, else the scenario's ``year``, else next calendar year (checked: 2001..2099)."""
    from planner.model.headcount import plan_year

    return plan_year(scenario, year)


def describe_profile(cc: CallCentre, day_type: str) -> str:
    """How a day type's calls are made, in words: ``weekday x 1.2; 17:00-22:00 x 1.3``."""
    profiles = cc.spec.profiles or {}
    profile = profiles.get(day_type)
    if profile is None:
        return f"plain {day_type} curve"
    if profile.calls is not None:
        return "own curve"
    base = PROFILE_BASE[day_type]
    parts = [base if profile.scale == 1 and profile.windows else f"{base} x {profile.scale:g}"]
    parts += [f"{w.start}-{w.end} x {w.scale:g}" for w in profile.windows]
    return "; ".join(parts)


def _profile_result(
    cc: CallCentre,
    year: int,
    day_types: list[_DayType],
    days: list[DayResult],
    intervals: list[IntervalResult],
    shifts: list[ShiftResult],
) -> ProfileResult:
    """Per day type: the profile in words, agents working, the peak and when; and the peak day."""
    rows: list[DayTypeProfile] = []
    for day_type, day in zip(day_types, days, strict=True):
        on_shift = [i for i in intervals if i.day_type == day_type.name]
        peak = max(on_shift, key=lambda i: i.agents_scheduled)  # the first of equals
        rows.append(
            DayTypeProfile(
                day_type=day_type.name,
                base=day_type.base,
                profile=describe_profile(cc, day_type.name),
                days_per_year=day_type.days_per_year,
                agents=sum(s.agents for s in shifts if s.day_type == day_type.name),
                agents_on_shift_peak=day.agents_on_shift_peak,
                peak_at=peak.start,
                paid_agent_hours=day.paid_agent_hours,
            )
        )
    order = {r.day_type: k for k, r in enumerate(rows)}
    top = max(rows, key=lambda r: (r.agents_on_shift_peak, r.paid_agent_hours, -order[r.day_type]))
    return ProfileResult(year=year, peak_day=top.day_type, day_types=rows)


def _staff(cc: CallCentre, calls: tuple[float, ...]) -> list[tuple[float, Fraction, Any]]:
    """Per interval of one day: (calls, Erlangs, Staffing)."""
    spec = cc.spec
    target = target_of(cc)
    seconds = cc.interval_minutes * 60
    rows = []
    for c in calls:
        a = offered_load(c, seconds, spec.aht_seconds)
        st = required_agents(
            a, spec.aht_seconds, target, max_occupancy=spec.max_occupancy, shrinkage=spec.shrinkage
        )
        rows.append((c, a, st))
    return rows


def _shift_plan(
    cc: CallCentre, day: _DayType, required: list[int], solver: str, time_limit: float
) -> tuple[list[Shift], ShiftSolution]:
    """The shifts ``day`` may use and the least-cost plan covering ``required`` on-shift agents."""
    shifts = [s for s in cc.shifts if s.day_type == day.base]
    problem = ShiftProblem(
        required=tuple(required),
        shifts=tuple(ShiftOption(s.paid_hours, s.length_hours, s.covers) for s in shifts),
        name=f"shifts_{day.name}",
    )
    return shifts, solve_shifts(problem, solver, time_limit)


def analyse_callcentre(
    scenario: Scenario,
    *,
    solver: str = "auto",
    time_limit: float = DEFAULT_TIME_LIMIT,
    with_outbound: bool = True,
    year: int | None = None,
) -> CallCentreResult:
    """Staff the scenario's call centre, plan its shifts and (if enabled) its outbound work.

    With ``callcentre.profiles``, every day type of the plan year (``year``, else the scenario's,
    else next year) is planned, counted in that year's China calendar; without, a weekday and a
    weekend day counted ``days_open_per_year`` (``year`` is then unused).

    Raises
    ------
    InputError
        When the scenario has no ``callcentre:`` section or it is inconsistent (see
        :func:`planner.data.callcentre.load_callcentre`), or ``year`` is out of range.
    """
    cc = load_callcentre(scenario)
    spec = cc.spec
    plan_year = _plan_year(scenario, year) if cc.profiled else None
    day_types = _day_types(cc, plan_year)
    keep = 1 - exact(spec.shrinkage)
    hours = cc.interval_minutes / 60
    outbound = spec.outbound if spec.outbound is not None and spec.outbound.enabled else None
    intervals: list[IntervalResult] = []
    shifts: list[ShiftResult] = []
    days: list[DayResult] = []
    status = SolveStatus.OPTIMAL
    for day_type in day_types:
        day = day_type.name
        rows = _staff(cc, day_type.calls)
        required = [st.agents_with_shrinkage for _, _, st in rows]
        day_shifts, plan = _shift_plan(cc, day_type, required, solver, time_limit)
        if not plan.ok:
            status = plan.status
        scheduled = plan.scheduled
        for s, n in zip(day_shifts, plan.starts, strict=True):
            if n:
                row = (s.template, s.start, s.length_hours, s.paid_hours, s.unpaid_break_minutes, n)
                shifts.append(ShiftResult(day, *row))
        spare_total = outbound_total = 0.0
        for i, ((calls, a, st), sched) in enumerate(zip(rows, scheduled, strict=True)):
            productive_exact = sched * keep
            productive = math.floor(productive_exact)
            got = service(productive, a, spec.aht_seconds, spec.answer_within_seconds)
            spare = max(0.0, float(productive_exact - st.agents)) * hours
            start_minutes = i * cc.interval_minutes
            window = outbound is not None and outbound.in_window(start_minutes)
            spare_total += spare
            outbound_total += spare if window else 0.0
            intervals.append(
                IntervalResult(
                    day_type=day,
                    start=cc.interval_start(i),
                    calls=calls,
                    erlangs=float(a),
                    agents_erlang=st.agents,
                    agents_required=st.agents_with_shrinkage,
                    agents_scheduled=sched,
                    over=max(0, sched - st.agents_with_shrinkage),
                    under=max(0, st.agents_with_shrinkage - sched),
                    service_level=got.service_level,
                    asa_seconds=got.asa_seconds,
                    occupancy=got.occupancy,
                    p_wait=got.p_wait,
                    spare_agent_hours=spare,
                    outbound_window=window,
                )
            )
        days.append(
            DayResult(
                day_type=day,
                days_per_year=day_type.days_per_year,
                calls=sum(r[0] for r in rows),
                agents_on_shift_peak=max(scheduled, default=0),
                paid_agent_hours=plan.paid_hours,
                required_agent_hours=sum(required) * hours,
                scheduled_agent_hours=sum(scheduled) * hours,
                spare_agent_hours=spare_total,
                outbound_hours=outbound_total,
                status=plan.status,
            )
        )
    paid_year = sum(d.paid_agent_hours * d.days_per_year for d in days)
    fte = paid_year / spec.paid_hours_per_agent_year
    available = sum(d.outbound_hours * d.days_per_year for d in days) if status.is_ok else 0.0
    result = CallCentreResult(
        scenario=scenario.name,
        status=status,
        interval_minutes=cc.interval_minutes,
        target=describe_target(target_of(cc)),
        aht_seconds=spec.aht_seconds,
        max_occupancy=spec.max_occupancy,
        shrinkage=spec.shrinkage,
        intervals=intervals,
        shifts=shifts,
        days=days,
        paid_hours_per_year=paid_year,
        fte=fte,
        annual_cost=fte * spec.cost_per_agent_year,
        outbound_hours_available=available,
        outbound_hours_absorbed=0.0,
        warnings=list(scenario.warnings),
        profiles=(
            None if plan_year is None else _profile_result(cc, plan_year, day_types, days, intervals, shifts)
        ),
    )
    if outbound is not None and with_outbound and status.is_ok:
        out = compare_outbound(scenario, result, solver=solver, time_limit=time_limit, year=year)[1]
        from dataclasses import replace

        result = replace(result, outbound=out, outbound_hours_absorbed=out.absorbed_hours)
    return result


def outbound_scenario(scenario: Scenario, available_hours: float) -> Scenario:
    """``scenario`` plus the call centre's outbound role (calls only, ``available_hours`` a year)."""
    from planner.data.scenario import Role, Scenario
    from planner.errors import InputError
    from planner.i18n import _

    spec = scenario.spec.callcentre
    assert spec is not None and spec.outbound is not None
    if OUTBOUND_ROLE in scenario.roles:
        raise InputError(
            _("role id {role} is reserved for the call centre's outbound work; rename the role").format(
                role=repr(OUTBOUND_ROLE)
            ),
            source=scenario.document.source if scenario.document else scenario.name,
            path=f"roles.{OUTBOUND_ROLE}",
        )
    role = Role(
        label=spec.outbound.role_label,
        serves=list(spec.outbound.serves),
        headcount=0,
        # Only used to express the hours as agent FTE in tier reports; cost is carried by inbound.
        hours_per_year=spec.paid_hours_per_agent_year,
        customer_time_share=1 - spec.shrinkage,
        annual_cost=0.0,
        contacts="calls",
        fixed_hours=float(available_hours),
    )
    new_spec = scenario.spec.model_copy(update={"roles": {**scenario.spec.roles, OUTBOUND_ROLE: role}})
    return Scenario(
        scenario.name, new_spec, scenario.policy, scenario.path, scenario.warnings, scenario.document
    )


def compare_outbound(
    scenario: Scenario,
    callcentre: CallCentreResult,
    *,
    headcount: str = "required",
    solver: str = "auto",
    time_limit: float = DEFAULT_TIME_LIMIT,
    year: int | None = None,
    objective: str = "response",
) -> tuple[PlanResult, OutboundResult]:
    """The field plan with the call centre's outbound role, and what that role frees.

    Runs the one headcount model twice: as the scenario stands, and with the outbound role whose
    capacity is the centre's spare hours in the calling window. Freed heads are the difference in
    required headcount per field role.
    """
    from planner.model.headcount import plan

    spec = scenario.spec.callcentre
    assert spec is not None and spec.outbound is not None
    without = plan(
        scenario,
        headcount=headcount,  # type: ignore[arg-type]
        solver=solver,
        time_limit=time_limit,
        objective=objective,  # type: ignore[arg-type]
        year=year,
    )
    available = callcentre.outbound_hours_available
    with_ = plan(
        outbound_scenario(scenario, available),
        headcount=headcount,  # type: ignore[arg-type]
        solver=solver,
        time_limit=time_limit,
        year=year,
        objective=objective,  # type: ignore[arg-type]
    )
    freed: dict[str, int] = {}
    if without.ok and with_.ok:
        after = {r.role: r.required_headcount for r in with_.roles}
        freed = {r.role: r.required_headcount - after[r.role] for r in without.roles}
    by_tier = [
        TierHours(f"{a.channel}.{a.tier}", a.hours) for a in with_.allocations if a.role == OUTBOUND_ROLE
    ]
    absorbed = sum(t.hours for t in by_tier)
    out = OutboundResult(
        serves=list(spec.outbound.serves),
        window=f"{spec.outbound.earliest}-{spec.outbound.latest}",
        available_hours=available,
        # Solver noise only (the capacity constraint holds); a real excess would show.
        absorbed_hours=available if 0 < absorbed - available < 1e-6 * max(1.0, available) else absorbed,
        by_tier=by_tier,
        freed_heads=freed,
        freed_total=sum(freed.values()),
        cost_saving=(without.total_cost - with_.total_cost) if without.ok and with_.ok else 0.0,
        mode_without=without.mode,
        mode_with=with_.mode,
        status=with_.status,
    )
    return with_, out


def plan_with_callcentre(
    scenario: Scenario,
    *,
    headcount: str = "required",
    solver: str = "auto",
    year: int | None = None,
    objective: str = "response",
) -> tuple[PlanResult, OutboundResult] | None:
    """For ``planner plan``: the plan with the call centre's outbound role, or None when not enabled."""
    spec = scenario.spec.callcentre
    if spec is None or spec.outbound is None or not spec.outbound.enabled:
        return None
    cc = analyse_callcentre(scenario, solver=solver, with_outbound=False, year=year)
    if not cc.ok:
        return None
    return compare_outbound(scenario, cc, headcount=headcount, solver=solver, year=year, objective=objective)
