"""Which language and time zone a page is in (issue 16, the interface).

One place decides, so every page, e-mail and (for the i18n-banks work) every question agrees:
the account's own setting, else the footer switch's cookie (for visitors), else the browser's
``Accept-Language`` (best match of the shipped languages), else English. Flask-Babel asks
``current_language`` and ``current_time_zone`` through its selectors; when a language's
compiled catalogue is missing (an install without ``make``), Flask-Babel falls back to the
English text in the code."""

from __future__ import annotations

import functools
import os
from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

import babel.core
from babel import Locale, localedata
from babel.dates import format_skeleton, format_time
from babel.numbers import NumberPattern, parse_pattern
from babel.support import NullTranslations, Translations
from flask import Flask, g, has_request_context, request
from flask_babel import (
    Babel,
    format_datetime,
    get_locale,
    get_translations,
    gettext,
    to_user_timezone,
)
from flask_babel import (
    lazy_gettext as _l,
)
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from quizapp.translatable import Msg

#: The shipped languages, each named in itself (as the footer switch shows them).
LANGUAGES: dict[str, str] = {"en": "English", "zh": "中文（简体）", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"
#: The value of ``<html lang>`` for each language (BCP 47: Simplified Chinese is zh-Hans).
HTML_LANG: dict[str, str] = {"en": "en", "zh": "zh-Hans", "ru": "ru"}
#: Set by the footer's language switch, for visitors who are not logged in.
COOKIE = "quizapp_language"
DEFAULT_TIME_ZONE = "UTC"
#: The command line's language (it has no browser to ask): ``QUIZAPP_LANGUAGE=ru flask ...``.
CLI_LANGUAGE_VARIABLE = "QUIZAPP_LANGUAGE"


def current_language() -> str:
    """The language of the page being made: "en", "zh" or "ru". Outside a request (the
    ``flask quiz ...`` commands) it is ``QUIZAPP_LANGUAGE`` from the environment, else
    English."""
    if not has_request_context():
        chosen = os.environ.get(CLI_LANGUAGE_VARIABLE, "")
        return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
    chosen = getattr(_user(), "language", None)
    if chosen in LANGUAGES:
        return str(chosen)
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGUAGES:
        return str(cookie)
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def N_(message: str) -> str:
    """Mark a constant for the catalogue without translating it yet (gettext_noop): it stays
    plain English where tests and code compare it, and is translated where shown, ``_(NAME)``."""
    return message


def current_time_zone() -> str:
    """The account's IANA time zone, else UTC (pages need no JavaScript to guess one)."""
    if has_request_context():
        chosen = getattr(_user(), "time_zone", None)
        if chosen and is_time_zone(chosen):
            return str(chosen)
    return DEFAULT_TIME_ZONE


def _user() -> object | None:
    """The logged-in account, or None; None too when the database cannot load it (the 503
    page is then in the browser's language rather than failing again)."""
    try:
        return current_user._get_current_object() if current_user else None
    except SQLAlchemyError:
        return None


def time_zone_label() -> str:
    """The reader's time zone as pages name it next to times ("UTC", "Asia/Shanghai")."""
    return current_time_zone()


def html_lang() -> str:
    """The page's ``<html lang>`` value."""
    return HTML_LANG[current_language()]


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is a time zone this machine knows ("Europe/Minsk")."""
    return name in _time_zones()


def time_zone_choices() -> list[str]:
    """Every IANA time zone name, sorted, for the account page's list."""
    return sorted(_time_zones())


@functools.cache
def _time_zones() -> frozenset[str]:
    # Read once, on first use (it walks the zoneinfo directory), not at import.
    return frozenset(available_timezones() | {"UTC"})


def local_datetime(moment: datetime) -> str:
    """A stored (naive UTC) moment in the reader's time zone and language: "05 Nov 2026, 14:30"
    in English (as before), "2026年11月5日 14:30" in Chinese, "5 нояб. 2026 г. 14:30" in
    Russian."""
    if current_language() == DEFAULT_LANGUAGE:
        return format_datetime(moment, "dd MMM yyyy, HH:mm")
    local = to_user_timezone(moment)
    locale = get_locale()
    day = format_skeleton("yMMMd", local, locale=locale)
    return f"{day} {format_time(local, 'HH:mm', locale=locale)}"


def local_iso(moment: datetime) -> str:
    """The same moment for ``<time datetime>``: ISO 8601 in UTC, whatever the reader's zone."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def local_percent(value: float, digits: int = 0) -> str:
    """A percentage (0..100) with the language's digits and signs: "7.5%", "7,5%" (Russian)."""
    pattern = _number_pattern("#,##0" + ("." + "0" * digits if digits else "") + "%")
    return pattern.apply(value / 100, get_locale())


def local_number(value: float, digits: int = 1) -> str:
    """A number with ``digits`` decimals and the language's decimal sign ("0.5", "0,5")."""
    return _number_pattern("0" + ("." + "0" * digits if digits else "")).apply(value, get_locale())


@functools.lru_cache(maxsize=16)
def _number_pattern(pattern: str) -> NumberPattern:
    """A number pattern, parsed once: Babel's ``format_percent`` and ``format_decimal`` (as
    Flask-Babel's) parse theirs anew on every call, a third of a millisecond each, and the
    statistics page formats about a thousand numbers (a third of its time). ``apply`` changes
    nothing in the pattern, so one serves every thread and language."""
    return parse_pattern(pattern)


def load_the_default_language_without_babels_global_tables() -> None:
    """Load Babel's data for the default language, then let Babel drop its global tables.

    The first time Babel loads a language's data it reads the whole of its ``global.dat``
    (16 tables: time zones, currencies, aliases...) only to find the language's parent in one
    small table (``parent_exceptions``), and keeps it all; the pages ask nothing else of those
    tables. Loaded when a worker starts (``quizapp.gunicorn_conf``), English stays in Babel's
    own cache and the tables go: 2.6 MB less in a worker after a student's pages
    (docs/performance.md, session 10). Nothing is lost: ``babel.core.get_global`` reads the
    file again whenever its cache (the private ``_global_data``) is empty, so a page in
    another language loads that language as before (and Babel keeps the tables again).
    Loading every shipped language here instead cost as much as the tables saved."""
    localedata.load(str(Locale.parse(DEFAULT_LANGUAGE)))
    if getattr(babel.core, "_global_data", None) is not None:
        babel.core._global_data = None


#: The roles of accounts (``User.role``), as the pages name them.
ROLE_NAMES = {"admin": _l("admin"), "teacher": _l("teacher"), "student": _l("student")}

#: The periods of the score history (``quizapp.history``), as the pages name them.
PERIOD_NAMES = {
    "attempt": _l("attempt"),
    "day": _l("day"),
    "week": _l("week"),
    "month": _l("month"),
    "year": _l("year"),
}
#: How the start of a period reads in English (as before), and the Babel skeleton elsewhere.
_PERIOD_ENGLISH = {"day": "%d %b %Y", "week": "%d %b %Y", "month": "%B %Y", "year": "%Y"}
_PERIOD_SKELETON = {"day": "yMMMd", "week": "yMMMd", "month": "yMMMM", "year": "y"}


def period_name(period: str) -> str:
    """ "week", "неделя", "周": the name of a period of the score history."""
    return str(PERIOD_NAMES.get(period, period))


def local_period_start(moment: datetime, period: str) -> str:
    """The start of a period of the score history (a day, week, month or year)."""
    if current_language() == DEFAULT_LANGUAGE:
        return moment.strftime(_PERIOD_ENGLISH[period])
    return format_skeleton(_PERIOD_SKELETON[period], moment, locale=get_locale())


def translate(text: object) -> str:
    """Text from the pure layers in the page's language: a ``Msg`` (grading feedback, a bank's
    problems and warnings, a question type's name) is looked up in the catalogue and its
    values filled in, themselves translated; any other text (what a teacher wrote) is shown
    as it is."""
    if not isinstance(text, Msg):
        return "" if text is None else str(text)
    if not text.params:
        return str(gettext(text.msgid))
    return str(
        gettext(text.msgid, **{name: translate(value) for name, value in text.params.items()})
    )


def reason(error: BaseException) -> str:
    """An exception's message in the page's language: its ``Msg`` when the pure layers raised
    one (``InvalidResponse(Msg(...))``), else its text."""
    first = error.args[0] if len(error.args) == 1 else None
    return translate(first) if isinstance(first, Msg) else str(error)


def settle_language() -> None:
    """Choose the page's language as soon as the login is read (a ``before_request`` hook that
    runs after it), while the account is loaded: Flask-Babel keeps the choice for the request.
    Chosen later, after a commit has expired the account (a submit's "Your attempt is
    submitted."), the choice would load the account again. Requests that never read a login
    (the API, static files) choose nothing here."""
    if "_login_user" in g:
        get_locale()


def page_translations() -> Translations | NullTranslations:
    """The catalogue of the page being made, looked up once per request and language.

    Flask-Babel's own lookup (``get_translations``) resolves ``g`` three times and formats the
    locale's name into its cache key on every call, and a page of 20 questions calls ``_()``
    about 120 times: that was a sixth of the attempt page's CPU. The catalogue found is kept in
    Flask-Babel's own per-request namespace next to the locale (and domain) it was found for,
    and looked up again when either is another object: ``force_locale`` (a password e-mail in
    its reader's language) and ``refresh`` (a change of one's language) replace the locale, so
    both still take effect at once."""
    try:
        state = g._flask_babel
    except (AttributeError, RuntimeError):  # not chosen yet this request, or no request
        return get_translations()
    locale = getattr(state, "babel_locale", None)
    domain = getattr(state, "babel_domain", None)
    cached = getattr(state, "quizapp_translations", None)
    if locale is not None and cached is not None and cached[0] is locale and cached[1] is domain:
        return cached[2]
    translations = get_translations()  # chooses the locale (and domain) when not yet chosen
    state.quizapp_translations = (
        getattr(state, "babel_locale", None),
        getattr(state, "babel_domain", None),
        translations,
    )
    return translations


def _gettext(message: str) -> str:
    return page_translations().ugettext(message)


def _ngettext(singular: str, plural: str, number: int) -> str:
    return page_translations().ungettext(singular, plural, number)


def _pgettext(context: str, message: str) -> str:
    return page_translations().upgettext(context, message)


def _npgettext(context: str, singular: str, plural: str, number: int) -> str:
    return page_translations().unpgettext(context, singular, plural, number)


@pass_context
def _template_gettext(context: Context, message: str, **variables: Any) -> str:
    """A template's ``_()``: as Jinja's "newstyle" gettext (the text is a format string, its
    variables escaped), called directly: Jinja's own ``_`` reaches the catalogue through
    three ``Context.call`` layers, a few microseconds on each of a page's hundred texts."""
    text = page_translations().ugettext(message)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704  (our own catalogue, as Jinja trusts it)
    for name, value in variables.items():
        if isinstance(value, Msg):  # text of the pure layers (a practice attempt's title)
            variables[name] = translate(value)
    return text % variables


def _shown(value: Any) -> Any:
    """Jinja's ``finalize``: a ``Msg`` a template prints (``{{ attempt.title }}``) is shown in
    the page's language, as ``| translate`` would show it; any other value as it is."""
    return translate(value) if isinstance(value, Msg) else value


def init_app(app: Flask) -> None:
    """Wire Flask-Babel to the selectors above and give templates ``current_language`` and
    ``html_lang``."""
    # A Babel per app: Flask-Babel caches the loaded catalogues on the Babel object, and two
    # apps in one process (the tests) may read different translation directories.
    Babel(app, locale_selector=current_language, timezone_selector=current_time_zone)
    # The templates' _() and friends: Flask-Babel's, with the page's catalogue looked up once.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext,
        ngettext=_ngettext,
        pgettext=_pgettext,
        npgettext=_npgettext,
        newstyle=True,
    )
    app.jinja_env.globals["_"] = _template_gettext
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["languages"] = LANGUAGES
    app.jinja_env.globals["local_datetime"] = local_datetime
    app.jinja_env.globals["local_iso"] = local_iso
    app.jinja_env.globals["time_zone_label"] = time_zone_label
    app.jinja_env.globals["period_name"] = period_name
    app.jinja_env.globals["role_names"] = ROLE_NAMES
    app.jinja_env.globals["local_period_start"] = local_period_start
    app.jinja_env.globals["local_percent"] = local_percent
    app.jinja_env.globals["local_number"] = local_number
    app.jinja_env.filters["translate"] = translate
    app.jinja_env.finalize = _shown
