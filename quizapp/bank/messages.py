"""Pydantic's validation errors, rewritten for the teacher who wrote the YAML.

Pydantic says "Input should be a valid string" at ``('questions', 0, 'single', 'text')``; a
teacher needs "question 'park': 'text' expects text, but true is read as yes/no; put it in
quotes" at line 12, column 11. This module finds the place (``data_path``) and the words
(``describe``); the loader pairs them with the position map.
"""

from __future__ import annotations

import difflib
import types
from inspect import isclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from quizapp.bank.reader import Path
from quizapp.bank.scalars import PlainFloat, PlainInt
from quizapp.translatable import Msg


def data_path(data: Any, loc: tuple[str | int, ...]) -> Path:
    """The part of an error's ``loc`` that exists in the data.

    Pydantic puts union labels ('single', 'function-after[...]', 'tags') into locations; they
    are not keys of the document, so they are skipped.
    """
    path: list[str | int] = []
    current = data
    for element in loc:
        in_mapping = isinstance(current, dict) and isinstance(element, str) and element in current
        in_list = (
            isinstance(current, list) and isinstance(element, int) and 0 <= element < len(current)
        )
        if in_mapping or in_list:
            current = current[element]
            path.append(element)
    return tuple(path)


def value_at(data: Any, path: Path) -> Any:
    for element in path:
        data = data[element]
    return data


def subject(data: Any, path: Path) -> str:
    """'question 'x'' or 'quiz 'y'' when the problem lies inside one, else ''."""
    if len(path) >= 2 and path[0] in ("questions", "quizzes") and isinstance(path[1], int):
        item = value_at(data, path[:2])
        item_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(item_id, str | int):
            if path[0] == "questions":
                return Msg("question '%(id)s'", id=item_id)
            return Msg("quiz '%(id)s'", id=item_id)
        if path[0] == "questions":
            return Msg("question %(number)s", number=path[1] + 1)
        return Msg("quiz %(number)s", number=path[1] + 1)
    if path[:1] == ("source",):
        return "source"  # the key's name
    return ""


MAX_SHOWN = 60
"""Longest value quoted in a message: a message names the value, it does not copy a page."""


def cut(text: str, width: int = MAX_SHOWN) -> str:
    """``text``, or its start and an ellipsis when longer than ``width``."""
    return text if len(text) <= width else text[: width - 1] + "…"


def shown(value: Any) -> str:
    """A value as the author wrote it (its start, when long)."""
    if isinstance(value, PlainInt | PlainFloat):
        return cut(value.raw)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return Msg("an empty value")
    if isinstance(value, dict):
        return Msg("a mapping (key: value lines)")
    if isinstance(value, list):
        return Msg("a list")
    return f"'{cut(str(value))}'"


# -- which model a location is in (for "did you mean") -------------------------------------


def _flatten(types_: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for tp in types_:
        origin = get_origin(tp)
        if origin is Annotated:
            flat += _flatten([get_args(tp)[0]])
        elif origin in (Union, types.UnionType):
            flat += _flatten(list(get_args(tp)))
        elif tp is not type(None):
            flat.append(tp)
    return flat


def _is_model(tp: Any) -> bool:
    return isclass(tp) and issubclass(tp, BaseModel)


def _type_tag(model: type[BaseModel]) -> Any:
    field = model.model_fields.get("type")
    if field is not None and get_origin(field.annotation) is Literal:
        return get_args(field.annotation)[0]
    return None


def models_at(root: type[BaseModel], loc: tuple[str | int, ...]) -> list[type[BaseModel]]:
    """The models that can sit at ``loc``, following field types and union labels."""
    current: list[Any] = [root]
    for element in loc:
        expanded = _flatten(current)
        if isinstance(element, int):
            current = [get_args(tp)[0] for tp in expanded if get_origin(tp) is list]
            continue
        models = [tp for tp in expanded if _is_model(tp)]
        owners = [model for model in models if element in model.model_fields]
        if owners:
            current = [owner.model_fields[element].annotation for owner in owners]
        else:
            tagged = [m for m in models if element in (_type_tag(m), m.__name__)]
            current = tagged or expanded
    return [tp for tp in _flatten(current) if _is_model(tp)]


def all_field_names(root: type[BaseModel]) -> set[str]:
    """Every key any model of the format accepts: the fallback for suggestions."""
    names: set[str] = set()
    seen: set[type[BaseModel]] = set()
    pending: list[Any] = [root]
    while pending:
        for tp in _flatten([pending.pop()]):
            if get_origin(tp) is list:
                pending.append(get_args(tp)[0])
            elif _is_model(tp) and tp not in seen:
                seen.add(tp)
                for name, field in tp.model_fields.items():
                    names.add(name)
                    pending.append(field.annotation)
    return names


def did_you_mean(word: str, choices: list[str] | set[str]) -> str:
    if len(word) > MAX_SHOWN:  # no key is that long; comparing would only cost
        return ""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return Msg("; did you mean '%(key)s'?", key=close[0]) if close else ""


# -- the words -------------------------------------------------------------------------------

_PATTERN_HINTS = {
    r"^[a-z0-9][a-z0-9-]*$": Msg("use lower-case letters, digits and hyphens, e.g. 'trade-2014'"),
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$": Msg(
        "use letters, digits, '-', '_' and '.', starting with a letter or digit"
    ),
    r"^https?://\S+$": Msg("write a full web address starting with https://"),
}


def describe(
    error: ErrorDetails,
    data: Any,
    root: type[BaseModel],
    question_types: list[str],
) -> tuple[Path, bool, str]:
    """(path in the data, whether to point at the key, message) for one pydantic error.

    The message is a ``Msg``: English as it stands, translated by the problems page."""
    loc = tuple(error["loc"])
    path = data_path(data, loc)
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    named = [element for element in path if isinstance(element, str)]
    key = named[-1] if named else ""
    # A list item is not a key of its own: "each item of 'choices' ...".
    label: str = (
        Msg("each item of '%(key)s'", key=key) if path and isinstance(path[-1], int) else f"'{key}'"
    )
    at_key = False
    who = subject(data, path)

    if kind == "missing":
        message: str = Msg("missing required key '%(key)s'", key=loc[-1])
        return path, False, _of_subject(who, message, missing=True)
    if kind == "extra_forbidden":
        models = models_at(root, loc[:-1])
        allowed = {name for model in models for name in model.model_fields}
        hint = did_you_mean(str(loc[-1]), allowed or all_field_names(root))
        if not hint and allowed:
            hint = Msg("; the keys allowed here are: %(keys)s", keys=", ".join(sorted(allowed)))
        message = Msg("unknown key '%(key)s'%(hint)s", key=cut(str(loc[-1])), hint=hint)
        at_key = True
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        known = ", ".join(question_types) or str(ctx.get("expected_tags", ""))
        if isinstance(value, dict) and "type" in value:
            path = (*path, "type")
            typed = str(shown(value["type"]))
            close = difflib.get_close_matches(typed.strip("'"), question_types, n=1)
            if close:
                message = Msg(
                    "unknown question type %(typed)s (did you mean '%(close)s'?); "
                    "the known types are: %(known)s",
                    typed=typed,
                    close=close[0],
                    known=known,
                )
            else:
                message = Msg(
                    "unknown question type %(typed)s; the known types are: %(known)s",
                    typed=typed,
                    known=known,
                )
        elif not isinstance(value, dict):
            message = Msg(
                "%(label)s must be a question (key: value lines), not %(value)s",
                label=label,
                value=shown(value),
            )
        else:
            missing = Msg(
                "missing required key 'type'; the known types are: %(known)s", known=known
            )
            return path, False, _of_subject(who, missing, missing=True)
    elif kind == "bank_rule":
        message = _raised(ctx.get("message"), error["msg"])
        rule_key = ctx.get("key")
        if isinstance(value, dict) and rule_key in value:
            path, at_key = (*path, rule_key), True
    elif kind == "string_type":
        message = _not_text(label, value)
    elif kind == "bool_type":
        message = Msg(
            "%(label)s must be true or false, not %(value)s; write true or false",
            label=label,
            value=shown(value),
        )
    elif kind == "value_error":
        message = _raised(ctx.get("error"), error["msg"].removeprefix("Value error, "))
        if path and isinstance(path[-1], str) and len(loc) and loc[-1] == path[-1]:
            message = Msg("%(label)s: %(message)s", label=label, message=message)
    elif kind == "list_type":
        message = Msg(
            "%(label)s expects a list (one '- item' per line), not %(value)s",
            label=label,
            value=shown(value),
        )
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        if isinstance(value, bool):
            message = Msg(
                "%(label)s expects keys with values (key: value lines), not %(value)s; "
                "put it in quotes if it is text",
                label=label,
                value=shown(value),
            )
        else:
            message = Msg(
                "%(label)s expects keys with values (key: value lines), not %(value)s",
                label=label,
                value=shown(value),
            )
    elif kind == "literal_error":
        message = Msg(
            "%(label)s cannot be %(value)s; write one of %(expected)s",
            label=label,
            value=shown(value),
            expected=ctx.get("expected"),
        )
    elif kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        hint = _PATTERN_HINTS.get(pattern) or Msg("match %(pattern)s", pattern=pattern)
        message = Msg(
            "%(label)s cannot be %(value)s; %(hint)s", label=label, value=shown(value), hint=hint
        )
    elif kind == "string_too_short":
        message = Msg("%(label)s is empty; write some text", label=label)
    elif kind == "too_short":
        least = ctx.get("min_length", 1)
        if least == 1:
            message = Msg("%(label)s needs at least 1 item", label=label)
        else:
            message = Msg("%(label)s needs at least %(least)s items", label=label, least=least)
    elif kind in _BOUNDS:
        bound = next((ctx[name] for name in ("le", "lt", "ge", "gt") if name in ctx), "")
        limit = f"{bound:,}" if isinstance(bound, int) else str(bound)
        message = _BOUNDS[kind](label, shown(value), limit)
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        message = Msg(
            "%(label)s expects a whole number, not %(value)s", label=label, value=shown(value)
        )
    elif kind in ("float_parsing", "float_type"):
        message = Msg("%(label)s expects a number, not %(value)s", label=label, value=shown(value))
    elif kind.startswith("date") and "datetime" in kind:
        message = Msg(
            "%(label)s cannot be %(value)s; write a date as YYYY-MM-DD, "
            "or a date and time as YYYY-MM-DD HH:MM (UTC)",
            label=label,
            value=shown(value),
        )
    elif kind.startswith("date"):
        message = Msg(
            "%(label)s cannot be %(value)s; write a date as YYYY-MM-DD",
            label=label,
            value=shown(value),
        )
    else:
        text = error["msg"].replace("Input should be", "it should be")
        message = f"{label} cannot be {shown(value)}; {text}" if key else text
    return path, at_key, _of_subject(who, message)


def _of_subject(who: str, message: str, missing: bool = False) -> str:
    """ "question 'park': message" (or "question 'park' is missing ..."), or the message alone."""
    if not who:
        return message
    if missing:
        return Msg("%(subject)s is %(message)s", subject=who, message=message)
    return Msg("%(subject)s: %(message)s", subject=who, message=message)


def _raised(raised: Any, text: str) -> str:
    """The message a validator raised: its ``Msg`` when it gave one (the text pydantic keeps is
    plain English), else the text."""
    found = raised.args[0] if isinstance(raised, ValueError) and raised.args else raised
    return found if isinstance(found, Msg) and str(found) in text else text


_BOUNDS = {
    "less_than_equal": lambda label, value, limit: Msg(
        "%(label)s cannot be %(value)s; it must be at most %(limit)s",
        label=label,
        value=value,
        limit=limit,
    ),
    "less_than": lambda label, value, limit: Msg(
        "%(label)s cannot be %(value)s; it must be less than %(limit)s",
        label=label,
        value=value,
        limit=limit,
    ),
    "greater_than_equal": lambda label, value, limit: Msg(
        "%(label)s cannot be %(value)s; it must be at least %(limit)s",
        label=label,
        value=value,
        limit=limit,
    ),
    "greater_than": lambda label, value, limit: Msg(
        "%(label)s cannot be %(value)s; it must be more than %(limit)s",
        label=label,
        value=value,
        limit=limit,
    ),
}


def _not_text(label: str, value: Any) -> str:
    if value is None:
        return Msg("%(label)s is empty; write some text, or remove the key", label=label)
    if isinstance(value, bool):
        return Msg(
            "%(label)s expects text, but %(value)s is read as yes/no; "
            "put it in quotes to keep it as text",
            label=label,
            value=shown(value),
        )
    if isinstance(value, int | float):
        return Msg(
            "%(label)s expects text, but %(value)s is read as a number; "
            "put it in quotes to keep it as text",
            label=label,
            value=shown(value),
        )
    return Msg("%(label)s expects text, not %(value)s", label=label, value=shown(value))


__all__ = ["all_field_names", "data_path", "describe", "did_you_mean", "models_at", "subject"]
