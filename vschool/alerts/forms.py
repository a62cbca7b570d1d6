"""The alerts list's filters and the forms on an alert's page."""

import re

from django import forms

from vschool.accounts.models import VIRTUAL_SCHOOL_STAFF, User
from vschool.alerts.models import Alert
from vschool.kit.forms import GovukForm

_CHILD_REFERENCE = re.compile(r"(?:VS-?)?0*(\d{1,9})", re.IGNORECASE)
STATUSES = [("open", "Open"), ("closed", "Closed"), ("all", "Open or closed")]
ASSIGNED = [("", "Anyone"), ("me", "Me")]


class AlertFilterForm(GovukForm):
    """The list's filters, in the query string so a list can be bookmarked. No status
    given means open."""

    kind = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any"), *Alert.Kind.choices]
    )
    status = forms.ChoiceField(label="Status", required=False, choices=STATUSES)
    assigned = forms.ChoiceField(label="Assigned to", required=False, choices=ASSIGNED)
    child = forms.CharField(
        label="Child reference", required=False, max_length=20, help_text="For example, VS-00012"
    )

    def clean_child(self) -> int | None:
        reference = self.cleaned_data["child"].strip()
        if not reference:
            return None
        match = _CHILD_REFERENCE.fullmatch(reference)
        if not match:
            raise forms.ValidationError("Enter a child reference like VS-00012")
        return int(match.group(1))


class AssignForm(GovukForm):
    to = forms.ModelChoiceField(
        label="Assign to",
        queryset=User.objects.filter(role__in=VIRTUAL_SCHOOL_STAFF, is_active=True),
        empty_label="Choose a member of the team",
        error_messages={
            "required": "Choose who to assign the alert to",
            "invalid_choice": "Choose a member of the Virtual School team from the list",
        },
    )


class NoteForm(GovukForm):
    text = forms.CharField(
        label="Note",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the note"},
    )


class CloseForm(GovukForm):
    reason = forms.CharField(
        label="Why are you closing the alert?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the school has confirmed the reason and the child is back",
        error_messages={"required": "Enter why you are closing the alert"},
    )
