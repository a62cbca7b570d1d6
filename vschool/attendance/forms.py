"""The forms for a child's suspensions and exclusions, and their alternative provision."""

from django import forms

from vschool.attendance.models import AlternativeProvision, Exclusion
from vschool.kit.forms import GovukDateField, GovukModelForm

UPHELD_CHOICES = [("", "Not decided yet"), ("true", "Yes"), ("false", "No, overturned")]


class ExclusionForm(GovukModelForm):
    start = GovukDateField(label="First day")
    end = GovukDateField(label="Last day", help_text="The same as the first day for one day")
    sessions = forms.IntegerField(
        label="Sessions missed",
        min_value=1,
        max_value=999,
        help_text="Morning and afternoon are a session each: 2 a day, 1 for half a day",
    )
    urn = forms.CharField(
        label="School URN",
        required=False,
        max_length=8,
        help_text="Leave blank for the school the child is on the roll of on the first day",
    )
    upheld = forms.TypedChoiceField(
        label="Permanent exclusion upheld on review",
        choices=UPHELD_CHOICES,
        required=False,
        coerce=lambda value: value == "true",
        empty_value=None,
        help_text="Only for a permanent exclusion; statistics count it once upheld",
    )

    class Meta:
        model = Exclusion
        fields = [
            "kind",
            "start",
            "end",
            "sessions",
            "reason_1",
            "reason_2",
            "reason_3",
            "urn",
            "upheld",
            "notes",
        ]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [
                (value, label) for value, label in self.fields["kind"].choices if value in kinds
            ]
        if self.instance.pk and self.instance.upheld is not None:
            self.initial["upheld"] = "true" if self.instance.upheld else "false"
        self.fields["urn"].widget.attrs["class"] = "govuk-input govuk-input--width-10"
        self.fields["sessions"].widget.attrs["class"] = "govuk-input govuk-input--width-3"

    def clean_urn(self):
        urn = self.cleaned_data["urn"].strip()
        if urn and not urn.isdigit():
            raise forms.ValidationError("A URN is digits only, such as 100000")
        if urn != (self.instance.urn or ""):
            self.instance.school = None  # the service finds the school of the new URN
        return urn

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") != Exclusion.Kind.PERMANENT:
            cleaned["upheld"] = None
        return cleaned


class ProvisionForm(GovukModelForm):
    start = GovukDateField(label="Start date")
    end = GovukDateField(label="End date", required=False, help_text="Leave blank if not set")
    review_date = GovukDateField(label="Review date")
    registered = forms.TypedChoiceField(
        label="Is the provider registered?",
        choices=[("true", "Yes"), ("false", "No")],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        help_text="Registered with the DfE or Ofsted as a school or an independent provider",
    )

    class Meta:
        model = AlternativeProvision
        fields = [
            "kind",
            "provider_name",
            "provider_urn",
            "provider_ukprn",
            "registered",
            "hours_per_week",
            "start",
            "end",
            "review_date",
            "arranged_by",
            "arranged_by_name",
            "notes",
        ]
        labels = {"hours_per_week": "Hours a week"}
        widgets = {"kind": forms.RadioSelect, "arranged_by": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault(
            "registered",
            "true" if self.instance.pk is None or self.instance.registered else "false",
        )
        if self.instance.pk:
            self.initial["registered"] = "true" if self.instance.registered else "false"
        for name in ("provider_urn", "provider_ukprn"):
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-10"
            self.fields[name].required = False
        self.fields["provider_urn"].help_text = "6 digits, if it has one"
        self.fields["provider_ukprn"].help_text = "8 digits, if it has one"
        self.fields["hours_per_week"].widget.attrs["class"] = "govuk-input govuk-input--width-4"
