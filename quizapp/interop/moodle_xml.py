"""Moodle XML: the format Moodle's question bank exports and imports.

Every type has a Moodle counterpart: single and multiple choice are ``multichoice`` with
fractions (a partial-scoring multiple choice gives each correct choice 1/c and takes 1/c per
wrong tick, which is exactly our rule), true/false ``truefalse``, short answer
``shortanswer``, numeric ``numerical`` (tolerance, one unit), matching ``matching`` (a
distractor is a subquestion with no text, as in Moodle), ordering the ``ordering`` qtype
(core since Moodle 4.4), cloze ``cloze`` (multianswer). The question id is the ``idnumber``;
tags, objectives, difficulty, citations, misconceptions go in Moodle tags (see
``common.meta_tags``); each question sits in a category named after its first tag.
"""

from __future__ import annotations

import html
import re
from typing import Any
from xml.etree import ElementTree as ET

from quizapp.bank.models import Bank
from quizapp.bank.reader import MAX_BANK_BYTES
from quizapp.interop.common import (
    UNREADABLE,
    ConversionError,
    Element,
    Report,
    apply_meta,
    child,
    children,
    html_to_text,
    left_out,
    meta_tags,
    midpoint,
    number_text,
    numeric_target,
    parse_float,
    parse_xml,
    text_of,
    text_to_html,
    tolerance_of,
)
from quizapp.interop.document import build_document, question_id
from quizapp.qtypes.base import QuestionBase
from quizapp.qtypes.cloze import BLANK, ChoiceBlank, Cloze, NumericBlank, ShortBlank
from quizapp.translatable import Msg


def _fraction(value: float) -> str:
    return f"{value * 100:.7g}"


def _text_element(parent: Element, name: str, text: str, html: bool = True) -> Element:
    node = ET.SubElement(parent, name, {"format": "html"} if html else {})
    ET.SubElement(node, "text").text = text_to_html(text) if html and text else text
    return node


def _answer(parent: Element, text: str, fraction: float, feedback: str = "", html=True) -> Element:
    node = ET.SubElement(
        parent,
        "answer",
        {"fraction": _fraction(fraction), "format": "html" if html else "plain_text"},
    )
    ET.SubElement(node, "text").text = text_to_html(text) if html else text
    _text_element(node, "feedback", feedback)
    return node


# -- export -----------------------------------------------------------------------------------


def export_bank(bank: Bank, report: Report | None = None) -> bytes:
    """The bank as a Moodle XML file (UTF-8 bytes)."""
    report = report if report is not None else Report()
    quiz = ET.Element("quiz")
    category = None
    for question in bank.questions:
        # Moodle writes a slash inside a category name as two slashes.
        wanted = "$course$/top/" + "/".join(
            part.replace("/", "//") for part in [bank.title, *question.tags[:1]]
        )
        if wanted != category:
            category = wanted
            node = ET.SubElement(quiz, "question", {"type": "category"})
            ET.SubElement(ET.SubElement(node, "category"), "text").text = wanted
            _text_element(node, "info", bank.description)
            ET.SubElement(node, "idnumber").text = bank.bank
        quiz.append(_question(question, report))
    ET.indent(quiz, "  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8") + b"\n"


def _question(question: QuestionBase, report: Report) -> Element:
    extra: dict[str, Any] = {}
    body = _BODIES[question.type]
    node = ET.Element("question", {"type": body.qtype})
    name = ET.SubElement(node, "name")
    ET.SubElement(name, "text").text = question.id
    text = _cloze_text(question, extra, report) if isinstance(question, Cloze) else question.text
    _text_element(node, "questiontext", text)
    _text_element(node, "generalfeedback", question.explanation)
    ET.SubElement(node, "defaultgrade").text = number_text(question.points)
    ET.SubElement(node, "penalty").text = "0"
    ET.SubElement(node, "hidden").text = "0"
    ET.SubElement(node, "idnumber").text = question.id
    body(question, node, extra, report)
    tags = meta_tags(question, extra)
    if tags:
        holder = ET.SubElement(node, "tags")
        for tag in tags:
            ET.SubElement(ET.SubElement(holder, "tag"), "text").text = tag
    return node


def _qtype(name: str):
    def mark(function):
        function.qtype = name
        return function

    return mark


@_qtype("multichoice")
def _choices(question: Any, node: Element, extra: dict, report: Report) -> None:
    single = question.type == "single"
    ET.SubElement(node, "single").text = "true" if single else "false"
    ET.SubElement(node, "shuffleanswers").text = "true" if question.shuffle else "false"
    ET.SubElement(node, "answernumbering").text = "abc"
    correct = sum(choice.correct for choice in question.choices)
    if not single and question.scoring == "all_or_nothing":
        report.add(
            question.id,
            Msg(
                "all-or-nothing scoring: Moodle's multichoice gives partial credit "
                "(kept as the tag scoring:all_or_nothing)"
            ),
        )
    for choice in question.choices:
        if single:
            fraction = 1.0 if choice.correct else 0.0
        else:
            fraction = 1 / correct if choice.correct else -1 / correct
        _answer(node, choice.text, fraction, choice.feedback)
    if any(choice.misconception for choice in question.choices):
        report.add(question.id, Msg("misconceptions of choices: kept as tags misconception:N:name"))


@_qtype("truefalse")
def _true_false(question: Any, node: Element, extra: dict, report: Report) -> None:
    _answer(node, "true", float(question.answer), question.feedback_true, html=False)
    _answer(node, "false", float(not question.answer), question.feedback_false, html=False)


@_qtype("shortanswer")
def _short(question: Any, node: Element, extra: dict, report: Report) -> None:
    ET.SubElement(node, "usecase").text = "1" if question.case_sensitive else "0"
    for accepted in question.accept:
        _answer(node, accepted, 1.0, html=False)


@_qtype("numerical")
def _numeric(question: Any, node: Element, extra: dict, report: Report) -> None:
    if question.range is not None:
        answer, tolerance = midpoint(*question.range)
        extra["range"] = "true"
    else:
        answer, tolerance = question.answer, tolerance_of(question)
        if isinstance(question.tolerance, str):
            extra["tolerance"] = question.tolerance
            report.add(
                question.id,
                Msg(
                    "tolerance %(tolerance)s: Moodle's tolerance is absolute (written as "
                    "%(absolute)s; the tag keeps the percentage)",
                    tolerance=question.tolerance,
                    absolute=number_text(tolerance),
                ),
            )
    answer_node = _answer(node, number_text(answer), 1.0, html=False)
    ET.SubElement(answer_node, "tolerance").text = number_text(tolerance)
    if question.unit or question.units:
        # Moodle's units: the first is the answer's own (multiplier 1), then the declared ones
        # with the same multipliers (how many of that unit make one of the answer's unit).
        units = ET.SubElement(node, "units")
        declared = [(question.unit, 1.0)] if question.unit else []
        declared += list((question.units or {}).items())
        for name, multiplier in declared:
            unit = ET.SubElement(units, "unit")
            ET.SubElement(unit, "multiplier").text = number_text(multiplier)
            ET.SubElement(unit, "unit_name").text = name
    ET.SubElement(node, "unitgradingtype").text = "0"
    ET.SubElement(node, "unitpenalty").text = "0"
    ET.SubElement(node, "showunits").text = "3"
    ET.SubElement(node, "unitsleft").text = "0"


@_qtype("matching")
def _matching(question: Any, node: Element, extra: dict, report: Report) -> None:
    ET.SubElement(node, "shuffleanswers").text = "true"
    if question.scoring == "all_or_nothing":
        report.add(
            question.id,
            Msg(
                "all-or-nothing scoring: Moodle's matching gives partial credit "
                "(kept as the tag scoring:all_or_nothing)"
            ),
        )
    for pair in question.pairs:
        sub = _text_element(node, "subquestion", pair.prompt)
        ET.SubElement(ET.SubElement(sub, "answer"), "text").text = pair.answer
    for distractor in question.distractors:
        sub = _text_element(node, "subquestion", "")
        ET.SubElement(ET.SubElement(sub, "answer"), "text").text = distractor


@_qtype("ordering")
def _ordering(question: Any, node: Element, extra: dict, report: Report) -> None:
    ET.SubElement(node, "layouttype").text = "VERTICAL"
    ET.SubElement(node, "selecttype").text = "ALL"
    ET.SubElement(node, "selectcount").text = "0"
    grading = (
        "ALL_OR_NOTHING"
        if question.scoring == "all_or_nothing"
        else ("RELATIVE_ALL_PREVIOUS_AND_NEXT")
    )
    ET.SubElement(node, "gradingtype").text = grading
    ET.SubElement(node, "showgrading").text = "SHOW"
    ET.SubElement(node, "numberingstyle").text = "none"
    for position, item in enumerate(question.items, start=1):
        _answer(node, item, position / 100, html=False)


@_qtype("cloze")
def _cloze(question: Any, node: Element, extra: dict, report: Report) -> None:
    return None


_BODIES = {
    "single": _choices,
    "multiple": _choices,
    "true_false": _true_false,
    "short": _short,
    "numeric": _numeric,
    "matching": _matching,
    "ordering": _ordering,
    "cloze": _cloze,
}


def _escape(text: str) -> str:
    """An answer inside a Moodle cloze code: its special characters backslash-escaped."""
    return re.sub(r'([\\}#~/"{])', r"\\\1", text)


def _cloze_text(question: Cloze, extra: dict, report: Report) -> str:
    extra["blanks"] = ",".join(question.names())
    ranges = []

    def code(match: re.Match[str]) -> str:
        name = match.group(1)
        blank = question.blanks[name]
        if isinstance(blank, ChoiceBlank):
            options = "~".join(
                ("=" if choice == blank.answer else "") + _escape(choice)
                for choice in blank.choices
            )
            return "{1:MULTICHOICE:" + options + "}"
        if isinstance(blank, ShortBlank):
            kind = "SHORTANSWER_C" if blank.case_sensitive else "SHORTANSWER"
            return "{1:" + kind + ":" + "~".join("=" + _escape(a) for a in blank.accept) + "}"
        assert isinstance(blank, NumericBlank)
        if blank.range is not None:
            answer, tolerance = midpoint(*blank.range)
            ranges.append(name)
        else:
            answer, tolerance = blank.answer, tolerance_of(blank)
            if isinstance(blank.tolerance, str):
                report.add(
                    question.id,
                    Msg(
                        "blank %(blank)s: tolerance %(tolerance)s made absolute",
                        blank=name,
                        tolerance=blank.tolerance,
                    ),
                )
        return "{1:NUMERICAL:=" + number_text(answer) + ":" + number_text(tolerance) + "}"

    text = BLANK.sub(code, question.text)
    if ranges:
        extra["blank-range"] = ranges
    return text


# -- import -----------------------------------------------------------------------------------

_CODE = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}")


def _split(text: str, separator: str) -> list[str]:
    return re.split(r"(?<!\\)" + re.escape(separator), text)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _html(node: Element | None) -> str:
    if node is None:
        return ""
    form = node.get("format", "html")
    raw = text_of(child(node, "text")) if child(node, "text") is not None else ""
    return (
        raw.strip()
        if form in ("plain_text", "moodle_auto_format", "markdown")
        else html_to_text(raw)
    )


def import_bytes(data: bytes, filename: str, max_bytes: int = MAX_BANK_BYTES):
    """A bank document (our YAML shape) and the report, from a Moodle XML file."""
    root = parse_xml(data, filename, max_bytes)
    if root.tag != "quiz":
        raise ConversionError(
            Msg(
                "%(file)s: not Moodle XML: the root element is <%(root)s>, not <quiz>",
                file=filename,
                root=root.tag,
            )
        )
    report = Report()
    questions: list[dict[str, Any]] = []
    taken: set[str] = set()
    title = bank_id = ""
    for number, node in enumerate(children(root, "question"), start=1):
        qtype = node.get("type", "")
        if qtype == "category":
            path = text_of(child(child(node, "category"), "text")).strip()
            parts = [part for part in path.split("/") if part and not part.startswith("$")]
            if parts and parts[0] == "top":
                parts = parts[1:]
            title = title or (parts[0] if parts else "")
            bank_id = bank_id or text_of(child(node, "idnumber")).strip()
            continue
        name = text_of(child(child(node, "name"), "text")).strip()
        qid = question_id([text_of(child(node, "idnumber")), name], taken, number)
        reader = _READERS.get(qtype)
        if reader is None:
            report.add(
                qid,
                Msg("Moodle '%(type)s' questions have no counterpart here; left out", type=qtype),
            )
            continue
        question: dict[str, Any] = {"id": qid}
        tags = [text_of(child(tag, "text")).strip() for tag in children(child(node, "tags"), "tag")]
        try:
            reader(node, question, report, tags)
        except UNREADABLE as error:
            report.add(qid, left_out(error))
            continue
        points = parse_float(text_of(child(node, "defaultgrade")))
        if points is not None and points != 1:
            question["points"] = points
        explanation = _html(child(node, "generalfeedback"))
        if explanation:
            question["explanation"] = explanation
        questions.append(question)
    bank_title = title or filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return build_document(bank_id or bank_title, bank_title, questions, report), report


def _start(question: dict[str, Any], kind: str, node: Element) -> None:
    question["type"] = kind
    question["text"] = _html(child(node, "questiontext"))


def _answers(node: Element) -> list[tuple[str, float, str, Element]]:
    found = []
    for answer in children(node, "answer"):
        fraction = parse_float(answer.get("fraction", "0")) or 0.0
        found.append((_html(answer), fraction / 100, _html(child(answer, "feedback")), answer))
    return found


def _read_multichoice(node: Element, question: dict, report: Report, tags: list[str]) -> None:
    single = text_of(child(node, "single")).strip().lower() in ("true", "1")
    answers = _answers(node)
    _start(question, "single" if single else "multiple", node)
    question["choices"] = []
    for text, fraction, feedback, _ in answers:
        choice: dict[str, Any] = {"text": text}
        if fraction > 0:
            choice["correct"] = True
        if feedback:
            choice["feedback"] = feedback
        question["choices"].append(choice)
    if single and sum(fraction >= 0.999 for _, fraction, _, _ in answers) != 1:
        report.add(
            question["id"],
            Msg("partial fractions of a single-choice question: only full marks count as correct"),
        )
    if not single:
        question["scoring"] = "partial"
    if text_of(child(node, "shuffleanswers")).strip().lower() in ("false", "0"):
        question["shuffle"] = False
    apply_meta(question, tags)


def _read_truefalse(node: Element, question: dict, report: Report, tags: list[str]) -> None:
    _start(question, "true_false", node)
    for text, fraction, feedback, _ in _answers(node):
        word = text.strip().lower()
        if word == "true":
            question["answer"] = fraction > 0.5
            if feedback:
                question["feedback_true"] = feedback
        elif word == "false" and feedback:
            question["feedback_false"] = feedback
    apply_meta(question, tags)


def _read_short(node: Element, question: dict, report: Report, tags: list[str]) -> None:
    _start(question, "short", node)
    answers = _answers(node)
    question["accept"] = [text for text, fraction, _, _ in answers if fraction >= 0.999]
    partial = [text for text, fraction, _, _ in answers if 0 < fraction < 0.999]
    if partial:
        report.add(
            question["id"],
            Msg(
                "answers worth part marks are not carried: %(answers)s", answers=", ".join(partial)
            ),
        )
    if any(feedback for _, _, feedback, _ in answers):
        report.add(question["id"], Msg("feedback on short answers is not carried"))
    if text_of(child(node, "usecase")).strip() == "1":
        question["case_sensitive"] = True
    apply_meta(question, tags)


def _read_numerical(node: Element, question: dict, report: Report, tags: list[str]) -> None:
    _start(question, "numeric", node)
    answers = [entry for entry in _answers(node) if entry[1] >= 0.999]
    if not answers:
        raise ValueError(Msg("no answer with full marks"))
    if len(_answers(node)) > 1:
        report.add(question["id"], Msg("only the first fully-right answer is carried"))
    text, _, _, answer = answers[0]
    value = parse_float(text)
    if value is None:
        raise ValueError(Msg("the answer '%(answer)s' is not a number", answer=text))
    tolerance = parse_float(text_of(child(answer, "tolerance"))) or 0.0
    meta = apply_meta(question, tags)
    question.update(
        numeric_target(meta.get("tolerance", []), bool(meta.get("range")), value, tolerance)
    )
    units_node = child(node, "units")
    found = [
        (text_of(child(unit, "unit_name")).strip(), parse_float(text_of(child(unit, "multiplier"))))
        for unit in (units_node.findall("unit") if units_node is not None else [])
    ]
    found = [(name, multiplier) for name, multiplier in found if name]
    if found and found[0][1] in (None, 1.0):
        question["unit"] = found.pop(0)[0]
    declared = {name: multiplier for name, multiplier in found if multiplier and multiplier > 0}
    if declared:
        question["units"] = declared


def _read_matching(node: Element, question: dict, report: Report, tags: list[str]) -> None:
    _start(question, "matching", node)
    question["pairs"], distractors = [], []
    for sub in children(node, "subquestion"):
        prompt = _html(sub)
        answer = text_of(child(child(sub, "answer"), "text")).strip()
        if prompt:
            question["pairs"].append({"prompt": prompt, "answer": answer})
        elif answer:
            distractors.append(answer)
    if distractors:
        question["distractors"] = distractors
    apply_meta(question, tags)


def _read_ordering(node: Element, question: dict, report: Report, tags: list[str]) -> None:
    _start(question, "ordering", node)
    answers = _answers(node)
    answers.sort(key=lambda entry: entry[1])
    question["items"] = [text for text, _, _, _ in answers]
    grading = text_of(child(node, "gradingtype")).strip().upper()
    if grading in ("ALL_OR_NOTHING", "-1"):
        question["scoring"] = "all_or_nothing"
    elif grading not in ("RELATIVE_ALL_PREVIOUS_AND_NEXT", "4", ""):
        report.add(
            question["id"],
            Msg(
                "Moodle's ordering grading %(grading)s: scored here by pairs in order",
                grading=grading,
            ),
        )
    apply_meta(question, tags)


def _read_cloze(node: Element, question: dict, report: Report, tags: list[str]) -> None:
    question["type"] = "cloze"
    raw = text_of(child(child(node, "questiontext"), "text"))
    meta = apply_meta(question, tags)
    names = meta.get("blanks", [""])[0].split(",") if meta.get("blanks") else []
    ranges = set(meta.get("blank-range", []))
    blanks: dict[str, Any] = {}

    def replace(match: re.Match[str]) -> str:
        index = len(blanks)
        name = names[index] if index < len(names) and names[index] else f"blank{index + 1}"
        blanks[name] = _blank(
            match.group(2), match.group(3), name in ranges, question["id"], report
        )
        return f"[[{name}]]"

    text = _CODE.sub(replace, raw)
    form = (child(node, "questiontext") or ET.Element("x")).get("format", "html")
    question["text"] = html_to_text(text) if form == "html" else text.strip()
    question["blanks"] = blanks


def _blank(kind: str, body: str, is_range: bool, qid: str, report: Report) -> dict[str, Any]:
    options = []
    for part in _split(body, "~"):
        if not part:
            continue
        correct = part.startswith("=") or part.startswith("%100%")
        part = re.sub(r"^(=|%-?[\d.]+%)", "", part)
        answer = html.unescape(_unescape(_split(part, "#")[0]))
        if len(_split(part, "#")) > 1:
            report.add(qid, Msg("feedback inside a cloze blank is not carried"))
        options.append((answer, correct))
    if kind.startswith(("MULTICHOICE", "MC", "MULTIRESPONSE", "MR")):
        right = [text for text, correct in options if correct]
        if not right:
            raise ValueError(Msg("a choice blank without a right answer"))
        return {"type": "choice", "choices": [text for text, _ in options], "answer": right[0]}
    if kind.startswith(("SHORTANSWER", "SA", "MW")):
        blank: dict[str, Any] = {"type": "short", "accept": [t for t, c in options if c]}
        if kind.endswith("_C"):
            blank["case_sensitive"] = True
        return blank
    if kind.startswith(("NUMERICAL", "NM")):
        text = next((t for t, c in options if c), "")
        value, _, tolerance = text.partition(":")
        number = parse_float(value)
        if number is None:
            raise ValueError(Msg("the numeric blank '%(answer)s' is not a number", answer=text))
        target = numeric_target([], is_range, number, parse_float(tolerance) or 0.0)
        return {"type": "numeric", **target}
    raise ValueError(Msg("the cloze code %(code)s has no counterpart", code=kind))


_READERS = {
    "multichoice": _read_multichoice,
    "truefalse": _read_truefalse,
    "shortanswer": _read_short,
    "numerical": _read_numerical,
    "matching": _read_matching,
    "ordering": _read_ordering,
    "cloze": _read_cloze,
    "multianswer": _read_cloze,
}
