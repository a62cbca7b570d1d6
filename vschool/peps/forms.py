"""Forms for PEP sections, targets and the Virtual School's QA decision."""

from django import forms
from django.conf import settings

from vschool.pages.forms import GovukDateField, GovukForm
from vschool.peps import quality

_TEXT = {"widget": forms.Textarea(attrs={"rows": 4}), "required": False}


class SchoolSectionForm(GovukForm):
    attendance = forms.CharField(label="Attendance summary", **_TEXT)
    attainment = forms.CharField(label="Attainment and progress", **_TEXT)
    sen = forms.CharField(label="SEN and support", **_TEXT)
    strengths = forms.CharField(label="Strengths and interests", **_TEXT)


class CareSectionForm(GovukForm):
    placement = forms.CharField(label="Care and placement context", **_TEXT)
    carer_views = forms.CharField(label="The carer's views", **_TEXT)


class VoiceSectionForm(GovukForm):
    HOW = [("meeting", "At the meeting"), ("dt", "With the designated teacher beforehand"),
           ("own", "In their own writing, a drawing or a recording"),
           ("declined", "The child chose not to share")]
    words = forms.CharField(label="The child's words", help_text="Write them as the child said them",
                            **_TEXT)
    how_gathered = forms.ChoiceField(label="How were these views gathered?", choices=HOW,
                                     widget=forms.RadioSelect, required=False)


class TargetForm(GovukForm):
    area = forms.CharField(label="Area", help_text="For example, reading or attendance")
    target = forms.CharField(label="What will the child be able to do?",
                             widget=forms.Textarea(attrs={"rows": 2}))
    measure = forms.CharField(label="How will you know?", required=False)
    baseline = forms.CharField(label="Starting point", required=False)
    by_when = GovukDateField(label="Review date", help_text="Usually the next PEP date",
                             required=False)
    who = forms.CharField(label="Who is responsible", required=False)
    support = forms.CharField(label="Support", required=False)
    cost = forms.DecimalField(label="PP+ cost in pounds", required=False, min_value=0,
                              decimal_places=2)


TargetFormSet = forms.formset_factory(TargetForm, extra=1, can_delete=True)


class CompletedForm(GovukForm):
    completed = forms.TypedChoiceField(
        label="Have you completed this section?", widget=forms.RadioSelect,
        choices=[("yes", "Yes, I’ve completed this section"),
                 ("no", "No, I’ll come back to it later")],
        coerce=lambda value: value == "yes",
        error_messages={"required": "Select whether you have completed this section"})


class QaForm(GovukForm):
    """The QA decision: each criterion judged, a comment per section, then the grade.

    Criteria are judged to approve; returning needs only the reason.
    """

    decision = forms.ChoiceField(
        label="Decision", widget=forms.RadioSelect,
        choices=[("approve", "Approve with a grade"), ("return", "Return for changes")],
        error_messages={"required": "Select whether to approve or return the PEP"})
    grade = forms.ChoiceField(label="Grade", widget=forms.RadioSelect, required=False,
                              choices=[(g, g) for g in settings.VSCHOOL_PEP_GRADES],
                              help_text=quality.SUGGESTION_RULE)
    note = forms.CharField(label="Reason and the sections to change", required=False,
                           help_text="Needed to return the PEP; the designated teacher sees it",
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = quality.qa_criteria()
        for key, label in self.criteria:
            self.fields[f"criterion_{key}"] = forms.ChoiceField(
                label=label, widget=forms.RadioSelect(attrs={"inline": True}), required=False,
                choices=quality.JUDGEMENTS)
        self.sections = list(sections)
        for key, title in self.sections:
            self.fields[f"comment_{key}"] = forms.CharField(
                label=f"Comment on “{title}”", required=False,
                widget=forms.Textarea(attrs={"rows": 2}))

    def criterion_fields(self):
        return [self[f"criterion_{key}"] for key, _ in self.criteria]

    def comment_fields(self):
        return [self[f"comment_{key}"] for key, _ in self.sections]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve":
            if not data.get("grade"):
                self.add_error("grade", "Select a grade to approve the PEP")
            for key, label in self.criteria:
                if not data.get(f"criterion_{key}"):
                    self.add_error(f"criterion_{key}",
                                   f"Select whether “{label}” is met, partly met or not met")
        if data.get("decision") == "return" and not data.get("note", "").strip():
            self.add_error("note", "Enter the reason for returning the PEP")
        return data

    @property
    def review(self) -> dict:
        """The judgements and non-empty comments, as services.pep_transition records them."""
        data = self.cleaned_data
        return {"criteria": {key: data[f"criterion_{key}"] for key, _ in self.criteria
                             if data.get(f"criterion_{key}")},
                "comments": {key: data[f"comment_{key}"].strip() for key, _ in self.sections
                             if data.get(f"comment_{key}", "").strip()}}
