"""A WSGI app that answers the process id of the gunicorn worker serving it
(tests/test_bench_settings.py serves it with the README's gunicorn config, to see how the
workers share out connections opened together)."""

import os


def app(environ, start_response):  # type: ignore[no-untyped-def]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
