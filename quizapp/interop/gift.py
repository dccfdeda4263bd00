"""GIFT: Moodle's plain-text question format.

Single choice is ``{=right ~wrong}``, multiple choice ``{~%50%a ~%-50%b}`` (partial scoring as
Moodle weighs it), true/false ``{T#if wrong#if right}``, short answer ``{=a =b}``, numeric
``{#answer:tolerance}`` or ``{#min..max}``, matching ``{=prompt -> answer}`` (a distractor has no
prompt: ``= -> extra``). Moodle reads ``// [id:...]`` and ``// [tag:...]`` comments above a
question as its id number and tags; GIFT has no field for points,
units, objectives... so they travel as such tags (``points:2``).

GIFT has no ordering and no multi-blank cloze: an ordering question is written as a matching of
each item to its position (tag ``type:ordering``), and a cloze as a description with its blanks
shown as ____ (ungraded in Moodle) and the blanks in a ``// quizapp-cloze:`` comment that
Quizapp reads back; the report says so. A GIFT "missing word" question (text, one blank, more
text) is read as a cloze with one blank.
"""

from __future__ import annotations

import json
import re
from typing import Any

from quizapp.bank.models import Bank
from quizapp.bank.reader import MAX_BANK_BYTES
from quizapp.interop.common import (
    UNREADABLE,
    ConversionError,
    Report,
    apply_meta,
    check_size,
    html_to_text,
    left_out,
    meta_tags,
    number_text,
    numeric_target,
    parse_float,
    split_meta,
    tolerance_of,
)
from quizapp.interop.document import build_document, question_id
from quizapp.qtypes.base import QuestionBase
from quizapp.qtypes.cloze import BLANK, Cloze
from quizapp.translatable import Msg

CLOZE_COMMENT = "// quizapp-cloze: "
TITLE_COMMENT = "// quizapp-title: "
_SPECIAL = re.compile(r"([~=#{}:\\])")


def escape(text: str) -> str:
    """GIFT's special characters backslash-escaped; line breaks as \\n (a blank line would end
    the question)."""
    return _SPECIAL.sub(r"\\\1", text).replace("\r\n", "\n").replace("\n", "\\n")


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


# -- export -----------------------------------------------------------------------------------


def export_bank(bank: Bank, report: Report | None = None) -> bytes:
    """The bank as a GIFT file (UTF-8)."""
    report = report if report is not None else Report()
    blocks = [f"{TITLE_COMMENT}{bank.title}\n$CATEGORY: $course$/top/{bank.bank}\n"]
    for question in bank.questions:
        blocks.append(_question(question, report))
    return "\n".join(blocks).encode("utf-8")


def _comment_tags(question: QuestionBase, extra: dict[str, Any]) -> str:
    if question.points != 1:
        extra["points"] = number_text(question.points)
    tags = meta_tags(question, extra)
    marks = [f"[id:{question.id}]"] + ["[tag:" + tag.replace("]", "\\]") + "]" for tag in tags]
    return "// " + " ".join(marks) + "\n"


def _feedback(text: str) -> str:
    return f"#{escape(text)}" if text else ""


def _question(question: Any, report: Report) -> str:
    extra: dict[str, Any] = {}
    head = f"::{question.id}::"
    general = f"####{escape(question.explanation)}" if question.explanation else ""
    kind = question.type
    lines: list[str] = []
    if kind in ("single", "multiple"):
        correct = sum(choice.correct for choice in question.choices)
        if kind == "multiple" and question.scoring == "all_or_nothing":
            report.add(
                question.id,
                Msg(
                    "all-or-nothing scoring: Moodle gives partial credit "
                    "(kept as the tag scoring:all_or_nothing)"
                ),
            )
        if not question.shuffle:
            report.add(
                question.id, Msg("GIFT cannot keep the choices in order (tag shuffle:false)")
            )
        for choice in question.choices:
            if kind == "single":
                sign = "=" if choice.correct else "~"
            else:
                weight = 100 / correct if choice.correct else -100 / correct
                sign = f"~%{weight:.7g}%"
            lines.append(f"{sign}{escape(choice.text)}{_feedback(choice.feedback)}")
        body = (
            "{\n"
            + "\n".join(f"\t{line}" for line in lines)
            + (f"\n\t{general}" if general else "")
            + "\n}"
        )
    elif kind == "true_false":
        wrong, right = (
            (question.feedback_false, question.feedback_true)
            if question.answer
            else (question.feedback_true, question.feedback_false)
        )
        body = "{" + ("TRUE" if question.answer else "FALSE")
        # TRUE#if wrong#if right: an empty last feedback is left out, else "#" + "####" would
        # read as the start of the general feedback.
        if wrong or right:
            body += f"#{escape(wrong)}" + (f"#{escape(right)}" if right else "")
        body += general + "}"
    elif kind == "short":
        if question.case_sensitive:
            extra["case-sensitive"] = "true"
            report.add(question.id, Msg("GIFT short answers ignore case (tag case-sensitive:true)"))
        body = "{" + " ".join(f"={escape(answer)}" for answer in question.accept) + general + "}"
    elif kind == "numeric":
        if question.range is not None:
            low, high = question.range
            target = f"{number_text(low)}..{number_text(high)}"
        else:
            if isinstance(question.tolerance, str):
                extra["tolerance"] = question.tolerance
                report.add(
                    question.id,
                    Msg(
                        "tolerance %(tolerance)s written as absolute",
                        tolerance=question.tolerance,
                    ),
                )
            target = f"{number_text(question.answer)}:{number_text(tolerance_of(question))}"
        if question.unit:
            extra["unit"] = question.unit
            report.add(
                question.id, Msg("GIFT has no units (tag unit:%(unit)s)", unit=question.unit)
            )
        body = "{#" + target + general + "}"
    elif kind == "matching":
        if question.scoring == "all_or_nothing":
            report.add(
                question.id,
                Msg(
                    "all-or-nothing scoring: Moodle's matching gives partial "
                    "credit (tag scoring:all_or_nothing)"
                ),
            )
        lines = [f"={escape(p.prompt)} -> {escape(p.answer)}" for p in question.pairs]
        lines += [f"= -> {escape(d)}" for d in question.distractors]
        body = (
            "{\n"
            + "\n".join(f"\t{line}" for line in lines)
            + (f"\n\t{general}" if general else "")
            + "\n}"
        )
    elif kind == "ordering":
        extra["type"] = "ordering"
        report.add(
            question.id,
            Msg(
                "GIFT has no ordering question: written as a matching of each "
                "item to its position (tag type:ordering)"
            ),
        )
        lines = [f"={escape(item)} -> {n}" for n, item in enumerate(question.items, start=1)]
        body = (
            "{\n"
            + "\n".join(f"\t{line}" for line in lines)
            + (f"\n\t{general}" if general else "")
            + "\n}"
        )
    else:
        return _cloze(question, report, extra, head)
    return _comment_tags(question, extra) + head + escape(question.text) + body + "\n"


def _cloze(question: Cloze, report: Report, extra: dict[str, Any], head: str) -> str:
    report.add(
        question.id,
        Msg(
            "GIFT has no question with several blanks: written as a "
            "description (ungraded in Moodle); Quizapp reads the blanks back from a comment"
        ),
    )
    carried = {
        "text": question.text,
        "blanks": {
            name: blank.model_dump(mode="json", exclude_defaults=True) | {"type": blank.type}
            for name, blank in question.blanks.items()
        },
        "explanation": question.explanation,
    }
    shown = BLANK.sub("____", question.text)
    return (
        _comment_tags(question, extra)
        + CLOZE_COMMENT
        + json.dumps(carried, ensure_ascii=False)
        + "\n"
        + head
        + escape(shown)
        + "\n"
    )


# -- import -----------------------------------------------------------------------------------


def import_bytes(data: bytes, filename: str, max_bytes: int = MAX_BANK_BYTES):
    """A bank document (our YAML shape) and the report, from a GIFT file."""
    check_size(data, filename, max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConversionError(
            Msg(
                "%(file)s: not UTF-8 text (byte %(byte)s); save it as UTF-8",
                file=filename,
                byte=error.start,
            )
        ) from None
    report = Report()
    questions: list[dict[str, Any]] = []
    taken: set[str] = set()
    title = bank_id = ""
    for number, (comments, source) in enumerate(_blocks(text), start=1):
        category = re.match(r"\$CATEGORY:\s*(.*)", source.strip())
        if category:
            parts = [
                p
                for p in category.group(1).split("/")
                if p and not p.startswith("$") and p != "top"
            ]
            bank_id = bank_id or (parts[-1] if parts else "")
            title = title or next(
                (c[len(TITLE_COMMENT) :] for c in comments if c.startswith(TITLE_COMMENT)), ""
            )
            continue
        marks = " ".join(comments)
        ids = re.findall(r"\[id:((?:\\\]|[^\]])+)\]", marks)
        tags = [t.replace("\\]", "]") for t in re.findall(r"\[tag:((?:\\\]|[^\]])+)\]", marks)]
        try:
            parsed = _parse(source)
        except ValueError as error:
            qid = question_id([ids[0] if ids else ""], taken, number)
            report.add(qid, left_out(error))
            continue
        qid = question_id([ids[0] if ids else "", parsed["title"]], taken, number)
        question: dict[str, Any] = {"id": qid}
        cloze = next(
            (c[len(CLOZE_COMMENT) :] for c in comments if c.startswith(CLOZE_COMMENT)), None
        )
        try:
            if cloze is not None:
                question.update({"type": "cloze", **json.loads(cloze)})
                if not question.get("explanation"):
                    question.pop("explanation", None)
                apply_meta(question, tags)
            else:
                _READ[parsed["kind"]](parsed, question, report, tags)
        except UNREADABLE as error:
            report.add(qid, left_out(error))
            continue
        if parsed["general"] and cloze is None:
            question["explanation"] = parsed["general"]
        questions.append(question)
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return build_document(
        bank_id or title or stem, title or bank_id or stem, questions, report
    ), report


def _blocks(text: str):
    """(comment lines, question source) per question: questions are separated by blank lines."""
    comments: list[str] = []
    lines: list[str] = []
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if lines:
                yield comments, "\n".join(lines)
                comments, lines = [], []
            continue
        if line.lstrip().startswith("//"):
            if not lines:
                comments.append(line.strip())
            continue
        lines.append(line)


def _split_unescaped(text: str, start: int) -> int:
    """Index of the next unescaped '{' or '}' from ``start`` (or -1)."""
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] in "{}":
            return index
        index += 1
    return -1


def _parse(source: str) -> dict[str, Any]:
    title = ""
    match = re.match(r"\s*::((?:\\.|[^:\\]|:(?!:))*)::", source, re.S)
    if match:
        title = unescape(match.group(1)).strip()
        source = source[match.end() :]
    marker = re.match(r"\s*\[(html|moodle|plain|markdown)\]", source)
    as_text = html_to_text if marker and marker.group(1) == "html" else str.strip
    source = source[marker.end() :] if marker else source
    open_at = _split_unescaped(source, 0)
    if open_at < 0:
        return {
            "title": title,
            "kind": "description",
            "text": as_text(unescape(source)),
            "general": "",
            "tail": "",
        }
    close_at = _split_unescaped(source, open_at + 1)
    if close_at < 0 or source[close_at] != "}":
        raise ValueError(
            Msg("a question has '{' without its '}': %(start)s", start=repr(source[:60]))
        )
    head, answer, tail = source[:open_at], source[open_at + 1 : close_at], source[close_at + 1 :]
    general = ""
    parts = re.split(r"(?<!\\)####", answer, maxsplit=1)
    if len(parts) == 2:
        answer, general = parts[0], unescape(parts[1]).strip()
    return {
        "title": title,
        "text": as_text(unescape(head)),
        "tail": as_text(unescape(tail)),
        "answer": answer.strip(),
        "general": general,
        "kind": _kind(answer.strip()),
    }


def _kind(answer: str) -> str:
    if not answer:
        return "essay"
    if re.fullmatch(r"(T|F|TRUE|FALSE)(#.*)?", answer, re.S):
        return "true_false"
    if answer.startswith("#"):
        return "numeric"
    return "entries"


def _entries(answer: str) -> list[dict[str, Any]]:
    """The ``=`` / ``~`` entries of an answer, each with sign, weight, text and feedback."""
    entries: list[dict[str, Any]] = []
    index = 0
    current: dict[str, Any] | None = None
    buffer = ""
    while index < len(answer):
        char = answer[index]
        if char == "\\" and index + 1 < len(answer):
            buffer += answer[index : index + 2]
            index += 2
            continue
        is_arrow = char == "=" and False
        if char in "=~" and not is_arrow:
            if current is not None:
                current["raw"] = buffer
                entries.append(current)
            current, buffer = {"sign": char}, ""
        else:
            buffer += char
        index += 1
    if current is not None:
        current["raw"] = buffer
        entries.append(current)
    for entry in entries:
        raw = entry.pop("raw")
        weight = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", raw)
        entry["weight"] = (
            float(weight.group(1)) / 100 if weight else (1.0 if entry["sign"] == "=" else 0.0)
        )
        raw = raw[weight.end() :] if weight else raw
        text, *feedback = re.split(r"(?<!\\)#", raw, maxsplit=1)
        entry["text"] = text
        entry["feedback"] = unescape(feedback[0]).strip() if feedback else ""
    return entries


def _read_description(parsed, question, report, tags):
    raise ValueError(Msg("a description (no answer) is not a question"))


def _read_essay(parsed, question, report, tags):
    raise ValueError(Msg("essay questions are graded by hand; there is no counterpart here"))


def _read_true_false(parsed, question, report, tags):
    word, *feedback = re.split(r"(?<!\\)#", parsed["answer"])
    answer = word.strip().upper().startswith("T")
    wrong = unescape(feedback[0]).strip() if feedback else ""
    right = unescape(feedback[1]).strip() if len(feedback) > 1 else ""
    question.update({"type": "true_false", "text": parsed["text"], "answer": answer})
    fb_true, fb_false = (right, wrong) if answer else (wrong, right)
    if fb_true:
        question["feedback_true"] = fb_true
    if fb_false:
        question["feedback_false"] = fb_false
    apply_meta(question, tags)


def _read_numeric(parsed, question, report, tags):
    body = parsed["answer"][1:].strip()
    entries = (
        _entries(body)
        if body[:1] in "=~"
        else [{"sign": "=", "weight": 1.0, "text": body, "feedback": ""}]
    )
    right = [entry for entry in entries if entry["weight"] >= 0.999]
    if not right:
        raise ValueError(Msg("no numeric answer with full marks"))
    if len(entries) > 1:
        report.add(question["id"], Msg("only the first fully-right numeric answer is carried"))
    target = unescape(right[0]["text"]).strip()
    question.update({"type": "numeric", "text": parsed["text"]})
    meta = apply_meta(question, tags)
    interval = re.fullmatch(r"(-?[\d.]+)\s*\.\.\s*(-?[\d.]+)", target)
    if interval:
        low, high = parse_float(interval.group(1)), parse_float(interval.group(2))
        if low is None or high is None:
            raise ValueError(Msg("'%(target)s' is not a range", target=target))
        question["range"] = [low, high] if low != high else None
        if low == high:
            question.pop("range")
            question["answer"] = low
        return
    value, _, tolerance = target.partition(":")
    number = parse_float(value)
    if number is None:
        raise ValueError(Msg("'%(target)s' is not a number", target=target))
    question.update(
        numeric_target(meta.get("tolerance", []), False, number, parse_float(tolerance) or 0.0)
    )


def _read_entries(parsed, question, report, tags):
    entries = _entries(parsed["answer"])
    if not entries:
        raise ValueError(Msg("no answers between { and }"))
    arrows = [re.split(r"\s*(?<!\\)->\s*", entry["text"], maxsplit=1) for entry in entries]
    _, meta = split_meta(tags)
    if all(entry["sign"] == "=" for entry in entries) and all(len(a) == 2 for a in arrows):
        if meta.get("type") == ["ordering"]:
            ordered = sorted(arrows, key=lambda a: parse_float(unescape(a[1])) or 0)
            question.update(
                {
                    "type": "ordering",
                    "text": parsed["text"],
                    "items": [unescape(a[0]).strip() for a in ordered],
                }
            )
        else:
            question.update(
                {
                    "type": "matching",
                    "text": parsed["text"],
                    "pairs": [
                        {"prompt": unescape(p).strip(), "answer": unescape(a).strip()}
                        for p, a in arrows
                        if p.strip()
                    ],
                }
            )
            distractors = [unescape(a).strip() for p, a in arrows if not p.strip()]
            if distractors:
                question["distractors"] = distractors
        apply_meta(question, tags)
        return
    texts = [unescape(entry["text"]).strip() for entry in entries]
    if parsed["tail"]:
        # Moodle's "missing word": one blank in the middle of the text.
        blank = (
            {"type": "short", "accept": texts}
            if all(e["sign"] == "=" for e in entries)
            else {
                "type": "choice",
                "choices": texts,
                "answer": next(
                    t for t, e in zip(texts, entries, strict=True) if e["weight"] >= 0.999
                ),
            }
        )
        question.update(
            {
                "type": "cloze",
                "text": f"{parsed['text']} [[blank]] {parsed['tail']}",
                "blanks": {"blank": blank},
            }
        )
        apply_meta(question, tags)
        return
    if all(entry["sign"] == "=" for entry in entries):
        question.update({"type": "short", "text": parsed["text"], "accept": texts})
        if any(entry["feedback"] for entry in entries):
            report.add(question["id"], Msg("feedback on short answers is not carried"))
        apply_meta(question, tags)
        return
    weighted = any(entry["sign"] == "~" and entry["weight"] > 0 for entry in entries)
    kind = "multiple" if weighted else "single"
    question.update({"type": kind, "text": parsed["text"], "choices": []})
    for text, entry in zip(texts, entries, strict=True):
        choice: dict[str, Any] = {"text": text}
        if entry["weight"] > 0:
            choice["correct"] = True
        if entry["feedback"]:
            choice["feedback"] = entry["feedback"]
        question["choices"].append(choice)
    if kind == "multiple":
        question["scoring"] = "partial"
    apply_meta(question, tags)


_READ = {
    "description": _read_description,
    "essay": _read_essay,
    "true_false": _read_true_false,
    "numeric": _read_numeric,
    "entries": _read_entries,
}
