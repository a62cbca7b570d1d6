"""The funding forms' shared field: an amount in pounds, held in pence."""

from decimal import Decimal

from django import forms

from vschool.funding.rules import pence

# Far above any real PP+ amount (a grant is a few million pounds), far below what breaks.
MOST_POUNDS = Decimal("100000000")


class PoundsField(forms.DecimalField):
    """An amount in pounds and pence, like 450 or 450.50; cleaned to whole pence (int).

    Rendered as the GOV.UK input with a "£" prefix; error messages name the field's label.
    """

    def __init__(
        self, *, label: str, allow_negative: bool = False, allow_zero: bool = False, **kwargs
    ):
        name = label[0].upper() + label[1:]
        least = None if allow_negative else (Decimal(0) if allow_zero else Decimal("0.01"))
        messages = {
            "required": f"Enter the {label[0].lower() + label[1:]}",
            "invalid": f"{name} must be a number in pounds, like 450 or 450.50",
            "min_value": f"{name} must be more than £0"
            if not allow_zero
            else f"{name} must be £0 or more",
            "max_value": f"{name} must be £{MOST_POUNDS:,} or less",
            "min_value_negative": f"{name} must be more than -£{MOST_POUNDS:,}",
            "max_decimal_places": f"{name} must be in pounds and pence, like 450.50",
            "max_digits": f"{name} must be £{MOST_POUNDS:,} or less",
        }
        messages.update(kwargs.pop("error_messages", {}))
        super().__init__(
            label=label,
            min_value=least if least is not None else -MOST_POUNDS,
            max_value=MOST_POUNDS,
            decimal_places=2,
            widget=forms.TextInput(
                attrs={
                    "inputmode": "decimal",
                    "class": "govuk-input govuk-input--width-10",
                }
            ),
            error_messages=messages,
            **kwargs,
        )
        self.prefix = "£"  # govuk/field.html shows it before the input
        if least is None:
            self.error_messages["min_value"] = messages["min_value_negative"]

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else pence(amount)
