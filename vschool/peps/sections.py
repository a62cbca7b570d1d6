"""The sections of a PEP, their groups, owners and forms, fixed in code.

A section is either a form (its answers are one dict in PepSection.data) or a formset
(a list of dicts: targets, actions). `carry` names the answers a new PEP starts with from
the last one, for the owner to check: the facts that last beyond a term (needs, support,
strengths, placement), never the term's own views, meeting or decisions.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django import forms
from django.db.models import Exists, OuterRef, Q

from vschool.peps import forms as pep_forms
from vschool.peps.models import Pep, PepSection
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
    # Who answers for it: whose turn it is while it is not done, and who is told when the
    # Virtual School returns it. The owners but the Virtual School, unless given.
    answered_by: frozenset[Part] = field(default=frozenset())

    @property
    def turn(self) -> frozenset[Part]:
        return self.answered_by or self.owners - {Part.VIRTUAL_SCHOOL}


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
            answered_by=_DT,  # gathered at the meeting the designated teacher holds
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

# Sections that must be completed, or recorded as not available with the reason, before
# the PEP goes to the Virtual School (rules.md 5): the school's part of the plan (what the
# school will do, the child's views, the targets) and the social worker's (the care and
# placement context and the carer's views), as CPR2010 Sch 1 para 2 asks of the PEP.
REQUIRED_FOR_SUBMIT = ("school", "voice", "targets", "care", "carer")

# A section is done when it is completed, or recorded as not available with the reason.
DONE_Q = Q(completed=True) | ~Q(not_available="")


def is_done(completed: bool, not_available: str) -> bool:
    """A section is done when completed, or recorded as not available with the reason."""
    return completed or bool(not_available.strip())


def missing_for_submit(done: Iterable[str], returned: Iterable[str] = ()) -> list[Section]:
    """The sections to do before the PEP goes (back) to the Virtual School, in task list
    order: the required sections not done and the sections it returned not redone
    (rules.md 5). Done: completed, or recorded as not available with the reason."""
    done, returned = set(done), set(returned)
    return [
        spec
        for key, spec in SECTIONS.items()
        if key not in done and (key in REQUIRED_FOR_SUBMIT or key in returned)
    ]


# Who answers for a section, in words, in the order pages name them.
PART_LABELS = {
    Part.DESIGNATED_TEACHER: "designated teacher",
    Part.SOCIAL_WORKER: "social worker",
    Part.VIRTUAL_SCHOOL: "Virtual School",
}


def parts_label(parts: Iterable[Part], joiner: str = " and ") -> str:
    """ "designated teacher and social worker": parts in words, in a fixed order."""
    parts = set(parts)
    return joiner.join(label for part, label in PART_LABELS.items() if part in parts)


@dataclass(frozen=True)
class Turn:
    """Whose move it is on an open PEP: the parts to act and whether only sending is left."""

    parts: frozenset[Part]
    to_send: bool = False


def turn(status: str, done: Iterable[str], returned: Iterable[str] = ()) -> Turn | None:
    """Whose turn it is on a draft or returned PEP (rules.md 5); None in any other status.

    Those who answer for the sections still to do: the required sections not done and, on
    a returned PEP, the sections returned and not redone. With nothing left, the designated
    teacher submits a draft, and the people who answer for the returned sections resubmit
    it (the designated teacher when the return named none).
    """
    if status not in (Pep.Status.DRAFT, Pep.Status.RETURNED):
        return None
    done, returned = set(done), set(returned) if status == Pep.Status.RETURNED else set()
    pending = missing_for_submit(done, returned)
    if pending:
        return Turn(frozenset().union(*(spec.turn for spec in pending)))
    return Turn(resubmitters(returned), to_send=True)


def resubmitters(returned: Iterable[str]) -> frozenset[Part]:
    """Who may send a returned PEP back: whoever answers for the sections returned; the
    designated teacher when none was named (rules.md 5)."""
    parts = frozenset().union(*(SECTIONS[key].turn for key in returned if key in SECTIONS))
    return parts or frozenset({Part.DESIGNATED_TEACHER})


def turn_q(part: Part) -> Q:
    """The database twin of `turn`: PEPs whose turn includes `part`. A fixed number of
    subqueries (one a required section, three for returns), whatever the roll."""
    sections = PepSection.objects.filter(pep=OuterRef("pk"))
    done = sections.filter(DONE_Q)
    missing = {key: ~Exists(done.filter(key=key)) for key in REQUIRED_FOR_SUBMIT}
    answers = [key for key, spec in SECTIONS.items() if part in spec.turn]
    returned = sections.filter(returned=True)
    redo = returned.exclude(DONE_Q)
    nothing = Q(pk__in=[])
    mine = nothing
    for key in REQUIRED_FOR_SUBMIT:
        if key in answers:
            mine |= missing[key]
    all_done = Q()
    for key in REQUIRED_FOR_SUBMIT:
        all_done &= ~missing[key]
    is_dt = part == Part.DESIGNATED_TEACHER
    draft = Q(status=Pep.Status.DRAFT) & (mine | (all_done if is_dt else nothing))
    sends_back = Exists(returned.filter(key__in=answers)) | (
        ~Exists(returned) if is_dt else nothing
    )
    back = Q(status=Pep.Status.RETURNED) & (
        mine | Exists(redo.filter(key__in=answers)) | (all_done & ~Exists(redo) & sends_back)
    )
    return draft | back


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
