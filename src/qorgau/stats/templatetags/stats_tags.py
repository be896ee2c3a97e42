"""How a figure is shown: a number, or the suppression mark (never mistaken for zero)."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def _mark():
    return format_html(
        '<span class="suppressed" title="{}"><span aria-hidden="true">x</span><span class="visually-hidden">{}</span></span>',
        _("Suppressed: a small number, hidden to protect the people counted"),
        _("suppressed"),
    )


@register.simple_tag
def figure(value):
    if value is None:
        return _mark()
    return number_format(value, force_grouping=True)


@register.simple_tag
def share(value):
    if value is None:
        return "—"
    return f"{number_format(round(100 * value, 1), 1)} %"


@register.simple_tag
def change(row):
    if row.value is None or row.previous is None:
        return _mark() if row.value is None or row.previous is None else ""
    diff = row.value - row.previous
    sign = "+" if diff > 0 else ""
    return f"{sign}{number_format(diff, force_grouping=True)}"


@register.simple_tag
def decimal(value):
    if value is None:
        return "—"
    return number_format(round(value, 1), 1)
