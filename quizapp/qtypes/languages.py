"""Student-facing text given in several languages.

A bank may write any student-facing text (a question's text, a choice, feedback, an
explanation, an accepted answer, an item, a pair, a cloze choice) either as plain text or as a
mapping by language code::

    text: {en: Where is the park?, zh: 园区在哪里？, ru: Где находится парк?}

A mapping becomes a ``Localized``: a ``str`` whose value is the text in the language shown
(at first the bank's default language), which also carries every translation. Because it *is*
a string, everything that reads a question (grading, statistics, exports, lint) keeps working
on the default language unchanged; ``in_language(question, code)`` gives the question as seen
in another language, every field falling back to the default where it has no translation.

Identity does not depend on the language: a choice's key is hashed from its default-language
text (``identity_of``), whatever language it is shown in, so a student who switches language
keeps their answer and statistics count one choice. The stored form (``model_dump``) is the
mapping, default language first, so a question's content hash covers every translation: an
edit in any language is a new version.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    Field,
    PlainSerializer,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
)

from quizapp.bank.scalars import as_text
from quizapp.translatable import Msg

LANGUAGE = "language"
"""Validation context key: the bank's default language (a mapping without it is refused)."""

DEFAULT_LANGUAGE = "en"

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
"""A BCP 47 language tag as banks write them: en, zh, ru, pt-BR, zh-Hant."""


class Localized(str):
    """Text in several languages; as a string, the text in the language shown."""

    translations: dict[str, str]
    """Every language's text, the default language first."""
    language: str
    """The default language (whose text is the identity)."""
    shown: str
    """The language of the string value (the default when it has no translation)."""

    def __new__(cls, translations: Mapping[str, str], language: str, shown: str | None = None):
        shown = shown if shown in translations else language
        value = super().__new__(cls, translations[shown])
        ordered = {language: translations[language]}
        ordered.update((code, text) for code, text in translations.items() if code != language)
        value.translations = ordered
        value.language = language
        value.shown = shown
        return value

    def __getnewargs__(self) -> tuple[Any, ...]:  # copy and pickle
        return (self.translations, self.language, self.shown)

    @property
    def identity(self) -> str:
        """The default-language text: what keys and identities are made from."""
        return self.translations[self.language]

    def shown_in(self, language: str) -> Localized:
        """The same text shown in ``language`` (or the default if it has none)."""
        return Localized(self.translations, self.language, language)


def identity_of(text: str) -> str:
    """The language-independent form of a text (its default-language text)."""
    return text.identity if isinstance(text, Localized) else str(text)


def all_texts(text: str) -> list[str]:
    """Every language's version of a text (one, for plain text)."""
    return list(text.translations.values()) if isinstance(text, Localized) else [str(text)]


def is_by_language(data: Any) -> bool:
    """Whether a YAML value is a text by language (a mapping whose keys are language codes)."""
    return (
        isinstance(data, Mapping)
        and bool(data)
        and all(isinstance(key, str) and LANGUAGE_CODE.fullmatch(key) for key in data)
    )


def _localized(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
    if isinstance(value, Localized):
        return value
    if not isinstance(value, Mapping):
        return handler(as_text(value))
    if not value:
        raise ValueError(Msg("a text by language needs at least one language, e.g. {en: ...}"))
    texts: dict[str, str] = {}
    for code, text in value.items():
        if not isinstance(code, str) or not LANGUAGE_CODE.fullmatch(code):
            raise ValueError(
                Msg(
                    "'%(code)s' is not a language code; write codes such as en, zh, ru, pt-BR",
                    code=code,
                )
            )
        texts[code] = handler(as_text(text))
    context = info.context or {}
    language = context.get(LANGUAGE) or next(iter(texts))
    if language not in texts:
        raise ValueError(
            Msg(
                "no text in the bank's language '%(language)s' (it has %(languages)s); "
                "add '%(language)s: ...', which students see when their language is missing",
                language=language,
                languages=", ".join(texts),
            )
        )
    return Localized(texts, language)


def _stored(value: str) -> Any:
    if isinstance(value, Localized):
        return dict(value.translations)
    return str(value)


def _schema(min_length: int) -> dict[str, Any]:
    text: dict[str, Any] = {"type": ["string", "number"]}
    if min_length:
        text["minLength"] = min_length
    return {
        "anyOf": [
            text,
            {
                "type": "object",
                "description": "The text by language code, e.g. {en: ..., zh: ..., ru: ...}.",
                "propertyNames": {"pattern": LANGUAGE_CODE.pattern},
                "additionalProperties": text,
                "minProperties": 1,
            },
        ]
    }


LocalText = Annotated[
    str,
    WrapValidator(_localized),
    PlainSerializer(_stored),
    WithJsonSchema(_schema(0)),
]
"""Student-facing text: plain, or a mapping by language code."""

NonEmptyLocalText = Annotated[
    str,
    Field(min_length=1),
    WrapValidator(_localized),
    PlainSerializer(_stored),
    WithJsonSchema(_schema(1)),
]
"""Student-facing text that may not be empty, in any language."""


Model = TypeVar("Model", bound=BaseModel)


def in_language(question: Model, language: str | None) -> Model:
    """The question as seen in ``language``: every translated text in that language where it
    has one, else in the default language. Keys, grading and identity are unchanged."""
    if not language:
        return question
    return _shown(question, language)


def default_language_only(model: Model) -> Model:
    """The model with every translated text reduced to its default-language text (plain
    strings): for formats that carry one language (Moodle XML, GIFT, QTI exports)."""
    return _shown(model, None)


def _shown(value: Any, language: str | None) -> Any:
    if isinstance(value, Localized):
        return value.shown_in(language) if language else str(value.identity)
    if isinstance(value, BaseModel):
        changes = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = _shown(old, language)
            if new is not old:
                changes[name] = new
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, list):
        items = [_shown(item, language) for item in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, dict):
        shown = {key: _shown(item, language) for key, item in value.items()}
        return shown if any(shown[key] is not value[key] for key in value) else value
    return value


def localized_texts(value: Any, path: tuple[Any, ...] = ()) -> Iterable[tuple[tuple, Localized]]:
    """Every ``Localized`` text inside a model, with its path (field names, list indexes and
    mapping keys, as written in YAML)."""
    if isinstance(value, Localized):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from localized_texts(getattr(value, name), (*path, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from localized_texts(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from localized_texts(item, (*path, key))


def languages_of(question: BaseModel) -> list[str]:
    """The languages a question is written in, its default first ([] for plain text only)."""
    found: dict[str, None] = {}
    for _, text in localized_texts(question):
        found.setdefault(text.language, None)
    for _, text in localized_texts(question):
        found.update(dict.fromkeys(text.translations))
    return list(found)


LanguageChooser = Callable[[Sequence[str], str], str]
"""Picks one of a question's languages (the request's wish), given them and the default."""


def chosen_language(question: BaseModel, choose: LanguageChooser | None) -> str | None:
    """The language a new attempt shows a question in: ``None`` for a question in one
    language only, else what ``choose`` picks among the question's languages."""
    languages = languages_of(question)
    if choose is None or len(languages) < 2:
        return None
    chosen = choose(languages, languages[0])
    return chosen if chosen in languages else languages[0]


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGE",
    "LanguageChooser",
    "LocalText",
    "Localized",
    "NonEmptyLocalText",
    "all_texts",
    "chosen_language",
    "default_language_only",
    "identity_of",
    "in_language",
    "is_by_language",
    "languages_of",
    "localized_texts",
]
