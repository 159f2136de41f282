"""Channel policies: channels, their tiers by monthly spend, and each tier's service standard.

A policy file looks like::

    channels:
      key:
        label: 大客户经理渠道
        style: personalised
        tiers:
          - id: crystal
            label: 水晶
            spend: [3000, 10000]        # CNY per month, half-open [low, high)
            visits: {count: 2, per: quarter}
            calls: {count: 1, per: month}
            visit_minutes: 120
            call_minutes: 10
            discount: 0.10
            churn_risk: 0.0612

Validation happens here (types, ranges, unknown keys, overlapping bands); the hours a tier needs
are computed in :mod:`planner.model.workload`, nowhere else.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from planner.data.validation import validate_document
from planner.data.yaml_io import Document, load_with_extends
from planner.errors import excerpt
from planner.i18n import _

Period = Literal["month", "quarter", "year"]
Style = Literal["personalised", "specialised", "standardised"]

#: How many of each period a year holds.
PERIODS_PER_YEAR: dict[str, int] = {"month": 12, "quarter": 4, "year": 1}


#: The largest monthly spend a band edge may name, CNY (a billion a month: beyond any one customer).
MAX_SPEND = 1e9


class _Strict(BaseModel):
    # allow_inf_nan=False: `.inf` and `.nan` are refused by every number field (they crash solvers).
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class ContactStandard(_Strict):
    """``count`` contacts per customer in every ``per`` period (e.g. 2 per quarter)."""

    count: int = Field(ge=0, le=1000)
    per: Period

    @property
    def per_year(self) -> int:
        """Contacts per customer per year."""
        return self.count * PERIODS_PER_YEAR[self.per]

    def describe(self) -> str:
        """``2 per quarter``."""
        return f"{self.count} per {self.per}"


class Tier(_Strict):
    """One spend band of a channel and the service its customers are promised."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_+\-]+$")
    label: str | None = None
    spend: list[float | None] = Field(min_length=2, max_length=2)
    typical_spend: float | None = Field(default=None, gt=0, le=MAX_SPEND)
    visits: ContactStandard
    calls: ContactStandard
    visit_minutes: float = Field(ge=0, le=24 * 60)
    call_minutes: float = Field(ge=0, le=24 * 60)
    discount: float = Field(ge=0, le=1)
    churn_risk: float = Field(ge=0, le=1)
    style: Style | None = None
    #: Response curve: ``[service share of standard, share of revenue kept]`` points, concave
    #: (see :mod:`planner.model.response`); default: the policy's ``response`` shape, else linear.
    response: list[list[float]] | None = None

    @field_validator("response")
    @classmethod
    def _curve(cls, v: list[list[float]] | None) -> list[list[float]] | None:
        return _check_curve(v, kept=True)

    @field_validator("spend")
    @classmethod
    def _band(cls, v: list[float | None]) -> list[float | None]:
        low, high = v
        if low is None:
            raise ValueError(_("spend band needs a lower edge: [low, high] or [low, null]"))
        if low < 0:
            raise ValueError(_("spend band starts below zero ({low})").format(low=low))
        for edge in (low, high):
            if edge is not None and edge > MAX_SPEND:
                raise ValueError(
                    _("spend band edge {edge:g} is above {max_spend:g} CNY a month").format(
                        edge=edge, max_spend=MAX_SPEND
                    )
                )
        if high is not None and high <= low:
            raise ValueError(
                _("spend band [{low}, {high}) is empty: high must exceed low").format(low=low, high=high)
            )
        return v

    @property
    def low(self) -> float:
        """Lower edge of the band (inclusive), CNY per month."""
        low = self.spend[0]
        assert low is not None  # checked by the validator
        return low

    @property
    def high(self) -> float | None:
        """Upper edge of the band (exclusive), or None when open-ended."""
        return self.spend[1]

    @property
    def mid_spend(self) -> float:
        """Representative monthly spend: ``typical_spend`` if set, else the middle of the band."""
        if self.typical_spend is not None:
            return self.typical_spend
        assert self.high is not None  # checked by Policy validation
        return (self.low + self.high) / 2

    def display(self) -> str:
        """``crystal (水晶)``, or just the id without a label."""
        return f"{self.id} ({self.label})" if self.label else self.id


def _check_curve(v: list[list[float]] | None, *, kept: bool) -> list[list[float]] | None:
    """A response curve's points, checked by :func:`planner.model.response.curve_problem`.

    ``kept=False`` reads the points as the share of churn lost (falling, convex) and checks the
    mirror image ``1 - lost``, which must then be a valid kept curve.
    """
    if v is None:
        return v
    from planner.model.response import curve_problem

    mirrored = v if kept else [[p[0], 1 - p[1]] if len(p) == 2 else p for p in v]
    problem = curve_problem(mirrored)
    if problem is not None:
        if not kept:
            problem = problem.replace("kept share", "1 - churn_lost").replace(
                "more service never loses revenue", "churn_lost must never rise with service"
            )
        raise ValueError(problem)
    return v


class ResponseDefault(_Strict):
    """The policy's default response shape for tiers without their own ``response`` points.

    ``churn_lost``: ``[service share of standard, share of the tier's churn_risk lost]`` points, so
    ``kept(s) = 1 - churn_risk x churn_lost(s)``; the lost share must fall (or stay) and be convex.
    """

    churn_lost: list[list[float]]

    @field_validator("churn_lost")
    @classmethod
    def _shape(cls, v: list[list[float]]) -> list[list[float]]:
        checked = _check_curve(v, kept=False)
        assert checked is not None
        return checked


class Channel(_Strict):
    """A sales channel and its tiers, kept sorted by spend (lowest band first)."""

    label: str | None = None
    style: Style = "standardised"
    description: str | None = None
    tiers: list[Tier] = Field(default_factory=list)

    def tier(self, tier_id: str) -> Tier:
        """The tier with this id (KeyError if absent)."""
        for t in self.tiers:
            if t.id == tier_id:
                return t
        raise KeyError(tier_id)

    def tier_style(self, tier: Tier) -> str:
        """A tier's own style, else the channel's."""
        return tier.style or self.style


class Policy(_Strict):
    """All channels of a branch, with their tiers and service standards."""

    name: str | None = None
    description: str | None = None
    channels: dict[str, Channel]
    #: Channels a customer climbs by spend alone, lowest first (e.g. commercial then key at 3,000
    #: CNY a month): a roster row whose spend crossed into the next channel is reclassified, not
    #: rejected. Their bands must follow one another without overlap.
    ladder: list[str] = Field(default_factory=list)
    #: Further lines customers can cross, as ``"lower.tier/upper.tier"`` (e.g. a key tier a firm may
    #: move into); tiers within a channel and the ladder's steps are lines already.
    boundaries: list[str] = Field(default_factory=list)

    def boundary_list(self) -> list[tuple[str, str, str, str]]:
        """``boundaries`` as (lower channel, lower tier, upper channel, upper tier)."""
        out = []
        for item in self.boundaries:
            lower, _unused, upper = item.partition("/")
            lc, _unused, lt = lower.strip().partition(".")
            uc, _unused, ut = upper.strip().partition(".")
            out.append((lc, lt, uc, ut))
        return out

    #: Default response curve shape (see :class:`ResponseDefault`); absent: linear in coverage.
    response: ResponseDefault | None = None

    def tier(self, channel: str, tier: str) -> Tier:
        """Look up ``channel.tier`` (KeyError if absent)."""
        return self.channels[channel].tier(tier)

    def tier_keys(self) -> list[tuple[str, str]]:
        """Every ``(channel, tier)`` in file order of channels and ascending spend of tiers."""
        return [(c, t.id) for c, ch in self.channels.items() for t in ch.tiers]

    def has_tier(self, channel: str, tier: str) -> bool:
        """Whether ``channel.tier`` exists."""
        ch = self.channels.get(channel)
        return ch is not None and any(t.id == tier for t in ch.tiers)


def check_policy(doc: Document, policy: Policy) -> Policy:
    """Checks that need more than one field: unique ids, non-overlapping bands, open top tiers."""
    channels: dict[str, Channel] = {}
    for cid, channel in policy.channels.items():
        if not cid.replace("_", "").replace("-", "").isalnum():
            raise doc.error(("channels", cid), _("channel ids may hold letters, digits, '_' and '-'"))
        seen: dict[str, int] = {}
        for i, tier in enumerate(channel.tiers):
            path = ("channels", cid, "tiers", i)
            if tier.id in seen:
                raise doc.error(
                    (*path, "id"),
                    _("duplicate tier id {id} (also tiers[{seen}])").format(
                        id=excerpt(tier.id), seen=seen[tier.id]
                    ),
                )
            seen[tier.id] = i
            if tier.high is None and tier.typical_spend is None:
                raise doc.error(
                    (*path, "spend"),
                    _(
                        "an open-ended band [low, null) needs `typical_spend` (a representative monthly "
                        "spend for revenue weights)"
                    ),
                )
        ordered = sorted(enumerate(channel.tiers), key=lambda it: it[1].low)
        for (ia, a), (ib, b) in itertools.pairwise(ordered):
            if a.high is None or a.high > b.low:
                raise doc.error(
                    ("channels", cid, "tiers", ib, "spend"),
                    _(
                        "band {band} of tier {id} overlaps band {band2} of tier {id2} (tiers[{ia}]); one "
                        "channel's bands must not overlap"
                    ).format(band=_band(b), id=excerpt(b.id), band2=_band(a), id2=excerpt(a.id), ia=ia),
                )
        channels[cid] = channel.model_copy(update={"tiers": [t for _unused, t in ordered]})
    previous_top: float | None = None
    for i, cid in enumerate(policy.ladder):
        if cid not in channels:
            raise doc.error(
                ("ladder", i),
                _("unknown channel {cid}{hint}").format(cid=excerpt(cid), hint=_hint(cid, channels)),
            )
        tiers = channels[cid].tiers
        if not tiers:
            raise doc.error(("ladder", i), _("channel {cid} has no tiers to climb").format(cid=excerpt(cid)))
        if previous_top is not None and tiers[0].low < previous_top:
            raise doc.error(
                ("ladder", i),
                _(
                    "channel {cid} starts at {low:g}, below the top of the channel before it "
                    "({previous_top:g}); a ladder's channels must not overlap"
                ).format(cid=excerpt(cid), low=tiers[0].low, previous_top=previous_top),
            )
        top = tiers[-1].high
        previous_top = float("inf") if top is None else top
    for i, item in enumerate(policy.boundaries):
        parts = policy.boundary_list()[i]
        if "/" not in item or not all(parts):
            raise doc.error(
                ("boundaries", i), _("expected 'channel.tier/channel.tier', e.g. 'commercial.A/key.crystal'")
            )
        for c, t in ((parts[0], parts[1]), (parts[2], parts[3])):
            if c not in channels:
                raise doc.error(
                    ("boundaries", i), _("unknown channel {c!r}{hint}").format(c=c, hint=_hint(c, channels))
                )
            ids = [x.id for x in channels[c].tiers]
            if t not in ids:
                raise doc.error(
                    ("boundaries", i), _("unknown tier {c}.{t}{hint}").format(c=c, t=t, hint=_hint(t, ids))
                )
    return policy.model_copy(update={"channels": channels})


def _hint(word: str, options: Any) -> str:
    from planner.data.yaml_io import did_you_mean

    return did_you_mean(word, options)


def _band(t: Tier) -> str:
    high = "inf" if t.high is None else f"{t.high:g}"
    return f"[{t.low:g}, {high})"


def policy_from_document(doc: Document) -> Policy:
    """Validate a loaded document as a :class:`Policy`."""
    policy = validate_document(Policy, doc)
    return check_policy(doc, policy)


def load_policy(path: str | Path) -> Policy:
    """Load and validate a policy YAML file (``extends`` allowed)."""
    return policy_from_document(load_policy_document(path))


#: Validated policies by resolved path, with the (path, mtime_ns, size) of every file they were
#: read from (the file and its ``extends`` parents). A branch run reads the same policy thousands
#: of times; a :class:`Policy` is frozen, so one object serves every scenario that names it.
_POLICY_CACHE: dict[Path, tuple[tuple[tuple[Path, int, int], ...], Policy]] = {}
#: At most this many policies are kept (a run names a handful).
POLICY_CACHE_SIZE = 64


def _stamp(path: Path) -> tuple[Path, int, int] | None:
    """``(path, mtime_ns, size)`` of a regular file, or None (missing, not a file)."""
    import os
    import stat

    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (path, st.st_mtime_ns, st.st_size)


def load_policy_cached(path: str | Path) -> Policy:
    """:func:`load_policy`, parsed and validated once per process while its files are unchanged.

    The cache is keyed on the resolved path and checked against each file's modification time
    (ns) and size, so an edited policy (or an edited parent of it) is read again. Errors are not
    cached: a bad policy is read, and reported, each time.
    """
    key = Path(path).resolve()
    hit = _POLICY_CACHE.get(key)
    if hit is not None and all(_stamp(stamp[0]) == stamp for stamp in hit[0]):
        return hit[1]
    before = _stamp(key)
    doc = load_policy_document(path)
    policy = policy_from_document(doc)
    stamps = tuple(_stamp(Path(f).resolve()) for f in doc.files)
    # Cached only if the file did not change while it was read (and every part is a regular file).
    if before is not None and stamps and stamps[-1] == before and all(s is not None for s in stamps):
        if len(_POLICY_CACHE) >= POLICY_CACHE_SIZE:
            _POLICY_CACHE.pop(next(iter(_POLICY_CACHE)))
        _POLICY_CACHE[key] = (tuple(s for s in stamps if s is not None), policy)
    return policy


def clear_policy_cache() -> None:
    """Forget every cached policy (tests; a long-lived process that wants a fresh read)."""
    _POLICY_CACHE.clear()


def load_policy_document(path: str | Path) -> Document:
    """Read a policy file with its ``extends`` chain, refusing a file that is no policy at all."""
    return load_with_extends(path, known_keys=Policy.model_fields, kind="policy")


def apply_tier_overrides(
    doc: Document, policy: Policy, overrides: dict[str, dict[str, Any]], base_path: tuple[str, ...]
) -> Policy:
    """Return ``policy`` with some tiers' fields replaced, as a scenario's ``policy_overrides`` asks.

    ``overrides`` maps ``channel.tier`` to a partial tier (any tier field but ``id``); the result is
    validated like a policy file, with errors pointing at the scenario's keys.
    """
    channels = {cid: ch.model_dump() for cid, ch in policy.channels.items()}
    for key, fields in overrides.items():
        channel, _unused, tier_id = key.partition(".")
        if not policy.has_tier(channel, tier_id):
            from planner.data.yaml_io import did_you_mean

            known = [f"{c}.{t}" for c, t in policy.tier_keys()]
            raise doc.error(
                (*base_path, key),
                _("unknown tier {key}{did_you_mean}").format(
                    key=excerpt(key), did_you_mean=did_you_mean(key, known)
                ),
            )
        if not isinstance(fields, dict):
            raise doc.error((*base_path, key), _("expected a mapping of tier fields"))
        if "id" in fields:
            raise doc.error((*base_path, key, "id"), _("a tier's id cannot be overridden"))
        tiers = channels[channel]["tiers"]
        idx = next(i for i, t in enumerate(tiers) if t["id"] == tier_id)
        merged = dict(tiers[idx])
        for fname, value in fields.items():
            if isinstance(value, dict) and isinstance(merged.get(fname), dict):
                merged[fname] = {**merged[fname], **value}
            else:
                merged[fname] = value
        tiers[idx] = merged
    try:
        updated = Policy.model_validate({**policy.model_dump(), "channels": channels})
    except Exception as exc:  # pydantic.ValidationError; mapped to the scenario's path below
        from pydantic import ValidationError

        if not isinstance(exc, ValidationError):
            raise
        err = exc.errors()[0]
        loc = err["loc"]
        # loc = ("channels", channel, "tiers", idx, field...) -> scenario path
        channel = str(loc[1]) if len(loc) > 1 else ""
        index = int(loc[3]) if len(loc) > 3 else 0
        tier_id = policy.channels[channel].tiers[index].id if channel in policy.channels else ""
        raise doc.error(
            (*base_path, f"{channel}.{tier_id}", *[str(p) for p in loc[4:]]),
            err["msg"].removeprefix("Value error, "),
        ) from None
    return check_policy(doc, updated)
