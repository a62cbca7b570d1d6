"""The sections of a PEP, their groups, owners and forms, fixed in code.

A section is either a form (its answers are one dict in PepSection.data) or a formset
(a list of dicts: targets, actions). `carry` names the answers a new PEP starts with from
the last one, for the owner to check: the facts that last beyond a term (needs, support,
strengths, placement), never the term's own views, meeting or decisions.
"""

from dataclasses import dataclass

from django import forms

from vschool.peps import forms as pep_forms
from vschool.peps.workflow import Part

_DT = frozenset({Part.DESIGNATED_TEACHER})
_SW = frozenset({Part.SOCIAL_WORKER})
_DT_SW = frozenset({Part.DESIGNATED_TEACHER, Part.SOCIAL_WORKER})

# The task list's groups, in order; "Submit" follows them (the check answers page).
GROUPS = {
    "meeting": "Meeting",
    "child": "The child",
    "education": "Education",
    "plan": "Plan",
    "contributions": "Contributions",
}


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    group: str
    owners: frozenset[Part]
    owner_label: str
    form: type[forms.Form] | None = None
    formset: type[forms.BaseFormSet] | None = None
    prefix: str = ""  # the formset's prefix
    carry: tuple[str, ...] | bool = ()  # answers copied to the next PEP; True: all of them


SECTIONS = {
    s.key: s
    for s in [
        Section(
            "meeting",
            "Meeting date, attendees and who was consulted",
            "meeting",
            _DT_SW,
            "Designated teacher or social worker",
            pep_forms.MeetingSectionForm,
        ),
        Section(
            "voice",
            "The child's views",
            "child",
            frozenset(Part),
            "Anyone who meets the child",
            pep_forms.VoiceSectionForm,
        ),
        Section(
            "wellbeing",
            "Wellbeing and SEN",
            "child",
            _DT_SW,
            "Designated teacher or social worker",
            pep_forms.WellbeingSectionForm,
            carry=("support", "health", "ehcp_review", "sdq_score", "sdq_date"),
        ),
        Section(
            "school",
            "School, attendance and progress",
            "education",
            _DT,
            "Designated teacher",
            pep_forms.SchoolSectionForm,
            carry=("strengths",),
        ),
        Section(
            "review",
            "Last term's targets",
            "education",
            _DT,
            "Designated teacher",
            pep_forms.ReviewSectionForm,
        ),
        Section(
            "targets",
            "SMART targets",
            "plan",
            _DT,
            "Designated teacher",
            formset=pep_forms.TargetFormSet,
            prefix="t",
            carry=True,
        ),
        Section(
            "ppplus", "PP+ request", "plan", _DT, "Designated teacher", pep_forms.PpPlusSectionForm
        ),
        Section(
            "actions",
            "Actions and who will do them",
            "plan",
            _DT_SW,
            "Designated teacher or social worker",
            formset=pep_forms.ActionFormSet,
            prefix="a",
        ),
        Section(
            "care",
            "Care and placement",
            "contributions",
            _SW,
            "Social worker",
            pep_forms.CareSectionForm,
            carry=("placement",),
        ),
        Section(
            "carer",
            "The carer's and parent's views",
            "contributions",
            _SW,
            "Social worker, with the carer",
            pep_forms.CarerSectionForm,
        ),
    ]
}

# Sections that must be completed before the PEP goes to the Virtual School.
REQUIRED_FOR_SUBMIT = ("school", "voice", "targets")


def carried_forward(key: str, data) -> dict | list | None:
    """The answers a new PEP's section starts with, from the last PEP's `data`; None if none."""
    spec = SECTIONS.get(key)
    if spec is None or not spec.carry or not data:
        return None
    if spec.carry is True:
        return data
    kept = {
        name: data[name]
        for name in spec.carry
        if isinstance(data, dict) and data.get(name) not in ("", None)
    }
    return kept or None


def may_edit(section: Section, parts: set[Part]) -> bool:
    """Owners edit their section; the Virtual School may edit any."""
    return bool(parts & (section.owners | {Part.VIRTUAL_SCHOOL}))
