"""The one customer-roster reader: CSV, Excel or Parquet in, accepted and rejected rows out.

Every row read is either accepted or rejected with a reason in words, so ``rows_read ==
rows_accepted + rows_rejected`` always holds and nothing is dropped silently. A file that cannot be
read at all (missing, unknown extension, a required column absent) raises :class:`InputError`.

Row numbers count data rows from 1 (the header is not counted; in a spreadsheet, data row N sits
on line N + 1). The row checks (:mod:`planner.data.roster_rows`) run on Arrow arrays, those on a
channel or tier once per distinct value; there is no Python loop per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.data.policy import Policy
from planner.data.yaml_io import did_you_mean, load_yaml, require_regular_file
from planner.errors import InputError
from planner.i18n import _

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
    reason``. ``notes`` say how the file was read where that was not plain (the sheet and header
    row of a workbook, trailing commas ignored, labels taken as ids).
    """

    source: str
    rows_read: int
    accepted: pd.DataFrame
    rejected: pd.DataFrame
    notes: tuple[str, ...] = ()

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
        raise InputError(_("expected a mapping of export column -> planner column"), source=path)
    if "columns" in data or "channels" in data:
        unknown = [k for k in data if k not in ("columns", "channels")]
        if unknown:
            raise doc.error((unknown[0],), _("unknown key; expected `columns` and/or `channels`"))
        columns = data.get("columns") or {}
        channels = data.get("channels") or {}
    else:
        columns, channels = data, {}
    for section, mapping in (("columns", columns), ("channels", channels)):
        if not isinstance(mapping, dict):
            raise doc.error((section,), _("expected a mapping"))
        if mapping and not all(isinstance(v, str) for v in mapping.values()):
            # Not a column map at all (e.g. --columns /etc/passwd): say so without quoting its lines.
            raise InputError(
                _("not a column map: expected `export column: planner column` lines"), source=path
            )
    for src, dst in columns.items():
        if dst not in ROSTER_COLUMNS:
            key = ("columns", src) if "columns" in data else (src,)
            raise doc.error(
                key,
                _("maps to unknown column {dst!r}{did_you_mean}; planner columns: {roster_columns}").format(
                    dst=dst,
                    did_you_mean=did_you_mean(str(dst), ROSTER_COLUMNS),
                    roster_columns=", ".join(ROSTER_COLUMNS),
                ),
            )
    return ColumnMap(
        {str(k): str(v) for k, v in columns.items()}, {str(k): str(v) for k, v in channels.items()}
    )


@dataclass(frozen=True)
class Layout:
    """Where the table sits in a workbook: ``sheet`` (name, or 0-based index as text) and the
    1-based spreadsheet row of the header (None: found by looking for the required columns)."""

    sheet: str | None = None
    header_row: int | None = None


#: Rows at the top of a sheet searched for the header when ``--header-row`` is not given.
HEADER_SEARCH_ROWS = 30


def _read_frame(path: Path, layout: Layout, mapping: ColumnMap | None, notes: list[str]) -> pd.DataFrame:
    import pandas as pd

    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            _("unknown roster format {value!r}; expected .csv, .xlsx or .parquet").format(
                value=path.suffix or "(no extension)"
            ),
            source=path,
        )
    if suffix != ".xlsx" and (layout.sheet is not None or layout.header_row is not None):
        option = "--sheet" if layout.sheet is not None else "--header-row"
        raise InputError(_("{option} applies to .xlsx rosters only").format(option=option), source=path)
    if not path.exists():
        raise InputError(_("file not found"), source=path)
    require_regular_file(path, "roster file")  # a FIFO or /dev/zero would hang pandas
    try:
        if suffix == ".csv":
            return _read_csv(path, notes)
        if suffix == ".xlsx":
            return _read_excel(path, layout, mapping, notes)
        # Nullable types keep an integer id column with gaps integral (not 101.0).
        frame = pd.read_parquet(path, dtype_backend="numpy_nullable")
    except InputError:
        raise
    except UnicodeDecodeError as exc:
        # Chinese CRM exports are often GBK; say how to convert rather than guess the encoding.
        raise InputError(
            _(
                "not UTF-8 text ({reason} at byte {start}); save the export as UTF-8 CSV (e.g. `iconv -f "
                "GBK -t UTF-8 in.csv > out.csv`) or as .xlsx"
            ).format(reason=exc.reason, start=exc.start),
            source=path,
        ) from None
    except pd.errors.EmptyDataError:
        raise InputError(_("file is empty; expected a header row and customers"), source=path) from None
    except Exception as exc:  # the readers raise many types for a corrupt file
        raise InputError(
            _("cannot read as {formats}: {short}").format(formats=FORMATS[suffix], short=_short(str(exc))),
            source=path,
        ) from None
    # Parquet keeps its types; make identifiers text like the other formats.
    for col in frame.columns:
        if col != "monthly_spend" and col != "churn_risk":
            frame[col] = _as_text(frame[col], str(col), path)
    return frame


def _short(text: str, limit: int = 200) -> str:
    """``text`` cut to ``limit`` characters (a reader's message can quote a whole file)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _as_text(series: pd.Series, name: str, path: Path) -> pd.Series:
    """A Parquet column as text. A binary column (bytes) is decoded as UTF-8; a value that is not
    UTF-8 refuses the file, naming the column and the data row."""
    if series.dtype == object:
        values = series.tolist()
        if any(isinstance(v, (bytes, bytearray)) for v in values):
            decoded = []
            for i, v in enumerate(values, start=1):
                if isinstance(v, (bytes, bytearray)):
                    try:
                        v = bytes(v).decode("utf-8")
                    except UnicodeDecodeError:
                        raise InputError(
                            _(
                                "column {name!r}, row {i}: binary value {short} is not UTF-8 text; store "
                                "identifiers as strings"
                            ).format(name=name, i=i, short=_short(repr(bytes(v)), 40)),
                            source=path,
                        ) from None
                decoded.append(v)
            series = series.__class__(decoded, index=series.index, dtype=object)
    return series.astype("string").fillna("")


def _read_excel(path: Path, layout: Layout, mapping: ColumnMap | None, notes: list[str]) -> pd.DataFrame:
    """One sheet as text. Without a header row given, the first of the top rows that holds every
    required column (after ``--columns`` mapping) is the header: a title or a date above it is
    skipped, and the note says which row was used."""
    import pandas as pd

    with pd.ExcelFile(path, engine="openpyxl") as book:
        names = [str(n) for n in book.sheet_names]
        sheet: str | int = 0
        if layout.sheet is not None:
            if layout.sheet in names:
                sheet = layout.sheet
            elif layout.sheet.isdigit() and 1 <= int(layout.sheet) <= len(names):
                sheet = int(layout.sheet) - 1
            else:
                raise InputError(
                    _(
                        "no sheet {short!r}{did_you_mean}; sheets: {names} (or a number from 1 to {n_names})"
                    ).format(
                        short=_short(layout.sheet, 40),
                        did_you_mean=did_you_mean(layout.sheet, names),
                        names=", ".join(names),
                        n_names=len(names),
                    ),
                    source=path,
                    path="--sheet",
                )
        name = names[sheet] if isinstance(sheet, int) else sheet
        grid = pd.read_excel(
            book, sheet_name=sheet, header=None, dtype=str, keep_default_na=False, na_values=[]
        )
    if len(names) > 1:
        others = [n for n in names if n != name]
        notes.append(
            f"read sheet {name!r} of {len(names)} (also: {', '.join(others)}); choose another with --sheet"
        )
    if grid.empty:
        raise InputError(
            _("sheet {name!r} is empty; expected a header row and customers").format(name=name), source=path
        )
    wanted = set(REQUIRED_COLUMNS)
    rename = mapping.columns if mapping is not None else {}
    if layout.header_row is not None:
        if not 1 <= layout.header_row <= len(grid):
            raise InputError(
                _("--header-row {header_row} is outside sheet {name!r} (rows 1 to {n_grid})").format(
                    header_row=layout.header_row, name=name, n_grid=len(grid)
                ),
                source=path,
            )
        at = layout.header_row - 1
    else:
        at = 0
        for i in range(min(HEADER_SEARCH_ROWS, len(grid))):
            cells = {rename.get(str(v).strip(), str(v).strip()) for v in grid.iloc[i]}
            if wanted <= cells:
                at = i
                break
        if at > 0:
            notes.append(
                f"sheet {name!r}: header found on row {at + 1} (rows above it skipped); "
                "set it with --header-row"
            )
    header = [str(v).strip() for v in grid.iloc[at]]
    frame = grid.iloc[at + 1 :].reset_index(drop=True)
    frame.columns = _unique(header)
    # Rows Excel keeps empty below or between the data are not customers (like blank CSV lines).
    blank = (frame.apply(lambda c: c.astype(str).str.strip()) == "").all(axis=1)
    return frame[~blank.to_numpy(dtype=bool)].reset_index(drop=True)


def _unique(names: list[str]) -> list[str]:
    """Column names made unique (``a``, ``a.1``) the way pandas names repeated headers; an empty
    header cell is named by its place, ``(column 3)``."""
    seen: dict[str, int] = {}
    out = []
    for i, n in enumerate(names):
        n = n or f"(column {i + 1})"
        k = seen.get(n, 0)
        seen[n] = k + 1
        out.append(n if k == 0 else f"{n}.{k}")
    return out


def _read_csv(path: Path, notes: list[str]) -> pd.DataFrame:
    """All fields as text. pyarrow's parser is fast; a file it refuses (a row with too few or too
    many fields) is read again by pandas' C parser with spare columns: a short row is filled with
    empty fields (and then rejected and counted like any other); fields past the header's count
    that are all empty (rows ending in a trailing comma, common in exports) are dropped with a
    note; a row with a non-empty field past the header refuses the file, naming its line, since
    its columns cannot be told apart.
    """
    import pandas as pd

    options: dict[str, Any] = {
        "dtype": str,
        "keep_default_na": False,
        "na_values": [],
        "encoding": "utf-8-sig",
    }
    try:
        frame = pd.read_csv(path, engine="pyarrow", **options)
    except (UnicodeDecodeError, pd.errors.EmptyDataError):
        raise
    except Exception:  # pyarrow.lib.ArrowInvalid: read field by field below
        return _read_csv_ragged(path, notes)
    return _drop_empty_unnamed(frame, notes)


def _drop_empty_unnamed(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Drop columns with an empty header and no values (a header that ends in a comma)."""
    empty = [
        c
        for c in frame.columns
        if (str(c).strip() == "" or str(c).startswith("Unnamed: "))
        and (frame[c].astype("string").fillna("").str.strip() == "").all()
    ]
    if empty:
        notes.append("the header ends in a trailing comma; the empty column after it was ignored")
        frame = frame.drop(columns=empty)
    return frame


#: Empty fields past the header a row may end with and still be read (more refuse the file).
TRAILING_FIELDS = 8


def _read_csv_ragged(path: Path, notes: list[str]) -> pd.DataFrame:
    """A CSV whose rows do not all have the header's number of fields, read with pandas' C parser
    given :data:`TRAILING_FIELDS` spare columns (vectorised: 1,000,000 rows in seconds)."""
    import csv

    import pandas as pd

    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        while header is not None and not header:  # blank lines before the header
            header = next(reader, None)
        if header is None:
            raise pd.errors.EmptyDataError(_("no header"))
        header_lines = reader.line_num
    named = len(header)
    while header and not header[-1].strip():  # "a,b,c," -> a, b, c
        header = header[:-1]
    if len(header) < named:
        notes.append("the header ends in a trailing comma; the empty column after it was ignored")
    width = len(header)
    spare = [f"\x00spare{i}" for i in range(TRAILING_FIELDS)]
    try:
        frame = pd.read_csv(
            path,
            engine="c",
            header=None,
            skiprows=header_lines,
            names=[*_unique([h.strip() for h in header]), *spare],
            dtype=str,
            keep_default_na=False,
            na_values=[],
            encoding="utf-8-sig",
            index_col=False,
        )
    except pd.errors.ParserError:
        _refuse_wide_row(path, width, header_lines)
        raise  # pragma: no cover - _refuse_wide_row always raises
    extra = frame[spare].fillna("")
    if len(frame) and (extra.apply(lambda c: c.str.strip()) != "").to_numpy().any():
        _refuse_wide_row(path, width, header_lines)
    notes.append(
        f"not every row has the header's {width} fields: missing fields were read as empty, and "
        "empty fields past the header (a trailing comma) ignored"
    )
    return frame.drop(columns=spare).fillna("")


def _refuse_wide_row(path: Path, width: int, header_lines: int) -> None:
    """Raise naming the first line with a value past the header's ``width`` columns."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        for _unused in range(header_lines):
            next(reader, None)
        for fields in reader:
            if len(fields) > width and (
                len(fields) > width + TRAILING_FIELDS or any(f.strip() for f in fields[width:])
            ):
                raise InputError(
                    _(
                        "cannot read as CSV: Expected {width} fields in line {line_num}, saw {n_fields}; "
                        "the header names {width} columns, so this row's values cannot be matched to them"
                    ).format(width=width, line_num=reader.line_num, n_fields=len(fields)),
                    source=path,
                )
    raise InputError(_("cannot read as CSV: rows with more fields than the header"), source=path)


def _normalise_columns(
    frame: pd.DataFrame, mapping: ColumnMap | None, path: Path, fill: bool = True
) -> pd.DataFrame:
    """``frame`` with our column names, in :data:`ROSTER_COLUMNS` order; an optional column the
    file lacks is added empty (``fill``) or left out."""
    frame = frame.rename(columns={c: str(c).strip() for c in frame.columns})
    if mapping is not None:
        frame = frame.rename(columns=mapping.columns)
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "none"
        hints = "".join(did_you_mean(m, frame.columns) for m in missing)
        raise InputError(
            _(
                "missing required column(s) {missing}{hints}; found: {found}. Map an export's own names "
                "with --columns MAP.yaml"
            ).format(missing=", ".join(missing), hints=hints, found=found),
            source=path,
        )
    if fill:
        for col in OPTIONAL_COLUMNS:
            if col not in frame.columns:
                frame[col] = ""
    return frame[[c for c in ROSTER_COLUMNS if c in frame.columns]]


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


def read_roster(
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

    The checks run on Arrow arrays, most of them once per distinct value rather than once per
    row (see :mod:`planner.data.roster_rows`).
    """
    from planner.data.roster_rows import check_rows

    p = Path(path)
    mapping = read_column_map(columns) if columns is not None else None
    notes: list[str] = []
    layout = layout or Layout()
    frame = _read_frame(p, layout, mapping, notes)
    try:
        raw = _normalise_columns(frame, mapping, p, fill=False)
    except InputError as exc:
        if p.suffix.lower() != ".xlsx" or layout.header_row is not None:
            raise
        raise InputError(
            _(
                "{message}; no row among the top {header_search_rows} of the sheet names them all (the "
                "first was taken as the header): choose the row with --header-row, the sheet with --sheet"
            ).format(message=exc.message, header_search_rows=HEADER_SEARCH_ROWS),
            source=p,
        ) from None
    del frame  # its columns go as check_rows takes them out of raw
    rows_read = len(raw)
    accepted, rejected = check_rows(raw, policy, mapping, notes)
    return Roster(
        source=str(path), rows_read=rows_read, accepted=accepted, rejected=rejected, notes=tuple(notes)
    )
