"""The Jinja2 environment of the partials rendered by the hundred (templates/jinja2/).

A page's frame, forms and messages are Django templates; a row that a page repeats for every
item of a report (the scoring workspace's cards, the review's items) is a Jinja2 partial,
which compiles to Python and renders about ten times faster than the same markup through the
template language (bench/RESULTS.md, issue 18). The partials use the same filters under the
same names, translate with `_()` (makemessages reads them like any template) and are included
from Django templates with `{% jinja "name" %}` (appraisal.templatetags.parcouncil).
"""

from datetime import datetime

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from jinja2 import Environment

from appraisal.templatetags import parcouncil


def local_date(value: datetime | None, format_name: str | None = None) -> str:
    """Django's `date` filter, in the reader's time zone as Django templates show it."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_filter(value, format_name)


def url(name: str, *args: object) -> str:
    return reverse(name, args=args)


def linebreaks_br(value: str) -> str:
    return linebreaksbr(value, autoescape=True)


def environment(**options) -> Environment:
    env = Environment(**options)
    # `_("…")` is Django's gettext itself: makemessages reads `{{ _("…") }}` in any template,
    # and a message with values is `{{ _("… %(n)s …")|format(n=…) }}`, as Django writes it
    env.globals.update(_=gettext, ngettext=ngettext)
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
    env.globals.update(url_pk=parcouncil.url_pk, url=url)
    return env
