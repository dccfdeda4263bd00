"""The fast reader (``read_plain``) agrees with the strict reader (``read_yaml``): for a file
the strict reader refuses it gives up (so the strict reader places every problem), and for a
file it reads, the value is the strict reader's, to the type of every number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from quizapp.bank.errors import BankError
from quizapp.bank.loader import load_bank_bytes
from quizapp.bank.reader import MAX_DEPTH, MAX_ITEM_VALUES, MAX_KEYS, UNCLEAR, read_plain, read_yaml
from tests.bank.hostile import HOSTILE
from tests.test_import_bulk import generated_bank

REPO = Path(__file__).resolve().parents[2]
BANKS = sorted((REPO / "questions").rglob("*.yaml")) + sorted(
    (REPO / "tests" / "bank" / "data").glob("*.yaml")
)

REFUSED = {
    "syntax error": "title: A bank\nquestions: [one, two\ntags: x\n",
    "tab in indentation": "questions:\n\t- id: a\n",
    "tab after spaces": "questions:\n  - id: a\n  \t  text: b\n",
    "tab after a carriage return": "questions:\r\t- id: a\r",
    "control character": "title: a\x07b\n",
    "not UTF-8": b"title: caf\xe9\n",
    "python tag": "title: !!python/object:os.system x\n",
    "str tag": "title: !!str 12\n",
    "local tag": "title: !mine x\n",
    "non-specific tag": "title: ! x\n",
    "tag on a mapping": "source: !!map {title: x}\n",
    "anchor": "title: &name x\n",
    "alias": "a: &name x\nb: *name\n",
    "anchor on a list": "tags: &t [a, b]\n",
    "duplicate key": "title: a\ntitle: b\n",
    "duplicate quoted key": "title: a\n'title': b\n",
    "mapping as a key": "? {a: 1}\n: x\n",
    "list as a key": "? [a]\n: x\n",
    "second document": "title: a\n---\ntitle: b\n",
    "too deep": "x: " + "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2) + "\n",
    "too many keys": "".join(f"k{i}: {i}\n" for i in range(MAX_KEYS + 1)),
    "a number too long": "answer: " + "1" * 60 + "\n",
    "a decimal too long": "answer: 0." + "5" * 60 + "\n",
    "a runaway item": "questions:\n  - tags: ["
    + ", ".join(str(i) for i in range(MAX_ITEM_VALUES + 1))
    + "]\n",
}

ACCEPTED = {
    "YAML 1.1 surprises stay text": "a: no\nb: on\nc: 12:30\nd: 010\ne: 0x1F\nf: yes\n",
    "numbers keep their text": "a: 1.10\nb: 2014\nc: -3\nd: 1e3\ne: .5\nf: +7\n",
    "booleans and nulls": "a: true\nb: False\nc: ~\nd:\ne: null\nf: NULL\n",
    "quoted and block text": "a: '12'\nb: \"true\"\nc: |\n  two\n  lines\nd: >\n  folded\n  text\n",
    "flow collections": "a: [1, {b: c, d: [e, '']}, []]\nb: {}\n",
    "keys of every kind": "1: a\ntrue: b\n'x y': c\n~: d\n",
    "a byte order mark": "\ufefftitle: x\n",
    "a long text (not a number)": "text: " + "word " * 30 + "\n",
    "a long quoted number": "text: '" + "1" * 60 + "'\n",
    "a mapping per list item": "questions:\n  - id: a\n    tags: [x, y]\n  - {id: b}\n  - c\n",
    "an explicit document": "%YAML 1.2\n---\ntitle: x\n...\n",
    "empty values in lists": "a: [~, null, '']\nb:\n  -\n  - x\n",
    "unicode": "title: Сколько? 多少 — ünïcödé\n",
}


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (a PlainInt with the same text)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b and getattr(a, "raw", None) == getattr(b, "raw", None)


def as_bytes(data: str | bytes) -> bytes:
    return data if isinstance(data, bytes) else data.encode()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_fast_reader_gives_up_on_what_the_strict_reader_refuses(name: str) -> None:
    data = as_bytes(REFUSED[name])
    with pytest.raises(BankError):
        read_yaml(data, "bank.yaml")
    assert read_plain(data) is UNCLEAR


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_fast_reader_gives_up_on_hostile_files_the_reader_refuses(name: str) -> None:
    data = HOSTILE[name](200_000)
    try:
        document, _ = read_yaml(data, "bank.yaml")
    except BankError:
        assert read_plain(data) is UNCLEAR
    else:  # read, but refused by validation: the fast reader may read it the same way
        plain = read_plain(data)
        assert plain is UNCLEAR or same(plain, document)


def test_a_file_over_the_limit_is_left_to_the_strict_reader() -> None:
    assert read_plain(b"title: x\n" * 20, max_bytes=100) is UNCLEAR


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_the_fast_reader_reads_what_the_strict_reader_reads(name: str) -> None:
    data = as_bytes(ACCEPTED[name])
    document, _ = read_yaml(data, "bank.yaml")
    plain = read_plain(data)
    assert plain is not UNCLEAR
    assert same(plain, document), (plain, document)


@pytest.mark.parametrize("path", BANKS, ids=lambda path: path.name)
def test_real_banks_read_fast_and_the_same(path: Path) -> None:
    data = path.read_bytes()
    document, _ = read_yaml(data, str(path))
    plain = read_plain(data)
    assert plain is not UNCLEAR
    assert same(plain, document)
    assert load_bank_bytes(data, str(path)) == load_bank_bytes(data, str(path), len(data))


def test_a_big_generated_bank_reads_the_same() -> None:
    data = generated_bank(2_000).encode()
    document, _ = read_yaml(data, "bank.yaml", max_bytes=len(data))
    plain = read_plain(data, max_bytes=len(data))
    assert plain is not UNCLEAR and same(plain, document)


def placed_problems(text: str) -> list[str]:
    with pytest.raises(BankError) as caught:
        load_bank_bytes(text.encode(), "bank.yaml")
    return [str(problem) for problem in caught.value.problems]


def test_problems_found_after_the_fast_read_are_still_placed() -> None:
    """Validation and cross-checks fail on values read without positions: the loader reads
    the file again to say where."""
    text = generated_bank(3).replace("answer: true", "answer: maybe")
    line = text.splitlines().index("    answer: maybe") + 1
    [problem] = placed_problems(text)
    assert problem.startswith(f"bank.yaml:{line}:13: question 'q00001': 'answer' must be")

    text = generated_bank(3).replace("draw: 3", "draw: 1, questions: [q00000, nowhere]")
    [problem] = placed_problems(text)
    assert problem.startswith("bank.yaml:4:67: quiz 'all' names question 'nowhere'"), problem
