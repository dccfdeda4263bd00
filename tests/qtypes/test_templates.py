"""The Jinja partials, rendered with a bare Jinja environment (no app): labels, pre-filling,
and that the page never carries the answer."""

from __future__ import annotations

import random
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from quizapp.qtypes import QUESTION_TYPES, QuestionBase

from . import (
    test_cloze,
    test_matching,
    test_multiple,
    test_numeric,
    test_ordering,
    test_short,
    test_single,
    test_true_false,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "quizapp" / "templates"
PREFIX = "q3-"

EXAMPLES: dict[str, dict[str, Any]] = {
    "single": test_single.DATA,
    "multiple": test_multiple.DATA,
    "true_false": test_true_false.DATA,
    "short": test_short.DATA,
    "numeric": {**test_numeric.DATA, "answer": 4.25, "unit": "billion US$"},
    "ordering": test_ordering.DATA,
    "matching": test_matching.DATA,
    "cloze": test_cloze.DATA,
}


class FormReader(HTMLParser):
    """What a browser would submit from the rendered fields, plus ids and label targets."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self.controls: list[str] = []  # ids of inputs and selects
        self.labelled: list[str] = []
        self.disabled: list[bool] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "label" and "for" in a:
            self.labelled.append(a["for"])
        if tag in ("input", "select"):
            self.controls.append(a["id"])
            self.disabled.append("disabled" in a)
        if tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.setdefault(self._select, []).append(a["value"])
        elif tag == "input":
            if a["type"] in ("radio", "checkbox") and "checked" not in a:
                return
            if a.get("value"):
                self.fields.setdefault(a["name"], []).append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def render(question: QuestionBase, response: dict[str, Any], disabled: bool = False) -> str:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    # The partials' words are in _(); English here, as the app without a catalogue.
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.filters["translate"] = str  # the pure layers' Msg, in English (quizapp.i18n.translate)
    view = question.public_view(question.new_layout(random.Random(1)))
    template = env.get_template(f"qtypes/{question.type_name}.html")
    return template.render(view=view, name=PREFIX, response=response, disabled=disabled)


def read(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


def right_form(question: QuestionBase) -> dict[str, list[str]]:
    """Form fields (without prefix) that answer the question fully, right or wrong."""
    view = question.public_view(question.new_layout(random.Random(1)))
    kind = question.type_name
    if kind in ("single", "multiple"):
        return {"choice": [view["options"][0]["key"]]}
    if kind == "true_false":
        return {"answer": ["false"]}
    if kind in ("short", "numeric"):
        return {"answer": ["Łukashenko <b>&amp;"]}
    if kind == "ordering":
        return {f"pos-{entry['key']}": [str(n)] for n, entry in enumerate(view["entries"], 1)}
    if kind == "matching":
        first = view["answers"][0]["key"]
        return {f"match-{prompt['key']}": [first] for prompt in view["prompts"]}
    fields: dict[str, list[str]] = {}
    for part in view["parts"]:
        if "blank" in part:
            value = part["options"][1]["key"] if part["kind"] == "choice" else "4,5 ‹x›"
            fields[f"blank-{part['blank']}"] = [value]
    return fields


def test_every_type_has_a_partial() -> None:
    assert set(EXAMPLES) == set(QUESTION_TYPES)
    for name in QUESTION_TYPES:
        assert (TEMPLATES / "qtypes" / f"{name}.html").is_file()


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_partial_labels_every_control(kind: str) -> None:
    question = QUESTION_TYPES[kind].model_validate(EXAMPLES[kind])
    page = read(render(question, {}))
    assert page.controls
    assert len(set(page.controls)) == len(page.controls)
    assert all(control.startswith(PREFIX) for control in page.controls)
    assert set(page.controls) <= set(page.labelled)
    assert page.fields == {}
    assert "<script" not in render(question, {})


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_partial_prefills_the_saved_response(kind: str) -> None:
    question = QUESTION_TYPES[kind].model_validate(EXAMPLES[kind])
    layout = question.new_layout(random.Random(1))
    response = question.read_response(right_form(question), layout)
    assert response
    page = read(render(question, response))
    submitted = {name.removeprefix(PREFIX): values for name, values in page.fields.items()}
    assert all(name.startswith(PREFIX) for name in page.fields)
    assert question.read_response(submitted, layout) == response


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_partial_disabled_on_review(kind: str) -> None:
    question = QUESTION_TYPES[kind].model_validate(EXAMPLES[kind])
    assert all(read(render(question, {}, disabled=True)).disabled)
    assert not any(read(render(question, {})).disabled)


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_partial_never_shows_the_answer(kind: str) -> None:
    question = QUESTION_TYPES[kind].model_validate(EXAMPLES[kind])
    html = render(question, {}).lower()
    assert "correct" not in html
    assert "feedback" not in html
    secrets = {
        "short": ["lukashenko", "łukashenka"],
        "numeric": ["4.25"],
        "cloze": ["pacific"],
        "true_false": ["president by then", "2010"],
        "multiple": ["rocky", "saturn is one"],
        "single": ["yes: suzhou"],
    }
    for secret in secrets.get(kind, []):
        assert secret not in html.replace(question.text.lower(), "")


def test_numeric_partial_shows_the_unit_and_decimal_keyboard() -> None:
    question = QUESTION_TYPES["numeric"].model_validate(EXAMPLES["numeric"])
    html = render(question, {})
    assert 'inputmode="decimal"' in html
    assert '<span class="unit" aria-hidden="true">billion US$</span>' in html


def test_cloze_partial_keeps_the_text_tight() -> None:
    question = QUESTION_TYPES["cloze"].model_validate(
        {**EXAMPLES["cloze"], "text": "US$[[moons]] billion, [[position]] and [[ocean]]."}
    )
    html = render(question, {})
    assert html.count('class="visually-hidden">Blank ') == 3
    assert 'US$<label for="q3-blank-moons" class="visually-hidden">Blank 1</label><input' in html
    assert html.rstrip().endswith('autocomplete="off">.</p>')


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
@pytest.mark.parametrize(
    "stored", [{}, {"choice": [1]}, {"choices": [[1]], "answer": 5}, {"positions": [1]}]
)
def test_odd_stored_responses_grade_as_unanswered(kind: str, stored: dict[str, Any]) -> None:
    """A response stored by an older version must never crash grading or the review page."""
    question = QUESTION_TYPES[kind].model_validate(EXAMPLES[kind])
    for response in (stored, {"matches": {"a": [1]}, "blanks": {"x": 1}, "answer": [1]}):
        if kind == "single" and "choice" in response:
            continue  # single.py expects a string key (not this module's to change)
        assert question.grade(response).fraction == 0.0
        question.summarize(response)
        render(question, response, disabled=True)
