"""The strict YAML reader: each refusal names its place and says what to do."""

from __future__ import annotations

import time
from textwrap import dedent

import pytest

from quizapp.bank.errors import BankError, Problem
from quizapp.bank.reader import MAX_DEPTH, read_yaml
from quizapp.bank.scalars import PlainFloat, PlainInt


def read(text: str) -> object:
    return read_yaml(dedent(text).lstrip("\n").encode(), "bank.yaml")[0]


def refused(data: str | bytes, **limits: int) -> list[Problem]:
    raw = data if isinstance(data, bytes) else dedent(data).lstrip("\n").encode()
    with pytest.raises(BankError) as caught:
        read_yaml(raw, "bank.yaml", **limits)
    return caught.value.problems


def place(found: Problem) -> tuple[int, int]:
    return found.line, found.column


def test_syntax_error_names_the_place_without_a_traceback() -> None:
    [found] = refused(
        """
        title: A bank
        questions: [one, two
        tags: x
        """
    )
    assert place(found) == (3, 5)
    assert found.message.startswith("YAML syntax:")
    assert "expected ',' or ']'" in found.message
    assert "Traceback" not in str(found)


def test_tab_in_indentation() -> None:
    [found] = refused(b"questions:\n\t- id: a\n")
    assert place(found) == (2, 1)
    assert "use spaces, not tabs" in found.message


def test_python_object_tag_is_refused_before_anything_is_built() -> None:
    [found] = refused("title: !!python/object/apply:os.system ['echo hacked']\n")
    assert place(found) == (1, 8)
    assert "tags" in found.message and "not allowed" in found.message


def test_custom_tag_is_refused() -> None:
    [found] = refused(
        """
        title: ok
        text: !foo bar
        """
    )
    assert place(found) == (2, 7)
    assert "tags" in found.message


def test_standard_tag_is_refused_too() -> None:
    [found] = refused("answer: !!str 12\n")
    assert "put the value in quotes" in found.message


def test_anchor_and_alias_are_refused() -> None:
    anchor, alias = refused(
        """
        first: &name Suzhou
        second: *name
        """
    )
    assert place(anchor) == (1, 8)
    assert place(alias) == (2, 9)
    for found in (anchor, alias):
        assert "anchors (&) and aliases (*) are not allowed" in found.message
        assert "repeat the text instead" in found.message


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for this, previous in zip("bcdefghi", "abcdefgh", strict=True):
        lines.append(f"{this}: &{this} [{','.join(['*' + previous] * 9)}]")
    started = time.perf_counter()
    found = refused("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 1
    assert all("aliases" in problem.message for problem in found)
    assert place(found[0]) == (1, 4)


def test_duplicate_key_points_at_the_second_and_names_the_first() -> None:
    [found] = refused(
        """
        id: a
        text: first
        text: second
        """
    )
    assert place(found) == (3, 1)
    assert "duplicate key 'text' (first at line 2)" in found.message


def test_plain_scalars_follow_yaml_1_2_core() -> None:
    values = read("[no, on, yes, off, 1.10, 010, 12:30, 0x1F, 2015-05-11, true, False, ~, 7, -2.5]")
    assert values == [
        "no",
        "on",
        "yes",
        "off",
        1.1,
        "010",
        "12:30",
        "0x1F",
        "2015-05-11",
        True,
        False,
        None,
        7,
        -2.5,
    ]
    assert isinstance(values[4], PlainFloat) and values[4].raw == "1.10"  # type: ignore[index]
    assert isinstance(values[12], PlainInt) and values[12].raw == "7"  # type: ignore[index]


def test_quoted_and_block_scalars_are_text() -> None:
    values = read(
        """
        a: 'true'
        b: "12"
        c: |
          no
        """
    )
    assert values == {"a": "true", "b": "12", "c": "no\n"}


def test_positions_of_values_and_keys() -> None:
    data = dedent(
        """
        questions:
          - id: a
            tags: [x, y]
        """
    ).lstrip("\n")
    _, positions = read_yaml(data.encode(), "bank.yaml")
    assert positions.value(("questions", 0)) == (2, 5)
    assert positions.value(("questions", 0, "tags", 1)) == (3, 15)
    assert positions.key(("questions", 0, "tags")) == (3, 5)
    assert positions.nearest(("questions", 0, "missing", 4)) == (2, 5)


def test_nesting_too_deep() -> None:
    [found] = refused("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n")
    assert place(found) == (1, 3 + MAX_DEPTH)  # the mapping is level 1
    assert f"nesting deeper than {MAX_DEPTH} levels" in found.message


def test_file_over_the_size_limit() -> None:
    [found] = refused(b"title: " + b"x" * 200 + b"\n", max_bytes=100)
    assert place(found) == (1, 1)
    assert "limit of 100" in found.message and "split the bank" in found.message


def test_invalid_utf8_names_the_byte() -> None:
    [found] = refused(b"title: ok\ntext: caf" + b"\xe9 au lait\n")
    assert place(found) == (2, 10)
    assert "save the file as UTF-8" in found.message


def test_utf8_bom_is_accepted() -> None:
    assert read_yaml("\ufefftitle: Minsk – Beijing\n".encode(), "b.yaml")[0] == {
        "title": "Minsk – Beijing"
    }


def test_control_character_is_refused() -> None:
    [found] = refused(b"title: a\x07b\n")
    assert place(found) == (1, 9)
    assert "U+0007" in found.message


def test_multiple_documents() -> None:
    [found] = refused(
        """
        title: one
        ---
        title: two
        """
    )
    assert found.line == 3
    assert "second YAML document" in found.message and "one bank per file" in found.message


def test_complex_key_is_refused() -> None:
    [found] = refused("? [a, b]\n: value\n")
    assert place(found) == (1, 3)
    assert "a key must be plain text" in found.message


def test_empty_file_reads_as_nothing() -> None:
    assert read_yaml(b"", "bank.yaml")[0] is None
