"""Each manager's portfolio today: customers by tier, hours their standards need against the hours
the manager gives, load, districts served; and the same per district.

Hours come from :mod:`planner.model.workload` only: a customer needs his tier's standard hours
(phone contacts only, for a calls-only role), plus, when the scenario has a ``districts:`` table,
the travel a visit gains when the customer's district is not his manager's base. Customers with no
manager are counted at their tier's standard hours, without travel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planner.data.managers import NO_DISTRICT, Book
from planner.data.scenario import Scenario, tier_key
from planner.errors import InputError
from planner.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt

#: Loads above this share of capacity are over-loaded (float noise aside).
OVER = 1.0 + 1e-9


@dataclass(frozen=True)
class Hours:
    """Per role and tier: standard hours a customer needs, and hours per minute of visit travel."""

    roles: list[str]
    base: npt.NDArray[np.float64]  # (roles, tiers)
    travel: npt.NDArray[np.float64]  # (roles, tiers)
    standard: npt.NDArray[np.float64]  # (tiers,) full standard hours (what `plan` counts)
    per_head: npt.NDArray[np.float64]  # (roles,)
    #: The role a managerless customer of each tier belongs to (first role serving it; -1 none).
    tier_role: npt.NDArray[np.int64]


def hours_table(scenario: Scenario, tiers: list[tuple[str, str]]) -> Hours:
    """The workload formulas evaluated once per role and tier."""
    import numpy as np

    from planner.model.workload import (
        role_hours_per_head,
        tier_call_hours_per_customer,
        tier_hours_per_customer,
        tier_travel_hours_per_customer,
    )

    roles = list(scenario.roles)
    policy = scenario.policy
    base = np.zeros((len(roles), len(tiers)))
    travel = np.zeros((len(roles), len(tiers)))
    standard = np.array([tier_hours_per_customer(policy.tier(c, t)) for c, t in tiers])
    tier_role = np.full(len(tiers), -1, dtype=np.int64)
    for r, role_id in enumerate(roles):
        role = scenario.roles[role_id]
        served = set(scenario.served_tiers(role_id))
        for t, (c, tid) in enumerate(tiers):
            tier = policy.tier(c, tid)
            if role.contacts == "calls":
                base[r, t] = tier_call_hours_per_customer(tier)
            else:
                base[r, t] = tier_hours_per_customer(tier)
                travel[r, t] = tier_travel_hours_per_customer(tier, 1.0)
            if (c, tid) in served and tier_role[t] < 0:
                tier_role[t] = r
    per_head = np.array([role_hours_per_head(scenario.roles[r]) for r in roles])
    return Hours(roles, base, travel, standard, per_head, tier_role)


def travel_matrix(
    scenario: Scenario, bases: list[str | None], districts: list[str]
) -> npt.NDArray[np.float64]:
    """Minutes a visit to each district gains for a manager based in each of ``bases``."""
    import numpy as np

    out = np.zeros((len(bases), len(districts)))
    spec = scenario.spec.districts
    if spec is None:
        return out
    table = spec.travel_minutes
    cache: dict[tuple[str, str], float] = {}
    for i, base in enumerate(bases):
        if base is None:
            continue
        for j, d in enumerate(districts):
            if d in (base, NO_DISTRICT):
                continue
            key = (base, d)
            if key not in cache:
                minutes = table.get(base, {}).get(d)
                if minutes is None:
                    minutes = table.get(d, {}).get(base)
                if minutes is None:
                    minutes = spec.default_minutes
                if minutes is None:
                    raise InputError(
                        _(
                            "no travel minutes between {first} and {second}; add the pair or set "
                            "districts.default_minutes"
                        ).format(first=repr(base), second=repr(d)),
                        source=str(scenario.path or scenario.name),
                        path="districts.travel_minutes",
                    )
                cache[key] = float(minutes)
            out[i, j] = cache[key]
    return out


def customer_hours(
    book: Book,
    hours: Hours,
    manager: npt.NDArray[np.int32] | npt.NDArray[np.int64],
    manager_role: npt.NDArray[np.int64],
    travel: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Hours a year each customer needs from ``manager[i]`` (standard hours when -1)."""
    import numpy as np

    has = manager >= 0
    if not has.any():
        return np.asarray(hours.standard[book.tier], dtype=np.float64)
    m = np.where(has, manager, 0)
    role = manager_role[m]
    own = hours.base[role, book.tier] + hours.travel[role, book.tier] * travel[m, book.district]
    return np.where(has, own, hours.standard[book.tier])


@dataclass(frozen=True)
class ManagerLoad:
    """One manager's portfolio. ``load`` = required / capacity hours (None when capacity is 0)."""

    manager: str
    role: str
    base_district: str | None
    customers: int
    tiers: dict[str, int]
    required_hours: float
    travel_hours: float
    capacity_hours: float
    load: float | None
    districts: list[str]
    flag: str


@dataclass(frozen=True)
class DistrictLoad:
    """One district: customers, hours they need from their managers, and who serves it."""

    district: str
    customers: int
    required_hours: float
    unassigned: int
    managers: list[str]


@dataclass(frozen=True)
class TierTotal:
    """Customers of one tier and the hours their standard needs (as ``plan`` counts them)."""

    channel: str
    tier: str
    customers: int
    required_hours: float


@dataclass(frozen=True)
class Portfolio:
    """Everything ``planner portfolio`` reports."""

    scenario: str
    source: str
    managers: list[ManagerLoad]
    districts: list[DistrictLoad]
    tiers: list[TierTotal]
    customers: int
    unassigned_customers: int
    unassigned_hours: float
    #: Hours the standards need, without travel: equals ``plan --roster``'s required hours.
    standard_hours: float
    travel_hours: float
    capacity_hours: float
    underloaded_below: float | None
    warnings: list[str] = field(default_factory=list)

    @property
    def over(self) -> list[ManagerLoad]:
        """Over-loaded managers."""
        return [m for m in self.managers if m.flag == "over"]

    @property
    def under(self) -> list[ManagerLoad]:
        """Under-loaded managers."""
        return [m for m in self.managers if m.flag == "under"]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape documented in the README."""
        from dataclasses import asdict

        return {
            "scenario": self.scenario,
            "source": self.source,
            "totals": {
                "customers": self.customers,
                "unassigned_customers": self.unassigned_customers,
                "unassigned_hours": self.unassigned_hours,
                "standard_hours": self.standard_hours,
                "travel_hours": self.travel_hours,
                "capacity_hours": self.capacity_hours,
                "over_loaded": len(self.over),
                "under_loaded": len(self.under),
                "underloaded_below": self.underloaded_below,
            },
            "tiers": [asdict(t) for t in self.tiers],
            "managers": [asdict(m) for m in self.managers],
            "districts": [asdict(d) for d in self.districts],
            "warnings": self.warnings,
        }


def flag(load: float | None, under: float | None) -> str:
    """``over`` above capacity, ``under`` below the scenario's threshold, else empty."""
    if load is None:
        return "over"
    if load > OVER:
        return "over"
    if under is not None and load < under:
        return "under"
    return ""


def portfolio(book: Book, scenario: Scenario) -> Portfolio:
    """Each manager's and district's load today."""
    import numpy as np

    hours = hours_table(scenario, book.tiers)
    role_index = {r: i for i, r in enumerate(hours.roles)}
    n_m, n_t, n_d = len(book.managers), len(book.tiers), len(book.districts)
    manager_role = np.array([role_index[m.role] for m in book.managers], dtype=np.int64)
    travel = travel_matrix(scenario, [m.base_district for m in book.managers], book.districts)
    need = customer_hours(book, hours, book.manager, manager_role, travel)
    std = hours.standard[book.tier]
    has = book.manager >= 0
    mgr = book.manager[has].astype(np.int64)
    per_m_hours = np.bincount(mgr, weights=need[has], minlength=n_m)
    per_m_travel = np.bincount(mgr, weights=(need - std)[has], minlength=n_m) if n_m else np.zeros(0)
    per_mt = np.bincount(mgr * n_t + book.tier[has], minlength=n_m * n_t).reshape(n_m, n_t)
    per_md = np.bincount(mgr * n_d + book.district[has], minlength=n_m * n_d).reshape(
        n_m, max(n_d, 1) if n_d else 0
    )
    capacity = hours.per_head[manager_role] if n_m else np.zeros(0)
    under = scenario.spec.portfolio.underloaded_below if scenario.spec.portfolio is not None else None
    keys = [tier_key(c, t) for c, t in book.tiers]

    managers = []
    for i, m in enumerate(book.managers):
        cap = float(capacity[i])
        req = float(per_m_hours[i])
        load = req / cap if cap > 0 else (None if req > 0 else 0.0)
        counts = per_mt[i]
        managers.append(
            ManagerLoad(
                manager=m.id,
                role=m.role,
                base_district=m.base_district,
                customers=int(counts.sum()),
                tiers={keys[t]: int(counts[t]) for t in np.flatnonzero(counts).tolist()},
                required_hours=req,
                travel_hours=float(per_m_travel[i]),
                capacity_hours=cap,
                load=load,
                districts=[book.districts[d] for d in np.flatnonzero(per_md[i]).tolist()] if n_d else [],
                flag=flag(load, under),
            )
        )
    per_d = np.bincount(book.district, minlength=n_d)
    per_d_hours = np.bincount(book.district, weights=need, minlength=n_d)
    per_d_none = np.bincount(book.district[~has], minlength=n_d)
    districts = [
        DistrictLoad(
            district=name,
            customers=int(per_d[d]),
            required_hours=float(per_d_hours[d]),
            unassigned=int(per_d_none[d]),
            managers=[book.managers[i].id for i in np.flatnonzero(per_md[:, d]).tolist()] if n_m else [],
        )
        for d, name in enumerate(book.districts)
    ]
    per_t = np.bincount(book.tier, minlength=n_t)
    tiers = [
        TierTotal(c, t, int(per_t[i]), float(per_t[i] * hours.standard[i]))
        for i, (c, t) in enumerate(book.tiers)
    ]
    warnings = []
    if (~has).any():
        warnings.append(
            _("{n} customers have no manager_id (`planner rebalance` assigns them)").format(
                n=f"{int((~has).sum()):,}"
            )
        )
    return Portfolio(
        scenario=scenario.name,
        source=book.source,
        managers=managers,
        districts=districts,
        tiers=tiers,
        customers=book.customers,
        unassigned_customers=int((~has).sum()),
        unassigned_hours=float(need[~has].sum()),
        standard_hours=float(sum(t.required_hours for t in tiers)),
        travel_hours=float(per_m_travel.sum()),
        capacity_hours=float(capacity.sum()),
        underloaded_below=under,
        warnings=warnings,
    )
