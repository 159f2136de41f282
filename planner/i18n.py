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


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` (by ``n``) in the active language (Chinese has one form)."""
    lang = current_language()
    if lang == DEFAULT_LANGUAGE:
        return singular if n == 1 else plural
    return _catalogue(lang).ngettext(singular, plural, n)


def NP_(context: str, message: str) -> str:
    """:func:`N_` with a context (see :func:`pgettext`)."""
    return message


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (it is passed to :func:`_` later,
    when shown: a table of English words defined at import time)."""
    return message


#: Values a program reads (solver status, plan mode, headcount basis, objective) that tables and
#: HTML show to people: :func:`value_word` gives their words. JSON keeps the values themselves.
VALUE_WORDS: tuple[str, ...] = (
    NP_("value", "optimal"),
    NP_("value", "infeasible"),
    NP_("value", "unbounded"),
    NP_("value", "not_solved"),
    NP_("value", "error"),
    NP_("value", "meet_standards"),
    NP_("value", "max_coverage"),
    NP_("value", "required"),
    NP_("value", "current"),
    NP_("value", "fixed"),
    NP_("value", "planned"),
    NP_("value", "response"),
    NP_("value", "linear"),
)


def value_word(value: object) -> str:
    """``value`` (a string or a string enum such as ``SolveStatus``) as people read it in the
    active language: ``optimal`` is 最优 in Chinese. A value with no entry is shown as it is."""
    if value is None:
        return ""
    text = str(getattr(value, "value", value))
    return pgettext("value", text)


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
    root = root or Path(__file__).parent
    found: dict[tuple[str | None, str], str] = {}
    arities = {"_": 1, "N_": 1, "pgettext": 2, "NP_": 2}
    for path in sorted(root.rglob("*.py")):
        for values, line in _literal_calls(path, arities):
            key = (values[0], values[1]) if len(values) == 2 else (None, values[0])
            found.setdefault(key, f"{path.relative_to(root.parent)}:{line}")
    return found


def _literal_calls(path: Path, arities: dict[str, int]) -> list[tuple[list[str], int]]:
    """Calls in ``path``'s source to the functions named in ``arities`` whose first ``arity``
    arguments are string literals: (those strings, line), in the order :func:`ast.walk` meets them."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        arity = arities.get(node.func.id)
        if arity is None or len(node.args) < arity:
            continue
        args = node.args[:arity]
        if all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            out.append(([str(a.value) for a in args if isinstance(a, ast.Constant)], node.lineno))
    return out


#: click's modules that call gettext for their own messages ("Usage:", "Error: {message}", "No
#: such option", "Missing argument"...). :func:`install_click_translations` points their ``_`` and
#: ``ngettext`` at planner's catalogue.
CLICK_MODULES: tuple[str, ...] = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.types",
    "click.termui",
    "click.utils",
    "click._termui_impl",
    "click.shell_completion",
)


def install_click_translations() -> None:
    """Give click's own messages the active language, from planner's catalogue.

    click translates its messages with ``from gettext import gettext as _`` (the ``messages``
    domain, never installed by anyone); this replaces that module-level ``_`` (and ``ngettext``)
    in each of :data:`CLICK_MODULES` by :func:`_` and :func:`ngettext`, which read the active
    language at each call. In English both return the message unchanged, as gettext did.
    Idempotent.
    """
    import importlib

    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a click without that module
            continue
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


def click_messages() -> dict[tuple[str | None, str | tuple[str, str]], str]:
    """click's own messages (literals its modules pass to ``_`` or ``ngettext``), keyed like
    :func:`source_messages` (a plural message is ``(singular, plural)``), with where each first
    appears in the installed click. The catalogue carries their Chinese."""
    import importlib

    found: dict[tuple[str | None, str | tuple[str, str]], str] = {}
    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover
            continue
        for values, line in _literal_calls(Path(str(module.__file__)), {"_": 1, "ngettext": 2}):
            key: str | tuple[str, str] = (values[0], values[1]) if len(values) == 2 else values[0]
            found.setdefault((None, key), f"{name}:{line}")
    return dict(sorted(found.items(), key=lambda item: str(item[0][1])))
