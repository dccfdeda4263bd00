"""URL rules whose URL builders are compiled when first used.

Werkzeug compiles two Python functions for every rule as soon as it is added (to build the
rule's URLs with ``url_for``), about nine tenths of ``create_app``'s time for our hundred
rules. A command (``flask quiz import``), a new gunicorn worker and each test's app pay it
in full, while a request builds the URLs of a few rules. Here a rule compiles a builder the
first time it builds a URL; its matching (the regular expressions) is untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule


class LazilyBuiltRule(Rule):
    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compile_builder = super()._compile_builder
        compiled: list[Callable[..., tuple[str, str]]] = []

        def build(rule: Rule, *args: Any, **kwargs: Any) -> tuple[str, str]:
            # Two threads may both compile it the first time: the same function, harmlessly.
            if not compiled:
                compiled.append(compile_builder(append_unknown))
            return compiled[0](rule, *args, **kwargs)

        return build
