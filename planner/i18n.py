"""User-facing strings: ``_(message)`` gives the text in the current language.

This is the minimal form of the module (every language shows the English text); the full
version with gettext catalogues replaces it. The API is fixed: :func:`_`, :func:`set_language`,
:func:`current_language`.
"""

from __future__ import annotations

#: Languages ``--lang`` accepts.
LANGUAGES = ("en", "zh")

_language = "en"


def set_language(lang: str) -> None:
    """Choose the language of every later ``_()`` call (``en`` or ``zh``)."""
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    _language = lang


def current_language() -> str:
    """The language ``_()`` translates into."""
    return _language


def _(message: str) -> str:
    """``message`` in the current language (here: as given)."""
    return message
