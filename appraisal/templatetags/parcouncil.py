from decimal import Decimal

from django import template
from django.forms import BoundField
from django.utils import formats

register = template.Library()

WIDGET_CLASSES = {
    "select": "form-select",
    "checkbox": "form-check-input",
    "clearablefile": "form-control",
    "file": "form-control",
}


@register.filter
def bs(field: BoundField) -> str:
    """Render a form field's widget with the Bootstrap class its type needs."""
    css = WIDGET_CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def points(value: Decimal | int | None) -> str:
    """Points as they are written in Vietnamese documents: 0,5 · 1,75 · 10."""
    if value is None or value == "":
        return "—"
    number = Decimal(value).normalize()
    decimals = max(0, -number.as_tuple().exponent)
    return formats.number_format(number, decimal_pos=decimals, use_l10n=True)


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
    return user.get_full_name() or user.get_username()


@register.filter
def two(value) -> str:
    """A published value: two decimals, half up, in the reader's format (89,95)."""
    if value is None or value == "":
        return "—"
    from appraisal.index import shown

    return formats.number_format(shown(Decimal(value)), decimal_pos=2, use_l10n=True)


@register.filter
def two_abs(value) -> str:
    """The size of a change, its sign shown apart (▲ ▼)."""
    return two(abs(Decimal(value))) if value not in (None, "") else "—"
