"""A WSGI app that answers its worker's optimisation level and whether the libraries it
loaded kept their docstrings (tests/test_bench_settings.py serves it as the README deploys)."""

import sys

import jinja2


def app(environ, start_response):  # type: ignore[no-untyped-def]
    start_response("200 OK", [("Content-Type", "text/plain")])
    kept = jinja2.Environment.get_template.__doc__ is not None
    return [f"{sys.flags.optimize} {kept}".encode()]
