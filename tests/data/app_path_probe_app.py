"""A WSGI app that answers where its worker imported ``quizapp`` from
(tests/test_submit_bench_baseline.py serves it as ``submit_bench.py --baseline`` does)."""

import quizapp


def app(environ, start_response):  # type: ignore[no-untyped-def]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [quizapp.__file__.encode()]
