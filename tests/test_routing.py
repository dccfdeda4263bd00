"""URL rules compile their builders on first use (quizapp/routing.py): URLs come out as
Werkzeug's own rules make them, and a rule no request builds is never compiled."""

from __future__ import annotations

from flask import Flask, url_for
from werkzeug.routing import Rule

from quizapp.routing import LazilyBuiltRule


def test_every_rule_of_the_app_is_lazily_built(app: Flask) -> None:
    # (but Flask's own static rule, added when the app object is made)
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    assert len(rules) > 50
    assert all(isinstance(rule, LazilyBuiltRule) for rule in rules)


def test_urls_are_those_werkzeugs_rules_build(app: Flask) -> None:
    with app.test_request_context():
        assert url_for("student.quiz", quiz_id=7) == "/quizzes/7"
        # Arguments the rule does not name become the query (the "unknown" builder).
        assert url_for("student.quiz", quiz_id=7, lang="zh", q="a b") == "/quizzes/7?lang=zh&q=a+b"
        assert url_for("static", filename="attempt.js") == "/static/attempt.js"
        assert url_for("student.quiz", quiz_id=7, _external=True) == "http://localhost/quizzes/7"

    plain = Flask("plain")
    plain.add_url_rule("/quizzes/<int:quiz_id>", "quiz", lambda quiz_id: "")
    with plain.test_request_context():
        expected = url_for("quiz", quiz_id=7, lang="zh")
    assert type(plain.url_map._rules_by_endpoint["quiz"][0]) is Rule
    assert expected == "/quizzes/7?lang=zh"


def test_a_rule_compiles_its_builder_only_when_a_url_is_built(app: Flask) -> None:
    rule = app.url_map._rules_by_endpoint["student.quiz"][0]
    builder = rule._build_unknown
    assert builder.__func__.__closure__ is not None
    compiled = next(
        cell.cell_contents
        for cell in builder.__func__.__closure__
        if isinstance(cell.cell_contents, list)
    )
    assert compiled == []
    with app.test_request_context():
        url_for("student.quiz", quiz_id=3, page=2)
    assert len(compiled) == 1
