"""HTML kept per process for the next page that shows the same: each question of the attempt
page (its fieldset: heading, text, answer fields with the saved response, flag) and each row of
its navigator, rendered once per key and reused (``attempt_pages.page_questions`` and
``attempt_pages.navigator_rows`` make the keys).

A student who opens another page, or reloads one after answering a question, gets the
unchanged questions from here and only the changed ones rendered again. Rendering the questions
and the navigator's rows was about half of the attempt page's template time
(docs/performance.md, session 6).

The cache is bounded (least recently used out) and belongs to one app (tests run several in
one process); it is not used while templates reload (development), so an edited template shows
at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from flask import current_app
from markupsafe import Markup

MAX_CHARACTERS = 2_000_000
"""The cache's budget, in characters of HTML (plus ``ENTRY_OVERHEAD`` each): about 2.5 MB per
worker with its keys (twice the HTML for CJK text), room for a class of 60 students walking
their 102-question exam pages (1.8 M: the fieldsets are shared, each student's navigator rows
are not) or their 20-question pages (0.95 M), every page a hit (docs/performance.md, session
7; at 1 M the exam pages missed). 4 M held 5 MB of each worker for no more hits there."""

ENTRY_OVERHEAD = 200
"""What an entry's key and bookkeeping add, counted as characters."""


class HtmlCache:
    """A least-recently-used map from a key to HTML, bounded by the characters it holds (a
    lock: gunicorn's threads share it)."""

    def __init__(self, max_characters: int = MAX_CHARACTERS) -> None:
        self.max_characters = max_characters
        self.characters = 0
        self._entries: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Markup | None:
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.characters = 0

    def put(self, key: Hashable, html: Markup) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.characters -= len(old) + ENTRY_OVERHEAD
            self._entries[key] = html
            self.characters += len(html) + ENTRY_OVERHEAD
            while self.characters > self.max_characters and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self.characters -= len(evicted) + ENTRY_OVERHEAD


_EXTENSION = "quizapp.question_html"


def html_cache() -> HtmlCache:
    """This app's cache."""
    cache = current_app.extensions.get(_EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(_EXTENSION, HtmlCache())
    return cache


def canonical(value: Mapping[str, Any] | None) -> str:
    """A JSON document (a layout, a response) as one string for a key. Its ``repr``: equal
    strings are equal documents of the same types (``True``, ``1`` and ``1.0`` differ), and
    five times as fast as ``json.dumps`` with sorted keys; the same content with its keys in
    another order is only a miss."""
    return repr(value or {})


class Keeper:
    """``keeper(key, render)``: the HTML kept for ``key``, else ``render()``'s, kept for next
    time. ``key`` must hold everything the HTML depends on: whatever is not in it is shared
    between students. One per page, so the page's 20 to 80 look-ups find the cache once."""

    __slots__ = ("cache",)

    def __init__(self, cache: HtmlCache | None) -> None:
        self.cache = cache

    def __call__(self, key: Hashable, render: Callable[[], Markup]) -> Markup:
        cache = self.cache
        if cache is None:
            return render()
        html = cache.get(key)
        if html is None:
            html = render()
            cache.put(key, html)
        return html


def keeper() -> Keeper:
    """A keeper for this app's cache; one that keeps nothing while templates reload."""
    return Keeper(None if current_app.jinja_env.auto_reload else html_cache())
