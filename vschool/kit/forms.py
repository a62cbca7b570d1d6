"""GOV.UK Design System form rendering: one field template, a date input, error summaries."""

import datetime
import re

from django import forms
from django.core import validators
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


# The years a date may fall in: no record of a child, a term or a PEP is outside them, and
# dates inside them can be added to without passing Python's year 9999.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2099
_DAY_OR_MONTH = re.compile(r"[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{4}")


def _real_date(day: str, month: str, year: str) -> datetime.date | None:
    """The date the three boxes spell in ASCII digits (a four-digit year), else None."""
    if not (_DAY_OR_MONTH.fullmatch(day) and _DAY_OR_MONTH.fullmatch(month)):
        return None
    if not _YEAR.fullmatch(year):
        return None
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


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
        parsed = _real_date(day, month, year)
        if parsed is None:
            raise forms.ValidationError(f"{self.label} must be a real date", code="invalid")
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            raise forms.ValidationError(
                f"{self.label} must be between {EARLIEST_YEAR} and {LATEST_YEAR}", code="invalid"
            )
        return parsed


class GovukFormMixin:
    """Give a form's widgets GOV.UK classes, and error states whenever an error is added."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._settle()

    # Subclasses may add fields after __init__: they get the same messages and choices
    # before the form is checked or shown.
    def full_clean(self):
        self._settle()
        super().full_clean()

    def __getitem__(self, name):
        self._settle()
        return super().__getitem__(name)

    def _settle(self) -> None:
        """Style the fields once for each set of field objects, not on every field shown."""
        fields = tuple(id(field) for field in self.fields.values())
        if self.__dict__.get("_styled_fields") != fields:
            _style_fields(self)
            self._styled_fields = fields

    def add_error(self, field, error):
        super().add_error(field, error)
        _mark_errors(self)


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


def _style_fields(form: forms.BaseForm) -> None:
    for name, field in form.fields.items():
        _bounded_text(field)
        _own_messages(name, field)
        _no_dashes(field)
        widget = field.widget
        css = _INPUT_CLASSES.get(getattr(widget, "input_type", None) or "")
        if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
            css = "govuk-select"
        if isinstance(widget, forms.Textarea):
            css = "govuk-textarea"
        if css and "class" not in widget.attrs:
            widget.attrs["class"] = css


# The longest answer a free-text field takes when its form sets no limit of its own: a
# paragraph box (a textarea, with a GOV.UK character count) and a one-line box.
LONG_TEXT = 5000
SHORT_TEXT = 200


def _bounded_text(field: forms.Field) -> None:
    """Hold every free-text field to a length, so no answer is megabytes long."""
    if not isinstance(field, forms.CharField) or field.max_length is not None:
        return
    field.max_length = LONG_TEXT if isinstance(field.widget, forms.Textarea) else SHORT_TEXT
    field.validators.append(validators.MaxLengthValidator(field.max_length))


def _mark_errors(form: forms.BaseForm) -> None:
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            css = widget.attrs.get("class", "")
            for base in ("govuk-input", "govuk-select", "govuk-textarea"):
                if base in css.split() and f"{base}--error" not in css:
                    widget.attrs["class"] = f"{css} {base}--error"


# Django's placeholder for "nothing chosen" in a select or radios.
_DASHES = "---------"


def _django_defaults(field: forms.Field) -> dict[str, str]:
    messages: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


def _chooses(field: forms.Field) -> bool:
    return isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField))


def _label(name: str, field: forms.Field) -> tuple[str, str]:
    """The field's label as written, and as it reads mid-sentence ("UPN" stays capital)."""
    label = str(field.label or name.replace("_", " ").capitalize()).rstrip("?: ")
    lower = label[0].lower() + label[1:] if label[1:2].islower() or len(label) == 1 else label
    return label, lower


def _own_messages(name: str, field: forms.Field) -> None:
    """Give every field GOV.UK error messages that name it ("Enter first name", "Select
    phase"), in place of Django's defaults ("This field is required."); a message a form
    sets itself is kept."""
    label, lower = _label(name, field)
    number = "a whole number" if isinstance(field, forms.IntegerField) else "a number"
    longest = getattr(field, "max_length", None)
    ours = {
        "required": f"Select {lower}" if _chooses(field) else f"Enter {lower}",
        "invalid_choice": f"Select {lower} from the choices given",
        "invalid_list": f"Select {lower} from the choices given",
        "invalid_pk_value": f"Select {lower} from the choices given",
        "max_length": f"{label} must be {longest:,} characters or fewer"
        if isinstance(longest, int)
        else f"{label} must be %(limit_value)d characters or fewer",
        "min_length": f"{label} must be %(limit_value)d characters or more",
        "max_value": f"{label} must be %(limit_value)s or less",
        "min_value": f"{label} must be %(limit_value)s or more",
        "step_size": f"{label} must be a multiple of %(limit_value)s",
        "max_digits": f"{label} must have %(max)s digits or fewer",
        "max_decimal_places": f"{label} must have %(max)s decimal places or fewer",
        "max_whole_digits": f"{label} must have %(max)s digits or fewer before the point",
        "invalid": f"{label} must be {number}",
        "missing": "Select a file",
        "empty": "The selected file is empty",
        "contradiction": "Select a file or clear the one chosen, not both",
    }
    if isinstance(field, forms.EmailField):
        ours["invalid"] = f"Enter {lower} in the correct format, like name@example.com"
    elif isinstance(field, (forms.DateField, forms.DateTimeField)):
        ours["invalid"] = f"{label} must be a real date"
    elif isinstance(field, forms.FileField):
        ours["required"] = "Select a file"
        ours["invalid"] = "The selected file could not be read"
        ours["max_length"] = "The file name must be %(max)d characters or fewer"
    elif not isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        ours["invalid"] = f"Enter {lower} in the right format"
    defaults = _django_defaults(field)
    for key in ("max_length", "min_length"):  # carried by a validator, not by the field
        if getattr(field, key, None) is not None:
            field.error_messages.setdefault(key, ours[key])
    for key, message in ours.items():
        if key in field.error_messages and field.error_messages[key] == defaults.get(key):
            field.error_messages[key] = message


def _no_dashes(field: forms.Field) -> None:
    """Never show Django's "---------": a select's empty choice says what it means, and
    required radios have no empty choice at all."""
    radios = isinstance(field.widget, forms.RadioSelect)
    empty = "Not recorded" if not field.required else ""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == _DASHES:
            field.empty_label = None if radios and field.required else empty or "Choose"
        return
    choices = getattr(field, "choices", None)
    if not isinstance(field, forms.ChoiceField) or choices is None:
        return
    if any(label == _DASHES for _value, label in choices):
        field.choices = [
            (value, empty or "Choose" if label == _DASHES else label)
            for value, label in choices
            if not (label == _DASHES and radios and field.required)
        ]
