"""Chicken head vs phoenix tail (鸡头 vs 凤尾): where one channel's top tier meets the next one's bottom.

The case study's complaint: the top commercial tier (commercial.A, 1,500-3,000 CNY a month) is
watched closely while the bottom key tier (key.crystal, 3,000-10,000) is neglected; on paper
crystal gets more, in practice key managers are too few; and some customers get a bigger
discount as a commercial customer than as a key account. This module finds every such boundary
in a scenario's policy and judges it three ways:

``designed``
    The policy's promise per customer a year: visits and phone contacts
    (:attr:`~planner.data.policy.ContactStandard.per_year`) and service hours
    (:func:`planner.model.workload.tier_hours_per_customer`).
``delivered``
    What today's headcount actually gives in the plan year's calendar: the one model,
    :func:`planner.model.headcount.plan` with ``headcount="current"``, which reports a tier's
    delivered visits and phone contacts separately (the same figures ``schedule --headcount current``
    delivers, within whole-contact rounding).
``price``
    The effective monthly price of the same spend ``x`` (the boundary) on both sides:
    ``x * (1 - lower discount)`` just below the line against ``x * (1 - upper discount)`` just above.

**Which pairs are boundaries.** Only lines a customer can cross by spending more are compared:
adjacent tiers within a channel, adjacent channels of the policy's ``ladder`` (the key-account line at
3,000 CNY a month: commercial.A / key.crystal), and any pair the policy lists under ``boundaries:``.
A household does not become a firm by spending more, so public/commercial and mobile/commercial
lines are not compared unless asked for (``all_lines``, ``--all-lines``); they are then marked
``crossable: false``. They are found by this rule: field channels are the channels with tiers (the
call centre has none). Each one's tiers are sorted by spend; the channels are ranked by their bottom
tier's band (lower edge, then upper edge, open-ended last; ties keep file order), so in the shipped policy:
mobile < public < commercial < key. For each channel ``L``, walk the channels ranked above it and
stop at the first whose bottom tier ``B`` meets, overlaps or lies wholly above ``L``'s top tier
``T`` (a bottom tier lying wholly below ``T``, like public.basic under mobile.site, is skipped).
``(T, B)`` is a boundary; its spend is ``x = max(T.low, B.low)``: where the bands meet, where the
overlap starts, or where the upper band starts after a gap. Boundaries are listed highest spend
first. Shipped: commercial.A / key.crystal (meet at 3,000, also the ladder's line), public.premium /
commercial.D (overlap from 150), mobile.site / commercial.D (overlap from 100).

**What is an inversion.** Judged at the boundary, where both sides spend about the same:

* service (``designed`` and ``delivered``): the upper tier's customer gets fewer visits, fewer
  phone contacts or fewer service hours a year than the lower tier's; severity
  ``(lower - upper) / lower``;
* ``price``: the upper tier's discount is smaller, so ``x`` costs more above the line; severity
  ``(upper price - lower price) / lower price``.

Severity words: below 5 % ``low``, below 20 % ``medium``, else ``high``. Service per 10,000 CNY of
monthly revenue (at the boundary spend and mid-band) is context only: lower tiers naturally get
more service per yuan.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from planner.data.policy import PERIODS_PER_YEAR, Channel, ContactStandard, Policy, Tier
from planner.data.scenario import Scenario, tier_key
from planner.errors import InputError, SolverError
from planner.i18n import N_, _

if TYPE_CHECKING:  # pragma: no cover
    from planner.data.roster import Roster
    from planner.model.headcount import PlanResult

InversionKind = Literal["designed", "delivered", "price"]

#: Service metrics compared at a boundary, in report order: (metric, noun in messages).
#: (The nouns and the periods of a standard are marked for the catalogue: messages translate them.)
_WORDS = (N_("visits"), N_("phone contacts"), N_("service hours"), N_("month"), N_("quarter"), N_("year"))
SERVICE_METRICS: tuple[tuple[str, str], ...] = (
    ("visits_per_year", "visits"),
    ("contacts_per_year", "phone contacts"),
    ("hours_per_year", "service hours"),
)
#: Severity thresholds on the relative gap: below the first ``low``, below the second ``medium``.
SEVERITY_THRESHOLDS: tuple[tuple[float, str], ...] = ((0.05, "low"), (0.20, "medium"))
#: Roster customers within this fraction of the boundary spend count as near the line.
NEAR_FRACTION = 0.10
#: A roster holding fewer than this share of the scenario's customers in a channel is probably a
#: part of the branch (one district's list, a sample): the near-the-line figures are then warned
#: about (a tool setting, not a domain figure).
ROSTER_MIN_SHARE = 0.5
#: Relative tolerance below which two figures count as equal (solver noise, float rounding).
_TOL = 1e-9


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Inversion:
    """One way the upper side of a boundary is worse off than the lower side.

    ``lower_value`` and ``upper_value`` are per customer a year for service metrics and CNY a
    month (the boundary spend after each side's discount) for ``net_monthly_price``.
    ``severity`` is the relative gap (see the module docstring) and ``level`` its word.
    """

    kind: InversionKind
    metric: str
    lower_value: float
    upper_value: float
    severity: float
    level: str
    message: str
    boundary: str = ""


@dataclass(frozen=True)
class ServiceFigures:
    """One side of a boundary: the service one customer of a tier gets a year.

    ``coverage`` and ``customers_per_manager`` are filled for delivered figures only.
    ``hours_per_10k_at_boundary`` and ``hours_per_10k_mid`` are hours a year per 10,000 CNY of
    monthly spend, at the boundary spend and at the tier's representative spend (context only).
    """

    tier: str
    label: str | None
    style: str
    customers: int
    visits_per_year: float
    contacts_per_year: float
    hours_per_year: float
    hours_per_10k_at_boundary: float | None
    hours_per_10k_mid: float
    visit_standard: str
    contact_standard: str
    coverage: float | None = None
    customers_per_manager: float | None = None


@dataclass(frozen=True)
class SidePair:
    """The two sides of a boundary, lower tier first."""

    lower: ServiceFigures
    upper: ServiceFigures


@dataclass(frozen=True)
class PriceFigures:
    """Discounts either side and the net monthly price of the boundary spend on each side."""

    spend: float
    lower_discount: float
    upper_discount: float
    price_just_below: float
    price_just_above: float
    step: float


@dataclass(frozen=True)
class NearSide:
    """Roster customers of one boundary tier whose spend lies within the near window."""

    tier: str
    customers: int
    monthly_revenue: float


@dataclass(slots=True)  # slots, not frozen: a big roster lists 10^5 of them, built 3x faster
class NearCustomer:
    """One roster customer of a boundary tier whose spend lies within the near window.

    ``side`` is ``below`` (the lower tier: spending more would cross up) or ``above`` (the upper
    tier: spending less would drop it below); ``distance`` is ``monthly_spend / line - 1`` (−0.05 =
    5 % below the line).
    """

    customer_id: str
    tier: str
    side: Literal["below", "above"]
    monthly_spend: float
    distance: float


@dataclass(frozen=True)
class NearFigures:
    """Roster customers near a boundary: spend within ``NEAR_FRACTION`` of it on either side.

    ``pay_less_below`` counts those near customers (both sides) whose spend would cost less
    billed just below the line than just above it (true for all of them when the price is
    inverted, for none otherwise); ``overpay_per_month`` is what the upper-side ones pay a month
    more than the same spend would cost below the line (0 without a price inversion).
    """

    window_low: float
    window_high: float
    lower: NearSide
    upper: NearSide
    pay_less_below: int
    overpay_per_month: float
    #: The window's half-width as a share of the line's spend (``--near``).
    fraction: float = NEAR_FRACTION
    #: Each near customer of the two tiers, closest to the line first (then by id).
    customers: list[NearCustomer] = field(default_factory=list)


@dataclass(frozen=True)
class Boundary:
    """One boundary between a channel's top tier and the next channel's bottom tier."""

    lower: str
    upper: str
    spend: float
    meeting: Literal["meet", "overlap", "gap"]
    designed: SidePair
    delivered: SidePair
    price: PriceFigures
    inversions: list[Inversion]
    near: NearFigures | None
    verdict: str
    #: False for a line no customer can cross by spending more (shown only with all_lines).
    crossable: bool = True

    @property
    def name(self) -> str:
        """``commercial.A / key.crystal``."""
        return f"{self.lower} / {self.upper}"

    def kinds(self) -> set[str]:
        """The kinds of inversion found here."""
        return {i.kind for i in self.inversions}


@dataclass(frozen=True)
class RemedySide:
    """One scenario of a before/after pair.

    ``headcount``/``annual_cost`` are the scenario's own today's heads (what the organisation as
    designed has) and coverage is what they deliver; ``required_headcount``/``required_cost`` are what
    ``plan`` (and ``compare``) say every standard needs. Both bases are shown, each named.
    """

    scenario: str
    headcount: int
    annual_cost: float
    required_headcount: int
    required_cost: float
    coverage: dict[str, float]
    customers_per_manager: dict[str, float | None]
    inversions: list[Inversion]


@dataclass(frozen=True)
class RemedyComparison:
    """Before and after a remedy (e.g. one team serving both sides of a boundary)."""

    before: RemedySide
    after: RemedySide

    def removed(self) -> list[Inversion]:
        """Inversions of ``before`` that ``after`` no longer has (same boundary, kind and metric)."""
        left = {(i.boundary, i.kind, i.metric) for i in self.after.inversions}
        return [i for i in self.before.inversions if (i.boundary, i.kind, i.metric) not in left]


@dataclass(frozen=True)
class BoundaryReport:
    """Every boundary of a scenario, and optionally a remedy's before/after."""

    scenario: str
    boundaries: list[Boundary]
    remedy: RemedyComparison | None = None
    warnings: list[str] = field(default_factory=list)

    def inversions(self) -> list[Inversion]:
        """All inversions, boundary by boundary."""
        return [i for b in self.boundaries for i in b.inversions]

    def boundary(self, lower: str, upper: str) -> Boundary:
        """The boundary ``lower / upper`` (KeyError if absent)."""
        for b in self.boundaries:
            if b.lower == lower and b.upper == upper:
                return b
        raise KeyError(f"{lower} / {upper}")

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: ``{boundaries: [...], remedy: null | {before, after}, warnings: [...]}``."""
        return {
            "boundaries": [dataclasses.asdict(b) for b in self.boundaries],
            "remedy": None if self.remedy is None else dataclasses.asdict(self.remedy),
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------- pairs


@dataclass(frozen=True)
class BoundaryPair:
    """Where a lower channel's top tier meets an upper channel's bottom tier (no figures yet)."""

    lower_channel: str
    lower_tier: Tier
    upper_channel: str
    upper_tier: Tier
    spend: float
    meeting: Literal["meet", "overlap", "gap"]
    crossable: bool = True

    @property
    def lower(self) -> str:
        return tier_key(self.lower_channel, self.lower_tier.id)

    @property
    def upper(self) -> str:
        return tier_key(self.upper_channel, self.upper_tier.id)


def _high(t: Tier) -> float:
    return float("inf") if t.high is None else t.high


def _meeting(top: Tier, bottom: Tier) -> Literal["meet", "overlap", "gap"] | None:
    """How ``bottom`` (the upper channel's bottom tier) sits against ``top``; None if wholly below."""
    if bottom.low == _high(top):
        return "meet"
    if bottom.low > _high(top):
        return "gap"
    if _high(bottom) > top.low:
        return "overlap"
    return None


def boundary_pairs(policy: Policy, all_lines: bool = False) -> list[BoundaryPair]:
    """The lines of a policy customers can cross (and, with ``all_lines``, the rest), highest spend first."""
    pairs: dict[tuple[str, str], BoundaryPair] = {}

    def add(lc: str, lt: Tier, uc: str, ut: Tier, crossable: bool) -> None:
        meeting = _meeting(lt, ut) or "overlap"
        key = (tier_key(lc, lt.id), tier_key(uc, ut.id))
        if key not in pairs:
            pairs[key] = BoundaryPair(lc, lt, uc, ut, max(lt.low, ut.low), meeting, crossable)

    for c, ch in policy.channels.items():
        for lower, upper in itertools.pairwise(ch.tiers):
            add(c, lower, c, upper, True)
    for lc, uc in itertools.pairwise(policy.ladder):
        add(lc, policy.channels[lc].tiers[-1], uc, policy.channels[uc].tiers[0], True)
    for lc, lt, uc, ut in policy.boundary_list():
        add(lc, policy.tier(lc, lt), uc, policy.tier(uc, ut), True)
    if all_lines:
        for p in _channel_lines(policy):
            add(p.lower_channel, p.lower_tier, p.upper_channel, p.upper_tier, False)
    # Highest boundary first: that is where each customer carries most revenue (and the case study's).
    return sorted(pairs.values(), key=lambda p: (-p.spend, p.lower, p.upper))


def _channel_lines(policy: Policy) -> list[BoundaryPair]:
    """Where each field channel's top tier meets the next channel's bottom tier, by spend."""
    field_channels: list[tuple[str, Channel]] = [(c, ch) for c, ch in policy.channels.items() if ch.tiers]
    order = {c: i for i, (c, _) in enumerate(field_channels)}
    # Channel tiers are sorted by spend when the policy loads (check_policy).
    ranked = sorted(field_channels, key=lambda cc: (cc[1].tiers[0].low, _high(cc[1].tiers[0]), order[cc[0]]))
    pairs: list[BoundaryPair] = []
    for i, (lc, lch) in enumerate(ranked):
        top = lch.tiers[-1]
        for uc, uch in ranked[i + 1 :]:
            bottom = uch.tiers[0]
            meeting = _meeting(top, bottom)
            if meeting is None:
                continue
            pairs.append(BoundaryPair(lc, top, uc, bottom, max(top.low, bottom.low), meeting, False))
            break
    return pairs


# --------------------------------------------------------------------------- figures


def _per_10k(hours: float, spend: float) -> float | None:
    return None if spend <= 0 else hours / (spend / 10_000)


def _service(
    channel: str,
    tier: Tier,
    policy: Policy,
    spend: float,
    customers: int,
    scale: float = 1.0,
    coverage: float | None = None,
    customers_per_manager: float | None = None,
    visits_scale: float | None = None,
    calls_scale: float | None = None,
) -> ServiceFigures:
    """One side's figures; visits and calls may be scaled apart (the calendar delivers them apart)."""
    from planner.model.workload import tier_hours_per_customer

    hours = tier_hours_per_customer(tier) * scale
    return ServiceFigures(
        tier=tier_key(channel, tier.id),
        label=tier.label,
        style=policy.channels[channel].tier_style(tier),
        customers=customers,
        visits_per_year=tier.visits.per_year * (scale if visits_scale is None else visits_scale),
        contacts_per_year=tier.calls.per_year * (scale if calls_scale is None else calls_scale),
        hours_per_year=hours,
        hours_per_10k_at_boundary=_per_10k(hours, spend),
        hours_per_10k_mid=_per_10k(hours, tier.mid_spend) or 0.0,
        visit_standard=tier.visits.describe(),
        contact_standard=tier.calls.describe(),
        coverage=coverage,
        customers_per_manager=customers_per_manager,
    )


def severity_level(severity: float) -> str:
    """``low`` / ``medium`` / ``high`` for a relative gap (thresholds in ``SEVERITY_THRESHOLDS``)."""
    for limit, word in SEVERITY_THRESHOLDS:
        if severity < limit:
            return word
    return "high"


def _period(upper: ContactStandard, lower: ContactStandard) -> str:
    """The period a message reads best in: the upper tier's own standard's, else the lower's."""
    if upper.count > 0:
        return upper.per
    if lower.count > 0:
        return lower.per
    return "year"


def _fmt_spend(x: float) -> str:
    """``2700`` -> ``2,700``; ``142.5`` -> ``142.5`` (no rounding away the half yuan)."""
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _service_inversions(
    kind: InversionKind, pair: BoundaryPair, sides: SidePair, boundary: str
) -> list[Inversion]:
    out: list[Inversion] = []
    for metric, noun in SERVICE_METRICS:
        low_v = float(getattr(sides.lower, metric))
        up_v = float(getattr(sides.upper, metric))
        if not up_v < low_v * (1 - _TOL) - _TOL:
            continue
        severity = (low_v - up_v) / low_v
        if metric == "visits_per_year":
            period = _period(pair.upper_tier.visits, pair.lower_tier.visits)
        elif metric == "contacts_per_year":
            period = _period(pair.upper_tier.calls, pair.lower_tier.calls)
        else:
            period = "year"
        n = PERIODS_PER_YEAR[period]
        # Visits and calls read best with two decimals (0.85 a quarter); hours with one unless small.
        digits = 1 if metric == "hours_per_year" and up_v / n >= 1 else 2
        values = _("{value} {noun} a {period}").format(
            value=f"{up_v / n:.{digits}f}", noun=_(noun), period=_(period)
        )
        against = f"{low_v / n:.{digits}f}"
        if kind == "designed":
            text = _("on paper {upper} customers get {values} against {against} for {lower}").format(
                upper=sides.upper.tier, values=values, against=against, lower=sides.lower.tier
            )
        else:
            text = _(
                "{upper} customers get {values} in practice against {against} for {lower} ({detail})"
            ).format(
                upper=sides.upper.tier,
                values=values,
                against=against,
                lower=sides.lower.tier,
                detail=_delivery_detail(sides.upper),
            )
        out.append(Inversion(kind, metric, low_v, up_v, severity, severity_level(severity), text, boundary))
    return out


def _delivery_detail(upper: ServiceFigures) -> str:
    """Why the upper side falls short in practice: understaffing, or a standard already lower."""
    cov = upper.coverage
    if cov is None or cov >= 1 - 1e-6:
        # Full coverage above and still less than below: the standard itself gives less.
        return _("its full standard, which itself gives less")
    detail = _("today's headcount delivers {coverage} of its standard").format(coverage=f"{cov:.1%}")
    if upper.customers_per_manager is not None:
        detail += _(", {n} customers per manager").format(n=f"{upper.customers_per_manager:,.0f}")
    return detail


def _price(pair: BoundaryPair) -> PriceFigures:
    x = pair.spend
    below = x * (1 - pair.lower_tier.discount)
    above = x * (1 - pair.upper_tier.discount)
    return PriceFigures(x, pair.lower_tier.discount, pair.upper_tier.discount, below, above, above - below)


def _price_inversion(pair: BoundaryPair, price: PriceFigures, boundary: str) -> list[Inversion]:
    if not price.upper_discount < price.lower_discount - _TOL or price.price_just_below <= 0:
        return []
    severity = price.step / price.price_just_below
    text = _(
        "{spend} CNY a month costs {above} as {upper} ({upper_discount} discount) against {below} as "
        "{lower} ({lower_discount}): crossing the line costs {step} CNY a month more, an incentive to "
        "stay small"
    ).format(
        spend=_fmt_spend(price.spend),
        above=_fmt_spend(price.price_just_above),
        upper=pair.upper,
        upper_discount=f"{price.upper_discount:.0%}",
        below=_fmt_spend(price.price_just_below),
        lower=pair.lower,
        lower_discount=f"{price.lower_discount:.0%}",
        step=_fmt_spend(price.step),
    )
    return [
        Inversion(
            "price",
            "net_monthly_price",
            price.price_just_below,
            price.price_just_above,
            severity,
            severity_level(severity),
            text,
            boundary,
        )
    ]


def _verdict(inversions: list[Inversion], delivered: SidePair) -> str:
    kinds = {i.kind for i in inversions}
    if "designed" in kinds:
        service = (
            _("service inverted on paper and in delivery")
            if "delivered" in kinds
            else _("service inverted on paper")
        )
    elif "delivered" in kinds:
        cov = delivered.upper.coverage
        why = (
            _(": {tier} gets {coverage} of its standard").format(
                tier=delivered.upper.tier, coverage=f"{cov:.1%}"
            )
            if cov is not None
            else ""
        )
        service = _("sound on paper, inverted in delivery (understaffed{why})").format(why=why)
    else:
        service = _("service sound on paper and in delivery")
    price = _("price inverted") if "price" in kinds else _("price sound")
    return _("{service}; {price}").format(service=service, price=price)


def _near(pair: BoundaryPair, roster: Roster, fraction: float = NEAR_FRACTION) -> NearFigures:
    df = roster.accepted
    x = pair.spend
    lo, hi = x * (1 - fraction), x * (1 + fraction)
    # Window on spend first (one vectorised comparison), then tier membership on the few rows left:
    # a million-row roster stays well under a second.
    spend_all = df["monthly_spend"].to_numpy(dtype=float, na_value=float("nan"))
    tol = 1e-9 * max(1.0, x)  # so 1,100 counts as within 10 % of 1,000 despite float rounding
    window = df.loc[
        (spend_all >= lo - tol) & (spend_all <= hi + tol), ["customer_id", "channel", "tier", "monthly_spend"]
    ]
    import numpy as np

    channel = window["channel"].astype(str).to_numpy()
    tier = window["tier"].astype(str).to_numpy()
    spend = window["monthly_spend"].to_numpy(dtype=float)
    ids = window["customer_id"].astype(str).to_numpy()
    low_mask = (channel == pair.lower_channel) & (tier == pair.lower_tier.id)
    up_mask = (channel == pair.upper_channel) & (tier == pair.upper_tier.id)
    n_low, rev_low = int(low_mask.sum()), float(spend[low_mask].sum())
    n_up, rev_up = int(up_mask.sum()), float(spend[up_mask].sum())
    # Each near customer by name, closest to the line first, then by id (numpy sorts, then one
    # object per listed customer: a million-row roster lists a few hundred thousand at most).
    keep = low_mask | up_mask
    distance = spend[keep] / x - 1 if x else np.zeros(int(keep.sum()))
    kept_ids = ids[keep]
    above = up_mask[keep]
    order = np.lexsort((kept_ids, np.abs(distance)))
    names = {
        False: f"{pair.lower_channel}.{pair.lower_tier.id}",
        True: f"{pair.upper_channel}.{pair.upper_tier.id}",
    }
    customers = [
        NearCustomer(cid, names[up], "above" if up else "below", amount, d)
        for cid, up, amount, d in zip(
            kept_ids[order].tolist(),
            above[order].tolist(),
            spend[keep][order].tolist(),
            distance[order].tolist(),
            strict=True,
        )
    ]
    gap = pair.lower_tier.discount - pair.upper_tier.discount
    inverted = gap > _TOL
    return NearFigures(
        window_low=lo,
        window_high=hi,
        lower=NearSide(pair.lower, n_low, rev_low),
        upper=NearSide(pair.upper, n_up, rev_up),
        pay_less_below=(n_low + n_up) if inverted else 0,
        overpay_per_month=rev_up * gap if inverted else 0.0,
        fraction=fraction,
        customers=customers,
    )


def roster_shortfall(scenario: Scenario, roster: Roster, min_share: float = ROSTER_MIN_SHARE) -> list[str]:
    """Warnings for each channel whose roster holds fewer than ``min_share`` of the customers
    ``scenario`` (as written, before the roster replaced its counts) gives it.

    Such a roster is a part of the branch: its counts near a line are a part too, and the
    coverage computed from its customers per tier does not describe the whole branch.
    """
    counts = roster.counts()
    out = []
    for channel in scenario.policy.channels:
        expected = sum(scenario.customers(channel, t.id) for t in scenario.policy.channels[channel].tiers)
        if expected <= 0:
            continue
        held = sum(n for (c, _t), n in counts.items() if c == channel)
        if held < min_share * expected:
            out.append(
                _(
                    "roster {source}: {held} {channel} customers against {expected} in the scenario "
                    "({share}, under {minimum}): is it the whole branch? The customers near "
                    "each line are the roster's only"
                ).format(
                    source=roster.source,
                    held=f"{held:,}",
                    channel=channel,
                    expected=f"{expected:,}",
                    share=f"{held / expected:.1%}",
                    minimum=f"{min_share:.0%}",
                )
            )
    return out


def _plan_current(scenario: Scenario, solver: str, year: int | None = None) -> PlanResult:
    from planner.model.headcount import plan

    result = plan(scenario, headcount="current", solver=solver, year=year)
    if not result.ok:
        raise SolverError(
            _("{scenario}: no plan at today's headcount: {why}").format(
                scenario=scenario.name, why=result.explanation
            )
        )
    return result


def _boundary(
    pair: BoundaryPair,
    scenario: Scenario,
    result: PlanResult,
    roster: Roster | None,
    near: float = NEAR_FRACTION,
) -> Boundary:
    policy = scenario.policy
    name = f"{pair.lower} / {pair.upper}"
    sides = []
    delivered = []
    for channel, tier in ((pair.lower_channel, pair.lower_tier), (pair.upper_channel, pair.upper_tier)):
        n = scenario.customers(channel, tier.id)
        sides.append(_service(channel, tier, policy, pair.spend, n))
        t = result.tier(channel, tier.id)
        visits = t.delivered_visits / t.required_visits if t.required_visits else t.coverage
        calls = t.delivered_calls / t.required_calls if t.required_calls else t.coverage
        delivered.append(
            _service(
                channel,
                tier,
                policy,
                pair.spend,
                n,
                t.coverage,
                t.coverage,
                t.customers_per_manager,
                visits_scale=visits,
                calls_scale=calls,
            )
        )
    designed_pair = SidePair(*sides)
    delivered_pair = SidePair(*delivered)
    price = _price(pair)
    inversions = [
        *_service_inversions("designed", pair, designed_pair, name),
        *_service_inversions("delivered", pair, delivered_pair, name),
        *_price_inversion(pair, price, name),
    ]
    return Boundary(
        lower=pair.lower,
        upper=pair.upper,
        spend=pair.spend,
        meeting=pair.meeting,
        designed=designed_pair,
        delivered=delivered_pair,
        price=price,
        inversions=inversions,
        near=_near(pair, roster, near) if roster is not None else None,
        verdict=_verdict(inversions, delivered_pair),
        crossable=pair.crossable,
    )


# --------------------------------------------------------------------------- public API


def analyse_boundaries(
    scenario: Scenario,
    *,
    solver: str = "auto",
    roster: Roster | None = None,
    remedy: Scenario | None = None,
    all_lines: bool = False,
    year: int | None = None,
    near: float = NEAR_FRACTION,
) -> BoundaryReport:
    """Compare both sides of every channel boundary of ``scenario``: designed, delivered, price.

    Parameters
    ----------
    scenario
        A validated scenario; delivered figures come from
        ``plan(scenario, headcount="current")``.
    solver
        ``auto``, ``highs`` or ``cbc``.
    roster
        Optional customer roster: adds the customers near each boundary (``Boundary.near``).
    remedy
        Optional remedy scenario: adds :func:`compare_remedy` (``BoundaryReport.remedy``).
    all_lines
        Also compare lines no customer can cross (marked ``crossable: false``).
    year
        The plan year (default: the scenario's).
    near
        With ``roster``: the near window's half-width as a share of each line's spend.

    Raises
    ------
    InputError
        When ``remedy`` has different tiers from ``scenario``.
    SolverError
        When no plan can be found at today's headcount.
    """
    if remedy is not None:
        check_same_tiers(scenario, remedy)
    result = _plan_current(scenario, solver, year)
    boundaries = [
        _boundary(p, scenario, result, roster, near) for p in boundary_pairs(scenario.policy, all_lines)
    ]
    comparison = _compare(scenario, result, boundaries, remedy, solver, year) if remedy is not None else None
    # The scenario's own warnings (roster rejections among them) and the remedy's, each once.
    warnings = [*scenario.warnings, *result.warnings]
    if remedy is not None:
        warnings += [
            _("remedy {remedy}: {warning}").format(remedy=remedy.name, warning=w) for w in remedy.warnings
        ]
    return BoundaryReport(scenario.name, boundaries, comparison, list(dict.fromkeys(warnings)))


def compare_remedy(
    before: Scenario, after: Scenario, *, solver: str = "auto", year: int | None = None
) -> RemedyComparison:
    """Headcount, cost, boundary tiers' coverage and inversions left, before and after a remedy.

    Each scenario is planned at its own today's headcount. Coverage is shown for every tier on a
    boundary of ``before``.

    Raises
    ------
    InputError
        When ``after``'s policy has different tiers (channel.tier) from ``before``'s.
    """
    check_same_tiers(before, after)
    result = _plan_current(before, solver, year)
    boundaries = [_boundary(p, before, result, None) for p in boundary_pairs(before.policy)]
    return _compare(before, result, boundaries, after, solver, year)


def check_same_tiers(before: Scenario, after: Scenario) -> None:
    """Refuse a remedy whose policy's tiers differ from the scenario's: before/after would not line up."""
    b = {tier_key(c, t) for c, t in before.policy.tier_keys()}
    a = {tier_key(c, t) for c, t in after.policy.tier_keys()}
    if a == b:
        return
    parts = []
    if a - b:
        parts.append(_("only in the remedy: {tiers}").format(tiers=", ".join(sorted(a - b))))
    if b - a:
        parts.append(_("missing from the remedy: {tiers}").format(tiers=", ".join(sorted(b - a))))
    raise InputError(
        _(
            "remedy {remedy} has different tiers from {scenario} ({parts}); "
            "a remedy must keep the scenario's tiers so before and after line up"
        ).format(remedy=repr(after.name), scenario=repr(before.name), parts="; ".join(parts)),
        source=str(after.path) if after.path else after.name,
    )


def _boundary_tiers(boundaries: Iterable[Boundary]) -> list[str]:
    seen: dict[str, None] = {}
    for b in boundaries:
        seen.setdefault(b.lower)
        seen.setdefault(b.upper)
    return list(seen)


def _side(
    scenario: Scenario,
    result: PlanResult,
    tiers: list[str],
    boundaries: list[Boundary],
    solver: str,
    year: int | None,
) -> RemedySide:
    from planner.model.headcount import plan

    required = plan(scenario, solver=solver, year=year, with_current=False)
    coverage: dict[str, float] = {}
    per_manager: dict[str, float | None] = {}
    for key in tiers:
        channel, _, tier = key.partition(".")
        t = result.tier(channel, tier)
        coverage[key] = t.coverage
        per_manager[key] = t.customers_per_manager
    return RemedySide(
        scenario=scenario.name,
        headcount=result.current_total_headcount,
        annual_cost=result.current_total_cost,
        required_headcount=required.total_headcount,
        required_cost=required.total_cost,
        coverage=coverage,
        customers_per_manager=per_manager,
        inversions=[i for b in boundaries for i in b.inversions],
    )


def _compare(
    before: Scenario,
    before_result: PlanResult,
    before_boundaries: list[Boundary],
    after: Scenario,
    solver: str,
    year: int | None = None,
) -> RemedyComparison:
    after_result = _plan_current(after, solver, year)
    after_boundaries = [_boundary(p, after, after_result, None) for p in boundary_pairs(after.policy)]
    tiers = _boundary_tiers(before_boundaries)
    return RemedyComparison(
        before=_side(before, before_result, tiers, before_boundaries, solver, year),
        after=_side(after, after_result, tiers, after_boundaries, solver, year),
    )


def inversions_by_kind(inversions: Iterable[Inversion]) -> Mapping[str, int]:
    """How many inversions of each kind (``designed``, ``delivered``, ``price``), for summaries."""
    counts = {"designed": 0, "delivered": 0, "price": 0}
    for i in inversions:
        counts[i.kind] += 1
    return counts
