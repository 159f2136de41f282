"""Turn pydantic's validation errors into one readable message naming file, key path and line."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from planner.data.yaml_io import Document, did_you_mean, format_path
from planner.errors import InputError, excerpt

M = TypeVar("M", bound=BaseModel)

_TYPE_WORDS = {
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "bool_type": "true or false",
    "dict_type": "a mapping",
    "list_type": "a list",
    "tuple_type": "a list",
    "model_type": "a mapping",
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
        allowed = f"; allowed keys: {', '.join(known)}" if known and not hint else ""
        return loc, f"unknown key {excerpt(str(loc[-1]))}{hint}{allowed}"
    if kind == "missing":
        return loc, "required key is missing"
    if kind in _TYPE_WORDS:
        return loc, f"expected {_TYPE_WORDS[kind]}, got {_show(value)}"
    if kind == "finite_number":
        return loc, f"expected a finite number, got {_show(value)}"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return loc, f"expected one of {expected}, got {_show(value)}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return loc, f"{err['msg'].replace('Input should be', 'expected a value')}, got {_show(value)}"
    if kind in ("too_short", "too_long") and isinstance(value, (list, tuple)):
        return loc, f"expected a list of the right length ({err['msg']}), got {_show(value)}"
    if kind == "value_error":
        msg = err["msg"].removeprefix("Value error, ")
        return loc, msg
    return loc, f"{err['msg']}, got {_show(value)}"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return excerpt(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)}"
    if value is None:
        return "nothing (null)"
    return f"{excerpt(value)} ({type(value).__name__})"


def validate_document(model: type[M], doc: Document, data: Any = None) -> M:
    """Validate ``doc.data`` (or ``data``) as ``model``; raise :class:`InputError` at the first error."""
    payload = doc.data if data is None else data
    if not isinstance(payload, dict):
        raise InputError(
            f"expected a mapping of keys at the top level, got {_show(payload)}", source=doc.source
        )
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        # An unknown key (often a typo) explains the "missing" error it causes: report it first.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        loc, message = describe_error(model, errors[0])
        more = f" ({len(errors) - 1} more error(s) after fixing this one)" if len(errors) > 1 else ""
        source, line = doc.locate(loc)
        raise InputError(message + more, source=source, path=format_path(loc) or None, line=line) from None
