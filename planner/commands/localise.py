"""``--help`` and click's usage errors in the active language.

The language must be known before click parses anything (a usage error can come before any
option's callback runs, and ``--help`` may come before ``--lang``), so :class:`planner.commands.LazyGroup`
reads ``--lang`` from the arguments first (:func:`scan_lang`), then :func:`localise` gives each
command its help in that language just before click uses it. click's own words ("Usage:",
"Options:", "Error: ...", "No such option") come from the same catalogue
(:func:`planner.i18n.install_click_translations`).

The English texts stay in the code (docstrings, ``help=``, ``metavar=``): the catalogue holds
their Chinese, keyed by the English (metavars under the context ``metavar``), and
:func:`help_messages` lists every one of them for ``scripts/catalogue.py`` and the tests.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence

import click

#: Attribute of a click object holding its English texts, kept the first time it is localised.
_ENGLISH = "_planner_english"
#: The help text click gives ``--help`` (created, in the language of the moment, by click).
HELP_OPTION_HELP = "Show this message and exit."
#: Longest short help (characters) a Chinese command shows in ``planner --help``.
SHORT_HELP_CHARS = 24


def scan_lang(args: Sequence[str]) -> str | None:
    """The language ``--lang X`` or ``--lang=X`` names in ``args`` (the last one, as click keeps
    the last of a repeated option), or None. Stops at ``--``; an unknown value is left for click
    to refuse."""
    from planner.i18n import LANGUAGES

    found: str | None = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
    if found is None or found.strip().lower() not in LANGUAGES:
        return None
    return found.strip().lower()


def help_text(help: str | None) -> str:
    """The text click shows for a command's ``help`` (docstring cleaned, cut at a form feed)."""
    if not help:
        return ""
    return inspect.cleandoc(help).partition("\f")[0]


def _english(obj: object, attr: str) -> object:
    """``obj.attr`` as it was the first time :func:`localise` saw ``obj`` (the English)."""
    store: dict[str, object] = obj.__dict__.setdefault(_ENGLISH, {})
    if attr not in store:
        store[attr] = getattr(obj, attr)
    return store[attr]


def _path_name(t: click.Path) -> str:
    """A path type's name in English, as click names it (``file``, ``directory`` or ``path``).

    click names a Path type through its own gettext when the type is made: a command module first
    imported while Chinese was active would otherwise keep ``文件`` as the word in English help."""
    if t.file_okay and not t.dir_okay:
        return "file"
    if t.dir_okay and not t.file_okay:
        return "directory"
    return "path"


def _metavar_word(param: click.Parameter, ctx: click.Context) -> str | None:
    """The word click shows for ``param``'s value (``FILE``, ``PATH=VALUE``, ``SCENARIO``), or
    None for a flag or a list of choices (values typed as they are)."""
    if isinstance(param, click.Option) and (param.is_flag or param.count):
        return None
    if isinstance(param.type, click.Path):
        param.type.name = _path_name(param.type)
    metavar = _english(param, "metavar")
    if isinstance(metavar, str):
        return metavar
    if isinstance(param.type, click.Choice):
        return None
    word = param.type.get_metavar(param=param, ctx=ctx)
    if word is None:
        word = param.type.name.upper() if isinstance(param, click.Option) else (param.name or "").upper()
    return word or None


def _localise_metavar(param: click.Parameter, ctx: click.Context) -> None:
    from planner.i18n import pgettext

    original = _english(param, "metavar")
    param.metavar = original if isinstance(original, str) or original is None else None
    word = _metavar_word(param, ctx)
    if word is None:
        return
    translated = pgettext("metavar", word)
    if translated == word:
        return
    if original is not None:  # click shows a given metavar as it is
        param.metavar = translated
        return
    # click builds the metavar from the word; keep its brackets and dots around the translation
    param.metavar = param.make_metavar(ctx).replace(word, translated)


def _localise_param(param: click.Parameter, ctx: click.Context, command: click.Command) -> None:
    from planner.i18n import _

    if isinstance(param, click.Option):
        english = _english(param, "help")
        if param is getattr(command, "_help_option", None):
            english = HELP_OPTION_HELP  # made by click in whatever language was active then
        param.help = _(english) if isinstance(english, str) else None
    _localise_metavar(param, ctx)


def short_help(text: str) -> str:
    """A Chinese help's first sentence, for the command list (click shortens at spaces, which
    Chinese text does not have)."""
    first = text.partition("\n\n")[0].replace("\n", "")
    for stop in ("。", "："):
        first = first.partition(stop)[0]
    if len(first) > SHORT_HELP_CHARS:
        first = first[: SHORT_HELP_CHARS - 1] + "…"
    return first


def localise(command: click.Command, ctx: click.Context) -> click.Command:
    """``command``'s help, option help, usage words and metavars in the active language (its
    English kept, so the next call in another language starts from it). Returns ``command``."""
    from planner.i18n import _, pgettext

    english_help = _english(command, "help")
    english_short = _english(command, "short_help")
    text = help_text(english_help) if isinstance(english_help, str) else ""
    translated = _(text) if text else text
    if translated != text:
        command.help = translated
        command.short_help = (
            _(help_text(english_short)) if isinstance(english_short, str) else short_help(translated)
        )
    else:  # English, or no Chinese for it: click's own text, as written
        command.help = english_help if isinstance(english_help, str) else None
        command.short_help = english_short if isinstance(english_short, str) else None
    options_metavar = _english(command, "options_metavar")
    if isinstance(options_metavar, str):
        command.options_metavar = pgettext("metavar", options_metavar)
    if isinstance(command, click.Group):
        sub_metavar = _english(command, "subcommand_metavar")
        if isinstance(sub_metavar, str):
            command.subcommand_metavar = pgettext("metavar", sub_metavar)
    for param in _params(command):
        _localise_param(param, ctx, command)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localise(sub, ctx)
    return command


def _params(command: click.Command) -> Iterator[click.Parameter]:
    yield from command.params
    help_option = getattr(command, "_help_option", None)
    if isinstance(help_option, click.Parameter):
        yield help_option


def _commands() -> Iterator[tuple[str, click.Command]]:
    """Every command planner has (the group, each command, each subcommand of a group), with
    the command line naming it (``planner roster check``)."""
    from planner.commands import COMMANDS, main

    ctx = click.Context(main, info_name="planner")
    yield "planner", main
    stack: list[tuple[str, click.Command | None]] = [
        (f"planner {name}", main.get_command(ctx, name)) for name in COMMANDS
    ]
    while stack:
        where, command = stack.pop(0)
        if command is None:
            continue
        yield where, command
        if isinstance(command, click.Group):
            stack.extend((f"{where} {name}", command.commands[name]) for name in sorted(command.commands))


def help_messages() -> dict[tuple[str | None, str], str]:
    """Every English text ``--help`` shows from planner's own code, keyed like
    :func:`planner.i18n.source_messages` (metavars under the context ``metavar``), with the
    command it belongs to. ``scripts/catalogue.py update`` adds them to the catalogue."""
    from planner.i18n import reset_language, set_language

    set_language("en")
    try:
        found: dict[tuple[str | None, str], str] = {}
        for where, command in _commands():
            ctx = click.Context(command, info_name=command.name)
            text = help_text(_english(command, "help"))  # type: ignore[arg-type]
            if text:
                found.setdefault((None, text), where)
            short = _english(command, "short_help")
            if isinstance(short, str):
                found.setdefault((None, help_text(short)), where)
            for name in ("options_metavar", "subcommand_metavar"):
                value = _english(command, name) if hasattr(command, name) else None
                if isinstance(value, str):
                    found.setdefault(("metavar", value), where)
            for param in command.params:
                label = f"{where} {param.opts[0] if param.opts else param.name}"
                help_ = _english(param, "help") if isinstance(param, click.Option) else None
                if isinstance(help_, str) and help_:
                    found.setdefault((None, help_), label)
                word = _metavar_word(param, ctx)
                if word is not None and not _is_symbol(word):
                    found.setdefault(("metavar", word), label)
        return dict(sorted(found.items(), key=lambda item: (item[0][0] or "", item[0][1])))
    finally:
        reset_language()


def _is_symbol(word: str) -> bool:
    """A metavar with no word to translate (``N``)."""
    return len(word.strip("[].")) <= 1


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal, ANSI escapes left out: two for a wide (Chinese)
    character, one for any other. In English, click's own count (characters), so English help
    is as click always printed it."""
    import unicodedata

    from click._compat import strip_ansi

    from planner.i18n import DEFAULT_LANGUAGE, current_language

    visible = strip_ansi(text)
    if current_language() == DEFAULT_LANGUAGE:
        return len(visible)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in visible)


def _truncate_to_width(text: str, n: int) -> str:
    """The longest prefix of ``text`` at most ``n`` columns wide (ANSI escapes kept whole), and at
    least one character, so wrapping always moves on."""
    import re

    escape = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")
    used = i = cut = 0
    while i < len(text):
        m = escape.match(text, i)
        if m is not None:
            i = m.end()
            continue
        width = display_width(text[i])
        if used + width > n and cut > 0:
            break
        used += width
        i += 1
        cut = i
        if used >= n:
            break
    return text[:cut]


def split_wide(chunk: str) -> list[str]:
    """``chunk`` cut before and after each wide character: Chinese may break between any two
    characters, while a run of narrow ones (``policies/*.yaml``) stays whole."""
    import unicodedata

    pieces: list[str] = []
    narrow = ""
    for c in chunk:
        if unicodedata.east_asian_width(c) in "WF":
            if narrow:
                pieces.append(narrow)
                narrow = ""
            pieces.append(c)
        else:
            narrow += c
    if narrow:
        pieces.append(narrow)
    return pieces


class _WideSplit:
    """Mixed into click's ``TextWrapper``: outside English, chunks are cut by :func:`split_wide`."""

    def _split(self, text: str) -> list[str]:
        from planner.i18n import DEFAULT_LANGUAGE, current_language

        chunks: list[str] = super()._split(text)  # type: ignore[misc]
        if current_language() == DEFAULT_LANGUAGE:
            return chunks
        return [piece for chunk in chunks for piece in split_wide(chunk)]


def install_wide_text() -> None:
    """Make click measure help text in terminal columns, so Chinese help wraps at the terminal's
    width and option help lines up (click counts characters; a Chinese one takes two columns).

    click's help layout measures through ``term_len`` (imported into ``click.formatting`` and
    ``click._textwrap``) and cuts long words with ``click._textwrap._truncate_visible``; both
    are pointed at :func:`display_width` and :func:`_truncate_to_width`. Idempotent."""
    import click._textwrap
    import click.formatting

    if not issubclass(click._textwrap.TextWrapper, _WideSplit):
        click._textwrap.TextWrapper = type(  # type: ignore[misc, assignment]
            "TextWrapper", (_WideSplit, click._textwrap.TextWrapper), {}
        )
    click.formatting.term_len = display_width  # type: ignore[assignment]
    click._textwrap.term_len = display_width  # type: ignore[assignment]
    click._textwrap._truncate_visible = _truncate_to_width  # type: ignore[attr-defined]
