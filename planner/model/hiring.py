"""The multi-period hiring programme: hires, transfers and leavers per role per period.

One mixed-integer program (pulp, solved through :func:`planner.model.solver.solve`) over periods
``1..T``, built from a :class:`HiringProblem` whose hours already come from
:mod:`planner.model.workload` (see :mod:`planner.analyses.hiring`).

Cohorts
    Staff are tracked in cohorts by the period they start in a role: today's staff (tenured, full
    productivity), each period's hires, each transfer's arrivals. A hire decided in period ``d``
    starts in ``s = d + lead`` and, in its ``k``-th period of tenure (``k = 0`` in ``s``), gives
    ``ramp[k]`` x a full head's hours (``1`` once the ramp list is exhausted). Decisions whose start
    would fall after the horizon are not modelled.

Wastage (leavers)
    Leaving rates are data, per period. Expected leavers of a role in period ``t`` are::

        tenured x headcount_{t-1}
        + (first - tenured) x hires that started in the ``first_year_periods`` periods before t
                              (x the share of each such cohort still there, under ``wastage``:
                              :func:`newcomers_left`)
        + hire_loss x hires starting in t + sum over routes (loss x people moving in in t)

    (``hire_loss`` and the routes' ``loss`` are the shares lost in the period of arrival: zero
    under the monthly ``attrition`` setting, the newcomers' and the target's rates under
    ``wastage``, a downgrade's own leaving rate; see :mod:`planner.analyses.hiring`). People moved
    out or made redundant in ``t`` leave at its start and are not counted again.

    **Integer mode**: leavers are whole people: cumulative leavers are the expected cumulative
    leavers rounded half up (never decreasing), so a small role loses someone now and then
    rather than never (:func:`simulate_leavers`).
    Leavers enter the program as **fixed numbers**, which keeps it an integer program with simple
    coefficients: the direct form (leavers as integer variables tied to fractional rates x
    headcount) took minutes on 24 months; this takes about a second on 36. Since leavers depend on
    the headcount the program chooses, the program is solved again with the leavers of its own
    answer until they agree: first its linear relaxation (cheap), then the integer program, until
    the cumulative leavers it was given are within **one person** of the plan's own in every period
    (usually the first integer solve). The reported leavers are the ones the plan was solved with,
    so the balance below holds exactly. A leaver is counted as a full-productivity head and a
    cohort's ramp-up shortfall on its size at start: both slightly conservative.

    **LP mode** (``integer=False``): every decision is continuous and leavers are the expected
    leavers above as a linear expression of the decisions, solved once: fractional people, the
    textbook formulation (H. P. Williams, *Model Building in Mathematical Programming*, "Manpower
    planning"). It is not a bound on the integer plan's cost: that plan's leavers are rounded to
    whole people, which can fall either way (the benchmark's integer plan costs 0.1 % less).

Balance (every role, every period; ``headcount_0`` = today's)::

    headcount_t = headcount_{t-1} + hires starting_t - leavers_t + transfers_in_t - transfers_out_t
                  - layoffs_t

Demand
    Each tier's required hours per period are split among the roles that may serve it (as the core
    model :mod:`planner.model.headcount` does): ``x[r, k, t]`` delivered and ``u[r, k, t]`` left
    uncovered, ``sum_r x + u = required``; a role delivers at most its capacity; a calls-only role
    takes at most the tier's phone-contact share of what is delivered. Uncovered hours cost
    ``penalty_per_hour``, so a binding hiring or training cap shows as a coverage gap, never as an
    infeasible model.

    A role may also carry a requirement in **heads** per period (given directly). Then
    ``headcount - overmanned - (1 - short_time_fraction) x on_short_time = required`` exactly:
    staff beyond the requirement are overmanned (up to a cap per role and a cap over all roles, at
    a cost per head and period) or on short time (up to a cap, each counting as a fraction of a
    head, at a cost), else they must be moved or made redundant. Without caps, overmanning is free
    and unlimited (the requirement is a floor).

Moves between roles
    A route (transfer, retraining, downgrading) moves people decided in ``d`` into the target in
    ``d + lead``, at most ``max_per_period`` of them and at most ``max_share_of_target`` x the
    target's headcount in that period; they ramp up with the route's ramp and count towards the
    target's training cap while they do.

Objective: ``min_cost``: salary of the headcount every period + cost per hire + move, redundancy,
overmanning and short-time costs + the shortfall penalty. ``min_redundancy``: the fewest
redundancies, then (a second solve with that number fixed) the cheapest such plan.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from planner.data.scenario import TierKey
from planner.model.solver import DEFAULT_TIME_LIMIT, SolveStatus, solve

#: Relative MIP gap on the whole cost of the horizon (today's staff's salaries included): 0.1 %,
#: e.g. 65,000 CNY on a 65-million plan, about half a key manager's year. 0.01 % took 7 s instead
#: of 1 s on the 5-role, 36-month benchmark.
MIP_GAP = 1e-3
#: Solver noise below this is read as zero.
EPS = 1e-7
#: Give up looking for the fixed point after this many integer solves (the last plan is returned,
#: flagged ``converged=False``).
MAX_ROUNDS = 8
#: min_redundancy's second solve may exceed the fewest redundancies by this (solver tolerance).
REDUNDANCY_TOL = 1e-6

Objective = Literal["min_cost", "min_redundancy"]


@dataclass(frozen=True)
class RoleInput:
    """One role's data, already converted to the model's period (hours and CNY per period)."""

    id: str
    initial: int
    hours_per_head: float
    salary: float
    cost_per_hire: float
    lead: int
    ramp: tuple[float, ...]
    attrition_first: float
    attrition_tenured: float
    first_year_periods: int
    max_hires: float | None
    training_capacity: int | None
    serves: tuple[TierKey, ...]
    calls_only: bool = False
    #: Share of the hires starting in a period who leave in that same period.
    hire_loss: float = 0.0
    #: True (``wastage``): the newcomers' rate applies to the survivors of each cohort; False
    #: (monthly ``attrition``, as before): to the cohort's size at start.
    cohort_survival: bool = False
    #: CNY per person made redundant (when the problem allows redundancy).
    redundancy_cost: float = 0.0
    #: Share of each period since starting that a hire spends in ramp-up, for the training cap
    #: (empty: a whole period for each period of ``ramp``, at least the first; :func:`training_shares`).
    train: tuple[float, ...] = ()
    #: Heads required per period, given directly (None: only the tiers' hours count).
    required_heads: tuple[float, ...] | None = None
    #: Overmanning (heads above ``required_heads``): at most this many (None: no cap), CNY a head.
    overmanning_max: float | None = None
    overmanning_cost: float = 0.0
    #: Short time: at most this many, each counting as ``short_time_fraction`` of a head, CNY a head.
    short_time_max: float = 0.0
    short_time_fraction: float = 0.5
    short_time_cost: float = 0.0


@dataclass(frozen=True)
class TransferInput:
    """Staff moving from ``source`` to ``target``: decided in ``d``, they move in ``d + lead``."""

    source: str
    target: str
    lead: int
    max_per_period: float | None
    cost: float
    ramp: tuple[float, ...]
    #: Share of the people moving in who leave in the period they arrive.
    loss: float = 0.0
    #: At most this share of the target's headcount in the arrival period (None: no cap).
    max_share_of_target: float | None = None
    #: ``transfer``, ``retrain`` or ``downgrade`` (a label for the output).
    kind: str = "transfer"
    #: As :attr:`RoleInput.train`, for the people moved in (their route's ramp).
    train: tuple[float, ...] = ()


@dataclass(frozen=True)
class HiringProblem:
    """Everything the programme needs, per period (``required[k][t-1]`` is tier k's hours in t)."""

    periods: int
    tiers: tuple[TierKey, ...]
    required: dict[TierKey, tuple[float, ...]]
    call_share: dict[TierKey, float]
    roles: tuple[RoleInput, ...]
    transfers: tuple[TransferInput, ...] = ()
    penalty_per_hour: float = 0.0
    layoffs: bool = False
    layoff_cost: float = 0.0
    #: Overmanned heads over all roles in a period: at most this many (None: no cap).
    overmanning_total: float | None = None
    objective: Objective = "min_cost"
    #: False: the LP mode (continuous people, exact expected leavers; see the module docstring).
    integer: bool = True
    #: Each period's working time against an average period (its working days x periods a year /
    #: the year's working days, from the plan calendar): a head gives ``hours_per_head x`` this.
    #: Empty: every period alike.
    working_time: tuple[float, ...] = ()

    def time_factor(self, t: int) -> float:
        """Working-time factor of period ``t`` (1-based)."""
        return self.working_time[t - 1] if self.working_time else 1.0


@dataclass(frozen=True)
class RoleSolution:
    """One role's plan, lists indexed by period ``t - 1`` (whole numbers in integer mode)."""

    role: str
    headcount: list[float]
    hires_decided: list[float]
    hires: list[float]
    leavers: list[float]
    transfers_in: list[float]
    transfers_out: list[float]
    layoffs: list[float]
    effective_heads: list[float]
    effective_hours: list[float]
    required_hours: list[float]
    delivered_hours: list[float]
    overmanned: list[float] = field(default_factory=list)
    short_time: list[float] = field(default_factory=list)
    required_heads: list[float] | None = None


@dataclass(frozen=True)
class TransferSolution:
    """How many moved along one transfer route, by decision period (``t - 1``)."""

    source: str
    target: str
    decided: list[float]
    moved: list[float]
    kind: str = "transfer"


@dataclass(frozen=True)
class HiringSolution:
    """What the programme chose, and its costs (CNY over the horizon)."""

    status: str
    solver: str
    roles: list[RoleSolution] = field(default_factory=list)
    transfers: list[TransferSolution] = field(default_factory=list)
    tier_delivered: dict[TierKey, list[float]] = field(default_factory=dict)
    salary_cost: float = 0.0
    hiring_cost: float = 0.0
    transfer_cost: float = 0.0
    layoff_cost: float = 0.0
    overmanning_cost: float = 0.0
    short_time_cost: float = 0.0
    shortfall_hours: float = 0.0
    penalty_cost: float = 0.0
    #: Integer solves until the leavers agreed within one person, and whether they did in MAX_ROUNDS.
    rounds: int = 0
    converged: bool = True
    #: Integer mode: (plan's objective - its LP relaxation's) / plan's objective, an upper bound
    #: on the distance to the best integer plan for the leavers used. 0 in LP mode.
    gap: float = 0.0
    integer: bool = True
    objective: str = "min_cost"

    @property
    def ok(self) -> bool:
        """True when a plan was found."""
        return self.status == SolveStatus.OPTIMAL.value


def newcomers_left(role: RoleInput, age: int) -> float:
    """Share of a cohort of hires still there at the start of its ``age``-th period (``age >= 1``).

    With ``cohort_survival``: ``(1 - hire_loss) x (1 - first) ** (age - 1)``, so a cohort loses
    exactly the newcomers' rate compounded over its first periods; else 1 (the older rule).
    """
    if not role.cohort_survival:
        return 1.0
    return (1.0 - role.hire_loss) * (1.0 - role.attrition_first) ** (age - 1)


def training_shares(ramp_months: int, step: int) -> tuple[float, ...]:
    """The share of each period of ``step`` months that a newcomer with a ramp of ``ramp_months``
    months spends in ramp-up, from the period it starts: ``min(step, months left) / step``.

    A newcomer with no ramp still takes a training place for his first month. Monthly periods give
    1 for each month of the ramp, the training cap as it always counted.
    """
    months = max(1, ramp_months)
    out = []
    for k in range(math.ceil(months / step)):
        out.append(min(step, months - k * step) / step)
    return tuple(out)


def ramp_at(ramp: Sequence[float], k: int) -> float:
    """Productivity in the ``k``-th period of tenure (0-based); full once the ramp is over."""
    return ramp[k] if k < len(ramp) else 1.0


@dataclass(frozen=True)
class Flows:
    """Whole-people flows of one role by period (index ``t - 1``).

    ``moved_in_lost``: expected people lost among those moving in, per period (``loss x moved``
    summed over the routes into the role); empty means none.
    """

    hires: list[int]
    transfers_in: list[int]
    transfers_out: list[int]
    layoffs: list[int]
    moved_in_lost: list[float] = field(default_factory=list)


def simulate_leavers(role: RoleInput, flows: Flows) -> list[int]:
    """Whole leavers per period for ``role`` given its flows (see the module docstring).

    Expected leavers in ``t`` = ``tenured x headcount_{t-1} + (first_year - tenured) x`` hires that
    started in the ``first_year_periods`` periods before ``t`` + the shares of this period's
    arrivals lost at once; cumulative leavers = expected cumulative leavers rounded half up, never
    decreasing and never more than the staff there.
    """
    periods = len(flows.hires)
    out: list[int] = []
    heads = role.initial
    expected = 0.0
    cum = 0
    for t in range(periods):
        recent = sum(
            newcomers_left(role, t - s) * flows.hires[s]
            for s in range(max(0, t - role.first_year_periods), t)
        )
        expected += role.attrition_tenured * heads + (role.attrition_first - role.attrition_tenured) * recent
        expected += role.hire_loss * flows.hires[t]
        if flows.moved_in_lost:
            expected += flows.moved_in_lost[t]
        target = max(cum, math.floor(expected + 0.5 + 1e-9))
        joined = flows.hires[t] + flows.transfers_in[t] - flows.transfers_out[t] - flows.layoffs[t]
        leave = max(0, min(target - cum, heads + joined))
        cum += leave
        heads = heads + joined - leave
        out.append(leave)
    return out


@dataclass
class _Cohort:
    """People starting in a role in period ``start`` who may still be ramping up."""

    start: int
    size: Any  # an LpVariable
    ramp: tuple[float, ...]
    train: tuple[float, ...] = ()

    def training(self, k: int) -> float:
        """The share of its ``k``-th period (0: the first) the cohort spends in ramp-up."""
        if self.train:
            return self.train[k] if 0 <= k < len(self.train) else 0.0
        return 1.0 if 0 <= k < max(1, len(self.ramp)) else 0.0


class _Program:
    """One build of the program.

    ``leavers[role][t - 1]`` fixes the leavers (integer mode and its relaxation); ``leavers=None``
    makes them the expected leavers as a linear expression (LP mode).
    """

    def __init__(
        self, problem: HiringProblem, leavers: dict[str, list[int]] | None, relax: bool = False
    ) -> None:
        import pulp

        self.pulp = pulp
        self.problem = problem
        T = problem.periods
        periods = range(1, T + 1)
        prob = pulp.LpProblem("hiring", pulp.LpMinimize)
        self.prob = prob
        role_index = {r.id: i for i, r in enumerate(problem.roles)}
        cat = pulp.LpContinuous if relax or not problem.integer else pulp.LpInteger

        # Decisions: hires and transfers by decision period, layoffs by period.
        self.hire: dict[tuple[str, int], Any] = {}
        for r in problem.roles:
            for d in range(1, T - r.lead + 1):
                self.hire[(r.id, d)] = pulp.LpVariable(
                    f"hire_{role_index[r.id]}_{d}", 0, r.max_hires, cat=cat
                )
        self.move: dict[tuple[int, int], Any] = {}
        for n, tr in enumerate(problem.transfers):
            for d in range(1, T - tr.lead + 1):
                self.move[(n, d)] = pulp.LpVariable(f"move_{n}_{d}", 0, tr.max_per_period, cat=cat)
        self.lay: dict[tuple[str, int], Any] = {}
        if problem.layoffs:
            for r in problem.roles:
                for t in periods:
                    self.lay[(r.id, t)] = pulp.LpVariable(f"lay_{role_index[r.id]}_{t}", 0, cat=cat)

        # Flows by role and start period, and the cohorts that ramp up.
        self.flow: dict[tuple[str, str, int], list[Any]] = {}
        lost: dict[tuple[str, int], list[Any]] = {}
        ramping: dict[str, list[_Cohort]] = {r.id: [] for r in problem.roles}
        for r in problem.roles:
            for d in range(1, T - r.lead + 1):
                var = self.hire[(r.id, d)]
                self.flow.setdefault(("hires", r.id, d + r.lead), []).append(var)
                ramping[r.id].append(_Cohort(d + r.lead, var, r.ramp, r.train))
        for (n, d), var in self.move.items():
            tr = problem.transfers[n]
            self.flow.setdefault(("in", tr.target, d + tr.lead), []).append(var)
            self.flow.setdefault(("out", tr.source, d + tr.lead), []).append(var)
            if tr.loss:
                lost.setdefault((tr.target, d + tr.lead), []).append(tr.loss * var)
            ramping[tr.target].append(_Cohort(d + tr.lead, var, tr.ramp, tr.train))
        for (rid, t), var in self.lay.items():
            self.flow.setdefault(("lay", rid, t), []).append(var)

        self.headcount: dict[tuple[str, int], Any] = {}
        self.leavers: dict[tuple[str, int], Any] = {}
        self.capacity: dict[tuple[str, int], Any] = {}
        self.over: dict[tuple[str, int], Any] = {}
        self.short_time: dict[tuple[str, int], Any] = {}
        for r in problem.roles:
            i = role_index[r.id]
            previous: Any = r.initial
            for t in periods:
                hires_t = self.starts("hires", r.id, t)
                if leavers is not None:
                    leave: Any = leavers[r.id][t - 1]
                else:
                    recent = [
                        newcomers_left(r, t - (d + r.lead)) * v
                        for (rid, d), v in self.hire.items()
                        if rid == r.id and t - r.first_year_periods <= d + r.lead < t
                    ]
                    leave = (
                        r.attrition_tenured * previous
                        + (r.attrition_first - r.attrition_tenured) * pulp.lpSum(recent)
                        + r.hire_loss * hires_t
                        + pulp.lpSum(lost.get((r.id, t), []))
                    )
                self.leavers[(r.id, t)] = leave
                net = (
                    hires_t
                    + self.starts("in", r.id, t)
                    - self.starts("out", r.id, t)
                    - self.starts("lay", r.id, t)
                    - leave
                )
                # A variable per period keeps the rows sparse: with the headcount written out as
                # an expression of every earlier flow, the 5-role 36-month restructuring solve took
                # twice the CPU time (its root cuts on dense rows), the hiring-only ones a little less.
                heads = pulp.LpVariable(f"heads_{i}_{t}", 0)
                prob += pulp.LpConstraint(heads - previous - net, pulp.LpConstraintEQ, f"balance_{i}_{t}", 0)
                self.headcount[(r.id, t)] = heads
                previous = heads
                # Effective heads: everyone at full productivity, less what ramping cohorts miss.
                deficit = [
                    c.size * (1.0 - ramp_at(c.ramp, t - c.start))
                    for c in ramping[r.id]
                    if 0 <= t - c.start < len(c.ramp)
                ]
                self.capacity[(r.id, t)] = (
                    r.hours_per_head * problem.time_factor(t) * (heads - pulp.lpSum(deficit))
                )
                if r.training_capacity is not None:
                    # Everyone still in their own ramp-up: a cohort counts for its ramp's length
                    # (a transferee's ramp may be shorter than a hire's), at least its first period,
                    # weighted by the share of the period it spends ramping up (a 3-month ramp takes
                    # a quarter of a year: capacity 20 trains 80 people a year, 20 at a time).
                    window = [share * c.size for c in ramping[r.id] if (share := c.training(t - c.start)) > 0]
                    if window:
                        prob += pulp.LpConstraint(
                            pulp.lpSum(window), pulp.LpConstraintLE, f"train_{i}_{t}", r.training_capacity
                        )
                if r.required_heads is not None:
                    over = pulp.LpVariable(f"over_{i}_{t}", 0, r.overmanning_max)
                    short = pulp.LpVariable(f"short_{i}_{t}", 0, r.short_time_max)
                    self.over[(r.id, t)] = over
                    self.short_time[(r.id, t)] = short
                    prob += pulp.LpConstraint(
                        heads - over - (1.0 - r.short_time_fraction) * short,
                        pulp.LpConstraintEQ,
                        f"need_heads_{i}_{t}",
                        r.required_heads[t - 1],
                    )
        if problem.overmanning_total is not None:
            for t in periods:
                terms = [v for (_, tt), v in self.over.items() if tt == t]
                if terms:
                    prob += pulp.LpConstraint(
                        pulp.lpSum(terms), pulp.LpConstraintLE, f"over_total_{t}", problem.overmanning_total
                    )
        for (n, d), var in self.move.items():
            tr = problem.transfers[n]
            if tr.max_share_of_target is not None:
                arrive = d + tr.lead
                prob += pulp.LpConstraint(
                    var - tr.max_share_of_target * self.headcount[(tr.target, arrive)],
                    pulp.LpConstraintLE,
                    f"move_share_{n}_{d}",
                    0,
                )

        # Demand: each tier's hours split among the roles that may serve it; u = hours left uncovered.
        self.x: dict[tuple[str, TierKey, int], Any] = {}
        self.u: dict[tuple[TierKey, int], Any] = {}
        self.servers: dict[TierKey, list[str]] = {}
        by_role: dict[tuple[str, int], list[Any]] = {}
        for j, key in enumerate(problem.tiers):
            servers = [r for r in problem.roles if key in r.serves]
            self.servers[key] = [r.id for r in servers]
            for t in periods:
                need = problem.required[key][t - 1]
                if need <= 0 or not servers:
                    continue
                for r in servers:
                    x = pulp.LpVariable(f"x_{role_index[r.id]}_{j}_{t}", 0)
                    self.x[(r.id, key, t)] = x
                    by_role.setdefault((r.id, t), []).append(x)
                self.u[(key, t)] = pulp.LpVariable(f"u_{j}_{t}", 0)
                delivered = pulp.lpSum(self.x[(r.id, key, t)] for r in servers)
                prob += pulp.LpConstraint(
                    delivered + self.u[(key, t)], pulp.LpConstraintEQ, f"need_{j}_{t}", need
                )
                phone = [self.x[(r.id, key, t)] for r in servers if r.calls_only]
                if phone:
                    # As in the core model: a calls-only role takes at most the phone share delivered.
                    share = problem.call_share.get(key, 0.0)
                    prob += pulp.LpConstraint(
                        pulp.lpSum(phone) - share * delivered, pulp.LpConstraintLE, f"phone_{j}_{t}", 0
                    )
        for (rid, t), terms in by_role.items():
            prob += pulp.LpConstraint(
                pulp.lpSum(terms) - self.capacity[(rid, t)],
                pulp.LpConstraintLE,
                f"cap_{role_index[rid]}_{t}",
                0,
            )
        roles = {r.id: r for r in problem.roles}
        self.salary = pulp.lpSum(roles[rid].salary * h for (rid, _), h in self.headcount.items())
        self.hiring = pulp.lpSum(roles[rid].cost_per_hire * v for (rid, _), v in self.hire.items())
        self.transfer = pulp.lpSum(problem.transfers[n].cost * v for (n, _), v in self.move.items())
        self.layoff = pulp.lpSum(roles[rid].redundancy_cost * v for (rid, _), v in self.lay.items())
        self.overmanning = pulp.lpSum(roles[rid].overmanning_cost * v for (rid, _), v in self.over.items())
        self.short_cost = pulp.lpSum(
            roles[rid].short_time_cost * v for (rid, _), v in self.short_time.items()
        )
        self.redundancies = pulp.lpSum(self.lay.values())
        self.short = pulp.lpSum(self.u.values())
        penalty = problem.penalty_per_hour * self.short
        self.cost = (
            self.salary
            + self.hiring
            + self.transfer
            + self.layoff
            + self.overmanning
            + self.short_cost
            + penalty
        )
        if problem.objective == "min_redundancy":
            prob.setObjective(self.redundancies)
        else:
            prob.setObjective(self.cost)

    def cost_stage(self, redundancies: float) -> None:
        """min_redundancy's second stage: at most ``redundancies`` people made redundant, cheapest plan."""
        pulp = self.pulp
        self.prob += pulp.LpConstraint(
            self.redundancies, pulp.LpConstraintLE, "fewest_redundancies", redundancies + REDUNDANCY_TOL
        )
        self.prob.setObjective(self.cost)

    def starts(self, kind: str, role: str, t: int) -> Any:
        """Sum of the flow ``kind`` (hires, in, out, lay) of ``role`` effective in period ``t``."""
        return self.pulp.lpSum(self.flow.get((kind, role, t), []))

    def value(self, expr: Any) -> float:
        """A solved expression's value with solver noise removed."""
        v = expr if isinstance(expr, (int, float)) else self.pulp.value(expr)
        v = float(v or 0.0)
        return 0.0 if abs(v) < EPS else v

    def whole(self, expr: Any) -> int:
        """A solved integer expression's value."""
        return round(self.value(expr))

    def count(self, expr: Any) -> float:
        """A count of people: whole in integer mode, as solved in LP mode."""
        return self.whole(expr) if self.problem.integer else self.value(expr)

    def flows(self) -> dict[str, Flows]:
        """The solved flows per role (rounded to whole people)."""
        T = self.problem.periods
        out = {}
        for r in self.problem.roles:
            hires, moved_in, moved_out, lay = (
                [self.whole(self.starts(kind, r.id, t)) for t in range(1, T + 1)]
                for kind in ("hires", "in", "out", "lay")
            )
            out[r.id] = Flows(hires, moved_in, moved_out, lay, moved_in_lost=[0.0] * T)
        for (n, d), var in self.move.items():
            tr = self.problem.transfers[n]
            if tr.loss:
                out[tr.target].moved_in_lost[d + tr.lead - 1] += tr.loss * self.whole(var)
        return out


def _run(program: _Program, solver: str, time_limit: float, gap: float | None) -> Any:
    """Solve ``program`` under its objective (two stages for min_redundancy)."""
    outcome = solve(program.prob, solver, time_limit, gap_rel=gap)
    if outcome.status.is_ok and program.problem.objective == "min_redundancy":
        program.cost_stage(program.value(program.redundancies))
        outcome = solve(program.prob, solver, time_limit, gap_rel=gap)
    return outcome


def solve_hiring(
    problem: HiringProblem, *, solver: str = "auto", time_limit: float = DEFAULT_TIME_LIMIT
) -> HiringSolution:
    """Build and solve the hiring programme; see the module docstring for the formulation."""
    if not problem.integer:
        program = _Program(problem, None)
        outcome = _run(program, solver, time_limit, None)
        if not outcome.status.is_ok:
            return HiringSolution(
                status=outcome.status.value,
                solver=outcome.solver,
                rounds=1,
                integer=False,
                objective=problem.objective,
            )
        expected = {
            r.id: [program.value(program.leavers[(r.id, t)]) for t in range(1, problem.periods + 1)]
            for r in problem.roles
        }
        return _solution(program, outcome.solver, expected, 1, True, 0.0)
    T = problem.periods
    none = Flows([0] * T, [0] * T, [0] * T, [0] * T)
    leavers = {r.id: simulate_leavers(r, none) for r in problem.roles}
    # First the leavers' fixed point of the linear relaxation (cheap solves, flows rounded), then
    # integer solves from there until the leavers agree within one person (usually the first).
    # Leavers from another plan could, in principle, leave a role short of people before a hire can
    # arrive (an infeasible solve); then the last leavers that worked are kept.
    worked = leavers
    for _ in range(MAX_ROUNDS):
        program = _Program(problem, leavers, relax=True)
        outcome = _run(program, solver, time_limit, None)
        if not outcome.status.is_ok:
            leavers = worked
            break
        worked = leavers
        flows = program.flows()
        new = {r.id: simulate_leavers(r, flows[r.id]) for r in problem.roles}
        if new == leavers:
            break
        leavers = new
    rounds = 0
    previous: HiringSolution | None = None
    while True:
        rounds += 1
        program = _Program(problem, leavers)
        outcome = _run(program, solver, time_limit, MIP_GAP)
        if not outcome.status.is_ok:
            if previous is not None:
                return previous
            return HiringSolution(
                status=outcome.status.value, solver=outcome.solver, rounds=rounds, objective=problem.objective
            )
        flows = program.flows()
        own = {r.id: simulate_leavers(r, flows[r.id]) for r in problem.roles}
        converged = all(_settled(leavers[rid], own[rid]) for rid in own)
        if converged or rounds >= MAX_ROUNDS:
            gap = _relaxation_gap(program, leavers, solver, time_limit)
            used = {rid: [float(x) for x in xs] for rid, xs in leavers.items()}
            return _solution(program, outcome.solver, used, rounds, converged, gap)
        used = {rid: [float(x) for x in xs] for rid, xs in leavers.items()}
        previous = _solution(program, outcome.solver, used, rounds, False, 0.0)
        leavers = own


def _relaxation_gap(
    program: _Program, leavers: dict[str, list[int]], solver: str, time_limit: float
) -> float:
    """(integer plan's objective - its LP relaxation's) / integer plan's, same leavers and stage."""
    plan = program.value(program.prob.objective)
    relaxed = _Program(program.problem, leavers, relax=True)
    if program.problem.objective == "min_redundancy":
        relaxed.cost_stage(program.value(program.redundancies))
    outcome = solve(relaxed.prob, solver, time_limit)
    if not outcome.status.is_ok or outcome.objective is None or abs(plan) < EPS:
        return 0.0
    return max(0.0, (plan - outcome.objective) / abs(plan))


def _cumulative(xs: Sequence[int]) -> list[int]:
    out, total = [], 0
    for x in xs:
        total += x
        out.append(total)
    return out


def _settled(used: Sequence[int], own: Sequence[int]) -> bool:
    """Whether cumulative leavers ``used`` are within one person of the plan's ``own`` in every period."""
    return all(abs(u - o) <= 1 for u, o in zip(_cumulative(used), _cumulative(own), strict=True))


def _solution(
    program: _Program,
    solver_used: str,
    leavers: dict[str, list[float]],
    rounds: int,
    converged: bool,
    gap: float,
) -> HiringSolution:
    problem = program.problem
    T = problem.periods
    periods = range(1, T + 1)
    val = program.value
    count = program.count
    delivered_by: dict[tuple[str, int], float] = {}
    uncovered_by: dict[tuple[str, int], float] = {}
    tier_delivered = {key: [0.0] * T for key in problem.tiers}
    for (rid, key, t), v in program.x.items():
        got = val(v)
        delivered_by[(rid, t)] = delivered_by.get((rid, t), 0.0) + got
        tier_delivered[key][t - 1] += got
    for (key, t), v in program.u.items():
        # A shared tier's uncovered hours go to its roles in proportion to what each delivers to it.
        missing = val(v)
        if missing <= 0:
            continue
        roles = program.servers[key]
        shares = [val(program.x[(rid, key, t)]) for rid in roles]
        total = sum(shares)
        for rid, g in zip(roles, shares, strict=True):
            share = g / total if total > 0 else 1 / len(roles)
            uncovered_by[(rid, t)] = uncovered_by.get((rid, t), 0.0) + missing * share
    results = []
    for r in problem.roles:
        flows = [
            [count(program.starts(kind, r.id, t)) for t in periods] for kind in ("hires", "in", "out", "lay")
        ]
        heads = [count(program.headcount[(r.id, t)]) for t in periods]
        decided = [count(program.hire.get((r.id, t), 0)) for t in periods]
        eff_hours = [val(program.capacity[(r.id, t)]) for t in periods]
        eff_heads = [
            h / (r.hours_per_head * problem.time_factor(t)) if r.hours_per_head > 0 else 0.0
            for h, t in zip(eff_hours, periods, strict=True)
        ]
        delivered = [delivered_by.get((r.id, t), 0.0) for t in periods]
        req = [delivered[t - 1] + uncovered_by.get((r.id, t), 0.0) for t in periods]
        left = [int(x) if problem.integer else x for x in leavers[r.id]]
        results.append(
            RoleSolution(
                r.id,
                heads,
                decided,
                flows[0],
                left,
                flows[1],
                flows[2],
                flows[3],
                eff_heads,
                eff_hours,
                req,
                delivered,
                overmanned=[val(program.over.get((r.id, t), 0)) for t in periods],
                short_time=[val(program.short_time.get((r.id, t), 0)) for t in periods],
                required_heads=None if r.required_heads is None else list(r.required_heads),
            )
        )
    transfers = []
    for n, tr in enumerate(problem.transfers):
        dec = [count(program.move.get((n, t), 0)) for t in periods]
        moved: list[float] = [0] * T
        for t, k in enumerate(dec, start=1):
            if k and t + tr.lead <= T:
                moved[t + tr.lead - 1] += k
        transfers.append(TransferSolution(tr.source, tr.target, dec, moved, tr.kind))
    short_hours = val(program.short)
    return HiringSolution(
        status=SolveStatus.OPTIMAL.value,
        solver=solver_used,
        roles=results,
        transfers=transfers,
        tier_delivered=tier_delivered,
        salary_cost=val(program.salary),
        hiring_cost=val(program.hiring),
        transfer_cost=val(program.transfer),
        layoff_cost=val(program.layoff),
        overmanning_cost=val(program.overmanning),
        short_time_cost=val(program.short_cost),
        shortfall_hours=short_hours,
        penalty_cost=problem.penalty_per_hour * short_hours,
        rounds=rounds,
        converged=converged,
        gap=gap,
        integer=problem.integer,
        objective=problem.objective,
    )
