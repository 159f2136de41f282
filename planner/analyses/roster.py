"""What a roster says: row accounting, customers and revenue per tier, reclassification, churn exposure.

Also the synthetic roster generator used by tests, benchmarks and anyone trying the tool.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.data.policy import Policy
from planner.data.roster import Roster, band_tiers, ladder_range
from planner.data.scenario import Scenario
from planner.data.yaml_io import load_yaml
from planner.errors import InputError
from planner.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class TierLine:
    """Accepted customers of one tier and their monthly spend (CNY)."""

    channel: str
    tier: str
    customers: int
    monthly_revenue: float


@dataclass(frozen=True)
class Move:
    """Customers whose spend now places them elsewhere than the roster says (``from`` -> ``to``)."""

    from_: str
    to: str
    customers: int
    monthly_revenue: float

    def to_dict(self) -> dict[str, Any]:
        """JSON keys ``from``, ``to``, ``customers``, ``monthly_revenue``."""
        return {
            "from": self.from_,
            "to": self.to,
            "customers": self.customers,
            "monthly_revenue": self.monthly_revenue,
        }


@dataclass(frozen=True)
class Exposure:
    """Revenue at risk (monthly spend x 12 x churn risk, CNY a year) of one tier or industry."""

    key: str
    customers: int
    monthly_revenue: float
    revenue_at_risk: float


@dataclass(frozen=True)
class RosterCheck:
    """Everything ``planner roster check`` reports."""

    source: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    rejected: list[dict[str, Any]]
    reasons: dict[str, int]
    tiers: list[TierLine]
    reclassified: list[Move]
    churn_tiers: list[Exposure]
    churn_industries: list[Exposure]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape documented in the README."""
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_rejected": self.rows_rejected,
            "rejected": self.rejected,
            "reasons": self.reasons,
            "tiers": [asdict(t) for t in self.tiers],
            "reclassified": [m.to_dict() for m in self.reclassified],
            "churn": {
                "tiers": [_exposure(e, "tier") for e in self.churn_tiers],
                "industries": [_exposure(e, "industry") for e in self.churn_industries],
            },
            "warnings": self.warnings,
        }


def _exposure(e: Exposure, name: str) -> dict[str, Any]:
    return {
        name: e.key,
        "customers": e.customers,
        "monthly_revenue": e.monthly_revenue,
        "revenue_at_risk": e.revenue_at_risk,
    }


def placement(policy: Policy, accepted: pd.DataFrame) -> pd.Series:
    """Where each accepted row's spend puts it today, as ``channel.tier`` (NA where nowhere).

    Within its own channel by the spend bands; a ladder channel's customer whose spend left the
    channel's bands goes to the ladder channel whose bands hold it (e.g. commercial at 5,000 CNY ->
    key.crystal).
    """
    import pandas as pd

    own = accepted["band_tier"]
    out = (accepted["channel"] + "." + own).astype("string")
    missing = own.isna().to_numpy(dtype=bool)
    if missing.any() and policy.ladder:
        sub = accepted.loc[missing]
        spend = sub["monthly_spend"]
        found = pd.Series(pd.NA, index=sub.index, dtype="string")
        for cid in policy.ladder:
            candidate = band_tiers(policy, pd.Series(cid, index=sub.index, dtype="string"), spend)
            take = (candidate != "").to_numpy() & found.isna().to_numpy()
            found[take] = cid + "." + candidate[take]
        out[missing] = found
    return out


def check_roster(roster: Roster, scenario: Scenario) -> RosterCheck:
    """Row accounting, tiers, reclassification and churn exposure of a read roster."""
    import pandas as pd

    acc = roster.accepted
    policy = scenario.policy
    warnings: list[str] = []
    # Group on integer codes of (channel, tier), not on joined text: the same groups, in the same
    # order of first appearance, summed the same way, without building a string per customer.
    channel_codes, channel_names = pd.factorize(acc["channel"])
    tier_codes, tier_names = pd.factorize(acc["tier"])
    key = channel_codes.astype("int64") * max(len(tier_names), 1) + tier_codes
    spend = acc["monthly_spend"]
    grouped = spend.groupby(key, sort=False).agg(["size", "sum"])
    width = max(len(tier_names), 1)
    names = {k: (str(channel_names[k // width]), str(tier_names[k % width])) for k in grouped.index}
    lookup = {names[k]: (int(r["size"]), float(r["sum"])) for k, r in grouped.iterrows()}
    tiers = []
    for channel, tier in policy.tier_keys():
        n, revenue = lookup.get((channel, tier), (0, 0.0))
        tiers.append(TierLine(channel, tier, n, revenue))

    # Only a customer whose band tier is missing or differs from its tier can have moved.
    band = acc["band_tier"]
    maybe = (band.isna() | (band != acc["tier"])).to_numpy(dtype=bool, na_value=True)
    sub = acc[maybe]
    now = placement(policy, sub)
    before = (sub["channel"] + "." + sub["tier"]).astype("string")
    moved = (now.notna() & (now != before)).to_numpy(dtype=bool, na_value=False)
    moves = []
    if moved.any():
        table = (
            pd.DataFrame({"from": before[moved], "to": now[moved], "spend": sub["monthly_spend"][moved]})
            .groupby(["from", "to"], sort=True)
            .agg(customers=("spend", "size"), revenue=("spend", "sum"))
        )
        order = {f"{c}.{t}": i for i, (c, t) in enumerate(policy.tier_keys())}
        rows = [(f, t, int(r.customers), float(r.revenue)) for (f, t), r in table.iterrows()]
        rows.sort(key=lambda x: (order.get(x[0], 0), order.get(x[1], 0)))
        moves = [Move(f, t, n, rev) for f, t, n, rev in rows]
    low, high = ladder_range(policy)
    if policy.ladder:
        warnings.append(
            _("reclassification follows the policy's ladder {ladder} ({low} to {high} CNY a month)").format(
                ladder=" -> ".join(policy.ladder),
                low=f"{low:,.0f}",
                high=_("no limit") if high == float("inf") else f"{high:,.0f}",
            )
        )

    risk = spend * MONTHS_PER_YEAR * acc["churn_risk"]
    frame = pd.DataFrame({"key": key, "monthly_spend": spend, "risk": risk})
    by_tier = frame.groupby("key", sort=False).agg(
        customers=("risk", "size"), revenue=("monthly_spend", "sum"), risk=("risk", "sum")
    )
    churn_tiers = [
        Exposure(".".join(names[int(k)]), int(r.customers), float(r.revenue), float(r.risk))
        for k, r in by_tier.sort_values(["risk"], ascending=False, kind="stable").iterrows()
    ]
    by_industry = (
        frame.assign(industry=acc["industry"].fillna("(not given)"))
        .groupby("industry", sort=True)
        .agg(customers=("risk", "size"), revenue=("monthly_spend", "sum"), risk=("risk", "sum"))
    )
    churn_industries = [
        Exposure(str(k), int(r.customers), float(r.revenue), float(r.risk))
        for k, r in by_industry.sort_values(["risk"], ascending=False, kind="stable").iterrows()
    ]
    rejected = roster.rejected
    warnings = [*roster.notes, *warnings]
    # One string object per distinct reason, shared by its rows (a million rejects, a few reasons).
    reason_codes, distinct = pd.factorize(rejected["reason"])
    words = [str(m) for m in distinct]
    return RosterCheck(
        source=roster.source,
        rows_read=roster.rows_read,
        rows_accepted=roster.rows_accepted,
        rows_rejected=roster.rows_rejected,
        rejected=[
            {"row": int(r), "customer_id": str(c), "reason": words[m]}
            for r, c, m in zip(
                rejected["row"].tolist(),
                rejected["customer_id"].astype(object).tolist(),
                reason_codes.tolist(),
                strict=True,
            )
        ],
        reasons=reason_counts(roster),
        tiers=tiers,
        reclassified=moves,
        churn_tiers=churn_tiers,
        churn_industries=churn_industries,
        warnings=warnings,
    )


def _distinct_reasons(roster: Roster) -> pd.Series:
    """Rejected rows per distinct reason message (one pass over the rejected rows)."""
    return roster.rejected["reason"].astype(object).value_counts()


def reason_counts(roster: Roster, distinct: pd.Series | None = None) -> dict[str, int]:
    """Rejected rows per kind of reason (the value quoted in a message folded into ``…``)."""
    # Count the distinct messages first, then fold them into kinds: the regex runs once per distinct
    # message, not once per rejected row.
    distinct = _distinct_reasons(roster) if distinct is None else distinct
    kinds = distinct.index.to_series().str.replace(
        r" \(first at row \d+\)|'.*'|for channel \S+|channel \S+$", "…", regex=True
    )
    by_kind = distinct.groupby(kinds.to_numpy()).sum() if len(distinct) else distinct
    return {str(k): int(v) for k, v in by_kind.sort_index().items()}


def rejection_summary(roster: Roster) -> str:
    """One line: how many rows were rejected and why (most frequent reasons first)."""
    counts = sorted(reason_counts(roster).items(), key=lambda kv: (-kv[1], kv[0]))
    why = "; ".join(f"{n:,} {k}" for k, n in counts[:3])
    more = _("; {n} more kinds").format(n=len(counts) - 3) if len(counts) > 3 else ""
    return _(
        "roster {source}: {rejected} of {read} rows rejected and "
        "left out ({why}{more}; `planner roster check` lists them)"
    ).format(
        source=roster.source,
        rejected=f"{roster.rows_rejected:,}",
        read=f"{roster.rows_read:,}",
        why=why,
        more=more,
    )


def roster_losses(
    roster: Roster, scenario: Scenario, max_reject_share: float, whole_branch: bool = True
) -> list[str]:
    """Why planning with ``roster`` in place of the scenario's customers would lose data.

    Empty when fine. Two tests: more than ``max_reject_share`` of the rows rejected, and a channel
    in which the scenario has customers but the roster accepted none (a channel column whose values
    are not mapped, or a whole channel's rows rejected, would otherwise plan that channel's roles
    down to zero). The second only with ``whole_branch``: ``portfolio`` and ``rebalance`` look at
    the managers a roster lists, not at the whole branch.
    """
    problems = []
    distinct = _distinct_reasons(roster) if roster.rows_rejected else None
    if roster.rows_read and roster.rows_rejected / roster.rows_read > max_reject_share:
        share = roster.rows_rejected / roster.rows_read
        counts = sorted(reason_counts(roster, distinct).items(), key=lambda kv: (-kv[1], kv[0]))
        why = ", ".join(f"{n:,} {k}" for k, n in counts[:3])
        problems.append(
            _(
                "{rejected} of {read} rows rejected ({share}, more than the "
                "{most} --max-reject-share allows: {why})"
            ).format(
                rejected=f"{roster.rows_rejected:,}",
                read=f"{roster.rows_read:,}",
                share=f"{share:.1%}",
                most=f"{max_reject_share:.1%}",
                why=why,
            )
        )
    if roster.rows_read == 0:
        problems.append(_("no customer rows"))
    elif whole_branch:
        accepted = roster.accepted["channel"].value_counts()
        for cid, tiers in scenario.spec.customers.items():
            had = sum(tiers.values())
            if had > 0 and int(accepted.get(cid, 0)) == 0:
                problems.append(
                    _("channel {channel} has {n} customers in the scenario and none in the roster").format(
                        channel=cid, n=f"{had:,}"
                    )
                )
    if problems and distinct is not None:
        problems.extend(_unknown_channel_hint(distinct))
    return problems


def _unknown_channel_hint(distinct: pd.Series) -> list[str]:
    """The commonest channel values the policy does not know, as a hint to map them (or nothing)."""
    messages = distinct.index.to_series().astype(str)
    unknown = distinct[messages.str.startswith("unknown channel ").to_numpy(dtype=bool)]
    if not len(unknown):
        return []
    shown = []
    for message, n in unknown.head(3).items():
        text = str(message)
        value = text[text.index("'") + 1 : text.rindex("'")] if text.count("'") >= 2 else text
        value = value if len(value) <= 40 else value[:39] + "…"
        shown.append(_("{value} ({n} rows)").format(value=value, n=f"{n:,}"))
    more = " ..." if len(unknown) > 3 else ""
    return [
        _(
            "channel values not in the policy: {values}{more}; map them with --columns "
            "(channels: {{VALUE: CHANNEL}})"
        ).format(values=", ".join(shown), more=more)
    ]


# ----------------------------------------------------------------------------- generation


@dataclass(frozen=True)
class Profile:
    """What a synthetic roster looks like beyond the scenario's counts (a data file, not code)."""

    industries: dict[str, float]
    channel_industry: dict[str, str]
    districts: list[str]
    drift_share: float
    drift_spread: float


def load_profile(path: str | Path) -> Profile:
    """Read a roster profile YAML (see ``scenarios/data/roster-profile.yaml``)."""
    doc = load_yaml(path)
    data = doc.data
    if not isinstance(data, dict):
        raise InputError(_("expected a mapping"), source=path)
    allowed = {"industries", "channel_industry", "districts", "drift"}
    for key in data:
        if key not in allowed:
            raise doc.error((key,), _("unknown key; expected {keys}").format(keys=", ".join(sorted(allowed))))
    industries = data.get("industries")
    if not isinstance(industries, dict) or not industries:
        raise doc.error(("industries",), _("expected a mapping of industry -> share"))
    for name, share in industries.items():
        if not isinstance(share, (int, float)) or isinstance(share, bool) or share < 0:
            raise doc.error(
                ("industries", name), _("expected a share >= 0, got {value}").format(value=repr(share))
            )
    if sum(industries.values()) <= 0:
        raise doc.error(("industries",), _("shares must not all be zero"))
    districts = data.get("districts")
    if not isinstance(districts, list) or not districts:
        raise doc.error(("districts",), _("expected a non-empty list of district names"))
    drift = data.get("drift") or {}
    if not isinstance(drift, dict):
        raise doc.error(("drift",), _("expected a mapping with share and spread"))
    share = drift.get("share", 0.0)
    spread = drift.get("spread", 0.0)
    for name, value in (("share", share), ("spread", spread)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
            raise doc.error(
                ("drift", name), _("expected a fraction in [0, 1], got {value}").format(value=repr(value))
            )
    channel_industry = data.get("channel_industry") or {}
    if not isinstance(channel_industry, dict):
        raise doc.error(("channel_industry",), _("expected a mapping of channel -> industry"))
    return Profile(
        industries={str(k): float(v) for k, v in industries.items()},
        channel_industry={str(k): str(v) for k, v in channel_industry.items()},
        districts=[str(d) for d in districts],
        drift_share=float(share),
        drift_spread=float(spread),
    )


def scaled_counts(scenario: Scenario, total: int) -> dict[tuple[str, str], int]:
    """The scenario's customers per tier scaled to ``total``, largest remainders rounded up (sums exactly)."""
    keys = [(c, t.id) for c, t in scenario.tiers()]
    base = [scenario.customers(c, t) for c, t in keys]
    whole = sum(base)
    if whole == 0:
        raise InputError(_("the scenario has no customers to scale"), source=scenario.name, path="customers")
    exact = [total * b / whole for b in base]
    floors = [int(e) for e in exact]
    left = total - sum(floors)
    order = sorted(range(len(keys)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return {k: n for k, n in zip(keys, floors, strict=True) if n > 0}


#: Peak memory a generated customer takes (its arrays, the frame, and the CSV writer's buffers),
#: measured: `/usr/bin/time -f %M planner roster generate --customers N --out g.csv` peaks at
#: 543 MB for 1,000,000 and 1,748 MB for 4,000,000, i.e. about 400 bytes a customer; 420 with margin.
GENERATE_BYTES_PER_CUSTOMER = 420


def physical_memory() -> int | None:
    """This machine's physical memory in bytes (None where the OS does not say)."""
    import os

    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def check_generate_size(customers: int, memory: int | None = None) -> None:
    """Refuse, with the estimate, a roster too large to generate in this machine's memory."""
    memory = physical_memory() if memory is None else memory
    need = customers * GENERATE_BYTES_PER_CUSTOMER
    if memory is not None and need > memory * 0.8:
        most = int(memory * 0.8 // GENERATE_BYTES_PER_CUSTOMER)
        raise InputError(
            _(
                "{customers} customers would need about {need} of memory "
                "({each} bytes each) and this machine has {memory}; "
                "generate at most {most}"
            ).format(
                customers=f"{customers:,}",
                need=_bytes(need),
                each=GENERATE_BYTES_PER_CUSTOMER,
                memory=_bytes(memory),
                most=f"{most:,}",
            ),
            source="--customers",
        )


def _bytes(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} PB"  # pragma: no cover


def generate_roster(scenario: Scenario, customers: int, seed: int, profile: Profile) -> pd.DataFrame:
    """A deterministic synthetic roster shaped like ``scenario`` (same seed, same rows).

    Each customer's listed tier follows the scenario's proportions; its spend is spread evenly
    inside the band (open-ended bands: from the low edge to twice the typical spend minus it); a
    ``drift.share`` of customers then have their spend moved by up to ``drift.spread`` either way,
    as happens during a year after the key-account list was fixed, so a check shows reclassifications.
    """
    import numpy as np
    import pandas as pd

    if customers <= 0:
        raise InputError(
            _("expected a positive number of customers, got {customers}").format(customers=customers),
            source="--customers",
        )
    check_generate_size(customers)
    counts = scaled_counts(scenario, customers)
    rng = np.random.default_rng(seed)
    channels, tiers, spends = [], [], []
    for (channel_id, tier_id), n in counts.items():
        band = scenario.policy.tier(channel_id, tier_id)
        high = band.high if band.high is not None else 2 * band.mid_spend - band.low
        channels.append(np.full(n, channel_id, dtype=object))
        tiers.append(np.full(n, tier_id, dtype=object))
        spends.append(rng.uniform(band.low, high, n))
    channel = np.concatenate(channels)
    tier = np.concatenate(tiers)
    spend = np.concatenate(spends)
    drift = rng.random(customers) < profile.drift_share
    factor = 1 + rng.uniform(-profile.drift_spread, profile.drift_spread, customers)
    spend = np.where(drift, spend * factor, spend)
    spend = np.round(spend, 2)
    names = list(profile.industries)
    shares = np.array([profile.industries[n] for n in names], dtype=float)
    industry = np.array(names, dtype=object)[rng.choice(len(names), size=customers, p=shares / shares.sum())]
    for name, fixed in profile.channel_industry.items():
        industry[channel == name] = fixed
    district = np.array(profile.districts, dtype=object)[rng.integers(0, len(profile.districts), customers)]
    order = rng.permutation(customers)
    width = max(7, len(str(customers)))
    ids = np.array([f"C{i:0{width}d}" for i in range(1, customers + 1)], dtype=object)
    frame = pd.DataFrame(
        {
            "customer_id": ids,
            "channel": channel[order],
            "tier": tier[order],
            "monthly_spend": spend[order],
            "industry": industry[order],
            "district": district[order],
        }
    )
    return frame


def write_roster(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a roster by extension (.csv, .xlsx, .parquet), atomically."""
    from planner.report.export import write_csv, write_with

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".csv":
        return write_csv(target, frame, float_format="%.2f")
    if suffix == ".xlsx":
        return write_with(target, lambda tmp: _write_xlsx(frame, tmp))
    if suffix == ".parquet":
        return write_with(target, lambda tmp: frame.to_parquet(tmp, index=False))
    raise InputError(
        _("unknown roster format {suffix}; expected .csv, .xlsx or .parquet").format(
            suffix=repr(target.suffix or "(no extension)")
        ),
        source="--out",
    )


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """``frame`` as a workbook whose bytes depend on the data only."""
    from planner.report.export import write_frame_xlsx

    write_frame_xlsx(frame, path)
