import functools
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote

from django import template
from django.forms import BoundField
from django.template import engines
from django.urls import get_script_prefix, reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from appraisal.index import shown
from appraisal.models.choices import Role
from appraisal.models.people import person_name
from appraisal.selectors.deadlines import LABELS as DEADLINE_LABELS

register = template.Library()

WIDGET_CLASSES = {
    "select": "form-select",
    "checkbox": "form-check-input",
    "clearablefile": "form-control",
    "file": "form-control",
}


_PK = 918273645  # a number no real row has: where the last argument goes in a reversed URL


@functools.lru_cache(maxsize=256)
def _around_last(name: str, fixed: tuple[object, ...], prefix: str) -> tuple[str, str]:
    before, after = reverse(name, args=[*fixed, _PK]).split(str(_PK))
    return before, after


@register.simple_tag(takes_context=True)
def jinja(context, name: str, **values) -> str:
    """`{% include %}` of a Jinja2 partial (templates/jinja2/, appraisal/jinja.py): it sees
    the including template's variables and `values`. Its forms' `csrf_input` is the page's
    own token (the Jinja2 backend would mask a new one for every row)."""
    template = engines["jinja2"].get_template(name)
    token = context.get("csrf_token")
    csrf_input = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token or ""
    )
    return mark_safe(template.render({**context.flatten(), "csrf_input": csrf_input, **values}))


@register.simple_tag
def url_pk(name: str, pk: int) -> str:
    """`{% url name pk %}` for the links of every row of a long page: the URL is reversed
    once per name (and script prefix), then each row's pk is put in. Reversing costs about
    a quarter of the scoring workspace's time otherwise (bench/pages.py)."""
    before, after = _around_last(name, (), get_script_prefix())
    return f"{before}{int(pk)}{after}"


def url_last(name: str, *args: object) -> str:
    """`reverse(name, args=args)` for a link on every row where only the last argument
    changes (a unit's code in a ranking): reversed once, the last argument put in and
    quoted as `reverse` quotes it (tests/appraisal/test_url_pk.py)."""
    *fixed, last = args
    text = str(last)
    if "/" in text or not text:  # what the pattern refuses: let reverse say so
        return reverse(name, args=args)
    before, after = _around_last(name, tuple(fixed), get_script_prefix())
    return f"{before}{quote(text, safe=RFC3986_SUBDELIMS + '/~:@')}{after}"


@register.filter
def minutes(value) -> int:
    """A duration in whole minutes, rounded up (a lockout's remaining time)."""
    return -(-int(value.total_seconds()) // 60)


@register.filter
def bs(field: BoundField) -> str:
    """Render a form field's widget with the Bootstrap class its type needs."""
    css = WIDGET_CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    attrs: dict[str, str | bool] = {"class": css}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


def decimal_separator() -> str:
    return _separator_of(get_language())


@functools.lru_cache(maxsize=16)
def _separator_of(language: str | None) -> str:
    return str(formats.get_format("DECIMAL_SEPARATOR", language))


@register.filter
def points(value: Decimal | int | None) -> str:
    """Points as they are written in Vietnamese documents: 0,5 · 1,75 · 10."""
    if value is None or value == "":
        return "—"
    # what number_format gives with every decimal kept and no grouping (points stay below a
    # thousand, and USE_THOUSAND_SEPARATOR is off), at a third of its cost: a workspace
    # writes some 300 of them (tests/appraisal/test_number_filters.py)
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", decimal_separator())


@register.filter
def points_input(value: Decimal | str | None) -> str:
    """A score as typed into a field: no trailing zeros, a point for decimals (0.5)."""
    if value is None or value == "":
        return ""
    text = format(Decimal(value).normalize(), "f")
    return "0" if text == "-0" else text


@register.filter
def person(user) -> str:
    """A person's full name, else their login; "—" for no one."""
    if user is None:
        return "—"
    return person_name(user.first_name, user.last_name, user.get_username())


@register.filter
def two(value) -> str:
    """A published value: two decimals, half up, in the reader's format (89,95)."""
    if value is None or value == "":
        return "—"

    number = shown(Decimal(value))  # two decimals exactly; -0.00 is written 0,00
    return format(number or abs(number), "f").replace(".", decimal_separator())


@register.filter
def two_abs(value) -> str:
    """The size of a change, its sign shown apart (▲ ▼)."""
    return two(abs(Decimal(value))) if value not in (None, "") else "—"


@register.filter
def name_in(unit, year) -> str:
    """The unit's name in that year (a unit renamed without a merger keeps its former one)."""
    return unit.name_in(int(year))


@register.filter
def name_vi_in(unit, year) -> str:
    """The same, always in Vietnamese (official documents)."""
    return unit.name_in(int(year), "vi")


@register.filter
def ratio_percent(item) -> str:
    """A ratio item's counts as a percentage with a decimal comma (85,0)."""
    if not item.ratio_denominator:
        return ""
    value = Decimal(item.ratio_numerator or 0) * 100 / Decimal(item.ratio_denominator)
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}".replace(".", ",")


@register.filter
def deduction_cases(item) -> str:
    """The number of cases a deduction item was scored from (kept as typed); for a score
    given directly, the cases it stands for when they divide exactly."""
    if item.ratio_numerator is not None:
        return str(item.ratio_numerator)
    if item.self_score is None:
        return ""
    step = Decimal(item.node.method_params.get("step", "0.25"))
    cases = -item.self_score / step
    return str(int(cases)) if cases == cases.to_integral_value() else ""


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str) -> str:
    """A sortable column's header link: keeps the list's other filters, turns the order on a
    second click, and says the current order to screen readers (aria-sort goes on the <th>
    through `sort_state`)."""
    request = context["request"]
    current = request.GET.get("sort", "")
    query = request.GET.copy()
    query.pop("page", None)
    query["sort"] = f"-{key}" if current == key else key
    arrow = " ▲" if current == key else (" ▼" if current == f"-{key}" else "")
    return format_html(
        '<a href="?{}" class="link-body-emphasis" title="{}">{}{}</a>',
        query.urlencode(),
        _("Sắp xếp theo cột này"),
        label,
        arrow,
    )


@register.simple_tag(takes_context=True)
def sort_state(context, key: str) -> str:
    current = context["request"].GET.get("sort", "")
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return "none"


@register.filter
def deadline_label(status: str | None) -> str:
    """ "Trong hạn", "Sắp đến hạn" or "Quá hạn" for a deadline status; "" for none."""
    return str(DEADLINE_LABELS.get(status or "", ""))


@register.filter
def role_label(value: str) -> str:
    return str(Role(value).label) if value in Role.values else value


@register.filter
def decree_date(day) -> str:
    """The date line of an administrative document (Decree 30/2020/NĐ-CP, Appendix I):
    "ngày 05 tháng 3 năm 2026" — days below 10 and the months 1 and 2 with a leading 0."""
    if not day:
        return "ngày      tháng      năm      "
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@register.filter
def roman(number: int) -> str:
    """1 → I, 4 → IV: annexes are numbered in Roman figures."""
    out, n = "", int(number)
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out
