"""Keep the Chinese catalogue in step with the code: ``python scripts/catalogue.py update|compile|check``.

- ``update``: add each message the code passes to ``_()`` to planner/locale/zh/LC_MESSAGES/planner.po
  (empty translation, to fill in) and drop messages the code no longer uses.
- ``compile``: write planner.mo beside it (the file planner reads at run time).
- ``check``: list messages without a translation; exit 1 if any.

Needs babel (in the ``test`` extra).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from planner.i18n import DOMAIN, LOCALE_DIR, click_messages, source_messages

PO = LOCALE_DIR / "zh" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")


HEADER = """\
# Chinese (zh) messages of planner: table headers, titles, verdicts, warnings and errors.
# Source of the translations; planner.mo beside it is compiled from it (scripts/catalogue.py).
#"""


def new_catalog() -> Catalog:
    """An empty Chinese catalogue with planner's header fields."""
    from planner import __version__

    catalog = Catalog(
        locale="zh",
        domain=DOMAIN,
        header_comment=HEADER,
        project="planner",
        version=__version__,
        copyright_holder="planner authors",
        msgid_bugs_address="planner authors",
        last_translator="planner authors",
        language_team="planner authors",
        fuzzy=False,
    )
    return catalog


def load() -> Catalog:
    """The Chinese catalogue (an empty one when the file does not exist yet)."""
    if not PO.exists():
        return new_catalog()
    with PO.open("rb") as f:
        return read_po(f, locale="zh", domain=DOMAIN)


def save(catalog: Catalog) -> None:
    with PO.open("wb") as f:
        write_po(f, catalog, sort_output=True, omit_header=False, width=100, no_location=True)


Key = tuple[str | None, str | tuple[str, str]]


def messages() -> list[Key]:
    """Every message the catalogue must hold, as ``(context, msgid)`` (a plural msgid is
    ``(singular, plural)``): the code's ``_()`` messages, the ``--help`` texts of every command and
    option, and click's own messages ("Usage:", "No such option"...)."""
    from planner.commands.localise import help_messages

    keys: dict[Key, None] = dict.fromkeys(source_messages())
    keys.update(dict.fromkeys(help_messages()))
    keys.update(dict.fromkeys(click_messages()))
    return list(keys)


def translated(entry: object) -> bool:
    """Whether a catalogue entry has its Chinese (every form of a plural one)."""
    string = getattr(entry, "string", None)
    forms = string if isinstance(string, (tuple, list)) else (string,)
    return all(isinstance(f, str) and f.strip() for f in forms)


def update() -> None:
    catalog = load()
    fresh = new_catalog()
    fresh.creation_date = catalog.creation_date
    fresh.revision_date = catalog.creation_date
    for context, msgid in messages():
        old = catalog.get(msgid, context=context)
        empty: str | tuple[str, ...] = ("",) if isinstance(msgid, tuple) else ""
        fresh.add(msgid, old.string if old is not None else empty, context=context)
    save(fresh)


def compile_mo() -> None:
    with MO.open("wb") as f:
        write_mo(f, load(), use_fuzzy=False)


def missing() -> list[Key]:
    """Messages (see :func:`messages`) that have no Chinese text, as ``(context, message)``."""
    catalog = load()
    gaps = []
    for context, msgid in messages():
        entry = catalog.get(msgid, context=context)
        if entry is None or not translated(entry):
            gaps.append((context, msgid))
    return gaps


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_mo()
    elif command == "check":
        gaps = missing()
        for context, msgid in gaps:
            print(f"no Chinese for: {msgid!r}" + (f" (context {context!r})" if context else ""))
        sys.exit(1 if gaps else 0)
    else:
        sys.exit(f"usage: python {Path(__file__).name} update|compile|check")
