"""Template helpers for GOV.UK formats: dates, numbers, sortable headers and field wiring."""

import datetime

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def govuk_widget(field, counted=False, **attrs):
    """Render a field's widget with aria-describedby pointing at its hint and error, and,
    `counted`, at the GOV.UK character count's message."""
    described = []
    if counted:
        described.append(f"{field.auto_id}-info")
        attrs["class"] = f"{field.field.widget.attrs.get('class', '')} govuk-js-character-count"
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter(expects_localtime=True)
def govuk_date(value, style="long"):
    """Format a date as '3 March 2026' (text) or '3 Mar 2026' (tables)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date() if style != "time" else value
    if style == "short":
        return f"{value.day} {value:%b %Y}"
    if style == "time":
        hour = value.strftime("%I").lstrip("0")
        return f"{value.day} {value:%b %Y}, {hour}:{value:%M}{value.strftime('%p').lower()}"
    return f"{value.day} {value:%B %Y}"


@register.filter
def thousands(value):
    """Format a whole number with thousands separators: 1,204."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}"


@register.simple_tag
def sort_header(label, key, current, querystring):
    """A table header link that sorts the list on the server, with aria-sort."""
    descending = current == f"-{key}"
    ascending = current == key
    target = f"-{key}" if ascending else key
    aria = "ascending" if ascending else "descending" if descending else "none"
    params = querystring.copy()
    params["sort"] = target
    params.pop("page", None)
    return format_html(
        '<th scope="col" class="govuk-table__header" aria-sort="{}">'
        '<a class="govuk-link app-sort-link" href="?{}">{}</a></th>',
        aria,
        params.urlencode(),
        label,
    )
