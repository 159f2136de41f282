"""The one customer-roster reader: CSV, Excel or Parquet in, accepted and rejected rows out.

Every row read is either accepted or rejected with a reason in words, so ``rows_read ==
rows_accepted + rows_rejected`` always holds and nothing is dropped silently. A file that cannot be
read at all (missing, unknown extension, a required column absent) raises :class:`InputError`.

Row numbers count data rows from 1 (the header is not counted; in a spreadsheet, data row N sits
on line N + 1). All checks are vectorised with pandas; there is no Python loop per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.data.policy import Policy
from planner.data.yaml_io import did_you_mean, load_yaml
from planner.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

REQUIRED_COLUMNS = ("customer_id", "channel", "monthly_spend")
OPTIONAL_COLUMNS = ("tier", "industry", "district", "manager_id", "churn_risk")
ROSTER_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
FORMATS = {".csv": "CSV", ".xlsx": "Excel", ".parquet": "Parquet"}


@dataclass(frozen=True)
class ColumnMap:
    """How an export's column names (and channel values) map onto ours."""

    columns: dict[str, str]
    channel_values: dict[str, str]


@dataclass(frozen=True)
class Roster:
    """A read roster.

    ``accepted`` has one row per accepted customer with columns ``row, customer_id, channel, tier,
    band_tier, listed_tier, monthly_spend, industry, district, manager_id, churn_risk`` (``tier`` is
    the tier used for planning: the file's ``tier`` where given, else the one its spend band says;
    ``churn_risk`` is the row's, else the policy tier's). ``rejected`` has ``row, customer_id,
    reason``.
    """

    source: str
    rows_read: int
    accepted: pd.DataFrame
    rejected: pd.DataFrame

    @property
    def rows_accepted(self) -> int:
        """Rows accepted."""
        return len(self.accepted)

    @property
    def rows_rejected(self) -> int:
        """Rows rejected."""
        return len(self.rejected)

    def counts(self) -> dict[tuple[str, str], int]:
        """Accepted customers per ``(channel, tier)``."""
        grouped = self.accepted.groupby(["channel", "tier"], sort=True).size()
        return {(str(c), str(t)): int(n) for (c, t), n in grouped.items()}


def read_column_map(path: str | Path) -> ColumnMap:
    """Read a ``--columns`` mapping file.

    Either ``{export column: our column}`` or, to also map channel values::

        columns: {客户编号: customer_id, 渠道: channel, 月消费: monthly_spend}
        channels: {大客户: key, 商业客户: commercial}
    """
    doc = load_yaml(path)
    data = doc.data
    if not isinstance(data, dict):
        raise InputError("expected a mapping of export column -> planner column", source=path)
    if "columns" in data or "channels" in data:
        unknown = [k for k in data if k not in ("columns", "channels")]
        if unknown:
            raise doc.error((unknown[0],), "unknown key; expected `columns` and/or `channels`")
        columns = data.get("columns") or {}
        channels = data.get("channels") or {}
    else:
        columns, channels = data, {}
    for section, mapping in (("columns", columns), ("channels", channels)):
        if not isinstance(mapping, dict):
            raise doc.error((section,), "expected a mapping")
    for src, dst in columns.items():
        if dst not in ROSTER_COLUMNS:
            key = ("columns", src) if "columns" in data else (src,)
            raise doc.error(
                key,
                f"maps to unknown column {dst!r}{did_you_mean(str(dst), ROSTER_COLUMNS)}; "
                f"planner columns: {', '.join(ROSTER_COLUMNS)}",
            )
    return ColumnMap(
        {str(k): str(v) for k, v in columns.items()}, {str(k): str(v) for k, v in channels.items()}
    )


def _read_frame(path: Path) -> pd.DataFrame:
    import pandas as pd

    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"unknown roster format {path.suffix or '(no extension)'!r}; expected .csv, .xlsx or .parquet",
            source=path,
        )
    if not path.exists():
        raise InputError("file not found", source=path)
    try:
        if suffix == ".csv":
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8-sig", engine="c"
            )
        if suffix == ".xlsx":
            return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        frame = pd.read_parquet(path)
    except InputError:
        raise
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source=path) from None
    except pd.errors.EmptyDataError:
        raise InputError("file is empty; expected a header row and customers", source=path) from None
    except Exception as exc:  # the readers raise many types for a corrupt file
        raise InputError(f"cannot read as {FORMATS[suffix]}: {exc}", source=path) from None
    # Parquet keeps its types; make identifiers text like the other formats.
    for col in frame.columns:
        if col != "monthly_spend" and col != "churn_risk":
            frame[col] = frame[col].astype("string").fillna("")
    return frame


def _normalise_columns(frame: pd.DataFrame, mapping: ColumnMap | None, path: Path) -> pd.DataFrame:
    frame = frame.rename(columns={c: str(c).strip() for c in frame.columns})
    if mapping is not None:
        frame = frame.rename(columns=mapping.columns)
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "none"
        hints = "".join(did_you_mean(m, frame.columns) for m in missing)
        raise InputError(
            f"missing required column(s) {', '.join(missing)}{hints}; found: {found}. "
            "Map an export's own names with --columns MAP.yaml",
            source=path,
        )
    for col in OPTIONAL_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    return frame[list(ROSTER_COLUMNS)]


def _text(series: pd.Series) -> pd.Series:
    return series.astype("string").fillna("").str.strip()


def band_tiers(policy: Policy, channel: pd.Series, spend: pd.Series) -> pd.Series:
    """The tier whose spend band holds each row's spend within its channel ("" when none does)."""
    import numpy as np
    import pandas as pd

    out = np.full(len(channel), "", dtype=object)
    ch = channel.to_numpy()
    sp = spend.to_numpy(dtype=float, na_value=np.nan)
    for cid, chan in policy.channels.items():
        if not chan.tiers:
            continue
        mask = ch == cid
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
        out[np.flatnonzero(mask)[ok]] = ids[safe[ok]]
    return pd.Series(out, index=channel.index, dtype=object)


def ladder_range(policy: Policy) -> tuple[float, float]:
    """The spend range the policy's ``ladder`` channels cover together (empty when no ladder)."""
    lows, highs = [], []
    for cid in policy.ladder:
        for t in policy.channels[cid].tiers:
            lows.append(t.low)
            highs.append(float("inf") if t.high is None else t.high)
    return (min(lows), max(highs)) if lows else (0.0, 0.0)


def _nearest_tier(policy: Policy, channel: pd.Series, spend: pd.Series) -> pd.Series:
    """For spend outside its channel's bands: the channel's bottom tier if below, top tier if above."""
    import numpy as np
    import pandas as pd

    out = np.full(len(channel), "", dtype=object)
    ch = channel.to_numpy()
    sp = spend.to_numpy(dtype=float, na_value=np.nan)
    for cid, chan in policy.channels.items():
        if not chan.tiers:
            continue
        mask = ch == cid
        below = mask & (sp < chan.tiers[0].low)
        out[below] = chan.tiers[0].id
        out[mask & ~below] = chan.tiers[-1].id
    return pd.Series(out, index=channel.index, dtype=object)


def read_roster(path: str | Path, policy: Policy, columns: str | Path | None = None) -> Roster:
    """Read and check a customer roster against ``policy``.

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
    raw = _normalise_columns(_read_frame(p), mapping, p)
    n = len(raw)
    frame = pd.DataFrame({"row": np.arange(1, n + 1, dtype=np.int64)})
    for col in ("customer_id", "channel", "tier", "industry", "district", "manager_id"):
        frame[col] = _text(raw[col]).to_numpy(dtype=object)
    if mapping is not None and mapping.channel_values:
        frame["channel"] = frame["channel"].replace(mapping.channel_values)
    spend_text = _text(raw["monthly_spend"]).str.replace(",", "", regex=False)
    frame["monthly_spend"] = pd.to_numeric(spend_text, errors="coerce").to_numpy(dtype=float)
    churn_text = _text(raw["churn_risk"])
    churn = pd.to_numeric(churn_text, errors="coerce").to_numpy(dtype=float)

    reason = np.full(n, "", dtype=object)

    def reject(mask: np.ndarray, text: Any) -> None:
        todo = mask & (reason == "")
        if isinstance(text, np.ndarray):
            reason[todo] = text[todo]
        else:
            reason[todo] = text

    ids = frame["customer_id"]
    reject((ids == "").to_numpy(), "missing customer_id")
    dup = ids.duplicated(keep="first").to_numpy() & (ids != "").to_numpy()
    if dup.any():
        first_row = frame.groupby("customer_id", sort=False)["row"].transform("first").to_numpy()
        reject(dup, np.array([f"duplicate customer_id (first at row {r})" for r in first_row], dtype=object))
    field = [c for c, ch in policy.channels.items() if ch.tiers]
    channel = frame["channel"]
    known_channel = channel.isin(field).to_numpy()
    reject(
        ~known_channel,
        ("unknown channel " + channel.map(repr) + f"; expected one of {', '.join(field)}").to_numpy(
            dtype=object
        ),
    )
    spend = frame["monthly_spend"]
    not_number = spend.isna().to_numpy()
    reject(
        not_number,
        (
            "monthly_spend " + spend_text.map(lambda s: repr(s) if s else "(empty)") + " is not a number"
        ).to_numpy(dtype=object),
    )
    reject((spend < 0).to_numpy(), "negative monthly_spend")

    listed = frame["tier"]
    valid_pairs = {f"{c}\x00{t.id}" for c in field for t in policy.channels[c].tiers}
    pair = channel + "\x00" + listed
    bad_tier = (listed != "").to_numpy() & ~pair.isin(valid_pairs).to_numpy()
    reject(
        bad_tier,
        ("unknown tier " + listed.map(repr) + " for channel " + channel).to_numpy(dtype=object),
    )
    band = band_tiers(policy, channel, spend)
    out_of_band = (band == "").to_numpy() & known_channel & ~not_number
    low, high = ladder_range(policy)
    on_ladder = channel.isin(policy.ladder).to_numpy() & (spend >= low).to_numpy() & (spend < high).to_numpy()
    reject(
        out_of_band & ~on_ladder,
        ("monthly_spend outside every band of channel " + channel).to_numpy(dtype=object),
    )
    has_churn = (churn_text != "").to_numpy()
    reject(
        has_churn & ~((churn >= 0) & (churn <= 1)),
        "churn_risk is not a fraction in [0, 1]",
    )

    ok = reason == ""
    accepted = frame.loc[ok].copy()
    band_ok = band[ok]
    nearest = _nearest_tier(policy, accepted["channel"], accepted["monthly_spend"])
    band_or_nearest = band_ok.where(band_ok != "", nearest)
    accepted["band_tier"] = band_ok.where(band_ok != "", None)
    accepted["listed_tier"] = accepted["tier"].where(accepted["tier"] != "", None)
    accepted["tier"] = accepted["tier"].where(accepted["tier"] != "", band_or_nearest)
    tier_churn = {(c, t.id): t.churn_risk for c in field for t in policy.channels[c].tiers}
    default_churn = pd.Series(
        list(zip(accepted["channel"], accepted["tier"], strict=True)), index=accepted.index
    ).map(tier_churn)
    row_churn = pd.Series(churn[ok], index=accepted.index)
    accepted["churn_risk"] = row_churn.where(has_churn[ok], default_churn).astype(float)
    for col in ("industry", "district", "manager_id"):
        accepted[col] = accepted[col].where(accepted[col] != "", None)
    accepted = accepted[
        [
            "row",
            "customer_id",
            "channel",
            "tier",
            "band_tier",
            "listed_tier",
            "monthly_spend",
            "industry",
            "district",
            "manager_id",
            "churn_risk",
        ]
    ].reset_index(drop=True)
    rejected = pd.DataFrame(
        {
            "row": frame["row"].to_numpy()[~ok],
            "customer_id": ids.to_numpy()[~ok],
            "reason": reason[~ok],
        }
    )
    return Roster(source=str(path), rows_read=n, accepted=accepted, rejected=rejected)
