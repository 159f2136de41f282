"""The language of what planner shows people: ``--lang zh|en`` (or ``PLANNER_LANG``).

Strings meant for people are written in English in the code and wrapped in :func:`_`; the
Chinese text comes from the gettext catalogue shipped in the package
(``planner/locale/zh/LC_MESSAGES/planner.po``, compiled to ``planner.mo`` beside it). English
needs no catalogue: a message is its own English text. JSON keys and values a program reads are
never translated.

Usage::

    from planner.i18n import _, set_language

    set_language("zh")
    _("Heads")  # -> "人数"
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

#: Languages planner speaks; the first is the default.
LANGUAGES: tuple[str, ...] = ("en", "zh")
DEFAULT_LANGUAGE = "en"
#: Environment variable naming the language when ``--lang`` is not given.
LANG_ENV = "PLANNER_LANG"
DOMAIN = "planner"
LOCALE_DIR = Path(__file__).parent / "locale"

_active: str | None = None


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English, or a missing file: messages as written)."""
    if lang == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)


def _from_env() -> str:
    value = os.environ.get(LANG_ENV, "").strip().lower()
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Make ``lang`` (one of :data:`LANGUAGES`) the language of every later message."""
    global _active
    lang = lang.strip().lower()
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _active = lang


def current_language() -> str:
    """The active language: the last :func:`set_language`, else ``PLANNER_LANG``, else English."""
    return _active if _active is not None else _from_env()


def _(message: str) -> str:
    """``message`` in the active language (unchanged when the catalogue has no entry for it)."""
    lang = current_language()
    if lang == DEFAULT_LANGUAGE or not message:
        return message
    return _catalogue(lang).gettext(message)


def pgettext(context: str, message: str) -> str:
    """``message`` in the active language, where the same English word means something else
    elsewhere (``context`` tells them apart, e.g. ``pgettext("bands", "gap")``)."""
    lang = current_language()
    if lang == DEFAULT_LANGUAGE or not message:
        return message
    return _catalogue(lang).pgettext(context, message)


def NP_(context: str, message: str) -> str:
    """:func:`N_` with a context (see :func:`pgettext`)."""
    return message


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (it is passed to :func:`_` later,
    when shown: a table of English words defined at import time)."""
    return message


def reset_language() -> None:
    """Forget :func:`set_language` (back to ``PLANNER_LANG`` or English); for tests and new runs."""
    global _active
    _active = None


def source_messages(root: Path | None = None) -> dict[tuple[str | None, str], str]:
    """Every message the code passes to :func:`_` or :func:`pgettext` (or marks with :func:`N_`,
    :func:`NP_`) as a literal, keyed ``(context, message)`` (context None for ``_``), with where it
    first appears (``path:line``), found by reading the source of ``root`` (default: the planner
    package).

    The test that every message has a Chinese entry, and ``scripts/catalogue.py``, read it.
    """
    import ast

    root = root or Path(__file__).parent
    found: dict[tuple[str | None, str], str] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            arity = {"_": 1, "N_": 1, "pgettext": 2, "NP_": 2}.get(node.func.id)
            if arity is None or len(node.args) < arity:
                continue
            args = node.args[:arity]
            if not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
                continue
            values = [str(a.value) for a in args if isinstance(a, ast.Constant)]
            key = (values[0], values[1]) if arity == 2 else (None, values[0])
            found.setdefault(key, f"{path.relative_to(root.parent)}:{node.lineno}")
    return found
