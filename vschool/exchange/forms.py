"""The upload form: which feed, its files and, for an SSDA903 return, its year; the export's
year."""

import re
from datetime import date

from django import forms
from django.conf import settings

from vschool.calendar.rules import financial_year_label
from vschool.exchange.models import ImportRun
from vschool.exchange.ssda903.apply import collection_year_on
from vschool.kit.forms import GovukForm

URN_PATTERN = re.compile(r"^\d{1,8}$")


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
    collection_year = forms.TypedChoiceField(
        label="SSDA903 collection year",
        help_text="Only for an SSDA903 return. The year is read from the episodes; choose it "
        "only when the return has no episodes to read it from.",
        coerce=int,
        empty_value=None,
        required=False,
    )
    skip_invalid = forms.BooleanField(
        label="Import the valid rows even if some rows have errors", required=False
    )

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text += f" Up to {megabytes(settings.VSCHOOL_MAX_UPLOAD_BYTES)}."
        latest = collection_year_on(today or date.today()) + 1
        self.fields["collection_year"].choices = [("", "Read it from the episodes")] + [
            (year, collection_year_text(year)) for year in range(latest, latest - 12, -1)
        ]

    def clean_files(self):
        """Refuse files over the limit by the size the upload gives, before they are read:
        the page reads an upload whole, and the import needs many times its size."""
        files = self.cleaned_data["files"]
        limit = settings.VSCHOOL_MAX_UPLOAD_BYTES
        for upload in files:
            if upload.size > limit:
                raise forms.ValidationError(
                    f"{upload.name} must be smaller than {megabytes(limit)}"
                )
        if sum(upload.size for upload in files) > limit:
            raise forms.ValidationError(
                f"The files must be smaller than {megabytes(limit)} together"
            )
        return files


def megabytes(size: int) -> str:
    """ "20 MB" for 20,000,000 bytes."""
    return f"{size / 1_000_000:g} MB"


def collection_year_text(year: int) -> str:
    """ "2025-26 (1 April 2025 to 31 March 2026)" for the year ending 31 March 2026."""
    return f"{financial_year_label(year - 1)} (1 April {year - 1} to 31 March {year})"


class ExportForm(GovukForm):
    """Choose one of the collection years held."""

    year = forms.TypedChoiceField(
        label="Collection year",
        coerce=int,
        error_messages={"required": "Choose the collection year to export"},
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, collection_year_text(year)) for year in years]


class AttendanceUploadForm(GovukForm):
    """One CSV file of attendance marks: refused here if too big or not a CSV at all."""

    file = forms.FileField(
        label="Upload a CSV of attendance marks",
        help_text="One row a mark, with the columns child (or upn), urn, date, session "
        "(AM or PM) and code.",
        error_messages={
            "required": "Select a CSV file of attendance marks",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text += f" Up to {megabytes(settings.VSCHOOL_MAX_UPLOAD_BYTES)}."

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.VSCHOOL_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The selected file must be smaller than {megabytes(limit)}"
            )
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        data = upload.read()
        if b"\x00" in data:
            raise forms.ValidationError(
                "The selected file must be a CSV saved as text (UTF-8), not a spreadsheet"
            )
        self.cleaned_data["data"] = data
        return upload


MAX_TOKEN_URNS = 500


class FeedTokenForm(GovukForm):
    """Who the token is for and the schools (URNs) it may send marks for."""

    name = forms.CharField(
        label="Who is the token for?",
        help_text="The school or provider, as you want it in the audit log: for example"
        " Anytown Primary School.",
        max_length=100,
        error_messages={
            "required": "Enter who the token is for",
            "max_length": "Who the token is for must be 100 characters or fewer",
        },
    )
    urns = forms.CharField(
        label="Which schools may it send marks for?",
        help_text="The URN of each school, up to 8 digits: one for a school, several for a"
        " provider, with a space, comma or new line between them.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        error_messages={
            "required": "Enter the URN of at least one school",
            "max_length": "The URNs must be 10,000 characters or fewer",
        },
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter who the token is for")
        return name

    def clean_urns(self):
        urns = [urn for urn in re.split(r"[\s,;]+", self.cleaned_data["urns"]) if urn]
        wrong = [urn for urn in urns if not URN_PATTERN.match(urn)]
        if wrong:
            shown = ", ".join(wrong[:5]) + (" and others" if len(wrong) > 5 else "")
            raise forms.ValidationError(
                f"A URN is a number of up to 8 digits: {shown} is not"
                if len(wrong) == 1
                else f"A URN is a number of up to 8 digits: {shown} are not"
            )
        unique = list(dict.fromkeys(urns))
        if not unique:
            raise forms.ValidationError("Enter the URN of at least one school")
        if len(unique) > MAX_TOKEN_URNS:
            raise forms.ValidationError(
                f"A token may send marks for up to {MAX_TOKEN_URNS} schools: issue another"
            )
        return unique
