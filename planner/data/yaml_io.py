"""Safe YAML loading that remembers where every key came from.

Every loaded document is a :class:`Document`: plain Python data plus a map from key path to
``(source, line)`` so a validation error can name the file and line of the offending key. The
module also implements ``extends`` (a document inheriting from another and overriding keys) and
``--set dotted.path=value`` overrides, which record ``--set`` as their source.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from planner.errors import InputError, excerpt, printable
from planner.i18n import _

#: Refuse files larger than this: a policy or scenario is a few kilobytes; megabytes mean a mistake.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Refuse documents with more nodes than this (guards against alias "billion laughs" expansion).
MAX_NODES = 200_000
#: Refuse documents nested deeper than this (a policy is 6 levels deep; a recursive alias is endless).
MAX_DEPTH = 64

KeyPath = tuple[str | int, ...]
Location = tuple[str, int | None]


def format_path(path: Sequence[str | int]) -> str:
    """``("channels", "key", "tiers", 2, "spend")`` -> ``channels.key.tiers[2].spend``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            # A key is the user's text: printable, and cut so no whole line of a stray file is echoed.
            text = excerpt(str(part))[1:-1]
            out += f".{text}" if out else text
    return out


def _open_regular(p: Path, what: str) -> int:
    """A read-only descriptor of ``p``, refused unless ``p`` is a regular file.

    Opened non-blocking, so a FIFO nobody writes to cannot hang the open; the type is checked on
    the open descriptor (``fstat``), so it is the file read, not one swapped in after a check.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(p, flags)
    except FileNotFoundError:
        raise InputError(_("file not found"), source=p) from None
    except OSError as exc:
        raise InputError(
            _("cannot read {what}: {reason}").format(what=what, reason=exc.strerror), source=p
        ) from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        os.close(fd)
        raise InputError(
            _("cannot read {what}: {strerror}").format(what=what, strerror=exc.strerror), source=p
        ) from None
    if stat.S_ISREG(mode):
        return fd
    os.close(fd)
    if stat.S_ISDIR(mode):
        raise InputError(_("expected a {what}, got a directory").format(what=what), source=p)
    raise InputError(
        _("expected a {what}, got a device, pipe or socket; only regular files are read").format(what=what),
        source=p,
    )


def read_limited(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, refusing anything else or more than ``limit`` bytes.

    Devices (``/dev/zero``, ``/dev/urandom``), pipes, sockets and directories are refused before
    a byte is read; the size limit is enforced while reading (at most ``limit + 1`` bytes are
    read), not taken from the reported size.
    """
    p = Path(path)
    fd = _open_regular(p, what)
    try:
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise InputError(
            _("cannot read {what}: {strerror}").format(what=what, strerror=exc.strerror), source=p
        ) from None
    finally:
        os.close(fd)
    if total > limit:
        raise InputError(
            _("{what} is too large: the limit is {limit:,} bytes (is this really the right file?)").format(
                what=what, limit=limit
            ),
            source=p,
        )
    return b"".join(chunks)


def require_regular_file(path: str | Path, what: str = "file") -> Path:
    """Refuse ``path`` unless it is a readable regular file (for readers that open it themselves)."""
    p = Path(path)
    os.close(_open_regular(p, what))
    return p


def read_text_limited(path: str | Path, limit: int, what: str = "file") -> str:
    """:func:`read_limited` decoded as UTF-8 (a BOM allowed); other encodings are refused by name."""
    data = read_limited(path, limit, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            _("not UTF-8 text ({reason} at byte {start}); is this really a {what}?").format(
                reason=exc.reason, start=exc.start, what=what
            ),
            source=path,
        ) from None


@dataclass
class Document:
    """Loaded YAML data with the source location of each key path."""

    data: Any
    source: str
    locations: dict[KeyPath, Location] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    #: What ``--set`` did that the user should be told (a relative value taken from a fallback).
    notes: list[str] = field(default_factory=list)

    def locate(self, path: Sequence[str | int]) -> Location:
        """The (source, line) of ``path``, or of its nearest located ancestor."""
        p = tuple(path)
        while p:
            if p in self.locations:
                return self.locations[p]
            p = p[:-1]
        return (self.source, None)

    def error(self, path: Sequence[str | int], message: str) -> InputError:
        """An :class:`InputError` pointing at ``path`` in whichever file set it."""
        source, line = self.locate(path)
        return InputError(message, source=source, path=format_path(path) or None, line=line)


class _Builder:
    """Turns a composed YAML node tree into plain data, recording each key's line."""

    def __init__(self, source: str) -> None:
        self.source = source
        # One constructor for the whole document (building one per scalar cost ~90 % of a load).
        self.loader = yaml.SafeLoader("")
        self.locations: dict[KeyPath, Location] = {}
        self.count = 0

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        if len(path) > MAX_DEPTH:
            raise InputError(
                _("nested more than {max_depth} levels deep (or an alias that contains itself)").format(
                    max_depth=MAX_DEPTH
                ),
                source=self.source,
                line=node.start_mark.line + 1,
            )
        self.count += 1
        if self.count > MAX_NODES:
            raise InputError(
                _(
                    "document has more than {max_nodes:,} nodes (aliases expanded); refusing to load it"
                ).format(max_nodes=MAX_NODES),
                source=self.source,
            )
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise InputError(
                        _("YAML merge keys (<<) are not supported; use `extends` instead"),
                        source=self.source,
                        line=key_node.start_mark.line + 1,
                    )
                if not isinstance(key_node, yaml.ScalarNode):
                    raise InputError(
                        _("mapping keys must be plain scalars"),
                        source=self.source,
                        path=format_path(path) or None,
                        line=key_node.start_mark.line + 1,
                    )
                key = self._scalar(key_node)
                if isinstance(key, bool) or key is None or isinstance(key, float):
                    key = key_node.value  # `yes:` or `1.5:` as keys mean the text the user typed
                if isinstance(key, int):
                    key = str(key)
                sub = (*path, key)
                if key in out:
                    raise InputError(
                        _("duplicate key {key} (first at line {value})").format(
                            key=excerpt(key), value=self.locations[sub][1]
                        ),
                        source=self.source,
                        path=format_path(sub),
                        line=key_node.start_mark.line + 1,
                    )
                self.locations[sub] = (self.source, key_node.start_mark.line + 1)
                out[key] = self.build(value_node, sub)
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                sub = (*path, i)
                self.locations[sub] = (self.source, item.start_mark.line + 1)
                items.append(self.build(item, sub))
            return items
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise InputError(
                _("cannot read value: {exc}").format(exc=exc),
                source=self.source,
                line=node.start_mark.line + 1,
            ) from None


#: libyaml's loader (about 10x faster), when PyYAML was built with it; None: the pure-Python one only.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", None)


def parse_yaml_text(text: str, source: str) -> Document:
    """Parse YAML ``text`` (named ``source`` in messages) into a :class:`Document`.

    The text is read with libyaml (which keeps every node's line) when available. Anything that
    goes wrong there is read again by the pure-Python loader, whose messages (and their line
    numbers) are the ones users see, so an error reads the same with or without libyaml.
    """
    if _FAST_LOADER is not None and not _PURE_ONLY.search(text):
        try:
            return _parse_with(text, source, _FAST_LOADER)
        except (InputError, yaml.YAMLError, RecursionError):
            pass  # the error is reported below, in the pure loader's words
    return _parse_with(text, source, yaml.SafeLoader)


#: Characters the pure-Python reader refuses (libyaml's words for some differ), tabs and byte-order
#: marks (which libyaml accepts in places where the pure-Python loader refuses them): a text with
#: any of them takes the pure-Python path, so it is read, or refused, exactly as before.
_PURE_ONLY = re.compile(f"[\t\ufeff]|{yaml.reader.Reader.NON_PRINTABLE.pattern}")


def _parse_with(text: str, source: str, loader: Any) -> Document:
    """:func:`parse_yaml_text` with one given loader class (for the node tree)."""
    try:
        node = yaml.compose(text, Loader=loader)
    except RecursionError:
        raise InputError(
            _(
                "malformed YAML: nested too deeply to read (hundreds of levels of [ or {{, or of lists)"
            ).format(),
            source=source,
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = printable(exc.problem or "cannot parse")
        raise InputError(
            _("malformed YAML: {problem}").format(problem=problem), source=source, line=line
        ) from None
    except yaml.YAMLError:
        raise InputError(_("malformed YAML (is this a YAML file?)"), source=source) from None
    if node is None:
        return Document(data=None, source=source)
    builder = _Builder(source)
    data = builder.build(node, ())
    return Document(data=data, source=source, locations=builder.locations)


def load_yaml(path: str | Path) -> Document:
    """Read one YAML file safely, refusing missing, unreadable, huge or malformed files."""
    p = Path(path)
    text = read_text_limited(p, MAX_FILE_BYTES, "YAML file")
    doc = parse_yaml_text(text, str(p))
    doc.files = [p]
    return doc


def _drop_locations(locations: dict[KeyPath, Location], prefix: KeyPath) -> None:
    n = len(prefix)
    for key in [k for k in locations if len(k) > n and k[:n] == prefix]:
        del locations[key]


def deep_merge(base: Document, override: Document) -> Document:
    """Override ``base`` with ``override``: mappings merge key by key, anything else replaces."""
    data = copy.deepcopy(base.data) if isinstance(base.data, dict) else {}
    locations = dict(base.locations)

    def merge(into: dict[Any, Any], new: dict[Any, Any], path: KeyPath) -> None:
        for key, value in new.items():
            sub = (*path, key)
            if isinstance(value, dict) and isinstance(into.get(key), dict):
                if sub in override.locations:
                    locations[sub] = override.locations[sub]
                merge(into[key], value, sub)
            else:
                _drop_locations(locations, sub)
                into[key] = copy.deepcopy(value)
                for loc_key, loc in override.locations.items():
                    if loc_key[: len(sub)] == sub:
                        locations[loc_key] = loc

    merge(data, override.data or {}, ())
    return Document(
        data=data,
        source=override.source,
        locations=locations,
        files=[*base.files, *override.files],
    )


def load_with_extends(
    path: str | Path,
    *,
    path_keys: Iterable[str] = (),
    known_keys: Iterable[str] = (),
    kind: str = "YAML",
    _chain: tuple[Path, ...] = (),
) -> Document:
    """Load ``path``, following its ``extends:`` chain (a parent's keys are overridden by the child).

    ``path_keys`` are top-level keys holding file paths; each is resolved against the directory of
    the file that sets it, so an inherited ``policy: ../policies/x.yaml`` still points at the same
    file. When ``known_keys`` is given, a file (or parent) none of whose top-level keys is one of
    them is refused as "not a ``kind`` file" without quoting its content (``--set
    policy=/etc/passwd`` must not print the password file).
    """
    p = Path(path)
    resolved = p.resolve()
    if resolved in _chain:
        cycle = " -> ".join(str(c) for c in (*_chain, resolved))
        raise InputError(_("`extends` cycle: {cycle}").format(cycle=cycle), source=p, path="extends")
    doc = load_yaml(p)
    if doc.data is None:
        raise InputError(_("file is empty; expected a mapping of keys"), source=p)
    if not isinstance(doc.data, dict):
        raise InputError(
            _("expected a mapping of keys at the top level, got {name} (is this a {kind} file?)").format(
                name=type(doc.data).__name__, kind=kind
            ),
            source=p,
        )
    known = set(known_keys)
    if known and not any(k in known or k == "extends" for k in doc.data):
        raise InputError(
            _("not a {kind} file: none of its {n_data} top-level key(s) is one of {sorted}").format(
                kind=kind, n_data=len(doc.data), sorted=", ".join(sorted(known))
            ),
            source=p,
        )
    for key in path_keys:
        value = doc.data.get(key)
        if isinstance(value, str):
            doc.data[key] = str((p.parent / value).resolve())
    parent_ref = doc.data.pop("extends", None)
    if parent_ref is None:
        return doc
    if not isinstance(parent_ref, str):
        raise doc.error(("extends",), _("expected a file path (string)"))
    parent_path = p.parent / parent_ref
    if not parent_path.exists():
        raise doc.error(
            ("extends",), _("extended file not found: {parent_path}").format(parent_path=parent_path)
        )
    parent = load_with_extends(
        parent_path, path_keys=path_keys, known_keys=known, kind=kind, _chain=(*_chain, resolved)
    )
    return deep_merge(parent, doc)


#: A relative ``--set`` value: a sign, a number, and an optional ``%``.
RELATIVE = re.compile(r"^([+-])((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(%?)$")

#: Given the whole document, the value a relative ``--set`` applies to when the key is unset, and
#: a note saying what it was taken from.
Fallback = Callable[[Any], tuple[float, str]]


@dataclass(frozen=True)
class Relative:
    """A relative ``--set`` value: ``+200`` (``amount`` 200), ``-5%`` (-5, ``percent``)."""

    text: str
    amount: str
    percent: bool

    def apply(self, base: int | float) -> int | float:
        """``base`` changed by this amount (integers stay integers, rounded to the nearest).

        Decimal arithmetic, so ``18570000 -5%`` is exactly 17641500, not 17641499.999999998.
        """
        from decimal import ROUND_HALF_EVEN, Decimal

        b = Decimal(repr(base)) if isinstance(base, float) else Decimal(base)
        a = Decimal(self.amount)
        out = b * (1 + a / 100) if self.percent else b + a
        if isinstance(base, int):
            return int(out.to_integral_value(rounding=ROUND_HALF_EVEN))
        return float(out)


def parse_relative(raw: str, key: str, source: str = "--set") -> Relative | None:
    """The relative change ``raw`` asks for, or None when ``raw`` does not start with a sign.

    A value starting with ``+`` or ``-`` is a change to the current value; anything after the sign
    that is not a number (with an optional ``%``) is refused, naming the key.
    """
    text = raw.strip()
    if text[:1] not in ("+", "-"):
        return None
    match = RELATIVE.match(text)
    if match is None:
        raise InputError(
            _(
                "relative value {text} is not a number: expected +N, -N, +N% or -N% (e.g. +200, -5%, +3.5%)"
            ).format(text=excerpt(text)),
            source=source,
            path=key,
        )
    sign, number, pct = match.groups()
    return Relative(text, f"{sign}{number}", bool(pct))


def parse_assignment(text: str, relative: bool = True) -> tuple[list[str], Any]:
    """``"a.b.c=3"`` -> (["a", "b", "c"], 3); the value is read as a YAML scalar.

    With ``relative``, a signed value (``+200``, ``-5%``) is returned as a :class:`Relative`,
    applied to the key's current value by :func:`apply_assignments`.
    """
    if "=" not in text:
        raise InputError(_("expected PATH=VALUE, got {text}").format(text=excerpt(text)), source="--set")
    key, _unused, raw = text.partition("=")
    parts = [p for p in key.strip().split(".")]
    if not key.strip() or any(not p for p in parts):
        raise InputError(
            _("expected a dotted key path before '=', got {key}").format(key=excerpt(key)), source="--set"
        )
    change = parse_relative(raw, format_path(parts)) if relative else None
    if change is not None:
        return parts, change
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        raise InputError(
            _("cannot read value {raw} as YAML").format(raw=excerpt(raw)),
            source="--set",
            path=format_path(key.split(".")),
        ) from None
    if isinstance(value, (dict, list)) and raw.strip()[:1] not in "{[":
        value = raw
    if isinstance(value, str) and raw.strip() == value:
        # YAML 1.1 reads 2.5e7 (no sign in the exponent) as text; people mean a number.
        with contextlib.suppress(ValueError):
            value = float(value) if "e" in value.lower() and not value.isalpha() else value
    return parts, value


def _resolve_relative(
    change: Relative,
    current: Any,
    present: bool,
    key: str,
    data: Any,
    fallbacks: Mapping[str, Fallback],
    source: str,
    notes: list[str],
) -> int | float:
    """The value a relative ``--set`` sets: ``change`` applied to ``current`` (or a fallback)."""
    if not present or current is None:
        fallback = fallbacks.get(key)
        if fallback is None:
            raise InputError(
                _(
                    "relative value {text} needs a current number, but {key} is not set (give the value "
                    "outright)"
                ).format(text=change.text, key=key),
                source=source,
                path=key,
            )
        base, basis = fallback(data)
        value = change.apply(base)
        notes.append(
            f"{source} {key}={change.text}: the scenario sets no {key}; applied to {basis}: {value:,}"
        )
        return value
    if isinstance(current, bool) or not isinstance(current, int | float):
        kind = (
            "a mapping"
            if isinstance(current, dict)
            else "a list"
            if isinstance(current, list)
            else ("true/false" if isinstance(current, bool) else f"text {excerpt(str(current))}")
        )
        raise InputError(
            _("relative value {text} needs a number, but {key} holds {kind}").format(
                text=change.text, key=key, kind=kind
            ),
            source=source,
            path=key,
        )
    return change.apply(current)


def apply_assignments(
    doc: Document,
    assignments: Iterable[str],
    *,
    dotted_maps: Iterable[str] = (),
    source: str = "--set",
    fallbacks: Mapping[str, Fallback] | None = None,
    relative: bool = True,
) -> Document:
    """Apply ``--set dotted.path=value`` overrides to a copy of ``doc``.

    The parent of the key being set must already exist (so a typo is refused, not silently added),
    except that the sections named in ``dotted_maps`` (mappings keyed by ``channel.tier``, such as
    ``min_coverage``) are created when missing and take the next two parts as one key.

    A signed value is relative to the key's current number: ``+200`` adds, ``-5%`` takes 5 %
    off (an integer stays an integer, rounded to the nearest). A key that is unset takes the
    value ``fallbacks[key](data)`` gives, with a note in the document's ``notes``; without a
    fallback it is refused, as is a relative value on anything but a number. With ``relative``
    False (sweep points, whose values are always outright) a signed value is read as YAML.
    """
    data = copy.deepcopy(doc.data)
    locations = dict(doc.locations)
    notes = list(doc.notes)
    dotted = set(dotted_maps)
    for text in assignments:
        parts, value = parse_assignment(text, relative)
        node: Any = data
        path: list[str | int] = []
        i = 0
        while i < len(parts) - 1:
            part = parts[i]
            here = format_path(path)
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    raise InputError(
                        _("unknown path: {format_path} has {n_node} items; {part} is not an index").format(
                            format_path=format_path(path), n_node=len(node), part=excerpt(part)
                        ),
                        source=source,
                        path=format_path(parts),
                    )
                path.append(int(part))
                node = node[int(part)]
                i += 1
                continue
            if not isinstance(node, dict):
                raise InputError(
                    _("unknown path: {here} is a value, not a mapping").format(here=here),
                    source=source,
                    path=format_path(parts),
                )
            if here in dotted and len(parts) - i >= 2 and part not in node:
                key = f"{part}.{parts[i + 1]}"
                if i + 2 == len(parts):
                    break
                if key not in node:
                    raise InputError(
                        _("unknown path: no {key} under {here}").format(key=excerpt(key), here=here),
                        source=source,
                        path=format_path(parts),
                    )
                path.append(key)
                node = node[key]
                i += 2
                continue
            if part not in node:
                if format_path([*path, part]) in dotted and node is data:
                    node[part] = {}
                else:
                    close = _close(part, node)
                    raise InputError(
                        _("unknown path: no {part} under {value}{close}").format(
                            part=excerpt(part), value=here or _("the top level"), close=close
                        ),
                        source=source,
                        path=format_path(parts),
                    )
            path.append(part)
            node = node[part]
            i += 1
        leaf_parts = parts[i:]
        leaf = ".".join(leaf_parts)
        if isinstance(node, list):
            if not leaf.isdigit() or int(leaf) >= len(node):
                raise InputError(
                    _("unknown path: {leaf} is not an index of {format_path}").format(
                        leaf=excerpt(leaf), format_path=format_path(path)
                    ),
                    source=source,
                    path=format_path(parts),
                )
            if isinstance(value, Relative):
                value = _resolve_relative(
                    value, node[int(leaf)], True, format_path(parts), data, fallbacks or {}, source, notes
                )
            node[int(leaf)] = value
            full: KeyPath = (*path, int(leaf))
        elif isinstance(node, dict):
            if isinstance(value, Relative):
                value = _resolve_relative(
                    value,
                    node.get(leaf),
                    leaf in node,
                    format_path(parts),
                    data,
                    fallbacks or {},
                    source,
                    notes,
                )
            node[leaf] = value
            full = (*path, leaf)
        else:
            raise InputError(
                _("unknown path: {format_path} is a value, not a mapping").format(
                    format_path=format_path(path)
                ),
                source=source,
                path=format_path(parts),
            )
        _drop_locations(locations, full)
        locations[full] = (source, None)
    return Document(data=data, source=doc.source, locations=locations, files=list(doc.files), notes=notes)


def _close(word: str, options: Iterable[Any]) -> str:
    """A "did you mean" suffix for a mistyped key, or ""."""
    import difflib

    names = [str(o) for o in options]
    match = difflib.get_close_matches(word, names, n=1)
    return _(" (did you mean {name}?)").format(name=excerpt(match[0])) if match else ""


def did_you_mean(word: str, options: Iterable[Any]) -> str:
    """Public wrapper of the "did you mean" hint used across the data layer."""
    return _close(word, options)
