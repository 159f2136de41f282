"""The figures a scenario and its policy mark as assumptions, read from the files' YAML comments.

The shipped files mark every figure the source does not give with a comment holding
``[assumption]`` (or ``[assumption: why]``)::

    hours_per_year: 2000           # [assumption] 250 working days x 8 h

Comments are not data, so the structured loaders drop them. This module reads them back without a
new YAML library: each file is composed again with the project's own loader
(:func:`planner.data.yaml_io.load_yaml`), whose ``locations`` give the line of every key, and
the raw lines are scanned for comments. A comment is tied to a key:

- on the key's own line (the usual ``key: value  # [assumption] ...``);
- or, for a block of comment lines, to the key on the line right below the block (a comment that
  introduces a section). A block at the top of a file, or followed by a blank line, is a note on
  the whole file (``path`` empty).

Only keys whose value in force comes from that file are listed: a key an ``extends`` child or
``--set`` overrode is reported by the file that set it, if that file marks it. The value shown is
the one the run uses (after ``extends``, ``--set`` and ``policy_overrides``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.data.yaml_io import MAX_FILE_BYTES, Document, format_path, load_yaml, read_text_limited

if TYPE_CHECKING:  # pragma: no cover
    from planner.data.scenario import Scenario

#: The marker the shipped files use (case-insensitive; ``[assumption: ...]`` too).
MARKER = re.compile(r"\[assumptions?\b", re.IGNORECASE)
#: A value longer than this as text is a whole section; it is left out (the note names it).
MAX_VALUE_CHARS = 120


@dataclass(frozen=True)
class Assumption:
    """One figure (or note) a file marks as an assumption.

    ``path`` is the key path in the file (``roles.key_manager.hours_per_year``; empty for a note
    on the whole file), ``subject`` the same with a policy tier named by its id
    (``key.crystal.visit_minutes``), ``value`` the value in force as text, ``note`` the comment.
    """

    file: str
    line: int
    path: str
    subject: str
    value: str
    note: str


def comment_of(line: str) -> str | None:
    """The comment text of one YAML line (after ``#``, stripped), None when it has none.

    A ``#`` inside quotes is text; a ``#`` starts a comment at the start of the line or after
    white space (YAML's rule).
    """
    quote: str | None = None
    for i, ch in enumerate(line):
        if quote is not None:
            if ch == quote:
                quote = None
            continue
        if ch in "'\"" and (i == 0 or line[i - 1] in " \t[{,:"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[i + 1 :].strip()
    return None


def _value_text(value: Any) -> str:
    """A value as one short line: scalars as typed, mappings ``k: v, ...``, lists ``[a, b]``."""
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_value_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value_text(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _lookup(data: Any, path: Sequence[str | int]) -> tuple[bool, Any]:
    for part in path:
        in_map = isinstance(data, Mapping) and part in data
        in_list = isinstance(data, (list, tuple)) and isinstance(part, int) and 0 <= part < len(data)
        if in_map or in_list:
            data = data[part]
        else:
            return False, None
    return True, data


def _subject(path: Sequence[str | int], data: Any) -> str:
    """``channels.key.tiers[0].visits`` -> ``key.crystal.visits`` (tiers named by id)."""
    parts = list(path)
    if len(parts) >= 4 and parts[0] == "channels" and parts[2] == "tiers" and isinstance(parts[3], int):
        found, tier = _lookup(data, parts[:4])
        if found and isinstance(tier, Mapping) and "id" in tier:
            return format_path([parts[1], str(tier["id"]), *parts[4:]])
    return format_path(parts)


def file_assumptions(
    path: Path, effective: Any, merged: Document | None = None, shown_as: str | None = None
) -> list[Assumption]:
    """The assumptions one YAML file marks, valued from ``effective`` (plain data of the run).

    ``merged`` is the document the file is part of (after ``extends``): a key whose location in
    it is another file's is skipped. ``shown_as`` names the file in the result (default: ``path``).
    """
    own = load_yaml(path)
    name = shown_as or str(path)
    lines = read_text_limited(path, MAX_FILE_BYTES, "YAML file").splitlines()
    by_line: dict[int, tuple[str | int, ...]] = {}
    for key_path, (_unused, line) in own.locations.items():
        if line is not None and (line not in by_line or len(key_path) < len(by_line[line])):
            by_line[line] = key_path
    out: list[Assumption] = []
    block: list[tuple[int, str]] = []

    def emit(line_no: int, key_path: tuple[str | int, ...], note: str) -> None:
        if key_path and merged is not None:
            source, _unused = merged.locate(key_path)
            if merged.locations.get(key_path) is None or Path(source).resolve() != path.resolve():
                return  # another file (or --set) sets the value in force
        found, value = _lookup(effective, key_path) if key_path else (False, None)
        if key_path and not found:
            found, value = _lookup(own.data, key_path)
        text = _value_text(value) if key_path and found else ""
        if len(text) > MAX_VALUE_CHARS:  # a whole section: the note speaks of it, the file holds it
            text = ""
        subject = _subject(key_path, effective if found else own.data) if key_path else ""
        out.append(Assumption(name, line_no, format_path(key_path), subject, text, note))

    def flush(next_key: tuple[str | int, ...] | None) -> None:
        note = " ".join(t for _unused, t in block)
        if block and MARKER.search(note):
            first = block[0][0]
            emit(first, next_key if next_key is not None and first > 1 else (), note)
        block.clear()

    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        comment = comment_of(raw)
        if stripped.startswith("#"):
            block.append((number, comment or ""))
            continue
        key = by_line.get(number)
        flush(key if stripped else None)
        if comment and MARKER.search(comment):
            if key is not None:
                emit(number, key, comment)
            else:  # a list item or a continuation line: tie it to the nearest key above
                above = max((n for n in by_line if n < number), default=None)
                emit(number, by_line[above] if above is not None else (), comment)
    flush(None)
    return out


def _files(doc: Document | None, fallback: Path | None) -> list[Path]:
    files = list(doc.files) if doc is not None and doc.files else []
    if not files and fallback is not None:
        files = [fallback]
    seen: set[Path] = set()
    unique = []
    for f in files:
        if f.resolve() not in seen:
            seen.add(f.resolve())
            unique.append(f)
    return unique


def scenario_assumptions(scenario: Scenario) -> list[Assumption]:
    """Every assumption the scenario's files (``extends`` chain included) and its policy mark."""
    from planner.data.policy import load_policy_document

    out: list[Assumption] = []
    spec_data = scenario.spec.model_dump(mode="json", exclude_none=False)
    for path in _files(scenario.document, scenario.path):
        out.extend(file_assumptions(path, spec_data, scenario.document, shown_as=_short(path)))
    policy_path = Path(scenario.spec.policy)
    policy_doc = load_policy_document(policy_path)
    policy_data = scenario.policy.model_dump(mode="json")
    for path in _files(policy_doc, policy_path):
        out.extend(file_assumptions(path, policy_data, policy_doc, shown_as=_short(path)))
    return out


def _short(path: Path) -> str:
    """A policy path as the user would name it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def count_by_file(assumptions: Iterable[Assumption]) -> dict[str, int]:
    """How many assumptions each file marks."""
    counts: dict[str, int] = {}
    for a in assumptions:
        counts[a.file] = counts.get(a.file, 0) + 1
    return counts
