"""The roster reader's checks as they were before they were rewritten on Arrow arrays (issue 15).

Kept only as a test oracle: ``tests/data_layer/test_roster_oracle.py`` checks that the fast reader
accepts and rejects exactly the same rows, with the same messages, as this one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.data.policy import Policy
from planner.data.roster import (
    HEADER_SEARCH_ROWS,
    Layout,
    Roster,
    _normalise_columns,
    _read_frame,
    read_column_map,
)
from planner.errors import InputError


def _text(series: pd.Series) -> pd.Series:
    """Stripped text (pyarrow-backed), empty string for missing values."""
    return series.astype("string").fillna("").str.strip()


def _mask(series: pd.Series, value: str) -> np.ndarray:
    """``series == value`` as a plain boolean array (vectorised on the arrow strings)."""
    import numpy as np

    return np.asarray((series == value).to_numpy(dtype=bool, na_value=False))


def band_tiers(policy: Policy, channel: pd.Series, spend: pd.Series, nearest: bool = False) -> pd.Series:
    """The tier whose spend band holds each row's spend within its channel ("" when none does).

    With ``nearest``, a spend outside every band gets the channel's bottom tier if below it and its
    top tier if above (where a customer listed in the channel is planned until the list is redrawn).
    """
    import numpy as np
    import pandas as pd

    out = np.full(len(channel), "", dtype=object)
    sp = spend.to_numpy(dtype=float, na_value=np.nan)
    for cid, chan in policy.channels.items():
        if not chan.tiers:
            continue
        mask = _mask(channel, cid)
        if not mask.any():
            continue
        lows = np.array([t.low for t in chan.tiers])
        highs = np.array([np.inf if t.high is None else t.high for t in chan.tiers])
        ids = np.array([t.id for t in chan.tiers], dtype=object)
        values = sp[mask]
        idx = np.searchsorted(lows, values, side="right") - 1
        ok = (idx >= 0) & ~np.isnan(values)
        safe = np.clip(idx, 0, len(ids) - 1)
        ok &= values < highs[safe]
        rows = np.flatnonzero(mask)
        out[rows[ok]] = ids[safe[ok]]
        if nearest:
            out[rows[~ok]] = np.where(values[~ok] < lows[0], ids[0], ids[-1])
    return pd.Series(out, index=channel.index, dtype=object)


def ladder_range(policy: Policy) -> tuple[float, float]:
    """The spend range the policy's ``ladder`` channels cover together (empty when no ladder)."""
    lows, highs = [], []
    for cid in policy.ladder:
        for t in policy.channels[cid].tiers:
            lows.append(t.low)
            highs.append(float("inf") if t.high is None else t.high)
    return (min(lows), max(highs)) if lows else (0.0, 0.0)


def parse_spend(text: pd.Series) -> pd.Series:
    """Monthly spend as written in exports -> float (NaN where it is not a number).

    Accepted: ``5000``, ``5000.5``, ``5,000`` and ``5,000.50`` (commas only as thousands
    separators, in groups of three: ``5,00`` is not a number), a currency sign or word before or
    after (``¥5,000``, ``￥5000``, ``5,000元``, ``CNY 5000``, ``RMB5000``), surrounding spaces.
    """
    import pandas as pd

    plain_numbers = pd.to_numeric(text, errors="coerce").astype(float)
    odd = plain_numbers.isna().to_numpy() & (text != "").to_numpy(dtype=bool, na_value=False)
    if not odd.any():  # the usual export: plain numbers only, no regex needed
        return plain_numbers
    text = text[odd]
    bare = text.str.replace(r"^(?:[¥￥]|CNY|RMB)\s*|\s*(?:元|CNY|RMB)$", "", regex=True).str.strip()
    grouped = bare.str.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?").fillna(False).astype(bool)
    plain = bare.where(~grouped, bare.str.replace(",", "", regex=False))
    out = plain_numbers.copy()
    out[odd] = pd.to_numeric(plain, errors="coerce").astype(float).to_numpy()
    return out


def _labels_to_ids(values: pd.Series, mapping: dict[str, str]) -> tuple[pd.Series, int]:
    """``values`` with each label replaced by its id; also how many values were labels."""
    if not mapping:
        return values, 0
    hit = values.isin(list(mapping)).to_numpy(dtype=bool, na_value=False)
    if not hit.any():
        return values, 0
    return values.replace(mapping), int(hit.sum())


def read_roster_before(
    path: str | Path,
    policy: Policy,
    columns: str | Path | None = None,
    layout: Layout | None = None,
) -> Roster:
    """Read and check a customer roster against ``policy``.

    A channel or tier may be written as its id (``key``, ``crystal``) or as the policy's label for
    it (``大客户经理渠道``, ``水晶``); a spend as :func:`parse_spend` reads it. ``layout`` picks a
    workbook's sheet and header row.

    Rows are rejected, in this order of reasons (a row gets the first that applies): missing
    customer_id; duplicate customer_id (the first occurrence is kept); unknown channel; spend not a
    number; negative spend; unknown tier (a ``tier`` given that the channel does not have); spend
    outside every band of its channel (unless the channel is on the policy's ``ladder`` and the
    spend is inside the ladder: a customer whose spend moved across the key-account line this year
    keeps its listed channel until the list is redrawn, and is reported as reclassified); churn_risk
    given but not a fraction in [0, 1].
    """
    import numpy as np
    import pandas as pd

    p = Path(path)
    mapping = read_column_map(columns) if columns is not None else None
    notes: list[str] = []
    layout = layout or Layout()
    frame = _read_frame(p, layout, mapping, notes)
    try:
        raw = _normalise_columns(frame, mapping, p)
    except InputError as exc:
        if p.suffix.lower() != ".xlsx" or layout.header_row is not None:
            raise
        raise InputError(
            f"{exc.message}; no row among the top {HEADER_SEARCH_ROWS} of the sheet names them all "
            "(the first was taken as the header): choose the row with --header-row, the sheet with --sheet",
            source=p,
        ) from None
    n = len(raw)
    rows = np.arange(1, n + 1, dtype=np.int64)
    text = {
        col: _text(raw[col])
        for col in ("customer_id", "channel", "tier", "industry", "district", "manager_id")
    }
    if mapping is not None and mapping.channel_values:
        text["channel"] = text["channel"].replace(mapping.channel_values)
    # The policy's own labels name channels and tiers as well as their ids (a label that is some
    # other channel's id is left alone: the id wins).
    channel_labels = {
        ch.label: cid for cid, ch in policy.channels.items() if ch.label and ch.label not in policy.channels
    }
    text["channel"], by_label = _labels_to_ids(text["channel"], channel_labels)
    if by_label:
        notes.append(f"{by_label:,} rows name their channel by the policy's label for it")
    ids, channel, listed = text["customer_id"], text["channel"], text["tier"]
    tier_by_label = 0
    for cid, chan in policy.channels.items():
        labels = {t.label: t.id for t in chan.tiers if t.label and t.label not in {u.id for u in chan.tiers}}
        in_channel = _mask(channel, cid)
        if labels and in_channel.any():
            mapped, hits = _labels_to_ids(listed[in_channel], labels)
            if hits:
                listed = listed.copy()
                listed[in_channel] = mapped
                tier_by_label += hits
    if tier_by_label:
        notes.append(f"{tier_by_label:,} rows name their tier by the policy's label for it")
    spend_text = _text(raw["monthly_spend"])
    spend = parse_spend(spend_text)
    spend_values = spend.to_numpy(dtype=float, na_value=np.nan)
    churn_text = _text(raw["churn_risk"])
    churn = pd.to_numeric(churn_text, errors="coerce").astype(float).to_numpy(dtype=float, na_value=np.nan)

    # Each row gets the first reason that applies; messages are built only for the rows they name.
    reason = np.full(n, "", dtype=object)

    def reject(mask: np.ndarray, message: Any) -> None:
        todo = mask & (reason == "")
        if todo.any():
            reason[todo] = message(np.flatnonzero(todo)) if callable(message) else message

    def values(series: pd.Series, where: np.ndarray) -> list[str]:
        return [str(v) for v in series.iloc[where]]

    missing_id = _mask(ids, "")
    reject(missing_id, "missing customer_id")
    dup = ids.duplicated(keep="first").to_numpy(dtype=bool) & ~missing_id
    if dup.any():
        first_row = pd.Series(rows).groupby(ids.to_numpy(), sort=False).transform("first").to_numpy()
        reject(dup, lambda at: np.array([f"duplicate customer_id (first at row {r})" for r in first_row[at]]))
    field = [c for c, ch in policy.channels.items() if ch.tiers]
    known_channel = np.asarray(channel.isin(field).to_numpy(dtype=bool, na_value=False))
    expected = ", ".join(field)
    reject(
        ~known_channel,
        lambda at: np.array(
            [f"unknown channel {v!r}; expected one of {expected}" for v in values(channel, at)]
        ),
    )
    not_number = np.isnan(spend_values)
    reject(
        not_number,
        lambda at: np.array(
            [
                f"monthly_spend {v!r} is not a number" if v else "monthly_spend (empty) is not a number"
                for v in values(spend_text, at)
            ]
        ),
    )
    reject(spend_values < 0, "negative monthly_spend")
    has_tier = ~_mask(listed, "")
    valid_tier = np.zeros(n, dtype=bool)
    for c in field:
        in_channel = _mask(channel, c)
        valid_tier |= in_channel & np.asarray(
            listed.isin([t.id for t in policy.channels[c].tiers]).to_numpy(bool)
        )
    reject(
        has_tier & ~valid_tier,
        lambda at: np.array(
            [
                f"unknown tier {t!r} for channel {c}"
                for t, c in zip(values(listed, at), values(channel, at), strict=True)
            ]
        ),
    )
    band = band_tiers(policy, channel, spend).to_numpy()
    low, high = ladder_range(policy)
    on_ladder = (
        np.asarray(channel.isin(policy.ladder).to_numpy(dtype=bool))
        & (spend_values >= low)
        & (spend_values < high)
    )
    reject(
        (band == "") & known_channel & ~not_number & ~on_ladder,
        lambda at: np.array(
            [f"monthly_spend outside every band of channel {c}" for c in values(channel, at)]
        ),
    )
    has_churn = ~_mask(churn_text, "")
    reject(has_churn & ~((churn >= 0) & (churn <= 1)), "churn_risk is not a fraction in [0, 1]")

    ok = reason == ""
    acc_channel = channel[ok].reset_index(drop=True)
    acc_spend = spend[ok].reset_index(drop=True)
    band_ok = band[ok]
    nearest = band_tiers(policy, acc_channel, acc_spend, nearest=True).to_numpy()
    listed_ok = listed[ok].to_numpy(dtype=object)
    tier = np.where(listed_ok != "", listed_ok, nearest)  # nearest is the band tier where one holds the spend
    tier_churn = np.full(len(tier), np.nan)
    for c in field:
        in_channel = _mask(acc_channel, c)
        for t in policy.channels[c].tiers:
            tier_churn[in_channel & (tier == t.id)] = t.churn_risk
    row_churn = churn[ok]
    accepted = pd.DataFrame(
        {
            "row": rows[ok],
            "customer_id": ids[ok].reset_index(drop=True),
            "channel": acc_channel,
            "tier": pd.array(tier, dtype="string"),
            "band_tier": pd.array(np.where(band_ok != "", band_ok, None), dtype="string"),
            "listed_tier": pd.array(np.where(listed_ok != "", listed_ok, None), dtype="string"),
            "monthly_spend": acc_spend.to_numpy(dtype=float),
            "industry": _blank_to_na(text["industry"][ok]),
            "district": _blank_to_na(text["district"][ok]),
            "manager_id": _blank_to_na(text["manager_id"][ok]),
            "churn_risk": np.where(has_churn[ok], row_churn, tier_churn),
        }
    )
    rejected = pd.DataFrame(
        {
            "row": rows[~ok],
            "customer_id": ids[~ok].to_numpy(dtype=object),
            "reason": reason[~ok],
        }
    )
    return Roster(source=str(path), rows_read=n, accepted=accepted, rejected=rejected, notes=tuple(notes))


def _blank_to_na(series: pd.Series) -> pd.Series:
    return series.mask(series == "").reset_index(drop=True)
