"""Turn pydantic's validation errors into one readable message naming file, key path and line."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from planner.data.yaml_io import Document, did_you_mean, format_path
from planner.errors import InputError, excerpt
from planner.i18n import N_, _

M = TypeVar("M", bound=BaseModel)

_TYPE_WORDS = {
    "int_type": N_("an integer"),
    "int_from_float": N_("an integer"),
    "float_type": N_("a number"),
    "string_type": N_("a string"),
    "bool_type": N_("true or false"),
    "dict_type": N_("a mapping"),
    "list_type": N_("a list"),
    "tuple_type": N_("a list"),
    "model_type": N_("a mapping"),
}

#: pydantic's bound errors: the context key holding the bound, and the message (``{limit}``, ``{value}``).
_BOUNDS = {
    "greater_than_equal": ("ge", N_("expected a value greater than or equal to {limit}, got {value}")),
    "greater_than": ("gt", N_("expected a value greater than {limit}, got {value}")),
    "less_than_equal": ("le", N_("expected a value less than or equal to {limit}, got {value}")),
    "less_than": ("lt", N_("expected a value less than {limit}, got {value}")),
}


def _known_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names valid at ``loc`` (for "did you mean"), following nested models."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        else:
            args = getattr(current, "__args__", ())
            current = args[-1] if args else None
        while getattr(current, "__args__", None) and not (
            isinstance(current, type) and issubclass(current, BaseModel)
        ):
            inner = [a for a in current.__args__ if a is not type(None)]
            if len(inner) == 1 and isinstance(inner[0], type) and issubclass(inner[0], BaseModel):
                current = inner[0]
                break
            break
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def describe_error(model: type[BaseModel], err: Any) -> tuple[tuple[Any, ...], str]:
    """The key path and a plain-words message for one pydantic error."""
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        known = _known_fields(model, loc[:-1])
        hint = did_you_mean(str(loc[-1]), known)
        allowed = _("; allowed keys: {keys}").format(keys=", ".join(known)) if known and not hint else ""
        return loc, _("unknown key {key}{hint}{allowed}").format(
            key=excerpt(str(loc[-1])), hint=hint, allowed=allowed
        )
    if kind == "missing":
        return loc, _("required key is missing")
    if kind in _TYPE_WORDS:
        return loc, _("expected {what}, got {value}").format(what=_(_TYPE_WORDS[kind]), value=_show(value))
    if kind == "finite_number":
        return loc, _("expected a finite number, got {value}").format(value=_show(value))
    if kind == "literal_error":
        # pydantic words the choices in English ("'a', 'b' or 'c'"): its "or" in the active language.
        expected = str(err.get("ctx", {}).get("expected", "")).replace("' or '", "'" + _(" or ") + "'")
        return loc, _("expected one of {expected}, got {value}").format(expected=expected, value=_show(value))
    if kind in _BOUNDS:
        limit = err.get("ctx", {}).get(_BOUNDS[kind][0])
        return loc, _(_BOUNDS[kind][1]).format(limit=limit, value=_show(value))
    if kind in ("too_short", "too_long") and isinstance(value, (list, tuple)):
        return loc, _("expected a list of the right length ({detail}), got {value}").format(
            detail=err["msg"], value=_show(value)
        )
    if kind == "value_error":
        msg = err["msg"].removeprefix("Value error, ")
        return loc, msg
    return loc, f"{err['msg']}, got {_show(value)}"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return excerpt(value)
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, (list, tuple)):
        return _("a list of {n}").format(n=len(value))
    if value is None:
        return _("nothing (null)")
    return f"{excerpt(value)} ({type(value).__name__})"


def validate_document(model: type[M], doc: Document, data: Any = None) -> M:
    """Validate ``doc.data`` (or ``data``) as ``model``; raise :class:`InputError` at the first error."""
    payload = doc.data if data is None else data
    if not isinstance(payload, dict):
        raise InputError(
            _("expected a mapping of keys at the top level, got {value}").format(value=_show(payload)),
            source=doc.source,
        )
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        # An unknown key (often a typo) explains the "missing" error it causes: report it first.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        loc, message = describe_error(model, errors[0])
        more = (
            _(" ({n} more error(s) after fixing this one)").format(n=len(errors) - 1)
            if len(errors) > 1
            else ""
        )
        source, line = doc.locate(loc)
        raise InputError(message + more, source=source, path=format_path(loc) or None, line=line) from None
