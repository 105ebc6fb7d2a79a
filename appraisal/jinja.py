"""The Jinja2 environment of the partials rendered by the hundred (templates/jinja2/).

A page's frame, forms and messages are Django templates; a row that a page repeats for every
item of a report (the scoring workspace's cards, the review's items, the dashboard's units,
the public ranking's lines) is a Jinja2 partial, which compiles to Python and renders several
times faster than the same markup through the template language (bench/RESULTS.md, issue
18). The partials use the same filters under the same names and are included from Django
templates with `{% jinja "name" %}` (appraisal.templatetags.parcouncil).

Texts are written `{{ _("…") }}` (makemessages reads them like any template's), and a text
with values `{{ _("… %(n)s …")|format(n=…) }}`, as Django writes it. A template is compiled
once per language with its texts already translated: a workspace has about a thousand.
"""

import functools
import weakref
from collections.abc import Iterable, MutableMapping
from datetime import date, datetime
from typing import Any

import jinja2
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from appraisal.templatetags import parcouncil


class TranslatedTexts(Extension):
    """`_("a literal text")` becomes the text in the language the template is compiled for."""

    def filter_stream(self, stream: TokenStream) -> Iterable[Token]:
        tokens = list(stream)
        at = 0
        while at < len(tokens):
            call = [token.type for token in tokens[at : at + 4]]
            if tokens[at].test("name:_") and call == ["name", "lparen", "string", "rparen"]:
                text = tokens[at + 2]
                yield Token(text.lineno, "string", gettext(text.value))
                at += 4
            else:
                yield tokens[at]
                at += 1


class Environment(jinja2.Environment):
    """Keeps a compiled template per language (its texts are translated in)."""

    def _load_template(
        self, name: str, globals: MutableMapping[str, Any] | None
    ) -> jinja2.Template:
        if self.loader is None:
            raise TypeError("no loader for this environment specified")
        key = (weakref.ref(self.loader), name, get_language())
        cache: MutableMapping[Any, jinja2.Template] | None = self.cache
        template = cache.get(key) if cache is not None else None
        if template is None or (self.auto_reload and not template.is_up_to_date):
            template = self.loader.load(self, name, self.make_globals(globals))
            if cache is not None:
                cache[key] = template
        elif globals:
            template.globals.update(globals)
        return template


DAY_FORMATS = ("SHORT_DATE_FORMAT", "DATE_FORMAT")


def local_date(value: datetime | date | None, format_name: str | None = None) -> str:
    """Django's `date` filter, in the reader's time zone as Django templates show it. A day
    is formatted once per language (a workspace shows hundreds of upload dates)."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if format_name in DAY_FORMATS and isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        return _day(day, format_name, get_language())
    return date_filter(value, format_name)


@functools.lru_cache(maxsize=2048)
def _day(day: date, format_name: str, language: str | None) -> str:
    return date_filter(day, format_name)  # in `language`, the one active now


def url(name: str, *args: object) -> str:
    return reverse(name, args=args)


def linebreaks_br(value: str) -> str:
    return linebreaksbr(value, autoescape=True)


def environment(**options: Any) -> jinja2.Environment:
    env = Environment(extensions=[TranslatedTexts], **options)
    # a text that is not a literal is translated when the page is rendered
    env.globals.update(
        _=gettext,
        ngettext=ngettext,
        url_pk=parcouncil.url_pk,
        url=url,
        url_last=parcouncil.url_last,
    )
    env.filters.update(
        date=local_date,
        linebreaksbr=linebreaks_br,
        points=parcouncil.points,
        points_input=parcouncil.points_input,
        person=parcouncil.person,
        deadline_label=parcouncil.deadline_label,
        ratio_percent=parcouncil.ratio_percent,
        two=parcouncil.two,
        two_abs=parcouncil.two_abs,
        deduction_cases=parcouncil.deduction_cases,
    )
    return env
