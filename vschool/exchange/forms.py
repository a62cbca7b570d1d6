"""The upload form: which feed, and its files."""

from django import forms

from vschool.exchange.models import ImportRun
from vschool.kit.forms import GovukForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Accept several files in one upload: an SSDA903 return is a set of CSV files."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        return [single(data or None, initial)]


class UploadForm(GovukForm):
    kind = forms.ChoiceField(
        label="What are you importing?", choices=ImportRun.Kind.choices, widget=forms.RadioSelect
    )
    files = MultipleFileField(
        label="Upload the files",
        help_text="For an SSDA903 return choose header.csv, episodes.csv and, if you have "
        "them, uasc.csv, oc3.csv, reviews.csv and missing.csv. For GIAS choose the "
        "all-establishments CSV; for historic PEPs, the PEP CSV (see the guide).",
        error_messages={"required": "Select the files to import"},
    )
    skip_invalid = forms.BooleanField(
        label="Import the valid rows even if some rows have errors", required=False
    )
