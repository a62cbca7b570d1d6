"""Template filters for the school calendar (a builtin: no `{% load %}` needed)."""

from django import template

from vschool.calendar.rules import nc_year_label

register = template.Library()


@register.filter
def year_group(value):
    """Label a national curriculum year: 'Reception', 'Year 5', 'Nursery 2'."""
    if value is None or value == "":
        return ""
    return nc_year_label(int(value))
