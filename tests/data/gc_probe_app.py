"""A WSGI app that answers how many objects its worker's garbage collector has frozen
(tests/test_bench_settings.py serves it with the README's gunicorn config)."""

import gc


def app(environ, start_response):  # type: ignore[no-untyped-def]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(gc.get_freeze_count()).encode()]
