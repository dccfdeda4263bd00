"""The interface's catalogues are complete, and no template shows English outside _()."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2 import Environment

from quizapp.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent / "quizapp"
TRANSLATIONS = ROOT / "translations"
TEMPLATES = ROOT / "templates"
SHIPPED = [code for code in LANGUAGES if code != "en"]
LETTER = re.compile(r"[^\W\d_]")
#: Words that are the same in every language (the product's name).
NOT_WORDS = {"Quizapp"}
#: Code (file names, commands, YAML keys) is the same in every language: <code>, <kbd>, <samp>.
#: Attributes that a person reads (or hears, from a screen reader); ``data-label`` names a
#: table cell's column on a phone, where report tables become cards (CSS ``attr(data-label)``).
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description", "data-label"}
HOLE = "\x01"  # where a Jinja tag or expression was: not literal text


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s", text))


def _same_placeholders(msgid: str, translation: str) -> bool:
    """Every placeholder of the English text, and no other; a translation may leave out the
    English plural endings (``%(s)s``, ``%(s2)s``: "student%(s)s"), which Chinese has no use
    for and Russian words as "Учеников: %(students)s"."""
    english, translated = _placeholders(msgid), _placeholders(translation)
    endings = {name for name in english if re.fullmatch(r"%\(s\d*\)s", name)}
    return translated <= english and english - endings <= translated


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_has_a_translation_with_the_same_placeholders(language: str) -> None:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    expected = {message.id for message in template if message.id}
    missing, wrong = [], []
    for msgid in sorted(expected):
        message = catalog.get(msgid)
        if message is None or not message.string or message.fuzzy:
            missing.append(msgid)
        elif not _same_placeholders(msgid, message.string):
            wrong.append(msgid)
    assert not missing, f"{len(missing)} messages lack a {language} translation: {missing[:10]}"
    assert not wrong, f"{language} translations with other placeholders: {wrong[:10]}"


class _TextFinder(HTMLParser):
    """Literal text and read attributes of a template's HTML, with Jinja parts as holes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code", "kbd", "samp"):
            self._skip += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self._check(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "kbd", "samp"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._check(data)

    def _check(self, text: str) -> None:
        for piece in text.split(HOLE):
            if LETTER.search(piece) and piece.strip(" ·|–—") not in NOT_WORDS:
                self.found.append(piece.strip())


def untranslated_text(source: str) -> list[str]:
    """Literal words of a template outside ``{% trans %}`` and ``_()``, found through Jinja's
    own lexer: its ``data`` tokens are the template's literal text."""
    parts: list[str] = []
    in_trans = False
    previous_name = None
    for _line, kind, value in Environment(autoescape=True, extensions=["jinja2.ext.i18n"]).lex(
        source
    ):
        if kind == "name" and previous_name == "block_begin":
            in_trans = value in ("trans", "pluralize") or (in_trans and value != "endtrans")
        if kind != "whitespace":
            previous_name = kind
        if kind == "data" and not in_trans:
            parts.append(value)
        else:
            parts.append(HOLE)
    finder = _TextFinder()
    finder.feed("".join(parts))
    finder.close()
    return finder.found


def test_the_check_finds_untranslated_text() -> None:
    assert untranslated_text('<p title="Open it">Hello {{ name }}</p>') == ["Open it", "Hello"]
    assert untranslated_text('<p title="{{ _("Open") }}">{{ _("Hello") }} · Quizapp</p>') == []
    assert untranslated_text("{% trans %}Hello{% endtrans %} <b>Bye</b>") == ["Bye"]
    assert untranslated_text('<td data-label="Score">{{ _("75%%") }}</td>') == ["Score"]


@pytest.mark.parametrize(
    "template", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))
)
def test_no_template_has_untranslated_text(template: str) -> None:
    assert untranslated_text((TEMPLATES / template).read_text(encoding="utf-8")) == []


#: A string in a Jinja expression that reads as words: a capitalised word ("Make teacher",
#: "Statistics: "), not an endpoint, a CSS class or a format ("progress.history", "cards").
WORDS_IN_CODE = re.compile(r"^[A-Z][a-z]+\b")
TRANSLATING = {"_", "gettext", "ngettext", "pgettext", "npgettext"}


def untranslated_strings(source: str) -> list[str]:
    """Strings in a template's expressions that a page shows as they are: words handed to a
    macro (``role_button(user, "admin", "Make admin")``) or listed in a loop, outside the
    text arguments of ``_()``."""
    environment = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    tokens = [token for token in environment.lex(source) if token[1] != "whitespace"]
    found = []
    for index, (_line, kind, value) in enumerate(tokens):
        if kind != "string" or not WORDS_IN_CODE.search(value[1:-1]):
            continue
        before = index - 1  # back over the other texts of the call (ngettext's plural)
        while before >= 0 and (tokens[before][1] == "string" or tokens[before][2] == ","):
            before -= 1
        if before >= 1 and tokens[before][2] == "(" and tokens[before - 1][2] in TRANSLATING:
            continue
        found.append(value[1:-1])
    return found


def test_the_check_finds_untranslated_strings_in_expressions() -> None:
    assert untranslated_strings('{{ button(user, "admin", "Make admin") }}') == ["Make admin"]
    assert untranslated_strings('{% for e, l in [("a.b", "Practice")] %}{% endfor %}') == [
        "Practice"
    ]
    assert untranslated_strings('{{ crumbs(bank, "Statistics: " ~ quiz.title) }}') == [
        "Statistics: "
    ]
    assert untranslated_strings('{{ button(user, "admin", _("Make admin")) }}') == []
    assert untranslated_strings('{{ ngettext("One answer", "%(num)s answers", n) }}') == []
    assert untranslated_strings('{{ url_for("progress.history") }} {{ "cards" }}') == []


@pytest.mark.parametrize(
    "template", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))
)
def test_no_template_hands_untranslated_words_to_a_page(template: str) -> None:
    assert untranslated_strings((TEMPLATES / template).read_text(encoding="utf-8")) == []
