"""GOV.UK Design System form rendering: one field template, a date input, error summaries."""

import datetime

from django import forms
from django.forms.renderers import TemplatesSetting

_INPUT_CLASSES = {
    "text": "govuk-input",
    "email": "govuk-input",
    "number": "govuk-input govuk-input--width-5",
    "password": "govuk-input govuk-password-input__input govuk-js-password-input-input",
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "search": "govuk-input",
}


class GovukFormRenderer(TemplatesSetting):
    """Render every form field through govuk/field.html (use `{{ form.x.as_field_group }}`)."""

    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes."""

    template_name = "govuk/widgets/date.html"

    def __init__(self, attrs=None):
        boxes = [
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{w}",
                }
            )
            for w in (2, 2, 4)
        ]
        super().__init__(boxes, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        day, month, year = (data.get(f"{name}_{i}", "").strip() for i in range(3))
        if not (day or month or year):
            return None
        return [day, month, year]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for sub, label, key in zip(
            context["widget"]["subwidgets"],
            ("Day", "Month", "Year"),
            ("day", "month", "year"),
            strict=True,
        ):
            sub["label"] = label
            sub["attrs"]["autocomplete"] = "off"
            sub["key"] = key
        return context


class GovukDateField(forms.Field):
    """A date entered in three boxes, with the GOV.UK error messages."""

    widget = GovukDateWidget

    def to_python(self, value):
        if value in (None, "", [None, None, None]):
            return None
        if isinstance(value, datetime.date):
            return value
        day, month, year = value
        missing = [
            name
            for name, part in (("day", day), ("month", month), ("year", year))
            if part in ("", None)
        ]
        if missing:
            raise forms.ValidationError(
                f"{self.label} must include a {' and '.join(missing)}", code="incomplete"
            )
        try:
            parsed = datetime.date(int(year), int(month), int(day))
        except (TypeError, ValueError):
            raise forms.ValidationError(
                f"{self.label} must be a real date", code="invalid"
            ) from None
        if parsed.year < 1900:
            raise forms.ValidationError(f"{self.label} must be after 1900", code="invalid")
        return parsed


class GovukFormMixin:
    """Give a form's widgets GOV.UK classes, and error states whenever an error is added."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style_fields(self)

    def add_error(self, field, error):
        super().add_error(field, error)
        _mark_errors(self)


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


def _style_fields(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        css = _INPUT_CLASSES.get(getattr(widget, "input_type", None) or "")
        if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
            css = "govuk-select"
        if isinstance(widget, forms.Textarea):
            css = "govuk-textarea"
        if css and "class" not in widget.attrs:
            widget.attrs["class"] = css


def _mark_errors(form: forms.BaseForm) -> None:
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            css = widget.attrs.get("class", "")
            for base in ("govuk-input", "govuk-select", "govuk-textarea"):
                if base in css.split() and f"{base}--error" not in css:
                    widget.attrs["class"] = f"{css} {base}--error"
