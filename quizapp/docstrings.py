"""Docstrings that survive ``python -OO``.

The README's gunicorn command runs the workers with ``PYTHONOPTIMIZE=2``, which leaves every
docstring out of the compiled code: 5-6 MB less in each worker, most of it SQLAlchemy's,
Werkzeug's, Jinja's and pydantic's (docs/performance.md, session 9). The one page that serves
docstrings, the API's OpenAPI document (an operation's summary and description, a model's
description), reads them here: the object's own, or, where the optimisation dropped it, the
one in its source file, parsed when the document is first asked for (not when a worker
starts), of which only the docstrings are kept.
"""

from __future__ import annotations

import ast
import functools
import inspect
import sys
from typing import Any


def docstring(obj: Any) -> str | None:
    """The docstring of a module-level function or class (or a method of one), as written in
    its source; None where it has none."""
    if obj.__doc__ is not None or sys.flags.optimize < 2:
        return obj.__doc__  # type: ignore[no-any-return]
    path = inspect.getsourcefile(obj)
    if path is None:
        return None
    return _docstrings_in(path).get(obj.__qualname__)


@functools.cache
def _docstrings_in(path: str) -> dict[str, str]:
    """Every function's and class's docstring in the source file at ``path``, by qualified
    name (cleaned as ``inspect.cleandoc`` cleans them)."""
    with open(path, "rb") as source:
        tree = ast.parse(source.read(), path)
    found: dict[str, str] = {}

    def walk(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = prefix + node.name
                text = ast.get_docstring(node)
                if text is not None:
                    found[name] = text
                if isinstance(node, ast.ClassDef):
                    walk(node.body, name + ".")

    walk(tree.body, "")
    return found
