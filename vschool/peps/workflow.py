"""The PEP's state machine: every allowed move, who may make it and whom it tells next.

A transition names its source and target status, the parts people play for the child
that may make it, and who is notified. Nothing else moves a PEP's status.
"""

from dataclasses import dataclass
from enum import StrEnum

from vschool.peps.models import Pep

Status = Pep.Status


class Part(StrEnum):
    """The part a user plays for one child's PEP (rules.md 5)."""

    DESIGNATED_TEACHER = "dt"
    SOCIAL_WORKER = "social"
    VIRTUAL_SCHOOL = "vs"


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    parts: frozenset[Part]
    label: str
    summary: str
    notify: frozenset[Part] = frozenset()  # who acts next, and is told


_ANYONE = frozenset(Part)
_DT = frozenset({Part.DESIGNATED_TEACHER})
_VS = frozenset({Part.VIRTUAL_SCHOOL})
_DT_SW = frozenset({Part.DESIGNATED_TEACHER, Part.SOCIAL_WORKER})

TRANSITIONS = {
    t.action: t
    for t in [
        Transition(
            "start", Status.NOT_STARTED, Status.DRAFT, _ANYONE, "Start PEP", "PEP started", _DT_SW
        ),
        Transition(
            "submit",
            Status.DRAFT,
            Status.SUBMITTED,
            _DT,
            "Submit PEP to the Virtual School",
            "PEP submitted",
            _VS,
        ),
        Transition(
            "return",
            Status.SUBMITTED,
            Status.RETURNED,
            _VS,
            "Return for changes",
            "PEP returned for changes",
            _DT,  # services tells whoever answers for the sections returned (sections.turn)
        ),
        Transition(
            "resubmit",
            Status.RETURNED,
            Status.SUBMITTED,
            _DT_SW,  # services narrows it to whoever answers for the sections returned
            "Resubmit PEP to the Virtual School",
            "PEP resubmitted",
            _VS,
        ),
        Transition(
            "approve",
            Status.SUBMITTED,
            Status.APPROVED,
            _VS,
            "Approve with this grade",
            "PEP approved",
            _DT_SW,
        ),
        Transition("lock", Status.APPROVED, Status.LOCKED, _VS, "Lock PEP", "PEP locked"),
        # A new grade for an approved PEP, with the reason (its own page: views.pep_regrade).
        Transition("regrade", Status.APPROVED, Status.APPROVED, _VS, "Regrade", "PEP regraded"),
    ]
}

# Statuses in which sections may be changed.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


def parts_for(user, child) -> set[Part]:
    """Return the parts `user` plays for `child`; runs a query for the school's teachers."""
    parts = set()
    if user.is_virtual_school_staff:
        parts.add(Part.VIRTUAL_SCHOOL)
    if child.social_worker_id is not None and child.social_worker_id == user.pk:
        parts.add(Part.SOCIAL_WORKER)
    school = child.current_school
    if school is not None and school.designated_teachers.filter(pk=user.pk).exists():
        parts.add(Part.DESIGNATED_TEACHER)
    return parts


def actions_for(status: str, parts: set[Part]) -> list[Transition]:
    """Return the transitions open from `status` to someone playing `parts`."""
    return [t for t in TRANSITIONS.values() if t.source == status and t.parts & parts]
