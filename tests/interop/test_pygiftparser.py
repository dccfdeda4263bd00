"""GIFT exported by Quizapp parses with pygiftparser (an independent GIFT parser) into the same
questions: titles, texts, answers, weights and feedback."""

from __future__ import annotations

import io
import warnings

from quizapp.bank.models import Bank
from quizapp.interop import export_bank
from quizapp.qtypes.cloze import BLANK

with warnings.catch_warnings():
    # pygiftparser 1.1 calls locale.getdefaultlocale() on import (deprecated in Python 3.11).
    warnings.filterwarnings("ignore", "'locale.getdefaultlocale'", DeprecationWarning)
    from pygiftparser import parser as gift_parser
    from pygiftparser.utils import transformSpecials


def _text(text: str) -> str:
    return transformSpecials(text).strip()


def test_pygiftparser_reads_our_gift_as_the_same_questions(bank: Bank) -> None:
    data, _ = export_bank(bank, "gift")
    parsed = gift_parser.parseFile(io.StringIO(data.decode("utf-8")))

    assert [q.title for q in parsed] == [q.id for q in bank.questions]
    for ours, theirs in zip(bank.questions, parsed, strict=True):
        assert theirs.valid, ours.id
        kind = type(theirs.answers).__name__
        if ours.type == "cloze":
            # GIFT has no multi-blank question: a description with the blanks shown.
            assert kind == "Description"
            assert _text(theirs.text) == BLANK.sub("____", ours.text)
            continue
        assert _text(theirs.text) == ours.text, ours.id
        assert _text(theirs.generalFeedback) == ours.explanation, ours.id
        answers = getattr(theirs.answers, "answers", [])
        if ours.type == "single":
            assert kind == "SelectSet"
            assert [(_text(a.answer), a.fraction, _text(a.feedback)) for a in answers] == [
                (c.text, 100 if c.correct else 0, c.feedback) for c in ours.choices
            ]
        elif ours.type == "multiple":
            assert kind == "MultipleChoicesSet"
            right = sum(c.correct for c in ours.choices)
            assert [(_text(a.answer), _text(a.feedback)) for a in answers] == [
                (c.text, c.feedback) for c in ours.choices
            ]
            for answer, choice in zip(answers, ours.choices, strict=True):
                expected = 100 / right if choice.correct else -100 / right
                assert abs(answer.fraction - expected) < 1e-4
        elif ours.type == "true_false":
            assert kind == "TrueFalseSet"
            assert theirs.answers.answer is ours.answer
            right, wrong = (
                (ours.feedback_true, ours.feedback_false)
                if ours.answer
                else (ours.feedback_false, ours.feedback_true)
            )
            assert _text(theirs.answers.feedbackCorrect) == right
            assert _text(theirs.answers.feedbackWrong) == wrong
        elif ours.type == "short":
            assert kind == "ShortSet"
            assert [_text(a.answer) for a in answers] == list(ours.accept)
        elif ours.type == "numeric":
            assert kind == "NumericAnswerSet"
            (answer,) = answers
            if ours.range is not None:
                assert (float(answer.mini), float(answer.maxi)) == ours.range
            else:
                assert answer.value == ours.answer
                assert answer.tolerance == (ours.tolerance or 0)
        elif ours.type == "matching":
            assert kind == "MatchingSet"
            pairs = [(_text(a.question), _text(a.answer)) for a in answers]
            assert pairs == [(p.prompt, p.answer) for p in ours.pairs] + [
                ("", d) for d in ours.distractors
            ]
        elif ours.type == "ordering":
            # GIFT has no ordering: each item is matched to its position.
            assert kind == "MatchingSet"
            assert [(_text(a.question), _text(a.answer)) for a in answers] == [
                (item, str(n)) for n, item in enumerate(ours.items, start=1)
            ]
        else:  # pragma: no cover - a new type must be added here
            raise AssertionError(f"no GIFT check for {ours.type}")
