"""A WSGI app that answers how many objects its worker's garbage collector has frozen, and
its collector's thresholds (tests/test_bench_settings.py serves it with the README's gunicorn
config)."""

import gc


def app(environ, start_response):  # type: ignore[no-untyped-def]
    start_response("200 OK", [("Content-Type", "text/plain")])
    answer = " ".join(map(str, (gc.get_freeze_count(), *gc.get_threshold())))
    return [answer.encode()]
