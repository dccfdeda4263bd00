"""QTI 1.2 as Canvas Classic Quizzes writes and reads it (and text2qti produces it).

One assessment file holds every question as an ``item`` whose ``question_type`` metadata names
Canvas's type: ``multiple_choice_question``, ``multiple_answers_question``,
``true_false_question``, ``short_answer_question``, ``numerical_question``,
``matching_question``, ``fill_in_multiple_blanks_question`` / ``multiple_dropdowns_question``.
``points_possible`` holds the points; feedback is an ``itemfeedback`` per choice (``<id>_fb``)
and the explanation ``general_fb``. Canvas Classic has no ordering question: it becomes a
matching of each item to its position (``quizapp_tag`` type:ordering). Canvas blanks only
match typed text, so a cloze's numeric blanks are written as their exact answer and the blanks
travel whole in a ``quizapp_blanks`` metadata field; tags and the rest are ``quizapp_tag``
metadata fields.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree as ET

from quizapp.bank.models import Bank
from quizapp.interop import qti_package as package
from quizapp.interop.common import (
    UNREADABLE,
    Element,
    Report,
    apply_meta,
    child,
    children,
    descendants,
    html_to_text,
    left_out,
    meta_tags,
    number_text,
    numeric_target,
    parse_float,
    split_meta,
    text_of,
    text_to_html,
    tolerance_of,
)
from quizapp.interop.document import question_id
from quizapp.qtypes.cloze import BLANK, ChoiceBlank, NumericBlank, ShortBlank
from quizapp.translatable import Msg

NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
ASSESSMENT_TYPE = "imsqti_xmlv1p2"


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


def sub(parent: Element, name: str, attrs: dict[str, str] | None = None, text: str | None = None):
    node = ET.SubElement(parent, q(name), attrs or {})
    if text is not None:
        node.text = text
    return node


def _material(parent: Element, text: str, html: bool = True) -> Element:
    material = sub(parent, "material")
    sub(
        material,
        "mattext",
        {"texttype": "text/html" if html else "text/plain"},
        text_to_html(text) if html else text,
    )
    return material


def _meta(item: Element, fields: list[tuple[str, str]]) -> None:
    holder = sub(sub(item, "itemmetadata"), "qtimetadata")
    for label, entry in fields:
        field = sub(holder, "qtimetadatafield")
        sub(field, "fieldlabel", text=label)
        sub(field, "fieldentry", text=entry)


def _condition(
    rp: Element,
    respident: str,
    values: list[str],
    score: str | None = None,
    feedback: str | None = None,
    action: str = "Set",
    cont: str = "Yes",
) -> Element:
    condition = sub(rp, "respcondition", {"continue": cont})
    holder = sub(condition, "conditionvar")
    if not values:
        sub(holder, "other")
    for value in values:
        sub(holder, "varequal", {"respident": respident}, value)
    if score is not None:
        sub(condition, "setvar", {"action": action, "varname": "SCORE"}, score)
    if feedback:
        sub(condition, "displayfeedback", {"feedbacktype": "Response", "linkrefid": feedback})
    return condition


def _itemfeedback(item: Element, ident: str, text: str) -> None:
    if text:
        _material(sub(sub(item, "itemfeedback", {"ident": ident}), "flow_mat"), text)


# -- export -----------------------------------------------------------------------------------


def export_bank(bank: Bank, report: Report | None = None) -> bytes:
    """The bank as a QTI 1.2 content package for Canvas Classic Quizzes (zip bytes)."""
    report = report if report is not None else Report()
    ET.register_namespace("", NS)
    root = ET.Element(q("questestinterop"))
    assessment = sub(root, "assessment", {"ident": bank.bank, "title": bank.title})
    section = sub(assessment, "section", {"ident": "root_section"})
    for question in bank.questions:
        section.append(_item(question, report))
    href = f"{bank.bank}/{bank.bank}.xml"
    manifest = package.manifest(f"MANIFEST-{bank.bank}", bank.title)
    package.add_resource(manifest, bank.bank, ASSESSMENT_TYPE, href)
    return package.write_zip(
        {"imsmanifest.xml": package.xml_bytes(manifest), href: package.xml_bytes(root)}
    )


def _item(question: Any, report: Report) -> Element:
    item = ET.Element(q("item"), {"ident": question.id, "title": question.id})
    extra: dict[str, Any] = {}
    presentation = ET.Element(q("presentation"))
    rp = ET.Element(q("resprocessing"))
    sub(
        sub(rp, "outcomes"),
        "decvar",
        {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"},
    )
    if question.explanation:
        _condition(rp, "response1", [], feedback="general_fb")
    feedbacks: list[tuple[str, str]] = []
    fields: list[tuple[str, str]] = []
    kind = question.type
    text = question.text
    if kind in ("single", "multiple", "true_false"):
        if kind == "true_false":
            options = [
                ("true", "True", question.answer, question.feedback_true),
                ("false", "False", not question.answer, question.feedback_false),
            ]
            canvas = "true_false_question"
        else:
            options = [
                (f"{question.id}-c{n}", c.text, c.correct, c.feedback)
                for n, c in enumerate(question.choices, start=1)
            ]
            canvas = "multiple_choice_question" if kind == "single" else "multiple_answers_question"
            if kind == "multiple" and question.scoring == "partial":
                report.add(
                    question.id,
                    Msg(
                        "partial scoring: Canvas Classic scores multiple answers "
                        "all or nothing here (the tag scoring:partial keeps it)"
                    ),
                )
                extra["scoring"] = "partial"
        lid = sub(
            presentation,
            "response_lid",
            {"ident": "response1", "rcardinality": "Single" if kind != "multiple" else "Multiple"},
        )
        choice = sub(
            lid, "render_choice", {"shuffle": "Yes" if getattr(question, "shuffle", True) else "No"}
        )
        for ident, label, _, feedback in options:
            _material(
                sub(choice, "response_label", {"ident": ident}), label, html=kind != "true_false"
            )
            if feedback:
                _condition(rp, "response1", [ident], feedback=f"{ident}_fb")
                feedbacks.append((f"{ident}_fb", feedback))
        rights = [o[0] for o in options if o[2]]
        if kind == "multiple":
            condition = sub(rp, "respcondition", {"continue": "No"})
            both = sub(sub(condition, "conditionvar"), "and")
            for ident, _, right, _ in options:
                target = both if right else sub(both, "not")
                sub(target, "varequal", {"respident": "response1"}, ident)
            sub(condition, "setvar", {"action": "Set", "varname": "SCORE"}, "100")
        else:
            _condition(rp, "response1", rights, score="100", cont="No")
        fields.append(("original_answer_ids", ",".join(o[0] for o in options)))
    elif kind == "short":
        canvas = "short_answer_question"
        if question.case_sensitive:
            extra["case-sensitive"] = "true"
            report.add(
                question.id,
                Msg(
                    "Canvas compares short answers ignoring case "
                    "(the tag case-sensitive:true keeps it)"
                ),
            )
        sub(
            sub(
                sub(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"}),
                "render_fib",
            ),
            "response_label",
            {"ident": "answer1", "rshuffle": "No"},
        )
        _condition(rp, "response1", list(question.accept), score="100", cont="No")
    elif kind == "numeric":
        canvas = "numerical_question"
        if question.unit:
            extra["unit"] = question.unit
            report.add(
                question.id,
                Msg(
                    "Canvas numerical questions have no unit (tag unit:%(unit)s)",
                    unit=question.unit,
                ),
            )
        sub(
            sub(
                sub(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"}),
                "render_fib",
                {"fibtype": "Decimal"},
            ),
            "response_label",
            {"ident": "answer1"},
        )
        condition = sub(rp, "respcondition", {"continue": "No"})
        holder = sub(condition, "conditionvar")
        if question.range is not None:
            sub(holder, "vargte", {"respident": "response1"}, number_text(question.range[0]))
            sub(holder, "varlte", {"respident": "response1"}, number_text(question.range[1]))
        else:
            if isinstance(question.tolerance, str):
                extra["tolerance"] = question.tolerance
                report.add(
                    question.id,
                    Msg(
                        "tolerance %(tolerance)s: Canvas's margin is absolute",
                        tolerance=question.tolerance,
                    ),
                )
            spread = tolerance_of(question)
            either = sub(holder, "or")
            sub(either, "varequal", {"respident": "response1"}, number_text(question.answer))
            both = sub(either, "and")
            sub(both, "vargte", {"respident": "response1"}, number_text(question.answer - spread))
            sub(both, "varlte", {"respident": "response1"}, number_text(question.answer + spread))
        sub(condition, "setvar", {"action": "Set", "varname": "SCORE"}, "100")
    elif kind in ("matching", "ordering"):
        canvas = "matching_question"
        if kind == "ordering":
            extra["type"] = "ordering"
            report.add(
                question.id,
                Msg(
                    "Canvas Classic has no ordering question: written as a "
                    "matching of each item to its position (tag type:ordering)"
                ),
            )
            pairs = [(item_text, str(n)) for n, item_text in enumerate(question.items, start=1)]
            distractors: list[str] = []
            if question.scoring == "all_or_nothing":
                report.add(
                    question.id, Msg("all-or-nothing scoring: Canvas gives credit per match")
                )
        else:
            pairs = [(pair.prompt, pair.answer) for pair in question.pairs]
            distractors = list(question.distractors)
            if question.scoring == "all_or_nothing":
                report.add(
                    question.id,
                    Msg(
                        "all-or-nothing scoring: Canvas gives credit per match "
                        "(the tag scoring:all_or_nothing keeps it)"
                    ),
                )
        answers: dict[str, str] = {}
        for answer in [a for _, a in pairs] + distractors:
            answers.setdefault(answer, f"{question.id}-a{len(answers) + 1}")
        share = number_text(100 / len(pairs))
        for n, (prompt, answer) in enumerate(pairs, start=1):
            lid = sub(presentation, "response_lid", {"ident": f"response_{n}"})
            _material(lid, prompt, html=False)
            choice = sub(lid, "render_choice")
            for label, ident in answers.items():
                _material(sub(choice, "response_label", {"ident": ident}), label, html=False)
            _condition(rp, f"response_{n}", [answers[answer]], score=share, action="Add")
    else:
        names = question.names()
        all_choice = all(isinstance(question.blanks[n], ChoiceBlank) for n in names)
        canvas = "multiple_dropdowns_question" if all_choice else "fill_in_multiple_blanks_question"
        text = BLANK.sub(lambda m: f"[{m.group(1)}]", question.text)
        fields.append(
            (
                "quizapp_blanks",
                json.dumps(
                    {
                        n: question.blanks[n].model_dump(mode="json", exclude_defaults=True)
                        | {"type": question.blanks[n].type}
                        for n in names
                    },
                    ensure_ascii=False,
                ),
            )
        )
        share = number_text(100 / len(names))
        for name in names:
            blank = question.blanks[name]
            lid = sub(presentation, "response_lid", {"ident": f"response_{name}"})
            _material(lid, name, html=False)
            choice = sub(lid, "render_choice")
            if isinstance(blank, ChoiceBlank):
                labels = list(blank.choices)
                right = [blank.answer]
                if not all_choice:
                    report.add(
                        question.id,
                        Msg(
                            "blank %(blank)s: Canvas mixes no drop-downs with typed "
                            "blanks; written as a typed answer",
                            blank=name,
                        ),
                    )
            elif isinstance(blank, ShortBlank):
                labels = right = list(blank.accept)
            else:
                assert isinstance(blank, NumericBlank)
                value = blank.answer if blank.range is None else blank.range[0]
                labels = right = [number_text(value)]
                if blank.range is not None or blank.tolerance:
                    report.add(
                        question.id,
                        Msg(
                            "blank %(blank)s: Canvas matches typed text, so only "
                            "%(answer)s counts there (Quizapp keeps the margin)",
                            blank=name,
                            answer=number_text(value),
                        ),
                    )
            idents = {label: f"{name}-{n}" for n, label in enumerate(labels, start=1)}
            for label, ident in idents.items():
                _material(sub(choice, "response_label", {"ident": ident}), label, html=False)
            _condition(
                rp, f"response_{name}", [idents[r] for r in right], score=share, action="Add"
            )
    fields = [
        ("question_type", canvas),
        ("points_possible", number_text(question.points)),
        *fields,
        *(("quizapp_tag", tag) for tag in meta_tags(question, extra)),
    ]
    _meta(item, fields)
    material = _material(presentation, text)
    presentation.remove(material)
    presentation.insert(0, material)
    item.append(presentation)
    item.append(rp)
    _itemfeedback(item, "general_fb", question.explanation)
    for ident, feedback in feedbacks:
        _itemfeedback(item, ident, feedback)
    return item


# -- import -----------------------------------------------------------------------------------


def _fields(item: Element) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field in descendants(child(item, "itemmetadata"), "qtimetadatafield"):
        label = text_of(child(field, "fieldlabel")).strip()
        found.setdefault(label, []).append(text_of(child(field, "fieldentry")))
    return found


def _mat(node: Element | None) -> str:
    mattext = child(child(node, "material"), "mattext") if node is not None else None
    if mattext is None:
        return ""
    raw = text_of(mattext)
    return (
        html_to_text(raw) if mattext.get("texttype", "text/plain") == "text/html" else raw.strip()
    )


def read_items(root: Element, taken: set[str], report: Report):
    """The id, title and question dicts of a QTI 1.2 ``questestinterop`` document."""
    assessment = child(root, "assessment")
    title = assessment.get("title", "") if assessment is not None else ""
    bank_id = assessment.get("ident", "") if assessment is not None else ""
    questions = []
    for number, item in enumerate(descendants(root, "item"), start=len(taken) + 1):
        qid = question_id([item.get("ident", ""), item.get("title", "")], taken, number)
        try:
            question = _read_item(item, qid, report)
        except UNREADABLE as error:
            report.add(qid, left_out(error))
            continue
        if question is not None:
            questions.append(question)
    return bank_id, title, questions


#: The note for each kind of Canvas feedback Quizapp has no place for (one message each, so
#: that each language can word it).
_FEEDBACK_NOT_CARRIED = {
    "correct_fb": lambda text: Msg(
        "Canvas's correct feedback is not carried: %(feedback)s", feedback=text
    ),
    "general_incorrect_fb": lambda text: Msg(
        "Canvas's general_incorrect feedback is not carried: %(feedback)s", feedback=text
    ),
}


def _read_item(item: Element, qid: str, report: Report) -> dict[str, Any] | None:
    fields = _fields(item)
    canvas = (fields.get("question_type") or [""])[0].strip()
    presentation = child(item, "presentation")
    rp = child(item, "resprocessing")
    feedback = {
        fb.get("ident", ""): _mat(child(fb, "flow_mat")) for fb in children(item, "itemfeedback")
    }
    question: dict[str, Any] = {"id": qid, "text": _mat(presentation)}
    points = parse_float((fields.get("points_possible") or ["1"])[0])
    if points and points != 1:
        question["points"] = points
    if feedback.get("general_fb"):
        question["explanation"] = feedback["general_fb"]
    for name in ("correct_fb", "general_incorrect_fb"):
        if feedback.get(name):
            report.add(qid, _FEEDBACK_NOT_CARRIED[name](feedback[name][:60]))
    tags = fields.get("quizapp_tag", [])
    conditions = descendants(rp, "respcondition")

    def scoring(condition: Element) -> bool:
        return any(float(parse_float(text_of(s)) or 0) > 0 for s in children(condition, "setvar"))

    lids = children(presentation, "response_lid")
    if canvas in (
        "multiple_choice_question",
        "true_false_question",
        "multiple_answers_question",
    ) or (not canvas and len(lids) == 1):
        labels = descendants(lids[0], "response_label")
        right: set[str] = set()
        for condition in filter(scoring, conditions):
            holder = child(condition, "conditionvar")
            negated = {
                id(v) for n in descendants(holder, "not") for v in descendants(n, "varequal")
            }
            right |= {
                text_of(v).strip() for v in descendants(holder, "varequal") if id(v) not in negated
            }
        choices = []
        for label in labels:
            ident = label.get("ident", "")
            entry: dict[str, Any] = {"text": _mat(label)}
            if ident in right:
                entry["correct"] = True
            if feedback.get(f"{ident}_fb"):
                entry["feedback"] = feedback[f"{ident}_fb"]
            choices.append(entry)
        if canvas == "true_false_question":
            by_word = {c["text"].strip().lower(): c for c in choices}
            question.update(
                {"type": "true_false", "answer": bool(by_word.get("true", {}).get("correct"))}
            )
            if by_word.get("true", {}).get("feedback"):
                question["feedback_true"] = by_word["true"]["feedback"]
            if by_word.get("false", {}).get("feedback"):
                question["feedback_false"] = by_word["false"]["feedback"]
        else:
            multiple = (
                canvas == "multiple_answers_question" or lids[0].get("rcardinality") == "Multiple"
            )
            question.update({"type": "multiple" if multiple else "single", "choices": choices})
            shuffle = child(lids[0], "render_choice")
            if shuffle is not None and shuffle.get("shuffle") == "No":
                question["shuffle"] = False
        apply_meta(question, tags)
    elif canvas == "short_answer_question":
        accepted = [
            text_of(v).strip()
            for c in filter(scoring, conditions)
            for v in descendants(c, "varequal")
        ]
        question.update({"type": "short", "accept": list(dict.fromkeys(accepted))})
        apply_meta(question, tags)
    elif canvas == "numerical_question":
        question["type"] = "numeric"
        meta = apply_meta(question, tags)
        condition = next(c for c in conditions if scoring(c))
        exact = [parse_float(text_of(v)) for v in descendants(condition, "varequal")]
        low = [parse_float(text_of(v)) for v in descendants(condition, "vargte")]
        high = [parse_float(text_of(v)) for v in descendants(condition, "varlte")]
        if exact and exact[0] is not None:
            spread = (high[0] - exact[0]) if high and high[0] is not None else 0.0
            question.update(numeric_target(meta.get("tolerance", []), False, exact[0], spread))
        elif low and high and low[0] is not None and high[0] is not None:
            question["range"] = [low[0], high[0]]
        else:
            raise ValueError(Msg("a numerical question without an answer"))
    elif canvas == "matching_question":
        pairs = []
        answers: dict[str, str] = {}
        for lid in lids:
            for label in descendants(lid, "response_label"):
                answers.setdefault(label.get("ident", ""), _mat(label))
        for lid in lids:
            ident = lid.get("ident", "")
            right_ids = [
                text_of(v).strip()
                for c in filter(scoring, conditions)
                for v in descendants(c, "varequal")
                if v.get("respident") == ident
            ]
            if right_ids:
                pairs.append((_mat(lid), answers[right_ids[0]]))
        _, meta = split_meta(tags)
        if meta.get("type") == ["ordering"]:
            ordered = sorted(pairs, key=lambda pair: parse_float(pair[1]) or 0)
            question.update({"type": "ordering", "items": [prompt for prompt, _ in ordered]})
        else:
            used = {answer for _, answer in pairs}
            question.update(
                {"type": "matching", "pairs": [{"prompt": p, "answer": a} for p, a in pairs]}
            )
            distractors = [a for a in dict.fromkeys(answers.values()) if a not in used]
            if distractors:
                question["distractors"] = distractors
        apply_meta(question, tags)
    elif canvas in ("fill_in_multiple_blanks_question", "multiple_dropdowns_question"):
        question["type"] = "cloze"
        question["text"] = re.sub(r"\[([A-Za-z0-9][A-Za-z0-9_-]*)\]", r"[[\1]]", question["text"])
        if fields.get("quizapp_blanks"):
            question["blanks"] = json.loads(fields["quizapp_blanks"][0])
        else:
            blanks: dict[str, Any] = {}
            for lid in lids:
                name = _mat(lid) or lid.get("ident", "").removeprefix("response_")
                labels = {
                    lb.get("ident", ""): _mat(lb) for lb in descendants(lid, "response_label")
                }
                right_ids = [
                    text_of(v).strip()
                    for c in filter(scoring, conditions)
                    for v in descendants(c, "varequal")
                    if v.get("respident") == lid.get("ident")
                ]
                if canvas == "multiple_dropdowns_question":
                    blanks[name] = {
                        "type": "choice",
                        "choices": list(labels.values()),
                        "answer": labels.get(right_ids[0], "") if right_ids else "",
                    }
                else:
                    blanks[name] = {
                        "type": "short",
                        "accept": [labels[i] for i in right_ids if i in labels],
                    }
            question["blanks"] = blanks
        apply_meta(question, tags)
    else:
        report.add(
            qid,
            Msg(
                "Canvas '%(type)s' questions have no counterpart here; left out",
                type=canvas or "unknown",
            ),
        )
        return None
    return question


__all__ = ["ASSESSMENT_TYPE", "export_bank", "read_items"]
