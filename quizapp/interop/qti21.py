"""QTI 2.1 items, one file per question, in a content package.

single/multiple/true_false are ``choiceInteraction`` (true/false as two choices TRUE and FALSE),
short answer and numeric ``textEntryInteraction``, matching ``matchInteraction`` (directed
pairs), ordering ``orderInteraction``, cloze a paragraph with ``textEntryInteraction`` and
``inlineChoiceInteraction`` inside. ``SCORE`` is in points (``MAXSCORE`` holds the question's
points); each choice's feedback is a ``modalFeedback`` named by the choice, the explanation a
``modalFeedback`` named GENERAL. Response processing follows the ``map_response`` /
``match_correct`` templates, written out so that it can also set ``FEEDBACK``; numeric answers
use ``equal`` with a tolerance, or ``gte``/``lte`` for a range. Tags, objectives and the rest
travel as LOM keywords of the item's resource in the manifest.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from quizapp.bank.models import Bank
from quizapp.interop import qti_package as package
from quizapp.interop.common import (
    Element,
    Report,
    apply_meta,
    child,
    children,
    descendants,
    local,
    meta_tags,
    midpoint,
    number_text,
    numeric_target,
    parse_float,
    text_of,
)
from quizapp.interop.document import question_id
from quizapp.qtypes.cloze import BLANK, ChoiceBlank, Cloze, NumericBlank, ShortBlank
from quizapp.translatable import Msg

NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
SCHEMA = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
ITEM_TYPE = "imsqti_item_xmlv2p1"
MAP_RESPONSE = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response"
MATCH_CORRECT = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


def sub(parent: Element, name: str, attrs: dict[str, str] | None = None, text: str | None = None):
    node = ET.SubElement(parent, q(name), attrs or {})
    if text is not None:
        node.text = text
    return node


def _paragraphs(parent: Element, text: str) -> None:
    for paragraph in text.strip("\n").split("\n\n"):
        p = sub(parent, "p")
        lines = paragraph.split("\n")
        p.text = lines[0]
        for line in lines[1:]:
            br = sub(p, "br")
            br.tail = line


def _read_paragraphs(node: Element | None) -> str:
    if node is None:
        return ""
    parts = []
    for p in children(node, "p"):
        pieces = [p.text or ""]
        for inner in p:
            pieces.append("\n" if local(inner) == "br" else text_of(inner))
            pieces.append(inner.tail or "")
        parts.append("".join(pieces).strip())
    return "\n\n".join(parts) if parts else text_of(node).strip()


# -- export -----------------------------------------------------------------------------------


def export_bank(bank: Bank, report: Report | None = None) -> bytes:
    """The bank as a QTI 2.1 content package (zip bytes)."""
    report = report if report is not None else Report()
    root = package.manifest(f"MANIFEST-{bank.bank}", bank.title)
    files: dict[str, bytes] = {}
    for question in bank.questions:
        extra: dict[str, Any] = {}
        item = _item(question, extra, report)
        href = f"items/{question.id}.xml"
        files[href] = package.xml_bytes(item)
        package.add_resource(
            root, f"RES-{question.id}", ITEM_TYPE, href, meta_tags(question, extra)
        )
    return package.write_zip({"imsmanifest.xml": package.xml_bytes(root), **files})


def _declare_outcomes(item: Element, points: float) -> None:
    score = sub(
        item,
        "outcomeDeclaration",
        {
            "identifier": "SCORE",
            "cardinality": "single",
            "baseType": "float",
            "normalMaximum": number_text(points),
        },
    )
    sub(sub(score, "defaultValue"), "value", text="0")
    maximum = sub(
        item,
        "outcomeDeclaration",
        {"identifier": "MAXSCORE", "cardinality": "single", "baseType": "float"},
    )
    sub(sub(maximum, "defaultValue"), "value", text=number_text(points))
    sub(
        item,
        "outcomeDeclaration",
        {"identifier": "FEEDBACK", "cardinality": "multiple", "baseType": "identifier"},
    )


def _response(item: Element, rid: str, cardinality: str, base: str, correct: list[str]) -> Element:
    node = sub(
        item,
        "responseDeclaration",
        {"identifier": rid, "cardinality": cardinality, "baseType": base},
    )
    holder = sub(node, "correctResponse")
    for value in correct:
        sub(holder, "value", text=value)
    return node


def _set(parent: Element, outcome: str, expression: Element) -> None:
    setter = sub(parent, "setOutcomeValue", {"identifier": outcome})
    setter.append(expression)


def _value(base: str, value: str) -> Element:
    node = ET.Element(q("baseValue"), {"baseType": base})
    node.text = value
    return node


def _variable(rid: str) -> Element:
    return ET.Element(q("variable"), {"identifier": rid})


def _score_rule(rp: Element, rid: str, kind: str) -> None:
    """The map_response or match_correct template's rule for one response."""
    condition = sub(rp, "responseCondition")
    first = sub(condition, "responseIf")
    sub(sub(first, "isNull"), "variable", {"identifier": rid})
    _set(first, "SCORE", _value("float", "0"))
    other = sub(condition, "responseElse")
    if kind == "map":
        _set(other, "SCORE", ET.Element(q("mapResponse"), {"identifier": rid}))
    else:
        match = ET.Element(q("match"))
        match.append(_variable(rid))
        match.append(ET.Element(q("correct"), {"identifier": rid}))
        inner = sub(other, "responseCondition")
        yes = sub(inner, "responseIf")
        yes.append(match)
        _set(yes, "SCORE", _variable("MAXSCORE"))
        _set(sub(inner, "responseElse"), "SCORE", _value("float", "0"))


def _feedback_rule(rp: Element, rids: list[str]) -> None:
    """FEEDBACK: the chosen identifiers (for per-choice feedback) and GENERAL."""
    together = ET.Element(q("multiple"))
    for rid in rids:
        together.append(_variable(rid))
    together.append(_value("identifier", "GENERAL"))
    _set(rp, "FEEDBACK", together)


def _modal(item: Element, identifier: str, text: str) -> None:
    if text:
        node = sub(
            item,
            "modalFeedback",
            {"outcomeIdentifier": "FEEDBACK", "identifier": identifier, "showHide": "show"},
        )
        _paragraphs(node, text)


def _mapping(declaration: Element, entries: list[tuple[str, float]], upper: float, **extra):
    mapping = sub(
        declaration,
        "mapping",
        {"lowerBound": "0", "upperBound": number_text(upper), "defaultValue": "0"},
    )
    for key, value in entries:
        attrs = {"mapKey": key, "mappedValue": number_text(value)}
        attrs.update(extra)
        sub(mapping, "mapEntry", attrs)


def _numeric_condition(rid: str, target: Any) -> Element:
    if target.range is not None:
        both = ET.Element(q("and"))
        for name, bound in (("gte", target.range[0]), ("lte", target.range[1])):
            node = sub(both, name)
            node.append(_variable(rid))
            node.append(_value("float", number_text(bound)))
        return both
    attrs: dict[str, str] = {"toleranceMode": "exact"}
    if isinstance(target.tolerance, str):
        percent = target.tolerance[:-1]
        attrs = {"toleranceMode": "relative", "tolerance": f"{percent} {percent}"}
    elif target.tolerance:
        spread = number_text(target.tolerance)
        attrs = {"toleranceMode": "absolute", "tolerance": f"{spread} {spread}"}
    equal = ET.Element(q("equal"), attrs)
    equal.append(_variable(rid))
    equal.append(ET.Element(q("correct"), {"identifier": rid}))
    return equal


def _item(question: Any, extra: dict[str, Any], report: Report) -> Element:
    ET.register_namespace("", NS)
    item = ET.Element(
        q("assessmentItem"),
        {
            "identifier": question.id,
            "title": question.id,
            "adaptive": "false",
            "timeDependent": "false",
        },
    )
    item.set("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation", f"{NS} {SCHEMA}")
    kind = question.type
    points = question.points
    responses: list[Element] = []
    body = ET.Element(q("itemBody"))
    rp = ET.Element(q("responseProcessing"))
    feedback_ids = ["RESPONSE"]
    if kind in ("single", "multiple", "true_false"):
        if kind == "true_false":
            options = [
                ("TRUE", "True", question.answer, question.feedback_true),
                ("FALSE", "False", not question.answer, question.feedback_false),
            ]
            shuffle = False
        else:
            options = [
                (f"C{n}", c.text, c.correct, c.feedback)
                for n, c in enumerate(question.choices, start=1)
            ]
            shuffle = question.shuffle
        single = kind != "multiple"
        declaration = _response(
            item,
            "RESPONSE",
            "single" if single else "multiple",
            "identifier",
            [o[0] for o in options if o[2]],
        )
        correct = sum(1 for o in options if o[2])
        if single:
            entries = [(o[0], points if o[2] else 0.0) for o in options]
        else:
            if question.scoring == "all_or_nothing":
                report.add(
                    question.id,
                    Msg(
                        "all-or-nothing scoring: written as partial credit "
                        "(the keyword scoring:all_or_nothing keeps it)"
                    ),
                )
            entries = [(o[0], points / correct if o[2] else -points / correct) for o in options]
        _mapping(declaration, entries, points)
        responses.append(declaration)
        _paragraphs(sub(body, "div", {"class": "question"}), question.text)
        interaction = sub(
            body,
            "choiceInteraction",
            {
                "responseIdentifier": "RESPONSE",
                "shuffle": "true" if shuffle else "false",
                "maxChoices": "1" if single else "0",
            },
        )
        for identifier, text, _, _ in options:
            sub(interaction, "simpleChoice", {"identifier": identifier}, text)
        _score_rule(rp, "RESPONSE", "map")
        modal = [(o[0], o[3]) for o in options]
    elif kind == "short":
        declaration = _response(item, "RESPONSE", "single", "string", list(question.accept))
        _mapping(
            declaration,
            [(a, points) for a in question.accept],
            points,
            caseSensitive="true" if question.case_sensitive else "false",
        )
        responses.append(declaration)
        _paragraphs(sub(body, "div", {"class": "question"}), question.text)
        sub(
            sub(body, "p"),
            "textEntryInteraction",
            {"responseIdentifier": "RESPONSE", "expectedLength": "30"},
        )
        _score_rule(rp, "RESPONSE", "map")
        modal, feedback_ids = [], []
    elif kind == "numeric":
        answer = question.answer if question.range is None else midpoint(*question.range)[0]
        responses.append(_response(item, "RESPONSE", "single", "float", [number_text(answer)]))
        _paragraphs(sub(body, "div", {"class": "question"}), question.text)
        p = sub(body, "p")
        entry = sub(
            p, "textEntryInteraction", {"responseIdentifier": "RESPONSE", "expectedLength": "12"}
        )
        if question.unit:
            entry.tail = " "
            sub(p, "span", {"class": "unit"}, question.unit)
        condition = sub(rp, "responseCondition")
        yes = sub(condition, "responseIf")
        yes.append(_numeric_condition("RESPONSE", question))
        _set(yes, "SCORE", _variable("MAXSCORE"))
        _set(sub(condition, "responseElse"), "SCORE", _value("float", "0"))
        modal, feedback_ids = [], []
    elif kind == "matching":
        prompts = [(f"P{n}", pair.prompt) for n, pair in enumerate(question.pairs, start=1)]
        answers: dict[str, str] = {}
        for text in [pair.answer for pair in question.pairs] + list(question.distractors):
            answers.setdefault(text, f"A{len(answers) + 1}")
        pairs = [
            f"{pid} {answers[pair.answer]}"
            for (pid, _), pair in zip(prompts, question.pairs, strict=True)
        ]
        declaration = _response(item, "RESPONSE", "multiple", "directedPair", pairs)
        if question.scoring == "all_or_nothing":
            report.add(
                question.id,
                Msg(
                    "all-or-nothing scoring: written as partial credit "
                    "(the keyword scoring:all_or_nothing keeps it)"
                ),
            )
        _mapping(declaration, [(pair, points / len(pairs)) for pair in pairs], points)
        responses.append(declaration)
        _paragraphs(sub(body, "div", {"class": "question"}), question.text)
        interaction = sub(
            body,
            "matchInteraction",
            {
                "responseIdentifier": "RESPONSE",
                "shuffle": "true",
                "maxAssociations": str(len(prompts)),
            },
        )
        left = sub(interaction, "simpleMatchSet")
        for pid, text in prompts:
            sub(left, "simpleAssociableChoice", {"identifier": pid, "matchMax": "1"}, text)
        right = sub(interaction, "simpleMatchSet")
        for text, aid in answers.items():
            sub(
                right,
                "simpleAssociableChoice",
                {"identifier": aid, "matchMax": str(len(prompts))},
                text,
            )
        _score_rule(rp, "RESPONSE", "map")
        modal, feedback_ids = [], []
    elif kind == "ordering":
        ids = [f"I{n}" for n in range(1, len(question.items) + 1)]
        responses.append(_response(item, "RESPONSE", "ordered", "identifier", ids))
        if question.scoring == "partial":
            report.add(
                question.id,
                Msg(
                    "partial credit for pairs in order: QTI's orderInteraction "
                    "scores the exact order only"
                ),
            )
        _paragraphs(sub(body, "div", {"class": "question"}), question.text)
        interaction = sub(
            body, "orderInteraction", {"responseIdentifier": "RESPONSE", "shuffle": "true"}
        )
        for identifier, text in zip(ids, question.items, strict=True):
            sub(interaction, "simpleChoice", {"identifier": identifier}, text)
        _score_rule(rp, "RESPONSE", "match")
        modal, feedback_ids = [], []
    else:
        responses, modal, feedback_ids = _cloze(item, body, rp, question, points), [], []
    # responseDeclarations and outcomes come first, in the schema's order
    for position, declaration in enumerate(responses):
        item.remove(declaration)
        item.insert(position, declaration)
    _declare_outcomes(item, points)
    item.append(body)
    _feedback_rule(rp, feedback_ids)
    item.append(rp)
    for identifier, text in modal:
        _modal(item, identifier, text)
    _modal(item, "GENERAL", question.explanation)
    return item


def _cloze(
    item: Element, body: Element, rp: Element, question: Cloze, points: float
) -> list[Element]:
    responses = []
    p = sub(body, "p")
    last: Element | None = None
    pieces = BLANK.split(question.text)
    share = points / len(question.blanks)
    score = sub(rp, "setOutcomeValue", {"identifier": "SCORE"})
    score.append(_value("float", "0"))
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            if last is None:
                p.text = (p.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
            continue
        name, blank, rid = piece, question.blanks[piece], f"R_{piece}"
        condition = sub(rp, "responseCondition")
        yes = sub(condition, "responseIf")
        if isinstance(blank, ChoiceBlank):
            options = [(f"{rid}_{n}", c) for n, c in enumerate(blank.choices, start=1)]
            right = next(i for i, c in options if c == blank.answer)
            responses.append(_response(item, rid, "single", "identifier", [right]))
            last = sub(p, "inlineChoiceInteraction", {"responseIdentifier": rid, "shuffle": "true"})
            for identifier, text in options:
                sub(last, "inlineChoice", {"identifier": identifier}, text)
            match = sub(yes, "match")
            match.append(_variable(rid))
            match.append(ET.Element(q("correct"), {"identifier": rid}))
        elif isinstance(blank, ShortBlank):
            declaration = _response(item, rid, "single", "string", list(blank.accept))
            _mapping(
                declaration,
                [(a, 1.0) for a in blank.accept],
                1.0,
                caseSensitive="true" if blank.case_sensitive else "false",
            )
            responses.append(declaration)
            last = sub(
                p, "textEntryInteraction", {"responseIdentifier": rid, "expectedLength": "15"}
            )
            greater = sub(yes, "gt")
            greater.append(ET.Element(q("mapResponse"), {"identifier": rid}))
            greater.append(_value("float", "0"))
        else:
            assert isinstance(blank, NumericBlank)
            answer = blank.answer if blank.range is None else midpoint(*blank.range)[0]
            responses.append(_response(item, rid, "single", "float", [number_text(answer)]))
            last = sub(
                p, "textEntryInteraction", {"responseIdentifier": rid, "expectedLength": "8"}
            )
            yes.append(_numeric_condition(rid, blank))
        total = ET.Element(q("sum"))
        total.append(_variable("SCORE"))
        total.append(_value("float", repr(share)))
        _set(yes, "SCORE", total)
        del name
    return responses


# -- import -----------------------------------------------------------------------------------


def read_item(item: Element, keywords: list[str], taken: set[str], number: int, report: Report):
    """One question dict from an assessmentItem (None when it has no counterpart here)."""
    qid = question_id([item.get("identifier", ""), item.get("title", "")], taken, number)
    body = child(item, "itemBody")
    declarations = {d.get("identifier", ""): d for d in children(item, "responseDeclaration")}
    points = 1.0
    for outcome in children(item, "outcomeDeclaration"):
        if outcome.get("identifier") == "MAXSCORE":
            points = parse_float(text_of(child(child(outcome, "defaultValue"), "value"))) or 1.0
        elif (
            outcome.get("identifier") == "SCORE" and outcome.get("normalMaximum") and points == 1.0
        ):
            points = parse_float(outcome.get("normalMaximum")) or 1.0
    modal = {m.get("identifier", ""): _read_paragraphs(m) for m in children(item, "modalFeedback")}
    question: dict[str, Any] = {"id": qid}
    if points != 1:
        question["points"] = points
    if modal.get("GENERAL"):
        question["explanation"] = modal["GENERAL"]
    interactions = (
        [node for node in body.iter() if local(node).endswith("Interaction")]
        if body is not None
        else []
    )
    kinds = {local(node) for node in interactions}
    prompt = _prompt(body)
    rp = child(item, "responseProcessing")

    def correct(rid: str) -> list[str]:
        return [
            text_of(v).strip()
            for v in children(child(declarations.get(rid), "correctResponse"), "value")
        ]

    def mapping(rid: str) -> dict[str, float]:
        return {
            e.get("mapKey", ""): parse_float(e.get("mappedValue")) or 0.0
            for e in descendants(declarations.get(rid), "mapEntry")
        }

    if not interactions:
        report.add(qid, Msg("an item without an interaction is not a question; left out"))
        return None
    if len(interactions) == 1 and kinds == {"choiceInteraction"}:
        node = interactions[0]
        choices = children(node, "simpleChoice")
        rights = set(correct(node.get("responseIdentifier", "")))
        ids = [c.get("identifier", "") for c in choices]
        question["text"] = prompt or text_of(child(node, "prompt")).strip()
        if sorted(ids) == ["FALSE", "TRUE"] and node.get("maxChoices") == "1":
            question.update({"type": "true_false", "answer": "TRUE" in rights})
            if modal.get("TRUE"):
                question["feedback_true"] = modal["TRUE"]
            if modal.get("FALSE"):
                question["feedback_false"] = modal["FALSE"]
        else:
            single = node.get("maxChoices") == "1"
            question["type"] = "single" if single else "multiple"
            question["choices"] = []
            for choice in choices:
                entry: dict[str, Any] = {"text": text_of(choice).strip()}
                if choice.get("identifier") in rights:
                    entry["correct"] = True
                if modal.get(choice.get("identifier", "")):
                    entry["feedback"] = modal[choice.get("identifier", "")]
                question["choices"].append(entry)
            if not single:
                question["scoring"] = "partial"
            if node.get("shuffle") == "false":
                question["shuffle"] = False
        apply_meta(question, keywords)
    elif len(interactions) == 1 and kinds == {"textEntryInteraction"} and prompt:
        rid = interactions[0].get("responseIdentifier", "")
        declaration = declarations.get(rid)
        base = declaration.get("baseType") if declaration is not None else "string"
        question["text"] = prompt
        if base in ("float", "integer"):
            question["type"] = "numeric"
            apply_meta(question, keywords)
            question.update(_numeric(rp, rid, correct(rid)))
            unit = [s for s in descendants(body, "span") if s.get("class") == "unit"]
            if unit:
                question["unit"] = text_of(unit[0]).strip()
        else:
            question["type"] = "short"
            accepted = list(mapping(rid)) or correct(rid)
            question["accept"] = accepted
            if any(e.get("caseSensitive") == "true" for e in descendants(declaration, "mapEntry")):
                question["case_sensitive"] = True
            apply_meta(question, keywords)
    elif kinds == {"matchInteraction"}:
        node = interactions[0]
        sets = children(node, "simpleMatchSet")
        if len(sets) != 2:
            report.add(qid, Msg("a match interaction without two sets; left out"))
            return None
        left = {
            c.get("identifier"): text_of(c).strip()
            for c in children(sets[0], "simpleAssociableChoice")
        }
        right = {
            c.get("identifier"): text_of(c).strip()
            for c in children(sets[1], "simpleAssociableChoice")
        }
        pairs = [value.split() for value in correct(node.get("responseIdentifier", ""))]
        used = set()
        question.update({"type": "matching", "text": prompt, "pairs": []})
        for source, target in (p for p in pairs if len(p) == 2):
            question["pairs"].append({"prompt": left[source], "answer": right[target]})
            used.add(target)
        distractors = [text for identifier, text in right.items() if identifier not in used]
        if distractors:
            question["distractors"] = distractors
        apply_meta(question, keywords)
    elif kinds == {"orderInteraction"}:
        node = interactions[0]
        texts = {c.get("identifier"): text_of(c).strip() for c in children(node, "simpleChoice")}
        order = correct(node.get("responseIdentifier", ""))
        question.update({"type": "ordering", "text": prompt, "items": [texts[i] for i in order]})
        apply_meta(question, keywords)
    elif kinds <= {"textEntryInteraction", "inlineChoiceInteraction"}:
        _read_cloze(body, rp, question, correct, mapping, declarations, keywords)
    else:
        names = ", ".join(sorted(kinds))
        report.add(qid, Msg("QTI %(names)s has no counterpart here; left out", names=names))
        return None
    return question


def _prompt(body: Element | None) -> str:
    """The question's text: our ``div``, or (another tool's item) the paragraphs of the body
    that hold no interaction, then an interaction's own ``prompt``."""
    if body is None:
        return ""
    if child(body, "div") is not None:
        return _read_paragraphs(child(body, "div"))
    texts = []
    for node in body:
        if local(node) in ("p", "div") and not any(
            local(inner).endswith("Interaction") for inner in node.iter()
        ):
            holder = ET.Element("x")
            holder.append(node)
            texts.append(_read_paragraphs(holder))
    prompts = [text_of(p).strip() for p in descendants(body, "prompt")]
    return "\n\n".join(t for t in [*texts, *prompts] if t)


def _numeric(rp: Element | None, rid: str, correct: list[str]) -> dict[str, Any]:
    low = high = None
    for node in descendants(rp, "gte") + descendants(rp, "lte"):
        if any(v.get("identifier") == rid for v in children(node, "variable")):
            bound = parse_float(text_of(child(node, "baseValue")))
            if local(node) == "gte":
                low = bound
            else:
                high = bound
    if low is not None and high is not None:
        return {"range": [low, high]}
    answer = parse_float(correct[0] if correct else "")
    if answer is None:
        raise ValueError(Msg("a numeric item without a correct number"))
    for equal in descendants(rp, "equal"):
        if any(v.get("identifier") == rid for v in children(equal, "variable")):
            spread = (equal.get("tolerance") or "0").split()[0]
            if equal.get("toleranceMode") == "relative":
                return {"answer": answer, "tolerance": f"{spread}%"}
            if equal.get("toleranceMode") == "absolute" and parse_float(spread):
                return numeric_target([], False, answer, parse_float(spread) or 0.0)
    return {"answer": answer}


def _read_cloze(body, rp, question, correct, mapping, declarations, keywords) -> None:
    parts: list[str] = []
    blanks: dict[str, Any] = {}
    paragraphs = [p for p in children(body, "p")] if body is not None else []
    texts = []
    for p in paragraphs:
        parts = [p.text or ""]
        for node in p:
            kind = local(node)
            rid = node.get("responseIdentifier", "")
            if kind in ("textEntryInteraction", "inlineChoiceInteraction"):
                name = rid[2:] if rid.startswith("R_") else rid
                parts.append(f"[[{name}]]")
                base = declarations[rid].get("baseType") if rid in declarations else "string"
                if kind == "inlineChoiceInteraction":
                    options = {
                        c.get("identifier"): text_of(c).strip()
                        for c in children(node, "inlineChoice")
                    }
                    right = correct(rid)
                    blanks[name] = {
                        "type": "choice",
                        "choices": list(options.values()),
                        "answer": options.get(right[0] if right else "", ""),
                    }
                elif base in ("float", "integer"):
                    blanks[name] = {"type": "numeric", **_numeric(rp, rid, correct(rid))}
                else:
                    blank: dict[str, Any] = {
                        "type": "short",
                        "accept": list(mapping(rid)) or correct(rid),
                    }
                    if any(
                        e.get("caseSensitive") == "true"
                        for e in descendants(declarations.get(rid), "mapEntry")
                    ):
                        blank["case_sensitive"] = True
                    blanks[name] = blank
            elif kind == "br":
                parts.append("\n")
            else:
                parts.append(text_of(node))
            parts.append(node.tail or "")
        texts.append("".join(parts).strip())
    question.update({"type": "cloze", "text": "\n\n".join(t for t in texts if t), "blanks": blanks})
    apply_meta(question, keywords)
