"""Forms for the roll filters and for adding and editing children, episodes and placements."""

from datetime import date

from django import forms
from django.conf import settings
from django.utils import timezone

from vschool.accounts.models import Role, User
from vschool.calendar.rules import (
    NC_YEARS,
    PHASES,
    academic_year_label,
    academic_year_start,
    nc_year,
    nc_year_label,
)
from vschool.codes import choices
from vschool.cohort.models import CareEpisode, Child, School, SchoolPlacement
from vschool.cohort.querysets import COHORTS
from vschool.cohort.rules import MAX_YEAR_GROUP_OFFSET, year_group, year_group_offset
from vschool.kit.forms import GovukDateField, GovukForm, GovukModelForm

_ANY = [("", "Any")]


class RollFilterForm(GovukForm):
    """The roll's filters; they live in the query string so a bookmark is a saved view."""

    q = forms.CharField(
        label="Name, UPN or LA child ID",
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    cohort = forms.ChoiceField(
        label="Cohort",
        required=False,
        choices=_ANY + [(value, label) for value, label, _q in COHORTS],
    )
    phase = forms.ChoiceField(label="Phase", required=False, choices=_ANY + PHASES)
    year = forms.TypedChoiceField(
        label="Year group",
        required=False,
        coerce=int,
        empty_value=None,
        choices=_ANY + [(n, nc_year_label(n)) for n in NC_YEARS],
    )
    school = forms.CharField(label="School name or URN", required=False)
    officer = forms.ModelChoiceField(
        label="Education officer", required=False, queryset=User.objects.none(), empty_label="Any"
    )
    area = forms.ChoiceField(
        label="Placement area",
        required=False,
        choices=_ANY + [("in", "In our area"), ("out", "Out of our area")],
    )
    legal_status = forms.ChoiceField(
        label="Legal status", required=False, choices=_ANY + choices("ssda903_legal_status")
    )
    sen = forms.ChoiceField(label="SEN", required=False, choices=_ANY + choices("sen_provision"))
    uasc = forms.ChoiceField(
        label="UASC", required=False, choices=_ANY + [("yes", "UASC"), ("no", "Not UASC")]
    )

    def __init__(self, *args, show_officer: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if show_officer:
            self.fields["officer"].queryset = User.objects.filter(
                role__in=[Role.OFFICER, Role.COORDINATOR, Role.DEPUTY, Role.HEAD], is_active=True
            )
        else:
            del self.fields["officer"]


class ChildForm(GovukModelForm):
    """A child's details. The year group is asked for as the school teaches it this academic
    year and stored as Child.year_group_offset, which holds from year to year (rules.md 4)."""

    date_of_birth = GovukDateField(label="Date of birth")

    class Meta:
        model = Child
        fields = [
            "first_name",
            "last_name",
            "known_as",
            "date_of_birth",
            "sex",
            "la_child_id",
            "upn",
            "ethnicity",
            "cohort_type",
            "responsible_la",
            "uasc",
            "sen_provision",
            "sen_primary_need",
            "year_group_offset",
            "education_officer",
            "social_worker",
        ]
        widgets = {
            "sex": forms.RadioSelect,
            "cohort_type": forms.RadioSelect,
            "sen_provision": forms.RadioSelect,
        }
        help_texts = {
            "upn": "13 characters, starting with the check letter; or an SSDA903 code UN1 to UN10",
            "responsible_la": "3-digit DfE code of the authority that looks after the child",
            "la_child_id": "The identifier in the social care system (CHILD in the SSDA903)",
        }

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.academic_year = academic_year_start(today or timezone.localdate())
        self._year_group_field()
        # Names are required when a person adds a child, though an import may leave them out.
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["education_officer"].queryset = User.objects.filter(
            role__in=[Role.OFFICER, Role.COORDINATOR, Role.DEPUTY, Role.HEAD]
        )
        self.fields["social_worker"].queryset = User.objects.filter(role=Role.SOCIAL_WORKER)
        self.fields["responsible_la"].initial = settings.VSCHOOL_LA_CODE
        self.fields["responsible_la"].widget.attrs["class"] = "govuk-input govuk-input--width-4"
        self.fields["upn"].widget.attrs["class"] = "govuk-input govuk-input--width-20"
        self.fields["upn"].widget.attrs["spellcheck"] = "false"

    def _year_group_field(self) -> None:
        """Ask for the year group taught in this academic year where the stored offset was."""
        child = self.instance
        taught_in = None
        if child.pk and child.year_group_offset:
            taught_in = year_group(child.date_of_birth, self.academic_year, child.year_group_offset)
        years = list(NC_YEARS)
        if taught_in is not None and taught_in not in years:
            years = sorted([*years, taught_in])
        hint = "Only when the school teaches the child out of the year group of their age"
        if child.pk:
            by_age = nc_year(child.date_of_birth, self.academic_year)
            hint += f" (by their date of birth, {nc_year_label(by_age)})"
        field = forms.TypedChoiceField(
            label=f"Year group taught in this academic year "
            f"({academic_year_label(self.academic_year)})",
            required=False,
            coerce=int,
            empty_value=None,
            initial=taught_in,
            choices=[("", "Same as their age")] + [(n, nc_year_label(n)) for n in years],
            help_text=hint + ". It moves up with them each September.",
            widget=forms.Select(attrs={"class": "govuk-select"}),
        )
        self.fields = {
            ("year_group" if name == "year_group_offset" else name): (
                field if name == "year_group_offset" else value
            )
            for name, value in self.fields.items()
        }

    def clean(self):
        cleaned = super().clean()
        taught_in = cleaned.pop("year_group", None)
        dob = cleaned.get("date_of_birth")
        if dob is None:
            return cleaned
        offset = year_group_offset(dob, self.academic_year, taught_in)
        if offset is not None and abs(offset) > MAX_YEAR_GROUP_OFFSET:
            self.add_error(
                "year_group",
                (
                    f"{nc_year_label(taught_in)} is {abs(offset)} years "
                    f"{'below' if offset < 0 else 'above'} the year group of their age "
                    f"({nc_year_label(nc_year(dob, self.academic_year))}): a child can be taught "
                    f"at most {MAX_YEAR_GROUP_OFFSET} years above or below it. "
                    "Check the date of birth and the year group"
                ),
            )
            return cleaned
        cleaned["year_group_offset"] = offset
        return cleaned


class CareEpisodeForm(GovukModelForm):
    decom = GovukDateField(label="Start date (DECOM)")
    dec = GovukDateField(
        label="End date (DEC)", required=False, help_text="Leave blank while the episode is open"
    )

    class Meta:
        model = CareEpisode
        fields = [
            "decom",
            "rne",
            "ls",
            "cin",
            "place",
            "place_provider",
            "placement_la",
            "pl_post",
            "dec",
            "rec",
            "reason_place_change",
        ]
        help_texts = {"placement_la": "3-digit DfE code of the authority the child lives in"}


class SchoolPlacementForm(GovukModelForm):
    start = GovukDateField(label="Start date")
    end = GovukDateField(
        label="End date", required=False, help_text="Leave blank while the child is still there"
    )
    school_urn = forms.CharField(
        label="School URN", required=False, help_text="Needed when the provision is a school"
    )

    class Meta:
        model = SchoolPlacement
        fields = [
            "provision",
            "school_urn",
            "provider_name",
            "attendance",
            "start",
            "end",
            "move_type",
            "reason_for_move",
        ]
        widgets = {
            "provision": forms.RadioSelect,
            "attendance": forms.RadioSelect,
            "move_type": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.school_id:
            self.fields["school_urn"].initial = self.instance.school.urn
        self.fields["school_urn"].widget.attrs["class"] = "govuk-input govuk-input--width-10"

    def add_error(self, field, error):
        """Show the model's error about the school on the URN box the user typed in."""
        if isinstance(error, forms.ValidationError) and hasattr(error, "error_dict"):
            error = forms.ValidationError(
                {
                    "school_urn" if name == "school" else name: errors
                    for name, errors in error.error_dict.items()
                }
            )
        super().add_error("school_urn" if field == "school" else field, error)

    def clean_school_urn(self):
        urn = self.cleaned_data["school_urn"].strip()
        if not urn:
            self.instance.school = None
            return ""
        school = School.objects.filter(urn=urn).first()
        if school is None:
            raise forms.ValidationError(
                "No school has this URN: check it in Get Information About Schools"
            )
        self.instance.school = school
        return urn
