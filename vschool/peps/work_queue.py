"""The work queue: the user's PEP work in views, most urgent first.

Each view is one query over the user's children, so a view paginates in the database and
its count is one query, whatever the size of the roll. Every row says whose turn it is.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from vschool.accounts.models import Role
from vschool.calendar.rules import (
    academic_year_label,
    academic_year_start,
    add_school_days,
    nc_year_label,
    nc_years_for_phase,
    working_days_between,
)
from vschool.calendar.selectors import la_school_calendar, term_on
from vschool.cohort.models import CareEpisode, Child
from vschool.cohort.querysets import nc_years_q
from vschool.cohort.rules import year_group
from vschool.cohort.scoping import children_for_user
from vschool.kit.params import int_param
from vschool.peps.initial import care_starts, period_initial_peps
from vschool.peps.models import Pep, PepSection
from vschool.peps.querysets import needs_pep_q
from vschool.peps.sections import DONE_Q, is_done, turn
from vschool.peps.selectors import term_deadline
from vschool.peps.workflow import Part

# The views, in the order of the sub navigation.
VIEWS = (
    ("overdue", "Overdue"),
    ("due", "Due in 20 school days"),
    ("not_started", "Not started this term"),
    ("initial", "Initial PEPs"),
    ("qa", "Awaiting QA"),
    ("returned", "Returned"),
)
SOON_SCHOOL_DAYS = 20
# How far back the initial PEPs view looks for a period of care still without one.
_INITIAL_LOOKBACK = timedelta(days=400)

DT, SW, VS = "Designated teacher", "Social worker", "Virtual School"


def whose_children(user, officer: str) -> tuple[QuerySet[Child], str]:
    """The children whose work the queue shows the user, and the officer choice in force.

    Virtual School staff choose "mine" (their caseload: where officers start), "all"
    (where the head and deputy, who hold none, start) or one officer's id; others see
    their scoped roll, and the choice is "".
    """
    children = children_for_user(user)
    if not user.is_virtual_school_staff:
        return children, ""
    officer_id = int_param(officer)
    if officer not in ("mine", "all") and officer_id is None:
        officer = "all" if user.role in (Role.HEAD, Role.DEPUTY) else "mine"
    if officer == "mine":
        children = children.filter(education_officer=user)
    elif officer_id is not None:
        children = children.filter(education_officer=officer_id)
    return children, officer


def counts(lists: dict[str, QuerySet]) -> dict[str, int]:
    """Each view's count: one query a view."""
    return {key: lists[key].count() for key, _label in VIEWS}


def filtered(children: QuerySet[Child], phase: str, today: date) -> QuerySet[Child]:
    """The children of one phase this academic year, or all of them (`phase` empty)."""
    years = nc_years_for_phase(phase) if phase else []
    return children.filter(nc_years_q(years, academic_year_start(today))) if years else children


def views(children: QuerySet[Child], today: date) -> dict[str, QuerySet]:
    """Each view's rows for `children` (the user's, already scoped), most urgent first."""
    peps = Pep.objects.filter(child__in=children).select_related(
        "child", "child__current_school", "child__education_officer"
    )
    open_peps = peps.not_completed()
    soon = add_school_days(
        today, SOON_SCHOOL_DAYS, la_school_calendar(today, today + timedelta(days=200))
    )
    return {
        "overdue": open_peps.filter(due_date__lt=today).order_by("due_date", "pk"),
        "due": open_peps.filter(due_date__range=(today, soon)).order_by("due_date", "pk"),
        "not_started": not_started(children, today),
        "initial": initial_to_do(children, today),
        "qa": peps.filter(status=Pep.Status.SUBMITTED).order_by("due_date", "pk"),
        "returned": peps.filter(status=Pep.Status.RETURNED).order_by("due_date", "pk"),
    }


def not_started(children: QuerySet[Child], today: date) -> QuerySet[Child]:
    """Children in our care today (short breaks left out), of PEP age today, with no PEP
    started (initial or termly) for this term (calendar.selectors.term_on): "Not started"
    means no PEP, or only one still "not started" (its id is `pep_id`, for the row's link).
    """
    ay, term = term_on(today)
    peps = Pep.objects.of_term(ay, term.term.value)
    started = peps.exclude(status=Pep.Status.NOT_STARTED).values("child_id")
    unstarted = peps.filter(child=OuterRef("pk"), status=Pep.Status.NOT_STARTED)
    return (
        children.filter(in_care=True)
        .filter(needs_pep_q(today))
        .exclude(pk__in=started)
        .annotate(pep_id=Subquery(unstarted.order_by("due_date", "pk").values("pk")[:1]))
        .select_related("current_school", "education_officer")
        .order_by("last_name", "first_name", "pk")
    )


def initial_to_do(children: QuerySet[Child], today: date) -> QuerySet[CareEpisode]:
    """The periods of care children are in now, begun in the last 400 days, still needing an
    initial PEP approved; annotated with `initial_due` and the PEP's id, if one.

    A period in which a termly PEP was started without an initial PEP has moved on to
    termly PEPs, as on the child's page.
    """
    peps = period_initial_peps()
    termly = Pep.objects.filter(
        child=OuterRef("child"), kind=Pep.Kind.TERMLY, due_date__gte=OuterRef("decom")
    )
    later_period = CareEpisode.objects.new_entries().filter(
        child=OuterRef("child"), decom__gt=OuterRef("decom")
    )
    # In care now, in the period begun by the latest start: looked after ever since.
    return (
        care_starts(children.filter(in_care=True), today - _INITIAL_LOOKBACK, today)
        .exclude(Exists(later_period))
        .exclude(Exists(peps.completed()))
        .exclude(Exists(termly))
        .annotate(pep_id=Subquery(peps.order_by("-due_date", "-pk").values("pk")[:1]))
        .select_related("child", "child__current_school", "child__education_officer")
        .order_by("initial_due", "pk")
    )


@dataclass
class Row:
    """One line of the queue: the child, the PEP (if any), when it is due and whose turn."""

    child: Child
    pep: Pep | None
    kind: str
    due: date
    status: str
    turn: str
    link: str
    today: date

    @property
    def year(self) -> str:
        return nc_year_label(
            year_group(
                self.child.date_of_birth,
                academic_year_start(self.today),
                self.child.year_group_offset,
            )
        )

    @cached_property
    def overdue_by(self) -> int:
        """Working days past the due date, as deadlines are reported (screens 1.4)."""
        return working_days_between(self.due, self.today) if self.due < self.today else 0


_LABELS = {Part.DESIGNATED_TEACHER: DT, Part.SOCIAL_WORKER: SW, Part.VIRTUAL_SCHOOL: VS}


def whose_turn(
    pep: Pep | None, done: set[str], initial: bool = False, returned: set[str] = frozenset()
) -> str:
    """Who must act next on a PEP (rules.md 5, sections.turn): those who answer for the
    required sections not done and, when returned, for the sections returned and not
    redone; then the designated teacher to submit (or those the return named, to
    resubmit); the Virtual School once submitted. The social worker starts an initial PEP."""
    if pep is None or pep.status == Pep.Status.NOT_STARTED:
        return SW if initial or (pep and pep.kind == Pep.Kind.INITIAL) else DT
    if pep.status == Pep.Status.SUBMITTED:
        return VS
    now = turn(pep.status, done, returned)
    if now is None:
        return "Nobody"
    names = [_LABELS[part] for part in Part if part in now.parts]
    label = " and ".join([names[0], *(name.lower() for name in names[1:])])
    if now.to_send:
        label += ", to resubmit" if pep.status == Pep.Status.RETURNED else ", to submit"
    return label


def rows(view: str, objects: list, today: date) -> list[Row]:
    """The page's rows of `view`; reads the completed sections of the PEPs shown, in one
    query (and their PEPs, in one more, for the initial PEPs view)."""
    if view == "not_started":
        ay, term = term_on(today)
        deadline = term_deadline(ay, term)
        label = f"{term.term.value.title()} term {academic_year_label(ay)}"
        return [
            Row(
                child,
                None,
                label,
                deadline,
                "Not started",
                whose_turn(None, set()),
                reverse("peps:detail", args=[child.pk, child.pep_id])
                if child.pep_id
                else reverse("peps:child", args=[child.pk]),
                today,
            )
            for child in objects
        ]
    if view == "initial":
        peps = Pep.objects.in_bulk([ep.pep_id for ep in objects if ep.pep_id])
        items = [
            (
                ep.child,
                peps.get(ep.pep_id),
                ep.initial_due,
                f"Initial PEP (care began {ep.decom.day} {ep.decom:%b %Y})",
            )
            for ep in objects
        ]
    else:
        items = [(pep.child, pep, pep.due_date, pep.get_kind_display()) for pep in objects]
    done, returned = _sections_state([pep.pk for _child, pep, _due, _kind in items if pep])
    return [
        Row(
            child,
            pep,
            kind,
            due,
            pep.get_status_display() if pep else "Not started",
            whose_turn(
                pep,
                done.get(pep.pk, set()) if pep else set(),
                initial=view == "initial",
                returned=returned.get(pep.pk, set()) if pep else set(),
            ),
            reverse("peps:detail", args=[child.pk, pep.pk])
            if pep
            else reverse("peps:child", args=[child.pk]),
            today,
        )
        for child, pep, due, kind in items
    ]


def _sections_state(pep_ids: list[int]) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """Each PEP's sections done and sections returned, in one query."""
    done: dict[int, set[str]] = {}
    returned: dict[int, set[str]] = {}
    rows = (
        PepSection.objects.filter(pep_id__in=pep_ids)
        .filter(DONE_Q | Q(returned=True))
        .values_list("pep_id", "key", "completed", "not_available", "returned")
    )
    for pep_id, key, completed, not_available, is_returned in rows:
        if is_done(completed, not_available):
            done.setdefault(pep_id, set()).add(key)
        if is_returned:
            returned.setdefault(pep_id, set()).add(key)
    return done, returned


def next_due(children: QuerySet[Child], today: date) -> date | None:
    """The next due date of an open PEP, for "Nothing overdue. Next due: …"."""
    return (
        Pep.objects.filter(child__in=children, due_date__gte=today)
        .not_completed()
        .order_by("due_date")
        .values_list("due_date", flat=True)
        .first()
    )
