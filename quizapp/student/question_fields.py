"""Each question's answer fields on the attempt page, rendered by their macro
(``templates/qtypes/<type>.html``) and kept per process for the next page that shows the same.

The fields of a question depend only on what is in the key: the question version and the
language it is shown in (its text and choices), the slot's layout (the choices' order), the
field names' prefix (its position), the student's saved response (checked, selected, typed
values), and the page's language (the macros' own texts). A student who opens another page, or
reloads one after answering a question, gets the unchanged questions from here, and only the
changed ones rendered again; students who share a layout share entries. Rendering these macros
was about a sixth of the attempt page's CPU (docs/performance.md, session 6).

Nothing leaves here but what the macro makes from the public view: no correct answer, no
feedback. The cache is bounded (least recently used out) and belongs to one app; it is not used
while templates reload (development), so an edited template shows at once.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app
from markupsafe import Markup

MAX_ENTRIES = 4096
"""About 1 KB each: at most a few MB per worker, for 200 students' pages of 20 questions."""

Key = tuple[str, str, str, str, str, str, str]


class FieldsCache:
    """A bounded least-recently-used map from a question's key to its rendered fields
    (a lock: gunicorn's threads share it)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Key, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key) -> Markup | None:
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def put(self, key: Key, html: Markup) -> None:
        with self._lock:
            self._entries[key] = html
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


_EXTENSION = "quizapp.question_fields"


def fields_cache() -> FieldsCache:
    """This app's cache (one per app: tests run several apps in one process)."""
    cache = current_app.extensions.get(_EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(_EXTENSION, FieldsCache())
    return cache


def _canonical(value: Mapping[str, Any] | None) -> str:
    """A JSON document as one string: equal for equal content (``true`` and ``1`` differ)."""
    return json.dumps(value or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def question_fields(
    *,
    question_type: str,
    content_hash: str,
    shown_language: str,
    layout: Mapping[str, Any] | None,
    prefix: str,
    response: Mapping[str, Any],
    page_language: str,
    view: Callable[[], dict[str, Any]],
) -> Markup:
    """The answer fields of one open question (never disabled: the review renders its own),
    as ``qtypes.render[question_type](view(), prefix, response)`` writes them.

    ``view`` makes the question's public view; it is called only when the fields are not
    kept yet."""
    key: Key = (
        question_type,
        content_hash,
        shown_language,
        _canonical(layout),
        prefix,
        _canonical(response),
        page_language,
    )
    environment = current_app.jinja_env
    cache = None if environment.auto_reload else fields_cache()
    html = cache.get(key) if cache is not None else None
    if html is None:
        macros = environment.get_template("qtypes/_question.html").module
        html = Markup(macros.render[question_type](view(), prefix, response))  # type: ignore[attr-defined]  # noqa: S704  (the macro's own autoescaped output)
        if cache is not None:
            cache.put(key, html)
    return html
