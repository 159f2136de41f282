"""A scenario's ``hiring:`` section: how customers grow and churn, and how staff join, ramp up and leave.

Time quantities in this section are in **months** (lead times, ramp-up steps, attrition rates,
hiring caps, the growth window) unless the key says otherwise (``wastage.per``, ``*_per_year``,
``requirements.period``); :mod:`planner.analyses.hiring` converts them to the period the command
asks for (month, quarter or year). Example::

    hiring:
      start: "2006-01"              # label of the first month (optional; else M1, M2, ...)
      penalty_per_hour: 400         # CNY per standard hour of service left uncovered (required)
      period: month                 # defaults of --period, --horizon, --objective, --mode
      horizon: 24
      objective: min_cost           # or min_redundancy
      mode: integer                 # or lp
      efficiency: calendar          # or none: a head delivers all its hours (see HiringSpec)
      layoffs: false                # default: headcount never cut on purpose (true: redundancy)
      requirements:                 # heads per role and period, given directly (optional)
        period: year
        heads: {key_manager: [110, 120]}
      max_overmanned_total: 10      # overmanned heads over all roles (roles with heads requirements)
      growth:
        base: start                 # scenario `customers` are the counts at the start (or: end)
        net: false                  # `added` is gross new customers (true: the net change)
        months: 12                  # growth window, from the first month
        phasing: even               # even | front_loaded | [share of month 1, share of month 2, ...]
        added:
          key: {crystal: 1000, bronze: 300}
      churn:
        key: 0.0612                 # yearly rate for every tier of a channel ...
        commercial: {D: 0.15}       # ... or per tier
      migration:
        - {from_tier: commercial.A, to_tier: key.crystal, yearly_rate: 0.05}
      roles:
        key_manager:
          attrition: {first_year: 0.02, tenured: 0.01}   # monthly leaving rates
          lead_time_months: 3       # months from the hiring decision to the first day
          ramp: [0.5, 0.5, 0.5]     # productivity in months 1, 2, 3 of tenure; 1.0 afterwards
          max_hires_per_month: 5    # hiring decisions a month (recruiting capacity)
          training_capacity: 10     # people in ramp-up at once (hires and transfers in)
          cost_per_hire: 15000      # CNY, paid when the hire is decided
          salary: 120000            # CNY a year; default: the role's annual_cost
          redundancy_cost: 60000    # CNY a person; default: layoff_cost
          overmanning: {max: 5, cost_per_year: 2000}        # with requirements.heads only
          short_time: {max: 5, counts_as: 0.5, cost_per_year: 400}
        commercial_manager:
          wastage: {newcomers: 0.25, others: 0.1, per: year}  # instead of attrition
      transfers:
        - {from_role: commercial_manager, to_role: key_manager, kind: retrain, lead_time_months: 1,
           max_per_month: 2, max_share_of_target: 0.25, cost: 5000}
        - {from_role: key_manager, to_role: commercial_manager, kind: downgrade, leaving_rate: 0.5}

Defaults (used when a key is left out): no growth, no churn, no migration; per role no attrition,
no lead time, full productivity from the first day, no hiring cap, no training cap, no hiring
cost, salary = the role's ``annual_cost``; transfers cost nothing, take the target role's ramp-up
and have no cap; layoffs are not allowed. Every number is bounded to a plausible finite range
(:data:`MAX_MONEY`, :data:`MAX_PEOPLE`, :data:`MAX_CUSTOMERS`, :data:`MAX_PENALTY`).

Types and ranges are checked by the pydantic models below; :func:`check_hiring` checks the names
(roles, channels, tiers) against the scenario and its policy.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from planner.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    from planner.data.policy import Policy
    from planner.data.scenario import ScenarioSpec
    from planner.data.yaml_io import Document

#: Shares in a per-month phasing list must add up to 1 within this.
SHARE_TOL = 1e-6
#: Plausible ceilings that keep every number finite and the solver's coefficients sane: CNY for
#: one cost (a hire, a move, a redundancy, a year's salary), people in one role or flow, and
#: customers added to one tier. Far above any branch (a few hundred managers, 10^5 CNY a year).
MAX_MONEY = 1e8
MAX_PEOPLE = 1e6
MAX_CUSTOMERS = 100_000_000
#: A standard hour left uncovered costs at most this (CNY).
MAX_PENALTY = 1e6

Period = Literal["month", "quarter", "year"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Attrition(_Strict):
    """Monthly leaving rates: staff in their first 12 months, and everyone else."""

    first_year: float = Field(default=0.0, ge=0, lt=1)
    tenured: float = Field(default=0.0, ge=0, lt=1)


class Wastage(_Strict):
    """Leaving rates by length of service, as shares of the staff per ``per`` (default a year).

    ``newcomers``: hires in their first ``per`` of service, counting the period they join;
    ``others``: everyone else, including staff moved in from another role (who count as having
    served longer), in the period they arrive too.
    """

    newcomers: float = Field(default=0.0, ge=0, lt=1)
    others: float = Field(default=0.0, ge=0, lt=1)
    per: Period = "year"


class Overmanning(_Strict):
    """Staff kept above a role's requirement in heads: at most ``max`` (no cap if left out)."""

    max: float | None = Field(default=None, ge=0, le=MAX_PEOPLE)
    cost_per_year: float = Field(default=0.0, ge=0, le=MAX_MONEY)


class ShortTime(_Strict):
    """Staff on short time: at most ``max``, each giving ``counts_as`` of a head."""

    max: float = Field(ge=0, le=MAX_PEOPLE)
    counts_as: float = Field(default=0.5, ge=0, lt=1)
    cost_per_year: float = Field(default=0.0, ge=0, le=MAX_MONEY)


class HiringRole(_Strict):
    """How one role's staff are hired, ramp up and leave (all times in months)."""

    attrition: Attrition = Field(default_factory=Attrition)
    wastage: Wastage | None = None
    lead_time_months: int = Field(default=0, ge=0, le=60)
    ramp: list[float] = Field(default_factory=list, max_length=120)
    max_hires_per_month: int | None = Field(default=None, ge=0, le=MAX_PEOPLE)
    max_hires_per_year: float | None = Field(default=None, ge=0, le=MAX_PEOPLE)
    training_capacity: int | None = Field(default=None, ge=0, le=MAX_PEOPLE)
    cost_per_hire: float = Field(default=0.0, ge=0, le=MAX_MONEY)
    salary: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    #: CNY per person made redundant; default: the section's ``layoff_cost``.
    redundancy_cost: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    overmanning: Overmanning | None = None
    short_time: ShortTime | None = None

    @model_validator(mode="after")
    def _either(self) -> HiringRole:
        if self.wastage is not None and "attrition" in self.model_fields_set:
            raise ValueError(
                _("give either `attrition` (monthly rates) or `wastage` (rates by service), not both")
            )
        if self.max_hires_per_month is not None and self.max_hires_per_year is not None:
            raise ValueError(_("give either max_hires_per_month or max_hires_per_year, not both"))
        return self

    @field_validator("ramp")
    @classmethod
    def _ramp(cls, v: list[float]) -> list[float]:
        for i, x in enumerate(v):
            if not 0 <= x <= 1:
                raise ValueError(
                    _("ramp[{i}] is {x}; productivity in a month of tenure must be in [0, 1]").format(
                        i=i, x=x
                    )
                )
        return v


class Transfer(_Strict):
    """Staff moved from one role to another: a transfer, a retraining or a downgrading.

    ``lead_time_months`` is the move's duration (retraining time); caps: ``max_per_month`` or
    ``max_per_year``, and ``max_share_of_target`` (at most that share of the target role's
    headcount in the period they arrive). ``leaving_rate``: the share of the people moved who
    leave in the period they arrive (default: the target's ``wastage.others`` for the period, or
    none under monthly ``attrition``); a downgrading's own leaving rate goes here.
    """

    from_role: str
    to_role: str
    kind: Literal["transfer", "retrain", "downgrade"] = "transfer"
    lead_time_months: int = Field(default=0, ge=0, le=60)
    max_per_month: int | None = Field(default=None, ge=0, le=MAX_PEOPLE)
    max_per_year: float | None = Field(default=None, ge=0, le=MAX_PEOPLE)
    max_share_of_target: float | None = Field(default=None, gt=0, le=1)
    leaving_rate: float | None = Field(default=None, ge=0, lt=1)
    cost: float = Field(default=0.0, ge=0, le=MAX_MONEY)
    #: Productivity in the new role by month there; None: the target role's ``ramp``.
    ramp: list[float] | None = Field(default=None, max_length=120)

    @field_validator("ramp")
    @classmethod
    def _ramp(cls, v: list[float] | None) -> list[float] | None:
        for i, x in enumerate(v or []):
            if not 0 <= x <= 1:
                raise ValueError(
                    _("ramp[{i}] is {x}; productivity in a month of tenure must be in [0, 1]").format(
                        i=i, x=x
                    )
                )
        return v

    @model_validator(mode="after")
    def _caps(self) -> Transfer:
        if self.max_per_month is not None and self.max_per_year is not None:
            raise ValueError(_("give either max_per_month or max_per_year, not both"))
        return self


class Migration(_Strict):
    """A yearly share of one tier's customers that moves to another tier (applied every month)."""

    from_tier: str
    to_tier: str
    yearly_rate: float = Field(gt=0, lt=1)


class Growth(_Strict):
    """Customers added per tier over a window of months, and how the additions are spread."""

    #: ``start``: the scenario's ``customers`` are the counts at the start of the horizon and
    #: ``added`` comes on top; ``end``: they already include ``added`` (as key-growth-2006 does),
    #: so the start counts are ``customers - added``.
    base: Literal["start", "end"] = "start"
    #: ``false``: ``added`` is new customers won (gross); churn comes off on top. ``true``: ``added`` is
    #: the net change: during the window the customers churned each month are won back, so a tier
    #: without migrations ends the window exactly ``added`` above where it started.
    net: bool = False
    months: int = Field(default=12, ge=1, le=600)
    phasing: Literal["even", "front_loaded"] | list[float] = "even"
    #: channel -> tier -> customers added over the window (gross, before churn); negative: lost.
    added: dict[str, dict[str, int]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _phasing(self) -> Growth:
        if isinstance(self.phasing, list):
            if len(self.phasing) != self.months:
                raise ValueError(
                    _(
                        "phasing lists {n_phasing} monthly shares but the growth window is {months} "
                        "months; give one share per month or change `months`"
                    ).format(n_phasing=len(self.phasing), months=self.months)
                )
            if any(s < 0 for s in self.phasing):
                raise ValueError(_("phasing shares must be >= 0"))
            if abs(sum(self.phasing) - 1) > SHARE_TOL:
                raise ValueError(
                    _("phasing shares add up to {sum:g}; they must add up to 1").format(sum=sum(self.phasing))
                )
        for channel, tiers in self.added.items():
            for tier, n in tiers.items():
                if abs(n) > MAX_CUSTOMERS:
                    raise ValueError(
                        _(
                            "added.{channel}.{tier} is {n}; expected at most {max_customers:,} customers "
                            "either way"
                        ).format(channel=channel, tier=tier, n=n, max_customers=MAX_CUSTOMERS)
                    )
        return self

    def shares(self) -> list[float]:
        """The share of the growth that arrives in each month of the window (adds up to 1).

        ``even``: 1/M a month. ``front_loaded``: month m of M gets (M - m + 1) / (M (M + 1) / 2), so
        the first month brings the most and the last the least (12/78 and 1/78 over a year).
        """
        m = self.months
        if isinstance(self.phasing, list):
            return list(self.phasing)
        if self.phasing == "even":
            return [1.0 / m] * m
        total = m * (m + 1) / 2
        return [(m - i) / total for i in range(m)]


class Requirements(_Strict):
    """Heads each role needs per period, given directly (``period`` long each, from the first)."""

    period: Period = "month"
    heads: dict[str, list[float]] = Field(default_factory=dict)

    @field_validator("heads")
    @classmethod
    def _heads(cls, v: dict[str, list[float]]) -> dict[str, list[float]]:
        for role, xs in v.items():
            if not xs:
                raise ValueError(
                    _("heads.{role} is empty; give one requirement per period").format(role=role)
                )
            if len(xs) > 1200:
                raise ValueError(
                    _("heads.{role} lists {n_xs} periods; at most 1200").format(role=role, n_xs=len(xs))
                )
            for i, x in enumerate(xs):
                if not 0 <= x <= MAX_PEOPLE:
                    raise ValueError(
                        _("heads.{role}[{i}] is {x}; expected 0 to {max_people:,.0f} people").format(
                            role=role, i=i, x=x, max_people=MAX_PEOPLE
                        )
                    )
        return v


class HiringSpec(_Strict):
    """The ``hiring:`` section of a scenario (see the module docstring for an example)."""

    start: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$")
    penalty_per_hour: float = Field(ge=0, le=MAX_PENALTY)
    layoffs: bool = False
    layoff_cost: float = Field(default=0.0, ge=0, le=MAX_MONEY)
    #: Defaults for the command's --period, --horizon, --objective and --mode.
    period: Period | None = None
    horizon: int | None = Field(default=None, ge=1, le=120)
    objective: Literal["min_cost", "min_redundancy"] = "min_cost"
    mode: Literal["integer", "lp"] = "integer"
    #: ``calendar``: each month's work and working time from the plan calendar (China's holidays,
    #: make-up days; a standard per quarter or year spread by working days), so a short month needs
    #: more heads; ``even``: every month a twelfth of the year (textbook cases).
    months: Literal["calendar", "even"] = "calendar"
    #: ``calendar``: a head delivers ``hours_per_head x`` its role's packing efficiency in ``plan``'s
    #: calendar model (its required yearly hours / (plan's required heads x a head's hours)), so the
    #: requirement in heads is ``plan``'s; ``none``: a head delivers all its hours (textbook cases).
    efficiency: Literal["calendar", "none"] = "calendar"
    requirements: Requirements | None = None
    #: Overmanned heads over all roles in a period: at most this many.
    max_overmanned_total: float | None = Field(default=None, ge=0, le=MAX_PEOPLE)
    growth: Growth = Field(default_factory=Growth)
    #: channel -> yearly rate (every tier), or channel -> tier -> yearly rate.
    churn: dict[str, float | dict[str, float]] = Field(default_factory=dict)
    migration: list[Migration] = Field(default_factory=list)
    roles: dict[str, HiringRole] = Field(default_factory=dict)
    transfers: list[Transfer] = Field(default_factory=list)

    @field_validator("start")
    @classmethod
    def _start(cls, v: str | None) -> str | None:
        if v is not None and not 1 <= int(v[5:7]) <= 12:
            raise ValueError(_("start {v!r}: the month must be 01 to 12").format(v=v))
        return v

    def role(self, role_id: str) -> HiringRole:
        """A role's settings, or the defaults when the section does not list it."""
        return self.roles.get(role_id) or HiringRole()

    def churn_rate(self, channel: str, tier: str) -> float:
        """Yearly churn of ``channel.tier`` (0 when not given)."""
        value = self.churn.get(channel, 0.0)
        if isinstance(value, dict):
            return value.get(tier, 0.0)
        return value


_TIER_RE = re.compile(r"^[^.]+\.[^.]+$")


def check_hiring(doc: Document, spec: ScenarioSpec, policy: Policy, hiring: HiringSpec) -> None:
    """Check that every role, channel and tier the ``hiring:`` section names exists.

    Raises
    ------
    InputError
        Naming the file, the key path under ``hiring`` and its line.
    """
    from planner.data.yaml_io import did_you_mean

    base = ("hiring",)
    roles = list(spec.roles)
    channels = policy.channels
    known_tiers = [f"{c}.{t}" for c, t in policy.tier_keys()]

    def check_channel(path: tuple[str | int, ...], channel: str) -> None:
        if channel not in channels:
            raise doc.error(
                path,
                _("unknown channel {channel!r}{did_you_mean}").format(
                    channel=channel, did_you_mean=did_you_mean(channel, channels)
                ),
            )

    def check_tier(path: tuple[str | int, ...], channel: str, tier: str) -> None:
        check_channel(path[:-1], channel)
        if not policy.has_tier(channel, tier):
            ids = [t.id for t in channels[channel].tiers]
            hint = did_you_mean(tier, ids) or _(" (tiers of {channel}: {tiers})").format(
                channel=channel, tiers=", ".join(ids) or _("none")
            )
            raise doc.error(path, _("unknown tier {tier!r}{hint}").format(tier=tier, hint=hint))

    def check_tier_key(path: tuple[str | int, ...], key: str) -> None:
        channel, _unused, tier = key.partition(".")
        if not _TIER_RE.match(key) or not policy.has_tier(channel, tier):
            raise doc.error(
                path,
                _("unknown tier {key!r}{did_you_mean}; write it as channel.tier").format(
                    key=key, did_you_mean=did_you_mean(key, known_tiers)
                ),
            )

    for role_id in hiring.roles:
        if role_id not in spec.roles:
            hint = did_you_mean(role_id, roles) or f" (roles: {', '.join(roles)})"
            raise doc.error(
                (*base, "roles", role_id),
                _("unknown role {role_id!r}{hint}").format(role_id=role_id, hint=hint),
            )
    for channel, tiers in hiring.growth.added.items():
        check_channel((*base, "growth", "added", channel), channel)
        for tier in tiers:
            check_tier((*base, "growth", "added", channel, tier), channel, tier)
    for channel, value in hiring.churn.items():
        check_channel((*base, "churn", channel), channel)
        rates = value if isinstance(value, dict) else {"": value}
        for tier, rate in rates.items():
            path = (*base, "churn", channel, tier) if tier else (*base, "churn", channel)
            if tier:
                check_tier(path, channel, tier)
            if not 0 <= rate < 1:
                raise doc.error(
                    path, _("expected a yearly churn rate in [0, 1), got {rate}").format(rate=rate)
                )
    outflow: dict[str, float] = {}
    for i, m in enumerate(hiring.migration):
        at: tuple[str | int, ...] = (*base, "migration", i)
        check_tier_key((*at, "from_tier"), m.from_tier)
        check_tier_key((*at, "to_tier"), m.to_tier)
        if m.from_tier == m.to_tier:
            raise doc.error((*at, "to_tier"), _("a migration must move customers to a different tier"))
        outflow[m.from_tier] = outflow.get(m.from_tier, 0.0) + m.yearly_rate
        if outflow[m.from_tier] >= 1:
            raise doc.error(
                (*at, "yearly_rate"),
                _("migrations out of {from_tier} add up to {outflow:g} a year; keep them below 1").format(
                    from_tier=m.from_tier, outflow=outflow[m.from_tier]
                ),
            )
    seen: dict[tuple[str, str], int] = {}
    for i, t in enumerate(hiring.transfers):
        here: tuple[str | int, ...] = (*base, "transfers", i)
        for key, role_id in (("from_role", t.from_role), ("to_role", t.to_role)):
            if role_id not in spec.roles:
                raise doc.error(
                    (*here, key),
                    _("unknown role {role_id!r}{did_you_mean}").format(
                        role_id=role_id, did_you_mean=did_you_mean(role_id, roles)
                    ),
                )
        if t.from_role == t.to_role:
            raise doc.error((*here, "to_role"), _("a transfer must move staff to a different role"))
        pair = (t.from_role, t.to_role)
        if pair in seen:
            raise doc.error(
                here,
                _("duplicate transfer {from_role} -> {to_role} (also transfers[{seen}])").format(
                    from_role=t.from_role, to_role=t.to_role, seen=seen[pair]
                ),
            )
        seen[pair] = i
    heads = hiring.requirements.heads if hiring.requirements is not None else {}
    for role_id in heads:
        if role_id not in spec.roles:
            hint = did_you_mean(role_id, roles) or f" (roles: {', '.join(roles)})"
            raise doc.error(
                (*base, "requirements", "heads", role_id),
                _("unknown role {role_id!r}{hint}").format(role_id=role_id, hint=hint),
            )
    for role_id, h in hiring.roles.items():
        for key in ("overmanning", "short_time"):
            if getattr(h, key) is not None and role_id not in heads:
                raise doc.error(
                    (*base, "roles", role_id, key),
                    _(
                        "{key} applies to a role whose requirement is given in heads; add "
                        "hiring.requirements.heads.{role_id}"
                    ).format(key=key, role_id=role_id),
                )
    for channel, tiers in hiring.growth.added.items():
        for tier, n in tiers.items():
            have = spec.customers.get(channel, {}).get(tier, 0)
            if hiring.growth.base == "start" and have + n < 0:
                raise doc.error(
                    (*base, "growth", "added", channel, tier),
                    _(
                        "{value} customers are lost from {channel}.{tier}, which has only {have} at the start"
                    ).format(value=-n, channel=channel, tier=tier, have=have),
                )
    if hiring.growth.base == "end":
        for channel, tiers in hiring.growth.added.items():
            for tier, n in tiers.items():
                have = spec.customers.get(channel, {}).get(tier, 0)
                if n > have:
                    raise doc.error(
                        (*base, "growth", "added", channel, tier),
                        _(
                            "growth.base is 'end' but {n} customers are added to {channel}.{tier}, which "
                            "has only {have} in the scenario's customers"
                        ).format(n=n, channel=channel, tier=tier, have=have),
                    )
