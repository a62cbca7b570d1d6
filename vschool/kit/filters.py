"""The filters in force on a list, in words, each with a link that removes it (the MoJ
filter's "Selected filters"), for any GOV.UK filter form."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict

from vschool.kit.templatetags.govuk import govuk_date


def selected_filters(
    form: forms.Form, params: QueryDict, texts: dict[str, Callable[[Any], str]] | None = None
) -> list[dict[str, str]]:
    """Each field of a valid `form` with a value, as {"heading", "text", "href"}: the field's
    label, the value in words (a choice's label, a record's name, a date written out, or
    `texts[name](value)`) and the query string without that field, its date parts and the
    page."""
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    selected = []
    for name, field in form.fields.items():
        value = chosen.get(name)
        if value in (None, ""):
            continue
        remaining = params.copy()
        for key in (name, f"{name}_0", f"{name}_1", f"{name}_2", "page"):
            remaining.pop(key, None)
        selected.append(
            {
                "heading": str(field.label),
                "text": _words(field, value, (texts or {}).get(name)),
                "href": f"?{remaining.urlencode()}",
            }
        )
    return selected


def _words(field: forms.Field, value: Any, text: Callable[[Any], str] | None) -> str:
    if text is not None:
        return text(value)
    if isinstance(value, date):
        return govuk_date(value)
    choices = {str(key): str(label) for key, label in getattr(field, "choices", [])}
    return choices.get(str(getattr(value, "pk", value)), str(value))
