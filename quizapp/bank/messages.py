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
        what = "question" if path[0] == "questions" else "quiz"
        item_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(item_id, str | int):
            return f"{what} '{item_id}'"
        return f"{what} {path[1] + 1}"
    if path[:1] == ("source",):
        return "source"
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
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    if isinstance(value, list):
        return "a list"
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
    return f"; did you mean '{close[0]}'?" if close else ""


# -- the words -------------------------------------------------------------------------------

_PATTERN_HINTS = {
    r"^[a-z0-9][a-z0-9-]*$": "use lower-case letters, digits and hyphens, e.g. 'trade-2014'",
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$": (
        "use letters, digits, '-', '_' and '.', starting with a letter or digit"
    ),
    r"^https?://\S+$": "write a full web address starting with https://",
}


def describe(
    error: ErrorDetails,
    data: Any,
    root: type[BaseModel],
    question_types: list[str],
) -> tuple[Path, bool, str]:
    """(path in the data, whether to point at the key, message) for one pydantic error."""
    loc = tuple(error["loc"])
    path = data_path(data, loc)
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    named = [element for element in path if isinstance(element, str)]
    key = named[-1] if named else ""
    # A list item is not a key of its own: "each item of 'choices' ...".
    label = f"each item of '{key}'" if path and isinstance(path[-1], int) else f"'{key}'"
    at_key = False
    who = subject(data, path)

    if kind == "missing":
        missing = loc[-1]
        message = f"missing required key '{missing}'"
        return path, False, f"{who} is {message}" if who else message
    if kind == "extra_forbidden":
        models = models_at(root, loc[:-1])
        allowed = {name for model in models for name in model.model_fields}
        hint = did_you_mean(str(loc[-1]), allowed or all_field_names(root))
        if not hint and allowed:
            hint = "; the keys allowed here are: " + ", ".join(sorted(allowed))
        message = f"unknown key '{cut(str(loc[-1]))}'{hint}"
        at_key = True
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        known = ", ".join(question_types) or str(ctx.get("expected_tags", ""))
        if isinstance(value, dict) and "type" in value:
            path = (*path, "type")
            typed = str(shown(value["type"]))
            close = difflib.get_close_matches(typed.strip("'"), question_types, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            message = f"unknown question type {typed}{hint}; the known types are: {known}"
        elif not isinstance(value, dict):
            message = f"{label} must be a question (key: value lines), not {shown(value)}"
        else:
            missing = f"missing required key 'type'; the known types are: {known}"
            return path, False, f"{who} is {missing}" if who else missing
    elif kind == "bank_rule":
        message = error["msg"]
        rule_key = ctx.get("key")
        if isinstance(value, dict) and rule_key in value:
            path, at_key = (*path, rule_key), True
    elif kind == "string_type":
        message = _not_text(label, value)
    elif kind == "bool_type":
        message = f"{label} must be true or false, not {shown(value)}; write true or false"
    elif kind == "value_error":
        message = error["msg"].removeprefix("Value error, ")
        if path and isinstance(path[-1], str) and len(loc) and loc[-1] == path[-1]:
            message = f"{label}: {message}"
    elif kind == "list_type":
        message = f"{label} expects a list (one '- item' per line), not {shown(value)}"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = f"{label} expects keys with values (key: value lines), not {shown(value)}"
        if isinstance(value, bool):
            message += "; put it in quotes if it is text"
    elif kind == "literal_error":
        message = f"{label} cannot be {shown(value)}; write one of {ctx.get('expected')}"
    elif kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(str(ctx.get("pattern")), f"match {ctx.get('pattern')}")
        message = f"{label} cannot be {shown(value)}; {hint}"
    elif kind == "string_too_short":
        message = f"{label} is empty; write some text"
    elif kind == "too_short":
        least = ctx.get("min_length", 1)
        message = f"{label} needs at least {least} item{'s' if least != 1 else ''}"
    elif kind in _BOUNDS:
        bound = next((ctx[name] for name in ("le", "lt", "ge", "gt") if name in ctx), "")
        limit = f"{bound:,}" if isinstance(bound, int) else str(bound)
        message = f"{label} cannot be {shown(value)}; it must be {_BOUNDS[kind]} {limit}"
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        message = f"{label} expects a whole number, not {shown(value)}"
    elif kind in ("float_parsing", "float_type"):
        message = f"{label} expects a number, not {shown(value)}"
    elif kind.startswith("date"):
        message = f"{label} cannot be {shown(value)}; write a date as YYYY-MM-DD" + (
            ", or a date and time as YYYY-MM-DD HH:MM (UTC)" if "datetime" in kind else ""
        )
    else:
        text = error["msg"].replace("Input should be", "it should be")
        message = f"{label} cannot be {shown(value)}; {text}" if key else text
    return path, at_key, f"{who}: {message}" if who else message


_BOUNDS = {
    "less_than_equal": "at most",
    "less_than": "less than",
    "greater_than_equal": "at least",
    "greater_than": "more than",
}


def _not_text(label: str, value: Any) -> str:
    if value is None:
        return f"{label} is empty; write some text, or remove the key"
    if isinstance(value, bool):
        return (
            f"{label} expects text, but {shown(value)} is read as yes/no; "
            "put it in quotes to keep it as text"
        )
    if isinstance(value, int | float):
        return (
            f"{label} expects text, but {shown(value)} is read as a number; "
            "put it in quotes to keep it as text"
        )
    return f"{label} expects text, not {shown(value)}"


__all__ = ["all_field_names", "data_path", "describe", "did_you_mean", "models_at", "subject"]
