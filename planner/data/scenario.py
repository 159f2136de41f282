"""Scenarios: a policy, customers per tier, the manager roles that serve them, and limits.

A scenario file may ``extends:`` another and override any key; ``--set dotted.path=value``
overrides from the command line. :func:`load_scenario` returns a :class:`Scenario` with the
policy loaded, the scenario's ``policy_overrides`` applied and every cross-reference checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from planner.data.callcentre import CallCentreSpec
from planner.data.hiring import HiringSpec, check_hiring
from planner.data.policy import (
    Policy,
    Tier,
    apply_tier_overrides,
    load_policy_cached,
)
from planner.data.validation import validate_document
from planner.data.yaml_io import (
    Document,
    apply_assignments,
    did_you_mean,
    load_with_extends,
)
from planner.errors import InputError, excerpt
from planner.i18n import _

TierKey = tuple[str, str]


def tier_key(channel: str, tier: str) -> str:
    """``("key", "crystal")`` -> ``"key.crystal"``, the spelling used in files and reports."""
    return f"{channel}.{tier}"


class _Strict(BaseModel):
    # allow_inf_nan=False: `.inf` and `.nan` are refused by every number field (they crash solvers).
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


# Plausible ranges: wide enough for any branch or province, narrow enough that a units slip or a
# fuzzed 1e308 is refused here with its key instead of overflowing the solver.
#: Customers in one tier (a hundred million: more than any province's subscribers in one band).
MAX_CUSTOMERS = 100_000_000
#: One head's loaded cost, CNY a year.
MAX_ANNUAL_COST = 100_000_000.0
#: A budget, CNY a year (a trillion).
MAX_BUDGET = 1e12
#: Heads in a role or in all.
MAX_HEADCOUNT = 1_000_000
#: Hours a year a role may give in all (``fixed_hours``): a million heads' worth.
MAX_FIXED_HOURS = 8760.0 * 1_000_000

#: Negative counts are refused (with their own words) in check_references.
CustomerCount = Annotated[int, Field(le=MAX_CUSTOMERS)]


class Role(_Strict):
    """A kind of manager: which tiers it may serve, how many there are today, what one gives and costs."""

    label: str | None = None
    serves: list[str] = Field(min_length=1)
    headcount: int = Field(ge=0, le=MAX_HEADCOUNT)
    #: At least one hour a year: a smaller figure is a units slip (and 1e-300 overflows the model).
    hours_per_year: float = Field(ge=1, le=8760)
    #: At least 1 % of the time with customers, for the same reason.
    customer_time_share: float = Field(ge=0.01, le=1)
    productivity: float = Field(default=1.0, ge=0.01, le=10)
    annual_cost: float = Field(ge=0, le=MAX_ANNUAL_COST)
    max_headcount: int | None = Field(default=None, ge=0, le=MAX_HEADCOUNT)
    #: ``all``: visits and phone contacts; ``calls``: phone contacts only (e.g. call-centre outbound).
    contacts: Literal["all", "calls"] = "all"
    #: When set, the role gives this many hours a year in all (e.g. call-centre agents' spare time),
    #: whatever its headcount; its headcount is then fixed at ``headcount``, not chosen by the model.
    fixed_hours: float | None = Field(default=None, ge=0, le=MAX_FIXED_HOURS)


class DistrictsSpec(_Strict):
    """Travel between districts: minutes a visit gains when a manager leaves his base district.

    ``travel_minutes`` maps a district to ``{other district: minutes}``; a pair may be given either
    way round (it is read as symmetric). ``default_minutes``, when set, covers pairs not listed.
    """

    travel_minutes: dict[str, dict[str, float]] = Field(default_factory=dict)
    default_minutes: float | None = Field(default=None, ge=0, le=24 * 60)


class PortfolioSpec(_Strict):
    """How ``portfolio`` flags loads and how ``rebalance`` prices moves (see the README)."""

    #: A manager whose load (needed / given hours) is below this is flagged under-loaded.
    underloaded_below: float = Field(ge=0, le=1)
    #: Tiers whose spend band starts at or above this (CNY a month) move only when nothing else fits.
    protect_spend_from: float | None = Field(default=None, ge=0)
    #: What taking a customer in a district a manager does not serve yet costs, in moves of the
    #: role's cheapest tier (keeps portfolios in few districts).
    new_district_cost: float = Field(ge=0)


class ScenarioSpec(_Strict):
    """The scenario file's schema (after ``extends`` and ``--set`` are applied)."""

    name: str | None = None
    description: str | None = None
    policy: str
    #: The plan year: its working calendar (China's holidays, make-up days) sizes every role.
    year: int | None = Field(default=None, ge=2001, le=2099)
    customers: dict[str, dict[str, CustomerCount]] = Field(default_factory=dict)
    roles: dict[str, Role]
    budget: float | None = Field(default=None, ge=0, le=MAX_BUDGET)
    max_total_headcount: int | None = Field(default=None, ge=0, le=MAX_HEADCOUNT)
    min_coverage: dict[str, float] = Field(default_factory=dict)
    policy_overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
    hiring: HiringSpec | None = None
    callcentre: CallCentreSpec | None = None
    districts: DistrictsSpec | None = None
    portfolio: PortfolioSpec | None = None
    #: A remedy scenario (path, relative to the file that names it): ``planner branch`` shows the
    #: boundary verdicts before and after it when ``--remedy`` is not given.
    remedy: str | None = None


@dataclass(frozen=True)
class Scenario:
    """A validated scenario, ready for the model."""

    name: str
    spec: ScenarioSpec
    policy: Policy
    path: Path | None = None
    warnings: tuple[str, ...] = ()
    document: Document | None = field(default=None, compare=False, repr=False)

    @property
    def roles(self) -> dict[str, Role]:
        """Roles by id, in file order."""
        return self.spec.roles

    def customers(self, channel: str, tier: str) -> int:
        """Customers in ``channel.tier`` (0 when the scenario does not list the tier)."""
        return self.spec.customers.get(channel, {}).get(tier, 0)

    def tiers(self) -> list[tuple[str, Tier]]:
        """Every ``(channel, Tier)`` of the policy, channels in file order, tiers by spend."""
        return [(c, t) for c, ch in self.policy.channels.items() for t in ch.tiers]

    def served_tiers(self, role_id: str) -> list[TierKey]:
        """The ``(channel, tier)`` pairs a role may serve, in policy order."""
        return expand_serves(self.policy, self.roles[role_id].serves)

    def with_customers(self, counts: Mapping[TierKey, int]) -> Scenario:
        """The same scenario with customers per tier replaced by ``counts`` (tiers absent -> 0)."""
        customers: dict[str, dict[str, int]] = {}
        for (channel, tier), n in counts.items():
            customers.setdefault(channel, {})[tier] = int(n)
        spec = self.spec.model_copy(update={"customers": customers})
        doc = self.document or Document(data={}, source=self.name)
        warnings = [*doc.notes, *check_references(doc, spec, self.policy)]
        return Scenario(self.name, spec, self.policy, self.path, tuple(warnings), self.document)


def expand_serves(policy: Policy, serves: Iterable[str]) -> list[TierKey]:
    """``["key", "commercial.A"]`` -> every key tier plus ``("commercial", "A")``, in policy order."""
    wanted: set[TierKey] = set()
    for entry in serves:
        channel, _sep, tier = entry.partition(".")
        if tier:
            wanted.add((channel, tier))
        else:
            wanted.update((channel, t.id) for t in policy.channels[channel].tiers)
    return [k for k in policy.tier_keys() if k in wanted]


def check_references(doc: Document, spec: ScenarioSpec, policy: Policy) -> list[str]:
    """Check that every channel, tier and role named exists; return warnings for odd-but-solvable input."""
    from planner.model.workload import tier_hours_per_customer

    channels = policy.channels
    warnings: list[str] = []
    for channel, tiers in spec.customers.items():
        if channel not in channels:
            raise doc.error(
                ("customers", channel),
                _("unknown channel {channel}{did_you_mean}").format(
                    channel=excerpt(channel), did_you_mean=did_you_mean(channel, channels)
                ),
            )
        ids = [t.id for t in channels[channel].tiers]
        for tier, count in tiers.items():
            if tier not in ids:
                hint = did_you_mean(tier, ids) or _(" (tiers of {channel}: {tiers})").format(
                    channel=channel, tiers=", ".join(ids) or _("none")
                )
                raise doc.error(
                    ("customers", channel, tier),
                    _("unknown tier {tier}{hint}").format(tier=excerpt(tier), hint=hint),
                )
            if count < 0:
                raise doc.error(
                    ("customers", channel, tier), _("expected a count >= 0, got {count}").format(count=count)
                )
    served: dict[TierKey, list[str]] = {}
    for role_id, role in spec.roles.items():
        for i, entry in enumerate(role.serves):
            channel, _sep, tier = entry.partition(".")
            path = ("roles", role_id, "serves", i)
            if channel not in channels:
                raise doc.error(
                    path,
                    _("unknown channel {channel}{did_you_mean}").format(
                        channel=excerpt(channel), did_you_mean=did_you_mean(channel, channels)
                    ),
                )
            if tier and not policy.has_tier(channel, tier):
                ids = [t.id for t in channels[channel].tiers]
                hint = did_you_mean(tier, ids) or _(" (tiers of {channel}: {tiers})").format(
                    channel=channel, tiers=", ".join(ids) or _("none")
                )
                raise doc.error(path, _("unknown tier {entry}{hint}").format(entry=excerpt(entry), hint=hint))
        keys = expand_serves(policy, role.serves)
        for k in keys:
            served.setdefault(k, []).append(role_id)
        if not any(spec.customers.get(c, {}).get(t, 0) > 0 for c, t in keys):
            warnings.append(_("role {role} serves no tier that has customers").format(role=excerpt(role_id)))
        if role.max_headcount is not None and role.max_headcount < role.headcount:
            warnings.append(
                _("role {role}: today's headcount {headcount} is above max_headcount {most}").format(
                    role=excerpt(role_id), headcount=role.headcount, most=role.max_headcount
                )
            )
    for channel, tier in policy.tier_keys():
        n = spec.customers.get(channel, {}).get(tier, 0)
        hours = tier_hours_per_customer(policy.tier(channel, tier))
        if n > 0 and hours > 0 and (channel, tier) not in served:
            raise doc.error(
                ("customers", channel, tier),
                _(
                    "{n} customers in {channel}.{tier} need service but no role serves this tier; add it "
                    "to some role's `serves`"
                ).format(n=n, channel=channel, tier=tier),
            )
    if spec.districts is not None:
        for a, row in spec.districts.travel_minutes.items():
            for b, minutes in row.items():
                if not 0 <= minutes <= 24 * 60:
                    raise doc.error(
                        ("districts", "travel_minutes", a, b),
                        _("expected minutes in [0, 1440], got {minutes}").format(minutes=minutes),
                    )
    warnings += implausible_values(spec)
    known = [f"{c}.{t}" for c, t in policy.tier_keys()]
    for key, value in spec.min_coverage.items():
        if key not in known:
            raise doc.error(
                ("min_coverage", key),
                _("unknown tier {key}{did_you_mean}").format(
                    key=excerpt(key), did_you_mean=did_you_mean(key, known)
                ),
            )
        if not 0 <= value <= 1:
            raise doc.error(
                ("min_coverage", key), _("expected a fraction in [0, 1], got {value}").format(value=value)
            )
        channel, _sep, tier = key.partition(".")
        if (channel, tier) not in served and spec.customers.get(channel, {}).get(tier, 0) > 0:
            raise doc.error(("min_coverage", key), _("no role serves this tier"))
    return warnings


def implausible_values(spec: ScenarioSpec) -> list[str]:
    """Warnings for values the schema allows but that are likely slips (a budget below one head)."""
    from planner.data.callcentre import aht_warning

    warnings: list[str] = []
    costs = [r.annual_cost for r in spec.roles.values() if r.fixed_hours is None and r.annual_cost > 0]
    if spec.budget is not None and costs and spec.budget < min(costs):
        warnings.append(
            _(
                "budget {budget} CNY a year is below one head's annual cost ({cost}): no manager can be "
                "planned; the budget is in CNY a year, not millions"
            ).format(budget=f"{spec.budget:,.2f}", cost=f"{min(costs):,.0f}")
        )
    if spec.callcentre is not None:
        warnings += aht_warning(spec.callcentre.aht_seconds, "callcentre.aht_seconds")
    return warnings


#: Top-level scenario keys whose values are file paths, resolved against the file that sets them.
PATH_KEYS = ("policy", "remedy")
#: Scenario sections keyed by ``channel.tier`` (``--set min_coverage.key.crystal=0.9`` works).
DOTTED_MAPS = ("min_coverage", "policy_overrides")


def scenario_from_document(doc: Document, name: str | None = None, path: Path | None = None) -> Scenario:
    """Validate a loaded scenario document, load its policy and check cross-references."""
    if isinstance(doc.data, dict) and "channels" in doc.data and "policy" not in doc.data:
        raise InputError(
            _("this is a policy file (it has `channels:`); give a scenario file, which names its policy"),
            source=doc.source,
        )
    spec = validate_document(ScenarioSpec, doc)
    policy_path = Path(spec.policy)
    if not policy_path.exists():
        raise doc.error(
            ("policy",), _("policy file not found: {policy_path}").format(policy_path=policy_path)
        )
    policy = load_policy_cached(policy_path)
    if spec.policy_overrides:
        policy = apply_tier_overrides(doc, policy, spec.policy_overrides, ("policy_overrides",))
    warnings = [*doc.notes, *check_references(doc, spec, policy)]
    if spec.hiring is not None:  # names in the hiring: section (roles, tiers) must exist too
        check_hiring(doc, spec, policy, spec.hiring)
    scenario_name = spec.name or name or (path.stem if path else "scenario")
    return Scenario(scenario_name, spec, policy, path, tuple(warnings), doc)


def todays_cost(data: Any) -> tuple[float, str]:
    """Today's payroll of a scenario document (each role's headcount x annual cost, CNY a year):
    what a relative ``--set budget=-5%`` applies to when the scenario sets no budget."""
    roles = data.get("roles") if isinstance(data, dict) else None
    total = 0.0
    for role in (roles or {}).values():
        if isinstance(role, dict):
            heads, cost = role.get("headcount", 0), role.get("annual_cost", 0)
            if isinstance(heads, int | float) and isinstance(cost, int | float):
                total += heads * cost
    value = int(total) if total.is_integer() else total
    return value, f"today's cost {value:,} CNY (headcount x annual_cost of every role)"


def load_scenario_document(path: str | Path, sets: Iterable[str] = ()) -> Document:
    """Read a scenario file with its ``extends`` chain and ``--set`` overrides, unvalidated."""
    # `channels` too: a policy given as the scenario gets its own message in scenario_from_document.
    known = [*ScenarioSpec.model_fields, "channels"]
    doc = load_with_extends(path, path_keys=PATH_KEYS, known_keys=known, kind="scenario")
    sets = list(sets)
    if sets:
        doc = apply_assignments(doc, sets, dotted_maps=DOTTED_MAPS, fallbacks={"budget": todays_cost})
        value = doc.data.get("policy")
        if isinstance(value, str) and any(s.split("=", 1)[0].strip() == "policy" for s in sets):
            doc.data["policy"] = str(Path(value).resolve())
    return doc


def load_scenario(path: str | Path, sets: Iterable[str] = ()) -> Scenario:
    """Load, override and validate a scenario file.

    Parameters
    ----------
    path
        The scenario YAML file.
    sets
        ``dotted.path=value`` overrides (values parsed as YAML scalars).

    Raises
    ------
    InputError
        For anything wrong with the files or overrides, naming file, key path and line.
    """
    p = Path(path)
    doc = load_scenario_document(p, sets)
    return scenario_from_document(doc, path=p)


def require_known_tier(policy: Policy, key: str, source: str) -> TierKey:
    """Parse ``channel.tier`` and check it exists, for command-line arguments naming a tier."""
    channel, _sep, tier = key.partition(".")
    if not policy.has_tier(channel, tier):
        known = [f"{c}.{t}" for c, t in policy.tier_keys()]
        raise InputError(
            _("unknown tier {key}{did_you_mean}").format(
                key=excerpt(key), did_you_mean=did_you_mean(key, known)
            ),
            source=source,
        )
    return channel, tier
