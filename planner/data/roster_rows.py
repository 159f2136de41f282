"""The roster's row checks, on Arrow arrays: which rows are accepted, which rejected and why.

A roster of a million rows holds a handful of distinct channels and tiers, so every check that
depends on a channel or a tier is worked out once per distinct value (Arrow's dictionary encoding)
and spread to the rows by an integer lookup; spends are parsed by Arrow's cast where the text is a
plain number, and only the other rows go through :func:`planner.data.roster.parse_spend`. Reject
messages are built once per distinct message. The decisions and messages are those documented in
:func:`planner.data.roster.read_roster` (tested row for row against the row-wise pandas checks this
replaced, ``tests/data_layer/roster_before.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planner.data.policy import Policy
from planner.i18n import _

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from planner.data.roster import ColumnMap

#: Text Arrow's cast and pandas' parser turn into the same float: digits only (no sign, no
#: exponent), at most 15 significant digits, so both round the same exact decimal the same way.
PLAIN_NUMBER = r"^\d{1,9}(?:\.\d{1,6})?$"

# Reasons, in the order a row is tested (a row gets the first that applies).
MISSING_ID, DUPLICATE, UNKNOWN_CHANNEL, NOT_NUMBER, NEGATIVE, UNKNOWN_TIER, OUTSIDE_BANDS, CHURN = range(1, 9)


def _column(raw: pd.DataFrame, column: str) -> pa.Array | None:
    """A column taken out of ``raw`` (so its memory goes as soon as it is used) as Arrow text,
    ``""`` for a missing value; None when the file has no such column."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if column not in raw.columns:
        return None
    series = raw.pop(column)
    dtype = series.dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        series = series.astype("string")
    arr = pa.array(series.array)
    del series
    if isinstance(arr, pa.ChunkedArray):  # pragma: no cover - pandas combines chunks itself
        arr = arr.combine_chunks()
    return pc.fill_null(arr, "")


def _stripped(arr: pa.Array | None, n: int) -> pa.Array:
    """Stripped text (as pandas' ``str.strip`` does it: Unicode white space); all ``""`` when None."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if arr is None:
        return pa.array([""], type=pa.large_string()).take(pa.array(np.zeros(n, dtype=np.int64)))
    return pc.utf8_trim_whitespace(arr)


@dataclass
class _Coded:
    """A text column as integer codes into a list of values (stripped; two codes may share one)."""

    codes: np.ndarray
    values: list[str]

    def where(self, test: object) -> np.ndarray:
        """Rows whose value passes ``test`` (a callable on one value, or a set to look in)."""
        import numpy as np

        if callable(test):
            per_value = np.array([bool(test(v)) for v in self.values], dtype=bool)
        else:
            per_value = np.array([v in test for v in self.values], dtype=bool)  # type: ignore[operator]
        return per_value[self.codes] if len(per_value) else np.zeros(len(self.codes), dtype=bool)

    def strings(self, rows: np.ndarray, blank_is_missing: bool = False) -> pa.Array:
        """The values of ``rows`` (a boolean mask) as Arrow text (``""`` as null if asked)."""
        import pyarrow as pa

        values = [v or None for v in self.values] if blank_is_missing else self.values
        return pa.array(values, type=pa.large_string()).take(pa.array(self.codes[rows]))


def _coded(arr: pa.Array | None, n: int) -> _Coded:
    """Codes in order of first appearance (Arrow's dictionary encoding), values stripped: a column
    of a few distinct values is stripped once per value, not once per row."""
    import numpy as np
    import pyarrow.compute as pc

    if arr is None:
        return _Coded(np.zeros(n, dtype=np.int32), [""])
    encoded = pc.dictionary_encode(arr)
    return _Coded(
        np.array(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int32),  # writable
        pc.utf8_trim_whitespace(encoded.dictionary).to_pylist(),
    )


def _first_codes(arr: pa.Array) -> np.ndarray | None:
    """Codes numbering ``arr``'s distinct values in order of first appearance; None when every
    value is distinct because they strictly increase. Exports are often sorted by id: that is
    found by one comparison per row instead of a hash table of every id."""
    import numpy as np
    import pyarrow.compute as pc

    n = len(arr)
    if n > 1 and pc.all(pc.greater(arr.slice(1), arr.slice(0, n - 1))).as_py():
        return None
    return np.asarray(pc.dictionary_encode(arr).indices.to_numpy(zero_copy_only=False), dtype=np.int64)


def _is_empty(arr: pa.Array) -> np.ndarray:
    import numpy as np
    import pyarrow.compute as pc

    return np.asarray(pc.equal(arr, "").to_numpy(zero_copy_only=False), dtype=bool)


@dataclass
class _Numbers:
    """A number column: values (NaN where not a number), which rows hold any text, and the
    stripped text of chosen rows (for messages)."""

    values: np.ndarray
    given: np.ndarray
    text: pa.Array | None

    def stripped(self, rows: np.ndarray) -> pa.Array:
        import pyarrow as pa
        import pyarrow.compute as pc

        assert self.text is not None
        return pc.utf8_trim_whitespace(self.text.take(pa.array(rows)))


def parse_numbers(text: pa.Array | None, n: int, parse: Callable[[pd.Series], pd.Series]) -> _Numbers:
    """Floats of ``text`` (NaN where not a number): plain numbers by Arrow's cast, the rest, once
    stripped, by ``parse`` (a function of a pandas string Series, applied to those rows only)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    out = np.full(n, np.nan)
    if text is None or not n:
        return _Numbers(out, np.zeros(n, dtype=bool), text)
    plain = np.asarray(
        pc.match_substring_regex(text, PLAIN_NUMBER).to_numpy(zero_copy_only=False), dtype=bool
    )
    given = plain.copy()
    if plain.any():
        out[plain] = pc.cast(text.filter(pa.array(plain)), pa.float64()).to_numpy(zero_copy_only=False)
    rest = np.flatnonzero(~plain)
    if len(rest):
        odd = pc.utf8_trim_whitespace(text.take(pa.array(rest)))
        filled = ~_is_empty(odd)
        given[rest[filled]] = True
        if filled.any():
            series = pd.Series(pd.arrays.ArrowStringArray(odd.filter(pa.array(filled))))
            out[rest[filled]] = parse(series).to_numpy(dtype=float, na_value=np.nan)
    return _Numbers(out, given, text)


def _churn(text: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_numeric(text, errors="coerce").astype(float)


@dataclass
class _Reasons:
    """The first reason each row fails, and the words for it, built per distinct message."""

    n: int
    kind: np.ndarray = field(init=False)
    words: dict[int, tuple[np.ndarray, list[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        import numpy as np

        self.kind = np.zeros(self.n, dtype=np.int8)

    def reject(
        self,
        mask: np.ndarray,
        kind: int,
        key: np.ndarray | None = None,
        say: str | Callable[[int], str] = "",
    ) -> None:
        """Reject rows in ``mask`` not rejected yet. The message: ``say`` if text, else
        ``say(k)`` for each distinct ``key`` among the rows (``key`` indexes rows)."""
        import numpy as np

        todo = np.flatnonzero(mask & (self.kind == 0))
        if not len(todo):
            return
        self.kind[todo] = kind
        if isinstance(say, str) or key is None:
            self.words[kind] = (np.zeros(len(todo), dtype=np.int64), [str(say)])
            return
        distinct, inverse = np.unique(key[todo], return_inverse=True)
        self.words[kind] = (inverse, [say(k) for k in distinct.tolist()])

    def messages(self) -> pa.Array:
        """One message per rejected row, in row order."""
        import numpy as np
        import pyarrow as pa

        rejected = self.kind[self.kind > 0]
        index = np.zeros(len(rejected), dtype=np.int64)
        texts: list[str] = []
        for kind, (inverse, words) in sorted(self.words.items()):
            index[rejected == kind] = inverse + len(texts)
            texts.extend(words)
        return pa.array(texts, type=pa.large_string()).take(pa.array(index))


def check_rows(
    raw: pd.DataFrame, policy: Policy, mapping: ColumnMap | None, notes: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The accepted and rejected rows of ``raw`` (columns as :data:`planner.data.roster.ROSTER_COLUMNS`,
    text), as :class:`planner.data.roster.Roster` describes them; notes are appended to ``notes``.
    ``raw``'s columns are taken out of it as they are read."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from planner.data.roster import ladder_range, parse_spend

    n = len(raw)
    rows = np.arange(1, n + 1, dtype=np.int64)
    ids = _stripped(_column(raw, "customer_id"), n)

    # Channels: the export's own values mapped (--columns), then the policy's labels for them (a
    # label that is some other channel's id is left alone: the id wins).
    channel = _coded(_column(raw, "channel"), n)
    if mapping is not None and mapping.channel_values:
        channel.values = [mapping.channel_values.get(v, v) for v in channel.values]
    channel_labels = {
        ch.label: cid for cid, ch in policy.channels.items() if ch.label and ch.label not in policy.channels
    }
    if channel_labels:
        by_label = int(channel.where(set(channel_labels)).sum())
        channel.values = [channel_labels.get(v, v) for v in channel.values]
        if by_label:
            notes.append(
                _("{n} rows name their channel by the policy's label for it").format(n=f"{by_label:,}")
            )

    # Tiers as listed; a policy label is read as its tier's id within that tier's channel.
    listed = _coded(_column(raw, "tier"), n)
    tier_by_label = 0
    for cid, chan in policy.channels.items():
        ids_here = {t.id for t in chan.tiers}
        labels = {t.label: t.id for t in chan.tiers if t.label and t.label not in ids_here}
        if not labels:
            continue
        in_channel = channel.where({cid})
        remap = np.arange(len(listed.values))
        position = {v: i for i, v in enumerate(listed.values)}
        for i, v in enumerate(list(listed.values)):
            if v in labels:
                if labels[v] not in position:
                    position[labels[v]] = len(listed.values)
                    listed.values.append(labels[v])
                remap[i] = position[labels[v]]
        rows_here = np.flatnonzero(in_channel)
        before = listed.codes[rows_here]
        after = remap[before]
        tier_by_label += int((after != before).sum())
        listed.codes[rows_here] = after
    if tier_by_label:
        notes.append(
            _("{n} rows name their tier by the policy's label for it").format(n=f"{tier_by_label:,}")
        )

    spend_read = parse_numbers(_column(raw, "monthly_spend"), n, parse_spend)
    spend = spend_read.values
    churn_read = parse_numbers(_column(raw, "churn_risk"), n, _churn)
    churn = churn_read.values
    others = {c: _coded(_column(raw, c), n) for c in ("industry", "district", "manager_id")}

    reasons = _Reasons(n)
    missing_id = _is_empty(ids)
    reasons.reject(missing_id, MISSING_ID, say="missing customer_id")
    # Codes number ids in order of first appearance: a row repeats an earlier id exactly when its
    # code is not above every code before it.
    codes = _first_codes(ids)  # None: all distinct, so no duplicate
    if codes is not None:
        seen = np.maximum.accumulate(np.concatenate([[-1], codes[:-1]])) if n else codes
        dup = (codes <= seen) & ~missing_id
        if dup.any():
            first_row = rows[np.flatnonzero(codes > seen)][codes]
            reasons.reject(dup, DUPLICATE, first_row, lambda r: f"duplicate customer_id (first at row {r})")
    fielded = [c for c, ch in policy.channels.items() if ch.tiers]
    known_channel = channel.where(set(fielded))
    expected = ", ".join(fielded)
    reasons.reject(
        ~known_channel,
        UNKNOWN_CHANNEL,
        channel.codes,
        lambda k: f"unknown channel {channel.values[k]!r}; expected one of {expected}",
    )
    not_number = np.isnan(spend)
    if not_number.any():
        at = np.flatnonzero(not_number)
        spend_words = _coded(spend_read.stripped(at), len(at))
        key = np.zeros(n, dtype=np.int64)
        key[at] = spend_words.codes
        reasons.reject(
            not_number,
            NOT_NUMBER,
            key,
            lambda k: (
                f"monthly_spend {spend_words.values[k]!r} is not a number"
                if spend_words.values[k]
                else "monthly_spend (empty) is not a number"
            ),
        )
    with np.errstate(invalid="ignore"):
        reasons.reject(spend < 0, NEGATIVE, say="negative monthly_spend")

    has_tier = ~listed.where({""})
    # Whether a listed tier is one of its channel's, per (channel code, tier code): one lookup a row.
    tier_ids = {c: {t.id for t in policy.channels[c].tiers} for c in fielded}
    pair_ok = np.array(
        [[v in tier_ids.get(c, ()) for v in listed.values] for c in channel.values], dtype=bool
    ).reshape(len(channel.values), len(listed.values))
    valid_tier = pair_ok[channel.codes, listed.codes]
    width = max(len(channel.values), 1)
    reasons.reject(
        has_tier & ~valid_tier,
        UNKNOWN_TIER,
        listed.codes.astype(np.int64) * width + channel.codes,
        lambda k: f"unknown tier {listed.values[k // width]!r} for channel {channel.values[k % width]}",
    )

    # Band tiers: ``names`` holds every tier text seen or named; codes index it (-1: none).
    names = list(listed.values)
    for c in fielded:
        names.extend(t.id for t in policy.channels[c].tiers if t.id not in names)
    name_code = {v: i for i, v in enumerate(names)}
    band = np.full(n, -1, dtype=np.int64)
    nearest = np.full(n, -1, dtype=np.int64)
    for c in fielded:
        tiers = policy.channels[c].tiers
        mask = channel.where({c})
        if not mask.any():
            continue
        lows = np.array([t.low for t in tiers])
        highs = np.array([np.inf if t.high is None else t.high for t in tiers])
        tier_codes = np.array([name_code[t.id] for t in tiers], dtype=np.int64)
        at = np.flatnonzero(mask)
        values = spend[at]
        idx = np.searchsorted(lows, values, side="right") - 1
        safe = np.clip(idx, 0, len(tiers) - 1)
        with np.errstate(invalid="ignore"):
            inside = (idx >= 0) & ~np.isnan(values) & (values < highs[safe])
            below = values < lows[0]
        band[at[inside]] = tier_codes[safe[inside]]
        nearest[at] = np.where(inside, tier_codes[safe], np.where(below, tier_codes[0], tier_codes[-1]))
    low, high = ladder_range(policy)
    with np.errstate(invalid="ignore"):
        on_ladder = channel.where(set(policy.ladder)) & (spend >= low) & (spend < high)
    reasons.reject(
        (band < 0) & known_channel & ~not_number & ~on_ladder,
        OUTSIDE_BANDS,
        channel.codes,
        lambda k: f"monthly_spend outside every band of channel {channel.values[k]}",
    )
    has_churn = churn_read.given
    with np.errstate(invalid="ignore"):
        reasons.reject(
            has_churn & ~((churn >= 0) & (churn <= 1)), CHURN, say="churn_risk is not a fraction in [0, 1]"
        )

    ok = reasons.kind == 0
    keep = pa.array(ok)
    listed_ok = listed.codes[ok]
    listed_given = np.array([v != "" for v in names], dtype=bool)[listed_ok] if len(names) else listed_ok > 0
    tier = np.where(listed_given, listed_ok, nearest[ok])
    acc_channel = channel.codes[ok]
    # Each accepted row's tier's churn risk, by (channel code, tier name code).
    lut = np.full((len(channel.values), len(names)), np.nan)
    for k, c in enumerate(channel.values):
        if c in tier_ids:
            for t in policy.channels[c].tiers:
                lut[k, name_code[t.id]] = t.churn_risk
    tier_churn = lut[acc_channel, tier]
    name_array = pa.array(names, type=pa.large_string())
    band_ok = band[ok]
    accepted = pd.DataFrame(
        {
            "row": rows[ok],
            "customer_id": _strings(ids.filter(keep)),
            "channel": _strings(channel.strings(ok)),
            "tier": _strings(name_array.take(pa.array(tier))),
            "band_tier": _strings(_take(name_array, band_ok, band_ok < 0)),
            "listed_tier": _strings(_take(name_array, listed_ok, ~listed_given)),
            "monthly_spend": spend[ok],
            "industry": _strings(others["industry"].strings(ok, blank_is_missing=True)),
            "district": _strings(others["district"].strings(ok, blank_is_missing=True)),
            "manager_id": _strings(others["manager_id"].strings(ok, blank_is_missing=True)),
            "churn_risk": np.where(has_churn[ok], churn[ok], tier_churn) if has_churn.any() else tier_churn,
        }
    )
    if ok.all():  # no text to infer a type from: plain object columns
        rejected = pd.DataFrame(
            {
                "row": rows[:0],
                "customer_id": np.array([], dtype=object),
                "reason": np.array([], dtype=object),
            }
        )
    else:
        rejected = pd.DataFrame(
            {
                "row": rows[~ok],
                "customer_id": _strings(ids.filter(pa.array(~ok)), na_value=np.nan),
                "reason": _strings(reasons.messages(), na_value=np.nan),
            }
        )
    return accepted, rejected


def _take(values: pa.Array, index: np.ndarray, missing: np.ndarray) -> pa.Array:
    """``values`` at ``index``, null where ``missing`` (no validity mask at all when none is)."""
    import numpy as np
    import pyarrow as pa

    if not missing.any():
        return values.take(pa.array(index))
    return values.take(pa.array(np.where(missing, 0, index), mask=missing))


def _strings(arr: pa.Array, na_value: object = None) -> pd.Series:
    """Arrow text as a pandas Series: ``string`` dtype (missing is NA), or with ``na_value=np.nan``
    pandas' default ``str`` dtype."""
    import pandas as pd

    dtype = pd.StringDtype("pyarrow") if na_value is None else pd.StringDtype("pyarrow", na_value=na_value)
    return pd.Series(pd.arrays.ArrowStringArray(arr, dtype=dtype))
