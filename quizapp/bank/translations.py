"""Do a bank's translations line up? (the checks of questions in several languages)

A question in several languages must show the same question in each: every choice, item, pair
and distractor that is translated at all is translated into every language the question uses
(else a student reading Chinese would see one choice fewer, or an English one among Chinese
ones), a cloze has the same blanks in every language, every language is one the bank declares
(``languages:``), and every translated text has the bank's default language (``language:``),
which students see where their language is missing.

Feedback, explanations, units and accepted answers may lack a language: the default is shown
(and every language's accepted answers are accepted anyway). Plain text is the same in every
language (a number, a name written alike) and is never a missing translation.

Each problem has the path of the text at fault, for the loader to point at its line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizapp.bank.checks import CrossProblem
from quizapp.qtypes.cloze import BLANK
from quizapp.qtypes.languages import Localized, localized_texts
from quizapp.translatable import Msg

if TYPE_CHECKING:
    from quizapp.bank.models import Bank
    from quizapp.qtypes import QuestionBase

OPTIONAL = frozenset(
    {
        "feedback",
        "feedback_true",
        "feedback_false",
        "explanation",
        "unit",
        "accept",
        "optional_ending",
    }
)
"""Fields whose translations may be missing: the default language is shown instead."""


def translation_problems(bank: Bank) -> list[CrossProblem]:
    """Every translation of the bank that does not line up, in file order."""
    declared = list(bank.languages or [bank.language])
    problems: list[CrossProblem] = []
    for index, question in enumerate(bank.questions):
        problems += _question_problems(question, ("questions", index), bank.language, declared)
    return problems


def _question_problems(
    question: QuestionBase, where: tuple, language: str, declared: list[str]
) -> list[CrossProblem]:
    texts = list(localized_texts(question))
    if not texts:
        return []
    problems: list[CrossProblem] = []
    used: dict[str, None] = {}
    for path, text in texts:
        used.update(dict.fromkeys(text.translations))
        undeclared = [code for code in text.translations if code not in declared]
        if undeclared:
            problems.append(
                CrossProblem(
                    (*where, *path),
                    Msg(
                        "question '%(question)s' has text in '%(code)s', which the bank "
                        "does not declare; add it to 'languages: [%(declared)s]' at the "
                        "top of the bank, or remove it",
                        question=question.id,
                        code=undeclared[0],
                        declared=", ".join(declared),
                    ),
                )
            )
        if text.language != language:
            problems.append(
                CrossProblem(
                    (*where, *path),
                    Msg(
                        "question '%(question)s' has a text with no '%(language)s' version, the "
                        "bank's language; add '%(language)s: ...', which students see when their "
                        "language is missing",
                        question=question.id,
                        language=language,
                    ),
                )
            )
    every = [code for code in used if code in declared]  # undeclared: reported above
    for path, text in texts:
        if any(part in OPTIONAL for part in path if isinstance(part, str)):
            continue
        missing = [code for code in every if code not in text.translations]
        if missing:
            problems.append(
                CrossProblem(
                    (*where, *path),
                    Msg(
                        "question '%(question)s': this text has no '%(code)s' version, though "
                        "the question is written in %(languages)s; translate every choice, "
                        "item and pair into each language (a student would see this one missing)",
                        question=question.id,
                        code=missing[0],
                        languages=", ".join(every),
                    ),
                )
            )
    problems += _same_in_one_language(question, where, texts, every)
    text = question.text
    if question.type == "cloze" and isinstance(text, Localized):  # type: ignore[attr-defined]
        expected = sorted(BLANK.findall(text.identity))
        for code, written in text.translations.items():
            found = sorted(BLANK.findall(written))
            if found != expected:
                problems.append(
                    CrossProblem(
                        (*where, "text"),
                        Msg(
                            "question '%(question)s': the '%(code)s' text has the blanks "
                            "%(found)s, the '%(language)s' text %(expected)s; give "
                            "every language the same [[blanks]]",
                            question=question.id,
                            code=code,
                            found=_blanks(found),
                            language=language,
                            expected=_blanks(expected),
                        ),
                    )
                )
    return problems


def _same_in_one_language(
    question: QuestionBase, where: tuple, texts: list[tuple[tuple, Localized]], every: list[str]
) -> list[CrossProblem]:
    """Two choices (items, prompts, distractors) that differ in the default language but read
    the same in a translation: a student of that language could not tell them apart."""
    groups: dict[tuple, list[tuple[tuple, Localized]]] = {}
    for path, text in texts:
        if (path and path[-1] == "answer") or any(part in OPTIONAL for part in path):
            continue
        shape = tuple("*" if isinstance(part, int) else part for part in path)
        if "*" in shape:
            groups.setdefault(shape, []).append((path, text))
    problems: list[CrossProblem] = []
    for members in groups.values():
        for code in every:
            seen: dict[str, str] = {}
            for path, text in members:
                shown = text.translations.get(code)
                if shown is None:
                    continue
                folded = shown.strip().casefold()
                if folded in seen:
                    problems.append(
                        CrossProblem(
                            (*where, *path),
                            Msg(
                                "question '%(question)s': in '%(code)s' this reads '%(text)s', "
                                "like '%(other)s'; make every choice different in "
                                "every language",
                                question=question.id,
                                code=code,
                                text=shown[:40],
                                other=seen[folded][:40],
                            ),
                        )
                    )
                else:
                    seen[folded] = shown
    return problems


def _blanks(names: list[str]) -> str:
    return ", ".join(f"[[{name}]]" for name in names) or Msg("none")


__all__ = ["OPTIONAL", "translation_problems"]
