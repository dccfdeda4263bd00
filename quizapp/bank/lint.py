"""Item-writing checks: a loaded bank in, warnings out (``flask --app quizapp quiz lint``).

The rules follow the item-writing literature (Haladyna, Downing & Rodriguez 2002, "A review of
multiple-choice item-writing guidelines"): a question should not be answered by another one in
the same attempt, nor by where or how long its correct choice is, nor by a word it shares with
its stem. Warnings never stop anything (an import still only stops on errors); each says where
(file:line:column once placed), which rule, and how to fix it.

Rules are data: ``RULES`` lists each rule's id, title and fix text with the function that finds
its cases, so the command, the teacher's page and ``docs/authoring.md`` speak of the same rules.
Every rule is kept conservative: a warning a teacher learns to ignore is worse than none.

Pure: no Flask, no database. The ``Bank`` does not keep where things were written, so
``place`` takes the positions that ``read_yaml`` records for the same file.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path as FilePath

from quizapp.bank.models import Bank, Quiz
from quizapp.bank.reader import MAX_BANK_BYTES, PositionMap, read_yaml
from quizapp.qtypes.base import Option, QuestionBase
from quizapp.qtypes.cloze import BLANK, ChoiceBlank, Cloze, NumericBlank, ShortBlank
from quizapp.qtypes.matching import Matching
from quizapp.qtypes.numeric import NumericAnswer, NumericTarget, format_number
from quizapp.qtypes.ordering import Ordering
from quizapp.qtypes.short import ShortAnswer
from quizapp.qtypes.single import ChoiceQuestion
from quizapp.translatable import Msg

Where = tuple[str | int, ...]
"""The path of what a warning is about, e.g. ``("questions", 4)`` or ``("quizzes", 0)``."""


@dataclass(frozen=True, order=True)
class LintWarning:
    """One finding of one rule, about one question (or quiz) of a bank."""

    where: Where
    rule: str
    message: str
    fix: str

    def text(self) -> str:
        return f"{self.rule}: {self.message} (fix: {self.fix})"


@dataclass(frozen=True, order=True)
class PlacedWarning:
    """A warning at the line and column of its question in the bank file."""

    file: str
    line: int
    column: int
    warning: LintWarning

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.warning.text()}"


Finder = Callable[[Bank], Iterator[tuple[Where, str]]]


@dataclass(frozen=True)
class Rule:
    """A rule: its id (as printed), a title, how to fix what it finds, and its finder."""

    id: str
    title: str
    fix: str
    find: Finder


# -- text helpers ----------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['’.][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")

_STOPWORDS = """
    a about above after again against all also an and any are as at be because been before
    being between both but by can could did do does doing during each few for from further had
    has have having he her here hers him his how i if in into is it its itself just least less
    many may more most much must near nearly no nor not now of off on once one only or other
    our out over own per put same she should since so some such than that the their them then
    there these they this those through to too under until up us very was we were what when
    where which while who whom whose why will with would you your first last second third
    these answer question following true false write give name article text"""
STOPWORDS = frozenset(_STOPWORDS.split())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=4096)
def _word_tuple(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(_fold(text)))


def _words(text: str) -> list[str]:
    return list(_word_tuple(text))


@lru_cache(maxsize=4096)
def _content(text: str) -> frozenset[str]:
    """The words that carry meaning: four letters or more, not a common function word."""
    return frozenset(w for w in _word_tuple(text) if len(w) >= 4 and w not in STOPWORDS)


@lru_cache(maxsize=4096)
def _spaced(text: str) -> str:
    return " " + " ".join(_word_tuple(text)) + " "


def _contains(haystack: str, phrase: str) -> bool:
    """Whether ``phrase`` appears in ``haystack`` as whole words (case and spacing ignored)."""
    needle = _spaced(phrase)
    return needle != "  " and needle in _spaced(haystack)


def _numbers(text: str) -> list[float]:
    return [float(found.replace(",", "")) for found in _NUMBER.findall(text)]


def _shown(question: QuestionBase) -> list[str]:
    """What a student reads of a question, split into sentences: its text (a cloze's blanks as
    gaps) and the items of an ordering. Offered choices, matching answers and distractors are
    left out: an option on offer states nothing."""
    text = BLANK.sub(" ____ ", question.text)
    parts = [part for part in _SENTENCE.split(text) if part.strip()]
    if isinstance(question, Ordering):
        parts += list(question.items)
    return parts


def _questions(bank: Bank) -> dict[str, int]:
    return {question.id: index for index, question in enumerate(bank.questions)}


def _at(bank: Bank, question: QuestionBase) -> Where:
    return ("questions", _questions(bank)[question.id])


# -- who can meet whom -----------------------------------------------------------------------


def _can_meet(quiz: Quiz, pools: list[set[str]], first: str, second: str) -> bool:
    """Whether two questions can be in one attempt of ``quiz`` (``pools``: its pools' ids)."""
    if quiz.pools is None:
        return quiz.draw is None or quiz.draw >= 2
    for one, pool in enumerate(quiz.pools):
        if first not in pools[one]:
            continue
        for other, members in enumerate(pools):
            if second in members and (one != other or pool.draw >= 2):
                return True
    return False


def _meetings(bank: Bank) -> dict[tuple[str, str], list[str]]:
    """For each ordered pair of questions that can share an attempt, the quizzes where (two
    questions of one of the quiz's exclusive groups never do)."""
    meet: dict[tuple[str, str], list[str]] = defaultdict(list)
    for quiz in bank.quizzes:
        ids = [question.id for question in bank.questions_for(quiz)]
        pools = [{q.id for q in bank.select(pool.questions)} for pool in quiz.pools or []]
        groups = bank.exclusive_groups(quiz)
        for first, second in combinations(ids, 2):
            if any(first in group and second in group for group in groups):
                continue
            if _can_meet(quiz, pools, first, second):
                meet[(first, second)].append(quiz.id)
                meet[(second, first)].append(quiz.id)
    return meet


def _quiz_names(quizzes: list[str]) -> Msg:
    names = ", ".join(f"'{quiz}'" for quiz in quizzes[:3])
    if len(quizzes) > 3:
        return Msg("quizzes %(names)s and %(more)s more", names=names, more=len(quizzes) - 3)
    if len(quizzes) > 1:
        return Msg("quizzes %(names)s", names=names)
    return Msg("quiz %(names)s", names=names)


# -- answer exposure -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    """One part of a question's key as a student could read it elsewhere."""

    shown: str
    """How the warning names it."""
    phrases: tuple[str, ...]
    """Any of these, as whole words, is the answer (a short answer's accepted forms)."""
    unit: str = ""
    """A numeric answer counts only beside a word of its unit (when it has one)."""
    context: str = ""
    """The words around the answer (a cloze blank's sentence); empty: the question's text."""


def _numeric_answers(target: NumericTarget, unit: str, context: str = "") -> list[_Answer]:
    if target.range is not None:
        figures = sorted({format_number(end) for end in target.range})
    else:
        assert target.answer is not None
        figures = [format_number(target.answer)]
    return [_Answer(f"{figure} {unit}".strip(), (figure,), unit, context) for figure in figures]


def _answers(question: QuestionBase) -> list[_Answer]:
    """The parts of a question's key (``true_false`` has none worth looking for)."""
    if isinstance(question, ChoiceQuestion):
        return [_Answer(c.text, (c.text,)) for c in question.choices if c.correct]
    if isinstance(question, ShortAnswer):
        return [_Answer(question.accept[0], tuple(question.accept))]
    if isinstance(question, NumericAnswer):
        return _numeric_answers(question, question.unit)
    if isinstance(question, Ordering):
        return [_Answer(item, (item,)) for item in question.items]
    if isinstance(question, Matching):
        return [_Answer(f"{p.prompt} → {p.answer}", (p.prompt, p.answer)) for p in question.pairs]
    if isinstance(question, Cloze):
        found: list[_Answer] = []
        sentences = _SENTENCE.split(question.text)
        for name, blank in question.blanks.items():
            around = next((s for s in sentences if f"[[{name}]]" in s.replace(" ", "")), "")
            if isinstance(blank, ShortBlank):
                found.append(_Answer(blank.accept[0], tuple(blank.accept), context=around))
            elif isinstance(blank, NumericBlank):
                found += _numeric_answers(blank, "", around)
            elif isinstance(blank, ChoiceBlank):
                found.append(_Answer(blank.answer, (blank.answer,), context=around))
        return found
    return []


def _common_words(bank: Bank) -> set[str]:
    """Words in more than a sixth of the bank's questions (at least 3): the bank's subject
    ('China', 'Belarus'), which links every question and so shows no shared fact."""
    counts = Counter(word for q in bank.questions for word in _content(BLANK.sub(" ", q.text)))
    floor = max(3, len(bank.questions) / 6)
    return {word for word, count in counts.items() if count > floor}


def _exposed_in(
    answer: _Answer,
    question: QuestionBase,
    sentence: str,
    common: frozenset[str] | set[str] = frozenset(),
) -> bool:
    """Whether ``sentence`` (of another question) gives ``answer`` of ``question`` away.

    Conservative: the answer must appear as whole words AND the sentence must share a meaning
    word with the question's own text, so that "Mars" in a list of planets does not give away
    "Which planet is red?". A matching pair counts only when prompt and answer are both there;
    a number with a unit only beside a word of that unit.
    """
    if isinstance(question, Matching):
        if not all(_contains(sentence, phrase) for phrase in answer.phrases):
            return False
    elif not any(_contains(sentence, phrase) for phrase in answer.phrases):
        return False
    if answer.unit and not _unit_near(answer, sentence):
        return False
    answer_words = {word for phrase in answer.phrases for word in _words(phrase)}
    if answer_words <= common:
        return False  # the bank's subject ('China') is named everywhere and gives nothing away
    own = _content(BLANK.sub(" ", answer.context or question.text)) - answer_words - common
    return bool(own & (_content(sentence) - answer_words))


def _unit_near(answer: _Answer, sentence: str) -> bool:
    """Whether a word of the answer's unit ('years', 'million', 'US') is beside the figure."""
    units = set(_words(answer.unit))
    words = _words(sentence)
    return any(
        word in answer.phrases and units & set(words[max(0, index - 3) : index + 4])
        for index, word in enumerate(words)
    )


def _ordering_exposed(question: Ordering, sentence: str) -> bool:
    """An ordering's items are on its own page; only their order is the key, which another
    question gives away when one sentence names every item, in that order."""
    folded = _fold(sentence)
    places = [folded.find(_fold(item)) for item in question.items]
    shown = [place for place in places if place >= 0]
    return len(shown) >= 2 and shown == sorted(shown) and len(question.items) == len(shown)


def find_answer_exposure(bank: Bank) -> Iterator[tuple[Where, str]]:
    meet = _meetings(bank)
    common = _common_words(bank)
    shown = {question.id: _shown(question) for question in bank.questions}
    for question in bank.questions:
        answers = _answers(question)
        if not answers:
            continue
        for other in bank.questions:
            quizzes = meet.get((question.id, other.id))
            if other.id == question.id or not quizzes:
                continue
            for sentence in shown[other.id]:
                if isinstance(question, Ordering):
                    exposed = _ordering_exposed(question, sentence)
                    hit = Msg("the order of its items") if exposed else ""
                else:
                    hit = next(
                        (a.shown for a in answers if _exposed_in(a, question, sentence, common)), ""
                    )
                if hit:
                    yield (
                        _at(bank, question),
                        Msg(
                            "the answer of '%(question)s' (%(answer)s) is shown by "
                            "'%(other)s' (\"%(sentence)s\"), "
                            "which can be in the same attempt in %(quizzes)s",
                            question=question.id,
                            answer=hit if isinstance(hit, Msg) else _clip(hit),
                            other=other.id,
                            sentence=_clip(sentence.strip(), 60),
                            quizzes=_quiz_names(quizzes),
                        ),
                    )
                    break


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# -- cues in choice questions ----------------------------------------------------------------


def _unshuffled(bank: Bank, quiz: Quiz) -> list[ChoiceQuestion]:
    """The quiz's choice questions whose choices keep the order written in the file."""
    return [
        question
        for question in bank.questions_for(quiz)
        if isinstance(question, ChoiceQuestion) and not (quiz.shuffle_choices and question.shuffle)
    ]


def find_position_cue(bank: Bank) -> Iterator[tuple[Where, str]]:
    for index, quiz in enumerate(bank.quizzes):
        questions = _unshuffled(bank, quiz)
        if len(questions) < 3:
            continue
        firsts = Counter(
            next(place for place, choice in enumerate(q.choices, 1) if choice.correct)
            for q in questions
        )
        place, count = firsts.most_common(1)[0]
        if count * 2 > len(questions):
            yield (
                ("quizzes", index),
                Msg(
                    "quiz '%(quiz)s' shows choices in file order, and the correct choice is "
                    "choice %(place)s in %(count)s of its %(questions)s choice questions",
                    quiz=quiz.id,
                    place=place,
                    count=count,
                    questions=len(questions),
                ),
            )


LENGTH_MARGIN = 1.3
""""Longest by a clear margin": at least this many times the longest wrong choice."""


def _longest_by_margin(question: ChoiceQuestion) -> bool:
    right = max(len(c.text.strip()) for c in question.choices if c.correct)
    wrong = [len(c.text.strip()) for c in question.choices if not c.correct]
    return bool(wrong) and right >= LENGTH_MARGIN * max(wrong) and right - max(wrong) >= 5


def find_length_cue(bank: Bank) -> Iterator[tuple[Where, str]]:
    questions = [q for q in bank.questions if isinstance(q, ChoiceQuestion)]
    cued = [q for q in questions if _longest_by_margin(q)]
    # By chance a correct choice is the longest in (correct / choices) of the questions, and
    # longest by a clear margin in fewer still.
    chance = sum(sum(c.correct for c in q.choices) / len(q.choices) for q in questions)
    if len(cued) >= 3 and len(cued) > chance:
        names = ", ".join(f"'{q.id}'" for q in cued[:5]) + (" …" if len(cued) > 5 else "")
        yield (
            _at(bank, cued[0]),
            Msg(
                "the correct choice is the longest by a clear margin in %(cued)s of the bank's "
                "%(questions)s choice questions (chance: about %(chance)s): %(names)s",
                cued=len(cued),
                questions=len(questions),
                chance=format(chance, ".0f"),
                names=names,
            ),
        )


_ABOVE = re.compile(r"\b(all|none|both|neither)\s+of\s+(the\s+)?(above|these|them|others)\b")


def find_all_none_of_the_above(bank: Bank) -> Iterator[tuple[Where, str]]:
    for question in bank.questions:
        if isinstance(question, ChoiceQuestion):
            for choice in question.choices:
                if _ABOVE.search(_fold(choice.text)):
                    yield (
                        _at(bank, question),
                        Msg(
                            "'%(question)s' offers \"%(choice)s\"",
                            question=question.id,
                            choice=_clip(choice.text),
                        ),
                    )
                    break


_NEGATIVE = re.compile(r"\b(not|except|never|cannot|(?<!at )least)\b", re.IGNORECASE)


def find_negative_stem(bank: Bank) -> Iterator[tuple[Where, str]]:
    for question in bank.questions:
        if not isinstance(question, ChoiceQuestion):
            continue
        for match in _NEGATIVE.finditer(question.text):
            if not match.group().isupper():
                yield (
                    _at(bank, question),
                    Msg(
                        "'%(question)s' asks with \"%(word)s\" in its text, easy to miss",
                        question=question.id,
                        word=match.group(),
                    ),
                )
                break


def find_word_cue(bank: Bank) -> Iterator[tuple[Where, str]]:
    for question in bank.questions:
        if not isinstance(question, ChoiceQuestion) or len(question.choices) < 3:
            continue
        stem = _content(question.text)
        shared = {c.text: _content(c.text) & stem for c in question.choices}
        right = [c for c in question.choices if c.correct and shared[c.text]]
        if right and not any(shared[c.text] for c in question.choices if not c.correct):
            words = ", ".join(sorted(shared[right[0].text]))
            yield (
                _at(bank, question),
                Msg(
                    "in '%(question)s' only the correct choice \"%(choice)s\" repeats "
                    "words of the question (%(words)s)",
                    question=question.id,
                    choice=_clip(right[0].text),
                    words=words,
                ),
            )


# -- misconceptions --------------------------------------------------------------------------


def _misconception_uses(bank: Bank) -> dict[str, list[tuple[QuestionBase, Option]]]:
    """Each misconception id, with the questions and the wrong options that carry it (a
    choice, the wrong side of a true/false, a wrong number, a distractor, a cloze choice)."""
    uses: dict[str, list[tuple[QuestionBase, Option]]] = defaultdict(list)
    for question in bank.questions:
        for option in question.options():
            if option.misconception:
                uses[option.misconception].append((question, option))
    return uses


def find_misconception_once(bank: Bank) -> Iterator[tuple[Where, str]]:
    uses = {
        name: [question for question, _ in found]
        for name, found in _misconception_uses(bank).items()
    }
    for name, questions in uses.items():
        if len(questions) == 1:
            yield (
                _at(bank, questions[0]),
                Msg(
                    "the misconception '%(name)s' on '%(question)s' is used nowhere else "
                    "in the bank",
                    name=name,
                    question=questions[0].id,
                ),
            )


def find_misconception_unrelated(bank: Bank) -> Iterator[tuple[Where, str]]:
    """A misconception names one misunderstanding of one topic: a question carrying it that
    shares no tag with any other question carrying it is likely a catch-all use."""
    for name, found in _misconception_uses(bank).items():
        questions = list({question.id: question for question, _ in found}.values())
        tagged = [question for question in questions if question.tags]
        if len(tagged) < 2:
            continue
        for question in tagged:
            others = [other for other in tagged if other.id != question.id]
            if any(set(question.tags) & set(other.tags) for other in others):
                continue
            option = next(option for q, option in found if q.id == question.id)
            yield (
                _at(bank, question),
                Msg(
                    "the misconception '%(name)s' on \"%(option)s\" of '%(question)s' "
                    "(tags: %(tags)s) shares no tag with its other uses (%(others)s)",
                    name=name,
                    option=_clip(option.text),
                    question=question.id,
                    tags=", ".join(question.tags),
                    others=", ".join(repr(other.id) for other in others[:3]),
                ),
            )


# -- choice forms ----------------------------------------------------------------------------


_FORMS = {"figure": Msg("a figure"), "sentence": Msg("a sentence"), "phrase": Msg("a phrase")}


def _form(text: str) -> str:
    """The form of a choice: a figure, a full sentence, or a phrase."""
    words = text.split()
    text = " ".join(words)
    if len(words) <= 5 and any(char.isdigit() for char in "".join(words[:3])):
        return _FORMS["figure"]  # "US$4 billion", "More than US$400 million", "1992"
    if len(text.split()) >= 6 and text[-1:] in ".!?":
        return _FORMS["sentence"]
    return _FORMS["phrase"]


def find_choice_form(bank: Bank) -> Iterator[tuple[Where, str]]:
    """One choice of another form than all the others (a sentence among figures, a figure
    among names) stands out, whether it is the key or a filler."""
    for question in bank.questions:
        if not isinstance(question, ChoiceQuestion) or len(question.choices) < 3:
            continue
        forms = [_form(choice.text) for choice in question.choices]
        counts = Counter(forms)
        if len(counts) != 2:
            continue
        (common, _), (odd, odd_count) = counts.most_common()
        if odd_count != 1:
            continue
        choice = question.choices[forms.index(odd)]
        yield (
            _at(bank, question),
            Msg(
                "in '%(question)s' the choice \"%(choice)s\" is %(odd)s while the "
                "other choices are each %(common)s",
                question=question.id,
                choice=_clip(choice.text),
                odd=odd,
                common=common,
            ),
        )


# -- numeric keys ----------------------------------------------------------------------------

_HEDGED = re.compile(
    r"\b(nearly|almost|more than|over|at least|less than|under|fewer than|up to|about)"
    r"\s+(?:(?:us)?\$|us\$|€|£)?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)",
    re.IGNORECASE,
)


def _numeric_targets(question: QuestionBase) -> Iterable[tuple[str, NumericTarget]]:
    if isinstance(question, NumericAnswer):
        yield "", question
    elif isinstance(question, Cloze):
        for name, blank in question.blanks.items():
            if isinstance(blank, NumericBlank):
                yield Msg(" (blank [[%(name)s]])", name=name), blank


def _range_problem(question: QuestionBase, target: NumericTarget) -> str:
    assert target.range is not None
    low, high = target.range
    if low == high:
        return ""
    keyed = f"[{format_number(low)}, {format_number(high)}]"
    said = f"{question.text}\n{question.explanation}"
    for match in _HEDGED.finditer(said):
        figure = float(match.group(2).replace(",", ""))
        if figure in (low, high):
            return Msg(
                'the text says "%(said)s" but the key is the band %(keyed)s, '
                "which accepts figures the source never gives",
                said=match.group(0),
                keyed=keyed,
            )
    stated = _numbers(question.explanation)
    if stated and not any(low <= figure <= high for figure in stated):
        figures = ", ".join(format_number(figure) for figure in stated[:4])
        return Msg(
            "the key %(keyed)s holds none of the figures the explanation gives (%(figures)s)",
            keyed=keyed,
            figures=figures,
        )
    return ""


def _tolerance_problem(question: QuestionBase, target: NumericTarget) -> str:
    """A key whose bounds reach a wrong number the teacher named: the mistake counts as right."""
    low, high = target.bounds()
    for wrong in getattr(question, "wrong_answers", None) or []:
        wrong_low, wrong_high = wrong.bounds()
        if wrong_low <= high and low <= wrong_high:
            return Msg(
                "the key (%(key)s) reaches the named wrong answer %(wrong)s, "
                "so that mistake is marked right",
                key=target.target_in_words(),
                wrong=wrong.target_in_words(),
            )
    return ""


def find_numeric_key(bank: Bank) -> Iterator[tuple[Where, str]]:
    for question in bank.questions:
        for blank, target in _numeric_targets(question):
            problem = _range_problem(question, target) if target.range is not None else ""
            problem = problem or _tolerance_problem(question, target)
            if problem:
                said = Msg(
                    "'%(question)s'%(blank)s: %(problem)s",
                    question=question.id,
                    blank=blank,
                    problem=problem,
                )
                yield _at(bank, question), said


# -- duplicate testing -----------------------------------------------------------------------


def _key(question: QuestionBase) -> set[str]:
    """The question's key as comparable texts (true/false, ordering, matching: none)."""
    if isinstance(question, ChoiceQuestion | ShortAnswer | NumericAnswer | Cloze):
        return {" ".join(_words(p)) for a in _answers(question) for p in a.phrases} - {""}
    return set()


def find_duplicate_testing(bank: Bank) -> Iterator[tuple[Where, str]]:
    meet = _meetings(bank)
    keys = {question.id: _key(question) for question in bank.questions}
    for first, second in combinations(bank.questions, 2):
        quizzes = meet.get((first.id, second.id))
        if not quizzes:
            continue
        cited = sorted(first.cited_paragraphs() & second.cited_paragraphs())
        if not cited:
            continue
        same = keys[first.id] & keys[second.id]
        if same:
            yield (
                _at(bank, second),
                Msg(
                    "'%(second)s' and '%(first)s' both cite paragraph %(paragraph)s "
                    "and have the answer '%(answer)s', in %(quizzes)s",
                    second=second.id,
                    first=first.id,
                    paragraph=cited[0],
                    answer=sorted(same)[0],
                    quizzes=_quiz_names(quizzes),
                ),
            )


# -- the rules -------------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule(
        "answer-exposure",
        "A question's answer is shown by another question of the same attempt",
        Msg(
            "reword one of the two, or keep them apart: an exclusive pair in the quiz "
            "(exclusive: [[a, b]]), different quizzes, or one pool with draw: 1"
        ),
        find_answer_exposure,
    ),
    Rule(
        "position-cue",
        "The correct choice sits at the same position in most unshuffled questions",
        Msg("vary where the correct choice is written, or turn shuffle_choices on"),
        find_position_cue,
    ),
    Rule(
        "length-cue",
        "The correct choice is the longest by a clear margin too often",
        Msg("make the wrong choices as long and as precise as the correct one"),
        find_length_cue,
    ),
    Rule(
        "all-none-of-the-above",
        'A choice "all of the above" or "none of the above"',
        Msg("replace it with a plausible wrong choice, or use a multiple-choice question"),
        find_all_none_of_the_above,
    ),
    Rule(
        "negative-stem",
        "A negative in the question that is easy to miss",
        Msg("ask positively, or write the negative in capitals (NOT, EXCEPT)"),
        find_negative_stem,
    ),
    Rule(
        "word-cue",
        "Only the correct choice repeats words of the question",
        Msg("reword the correct choice, or let the wrong choices use the question's words too"),
        find_word_cue,
    ),
    Rule(
        "misconception-once",
        "A misconception id used only once in the bank",
        Msg("check the spelling against the other ids, or use a broader misconception"),
        find_misconception_once,
    ),
    Rule(
        "misconception-unrelated",
        "A misconception id used on questions of unrelated topics",
        Msg("give each misunderstanding its own id, used only where that misunderstanding shows"),
        find_misconception_unrelated,
    ),
    Rule(
        "choice-form",
        "One choice of another form than the others",
        Msg("write every choice in the same form (all figures, all names, all short phrases)"),
        find_choice_form,
    ),
    Rule(
        "numeric-key",
        "A numeric range that is not the figure the source gives, or a key that reaches a "
        "named wrong answer",
        Msg(
            "key the figure the source states (answer: <figure>), ask for that figure, and keep "
            "the tolerance short of the named wrong answers"
        ),
        find_numeric_key,
    ),
    Rule(
        "duplicate-testing",
        "Two questions of one quiz test the same fact",
        Msg(
            "keep one, or keep them apart: an exclusive pair in the quiz, different quizzes, "
            "or one pool with draw: 1"
        ),
        find_duplicate_testing,
    ),
)

RULES_BY_ID = {rule.id: rule for rule in RULES}


def lint_bank(bank: Bank, rules: Iterable[Rule] = RULES) -> list[LintWarning]:
    """Every warning of every rule, in the order of the bank file."""
    return sorted(
        LintWarning(where, rule.id, message, rule.fix)
        for rule in rules
        for where, message in rule.find(bank)
    )


def place(
    warnings: Iterable[LintWarning], positions: PositionMap, filename: str
) -> list[PlacedWarning]:
    """The warnings at the line and column of what they are about, in file order."""
    return sorted(
        PlacedWarning(filename, *positions.nearest(warning.where), warning) for warning in warnings
    )


def lint_bank_bytes(
    bank: Bank, data: bytes, filename: str, max_bytes: int = MAX_BANK_BYTES
) -> list[PlacedWarning]:
    """The warnings of ``bank``, placed in ``data``, the file it was loaded from."""
    _, positions = read_yaml(data, filename, max_bytes)
    return place(lint_bank(bank), positions, filename)


@dataclass(frozen=True)
class FileLint:
    """A bank file's lint: the bank it holds and its warnings, placed in the file."""

    slug: str
    warnings: tuple[PlacedWarning, ...]


@dataclass
class CacheInfo:
    hits: int = 0
    misses: int = 0


LINT_CACHE_SIZE = 32
"""Files whose lint is kept: more than the banks a site shows at once."""

_cache: OrderedDict[tuple[str, str, int], FileLint] = OrderedDict()
_cache_lock = threading.Lock()
cache_info = CacheInfo()
"""Hits and misses of ``lint_file_cached`` in this process (the tests read it)."""


def lint_file_cached(data: bytes, filename: str, max_bytes: int = MAX_BANK_BYTES) -> FileLint:
    """Load and lint a bank file, remembering the result by the file's SHA-256 (with its name
    and the size limit): loading and linting the article bank costs most of a second, and
    the teacher's bank page shows it on every view. The same bytes always give the same
    warnings, so a changed file is simply a new key. ``BankError`` is raised (and not kept)
    when the file does not load."""
    from quizapp.bank.loader import load_bank_bytes

    key = (hashlib.sha256(data).hexdigest(), filename, max_bytes)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            cache_info.hits += 1
            return found
        cache_info.misses += 1
    bank = load_bank_bytes(data, filename, max_bytes)
    result = FileLint(bank.bank, tuple(lint_bank_bytes(bank, data, filename, max_bytes)))
    with _cache_lock:
        _cache[key] = result
        while len(_cache) > LINT_CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def lint_bank_file(
    bank: Bank, path: FilePath, max_bytes: int = MAX_BANK_BYTES
) -> list[PlacedWarning]:
    return lint_bank_bytes(bank, path.read_bytes(), str(path), max_bytes)


__all__ = [
    "RULES",
    "RULES_BY_ID",
    "FileLint",
    "LintWarning",
    "PlacedWarning",
    "Rule",
    "lint_bank",
    "lint_bank_bytes",
    "lint_bank_file",
    "lint_file_cached",
    "place",
]
