"""Results to files and JSON: deterministic, written atomically (a temp file, then rename), formula-safe.

Formula safety: every text cell that users' data can reach (ids, names, labels, scenario names) is
written so a spreadsheet never runs it. In CSV, text starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return gets a leading apostrophe (``'=1+1``), the convention spreadsheets read as
"this is text" (OWASP, "CSV Injection"); numbers stay numbers. In Excel, text is written as a text
cell (never a formula) with the quote-prefix style, so editing the cell keeps it text; control
characters Excel cannot store are written as ``\\xNN``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any

#: First characters that make a spreadsheet read a text cell as a formula (or DDE call).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Characters XML 1.0 (so .xlsx) cannot hold; openpyxl refuses them.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: Decimal places kept for floats in JSON (enough for hours and CNY; removes solver noise).
JSON_DECIMALS = 6


def plain(obj: Any) -> Any:
    """Dataclasses, enums, paths, tuples -> JSON-ready plain data with floats rounded."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        to_dict = getattr(obj, "to_dict", None)
        data = to_dict() if callable(to_dict) else dataclasses.asdict(obj)
        return plain(data)
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, bool) or obj is None or isinstance(obj, (int, str)):
        return obj
    if isinstance(obj, float):
        if math.isnan(obj) or math.isinf(obj):
            return None
        r = round(obj, JSON_DECIMALS)
        return 0.0 if r == 0 else r
    if hasattr(obj, "item"):  # numpy scalars
        return plain(obj.item())
    return str(obj)


def to_json(obj: Any) -> str:
    """Deterministic JSON text (same input, same bytes)."""
    return json.dumps(plain(obj), ensure_ascii=False, indent=2)


def _file_mode() -> int:
    """``0o666`` less the process umask: the mode an ordinary ``open(path, "w")`` would give."""
    global _MODE
    if _MODE is None:
        mask = os.umask(0o022)
        os.umask(mask)
        _MODE = 0o666 & ~mask
    return _MODE


_MODE: int | None = None


def _reason(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


def ensure_dir(path: str | Path) -> Path:
    """Create the output folder ``path`` (and parents); an OS error becomes an OutputError."""
    from planner.errors import OutputError

    p = Path(path)
    if p.exists() and not p.is_dir():
        raise OutputError(p, "it is a file, not a folder")
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if isinstance(exc, (NotADirectoryError, FileExistsError)):
            raise OutputError(p, "a part of its folder path is a file, not a folder") from None
        raise OutputError(p, _reason(exc)) from None
    return p


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``, on error it vanishes.

    The file gets the usual umask-respecting mode (not mkstemp's 0600). Any operating-system
    error (read-only folder, a parent that is a file, full disk, ``target`` a folder or a device)
    becomes an :class:`~planner.errors.OutputError` naming ``target`` and the reason.
    """
    from planner.errors import OutputError

    target = Path(target)
    if target.is_dir():
        raise OutputError(target, "it is a directory; give a file name")
    if target.exists() and not target.is_file():
        raise OutputError(target, "it is a device, pipe or socket, not a regular file")
    tmp: Path | None = None
    try:
        if target.parent.exists() and not target.parent.is_dir():
            raise OutputError(target, f"{target.parent} is a file, not a folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        yield tmp
        os.chmod(tmp, _file_mode())
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        if isinstance(exc, (NotADirectoryError, FileExistsError)) and not target.parent.is_dir():
            raise OutputError(target, "a part of its folder path is a file, not a folder") from None
        raise OutputError(target, _reason(exc)) from None
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(target: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_with(target: str | Path, writer: Callable[[Path], None]) -> Path:
    """Call ``writer(tmp_path)`` and move the result onto ``target`` atomically."""
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)


#: The time stamped on every part of a workbook, so its bytes depend on the data only.
XLSX_TIME = (2000, 1, 1, 0, 0, 0)


def write_xlsx_deterministic(save: Callable[[Any], None], target: str | Path) -> None:
    """Have ``save(buffer)`` write a workbook (openpyxl or pandas), then copy it to ``target`` clock-free.

    openpyxl stamps every zip entry and the document's created/modified properties with the current
    time, so the same data would give different bytes on each run. The workbook is written to memory
    and copied entry by entry with :data:`XLSX_TIME`. ``target`` is written directly: wrap the call
    in :func:`write_with` for an atomic write.
    """
    import io
    import re
    import zipfile

    buffer = io.BytesIO()
    save(buffer)
    buffer.seek(0)
    stamp = b"%04d-%02d-%02dT00:00:00Z" % XLSX_TIME[:3]
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            entry = zipfile.ZipInfo(info.filename, date_time=XLSX_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            out.writestr(entry, data)


def write_json(target: str | Path, obj: Any) -> Path:
    """Write ``obj`` as deterministic JSON to ``target`` atomically."""
    return write_text_atomic(target, to_json(obj) + "\n")


# ----------------------------------------------------------------------------- formula safety


def csv_text(value: Any) -> Any:
    """``value`` made safe for a CSV cell: text a spreadsheet would run gets a leading ``'``.

    Only strings change; numbers, None and booleans come back as they are (a negative number is
    a number, not a formula).
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_safe_frame(frame: Any) -> Any:
    """``frame`` with :func:`csv_text` applied to every text cell and column name.

    Vectorised, and a copy is made only when some cell needs the apostrophe, so the common case
    (nothing to neutralise) costs one scan of the text columns.
    """
    out = frame
    for col in frame.columns:
        series = frame[col]
        if not _is_text(series):
            continue
        if series.dtype == object:  # mixed cells: only strings can be formulas
            mask = series.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_PREFIXES)).astype(bool)
        else:
            mask = series.str.startswith(FORMULA_PREFIXES, na=False).fillna(False).astype(bool)
        if mask.any():
            if out is frame:
                out = frame.copy()
            out[col] = series.where(~mask, series.map(csv_text))
    names = [csv_text(c) if isinstance(c, str) else c for c in frame.columns]
    if names != list(frame.columns):
        out = out.copy() if out is frame else out
        out.columns = names
    return out


def write_csv(target: str | Path, frame: Any, **to_csv: Any) -> Path:
    """Write a pandas ``frame`` as formula-safe CSV (``index=False``) to ``target`` atomically.

    Without pandas options, through :func:`write_csv_fast` (the same bytes, faster when it can).
    """
    if not to_csv:
        return write_csv_fast(target, frame)
    return _write_csv_pandas(target, frame, **to_csv)


def _write_csv_pandas(target: str | Path, frame: Any, **to_csv: Any) -> Path:
    """:func:`write_csv` through pandas' ``to_csv``."""
    import csv

    safe = csv_safe_frame(frame)
    if _has_cr(safe):
        # Python's csv module (before 3.13) leaves a field holding a bare CR unquoted, which
        # readers take for a line break: quote every text field of such a (rare) file.
        to_csv.setdefault("quoting", csv.QUOTE_NONNUMERIC)
    to_csv.setdefault("index", False)
    to_csv.setdefault("lineterminator", "\n")
    return write_with(target, lambda tmp: safe.to_csv(tmp, **to_csv))


def _is_text(series: Any) -> bool:
    return series.dtype == object or str(series.dtype) in ("string", "str")


def _has_cr(frame: Any) -> bool:
    for col in [*frame.columns, *[frame[c] for c in frame.columns if _is_text(frame[c])]]:
        if isinstance(col, str):
            if "\r" in col:
                return True
        elif _contains_cr(col):
            return True
    return False


def _contains_cr(series: Any) -> bool:
    """Whether a text column holds a CR: vectorised (a per-cell Python call costs seconds a
    million rows); cells that are not text never match."""
    try:
        return bool(series.str.contains("\r", regex=False, na=False).astype(bool).any())
    except (AttributeError, TypeError):  # an object column whose values are not text
        return bool(series.map(lambda v: isinstance(v, str) and "\r" in v).any())


def xlsx_text(text: str) -> str:
    """``text`` with the control characters .xlsx cannot store written as ``\\xNN``."""
    return _XLSX_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """A value for ``sheet.append``: text becomes a text cell (never a formula), anything else stays.

    Works for normal and write-only openpyxl sheets.
    """
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, xlsx_text(value))
    cell.data_type = "s"
    if value.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    return cell


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """:func:`xlsx_cell` for each value of a row."""
    return [xlsx_cell(sheet, v) for v in values]


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append`` with every text cell written as text (:func:`xlsx_cell`)."""
    sheet.append(xlsx_row(sheet, values))


def sheet_title(name: str, taken: set[str] | None = None) -> str:
    """A valid, unique worksheet title for ``name``: no ``[]:*?/\\``, at most 31 characters."""
    title = re.sub(r"[\[\]:*?/\\]", "_", xlsx_text(name)).strip("'") or "sheet"
    title = title[:31]
    if taken is not None:
        base, n = title, 2
        while title.lower() in taken:
            suffix = f"~{n}"
            title = base[: 31 - len(suffix)] + suffix
            n += 1
        taken.add(title.lower())
    return title


def write_frame_xlsx(frame: Any, target: Path, sheet: str = "Sheet1") -> None:
    """Write a pandas ``frame`` as one formula-safe sheet (header row, then rows), clock-free."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(sheet))
    ws.append(xlsx_row(ws, [str(c) for c in frame.columns]))
    for row in frame.itertuples(index=False, name=None):
        ws.append(xlsx_row(ws, [plain_cell(v) for v in row]))
    write_xlsx_deterministic(wb.save, target)


def plain_cell(value: Any) -> Any:
    """A pandas/numpy cell as a plain Python value openpyxl can write (NaN/NA -> empty)."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value


def write_csv_fast(target: str | Path, frame: Any) -> Path:
    """Write ``frame`` as pandas' ``to_csv`` would, byte for byte, through ``pyarrow.csv`` when it can.

    pyarrow writes a million rows about ten times faster than pandas. Its output equals pandas'
    (``index=False``, ``\\n`` line ends, minimal quoting) when no cell needs quoting or the formula
    apostrophe and every column is text or integer: the header line comes from pandas, the body from
    pyarrow unquoted. Any other frame (a comma, quote, CR or LF in a cell, a cell a spreadsheet would
    run, floats or booleans, whose text forms differ) goes through pandas.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    names = [str(c) for c in frame.columns]
    if len(set(names)) != len(names) or any(csv_text(c) != c for c in names):
        return _write_csv_pandas(target, frame)
    columns: list[Any] = []
    for col in frame.columns:
        series = frame[col]
        if pd.api.types.is_integer_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            columns.append(pa.array(series.to_numpy()))
            continue
        if not _is_text(series):
            return _write_csv_pandas(target, frame)
        try:
            arr = pa.array(series, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # non-string objects in a text column
            return _write_csv_pandas(target, frame)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)) or _needs_quoting(arr):
            return _write_csv_pandas(target, frame)
        columns.append(arr)
    header = frame.iloc[:0].to_csv(index=False, lineterminator="\n").encode("utf-8")
    table = pa.Table.from_arrays(columns, names=[f"c{i}" for i in range(len(columns))])

    def write(tmp: Path) -> None:
        with pa.OSFile(str(tmp), "wb") as sink:
            sink.write(header)
            if table.num_rows:
                options = pa_csv.WriteOptions(include_header=False, quoting_style="none")  # "\n" line ends
                pa_csv.write_csv(table, sink, write_options=options)

    return write_with(target, write)


def _needs_quoting(arr: Any) -> bool:
    """Whether a pyarrow string array holds a comma, quote, CR or LF, or a cell starting as a formula.

    Scans the array's own buffers with numpy: one pass over the bytes, one over the cell starts.
    """
    import numpy as np

    if len(arr) == 0:
        return False
    _validity, offsets_buf, data_buf = arr.buffers()
    wide = np.int64 if arr.type.id == _large_string_id() else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=wide)[arr.offset : arr.offset + len(arr) + 1].astype(np.int64)
    if data_buf is None or offsets[-1] == offsets[0]:
        return False
    data = np.frombuffer(data_buf, dtype=np.uint8)[offsets[0] : offsets[-1]]
    special = np.zeros(256, dtype=bool)
    special[[ord(c) for c in ',"\r\n']] = True
    if special[data].any():
        return True
    starts = offsets[:-1][offsets[1:] > offsets[:-1]] - offsets[0]
    first = np.zeros(256, dtype=bool)
    first[[ord(c) for c in FORMULA_PREFIXES]] = True
    return bool(first[data[starts]].any())


def _large_string_id() -> int:
    import pyarrow as pa

    return int(pa.large_string().id)
