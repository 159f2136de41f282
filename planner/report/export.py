"""Results to files and JSON: deterministic, and written atomically (a temp file, then rename)."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any

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


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``, on error it vanishes."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
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
