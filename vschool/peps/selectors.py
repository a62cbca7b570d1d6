"""What a child's PEPs are and what is due, for the child's PEPs page."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from vschool.accounts.models import Role
from vschool.calendar.rules import (
    TermPeriod,
    academic_year_start,
    working_days_between,
)
from vschool.calendar.selectors import term_dates_for_year, term_on
from vschool.cohort.models import Child
from vschool.cohort.rules import looked_after_on, periods_of_care, year_group
from vschool.cohort.scoping import children_for_user
from vschool.peps.initial import initial_due_rule
from vschool.peps.models import Pep, PepModeration, PepReview, PepSection, PepTermDeadline
from vschool.peps.quality import ReviewPresenter
from vschool.peps.rules import is_completed, needs_pep, pep_type
from vschool.peps.sections import turn_q
from vschool.peps.workflow import Part


@dataclass
class Due:
    """One PEP the child needs: what, by when, and the PEP that meets it, if any."""

    label: str
    due: date
    pep: Pep | None
    today: date

    @property
    def done(self) -> bool:
        return self.pep is not None and is_completed(self.pep.status)

    @property
    def overdue_working_days(self) -> int:
        """Working days past the deadline: deadlines are reported in their unit (screens 1.4)."""
        if self.done or self.today <= self.due:
            return 0
        return working_days_between(self.due, self.today)


@dataclass
class PepSchedule:
    needs_pep: bool
    pep_type: str
    due: list[Due]
    history: list[Pep]


def deadlines_set(academic_year: int) -> dict[str, date]:
    """The PEP deadlines the Virtual School has set for a year's terms, by term. One query."""
    return dict(
        PepTermDeadline.objects.filter(academic_year=academic_year).values_list("term", "deadline")
    )


def term_deadlines(academic_year: int, terms: list[TermPeriod]) -> dict[str, date]:
    """The deadline of each term's PEPs: the one the Virtual School set, else the term's last
    day (rules.md 5). The one reader of deadlines for pages, reports and the queue."""
    set_by_vs = deadlines_set(academic_year)
    return {t.term.value: set_by_vs.get(t.term.value, t.end) for t in terms}


def term_deadline(academic_year: int, term: TermPeriod) -> date:
    """The deadline of one term's PEPs (term_deadlines)."""
    return term_deadlines(academic_year, [term])[term.term.value]


def next_pep_deadline(pep: Pep) -> date:
    """The deadline of the term after the PEP's: when its targets come up for review."""
    terms = term_dates_for_year(pep.academic_year)
    later = terms[[t.term.value for t in terms].index(pep.term) + 1 :]
    if later:
        return term_deadline(pep.academic_year, later[0])
    return term_deadline(pep.academic_year + 1, term_dates_for_year(pep.academic_year + 1)[0])


def pep_schedule(child: Child, today: date) -> PepSchedule:
    """The child's PEP history and the PEPs due now: the initial PEP and this term's.

    Due when looked after today by the episodes (short breaks left out) and old enough
    for a PEP (rules.needs_pep, in the year group the school teaches them in). The initial PEP is
    asked for only when the period of care began with a new entry the records hold.
    """
    history = list(child.peps.all())
    episodes = list(child.episodes.all())
    year = year_group(child.date_of_birth, academic_year_start(today), child.year_group_offset)
    needed = looked_after_on(episodes, today) and needs_pep(
        child.date_of_birth, today, nc_year=year, from_age_two=settings.VSCHOOL_PEP_FROM_AGE_TWO
    )
    kind = pep_type(year, in_education=child.current_school_id is not None)
    due: list[Due] = []
    if needed:
        periods = periods_of_care(episodes)
        now = periods[-1] if periods and periods[-1].end is None else None
        initial = (
            _initial_due(now.start, history, today) if now is not None and now.starts_care else None
        )
        if initial is not None:
            due.append(initial)
        due += _term_due(history, today)
    return PepSchedule(needed, kind, due, history)


def _initial_due(care_start: date, history: list[Pep], today: date) -> Due | None:
    """The period of care's initial PEP, unless it was missed: once a termly PEP has been
    started in the period without one, the child has moved on to termly PEPs (the report
    counts the initial PEP as not in timescale)."""
    in_period = [p for p in history if p.due_date >= care_start]
    pep = next((p for p in in_period if p.kind == Pep.Kind.INITIAL), None)
    if pep is None and any(p.kind == Pep.Kind.TERMLY for p in in_period):
        return None
    deadline = initial_due_rule(care_start, care_start)(care_start)
    return Due(
        f"Initial PEP (care began {care_start.day} {care_start:%B %Y})", deadline, pep, today
    )


def _term_due(history: list[Pep], today: date) -> list[Due]:
    ay, term = term_on(today)
    pep = next(
        (
            p
            for p in history
            if p.kind == Pep.Kind.TERMLY and p.academic_year == ay and p.term == term.term.value
        ),
        None,
    )
    label = f"{term.term.value.title()} term {ay}/{str(ay + 1)[2:]} PEP"
    return [Due(label, term_deadline(ay, term), pep, today)]


def pep_due_now(child: Child, today: date) -> tuple[str, int, str, date] | None:
    """Return (kind, academic year, term, due date) of the PEP to start now, or None.

    The initial PEP comes first while it is unmet; then this term's.
    """
    schedule = pep_schedule(child, today)
    unmet = [item for item in schedule.due if item.pep is None]
    if not unmet:
        return None
    ay, term = term_on(today)
    initial = len(schedule.due) == 2 and unmet[0] is schedule.due[0]
    return (Pep.Kind.INITIAL if initial else Pep.Kind.TERMLY, ay, term.term.value, unmet[0].due)


def pep_for_child(child: Child, pep_id: int) -> Pep:
    """Return the child's PEP `pep_id` with its sections, or 404 (the child is already scoped)."""
    return get_object_or_404(child.peps.prefetch_related("sections"), pk=pep_id)


def previous_review(pep: Pep) -> ReviewPresenter | None:
    """The last QA of this PEP or of the child's earlier ones, for the officer to read first."""
    review = (
        PepReview.objects.filter(pep__child_id=pep.child_id, pep__due_date__lte=pep.due_date)
        .select_related("pep", "by")
        .order_by("-at", "-id")
        .first()
    )
    return ReviewPresenter(review) if review else None


def previous_approved(pep: Pep) -> Pep | None:
    """The child's last approved (or locked) PEP before this one: last term's grade."""
    return (
        Pep.objects.completed()
        .filter(child_id=pep.child_id)
        .filter(Q(due_date__lt=pep.due_date) | Q(due_date=pep.due_date, pk__lt=pep.pk))
        .order_by("-due_date", "-pk")
        .first()
    )


def peps_waiting_for(user) -> QuerySet[Pep]:
    """The PEPs of the user's children waiting for the user's part, most urgent first, in
    one query (rules.md 5, sections.turn_q).

    Virtual School staff: their caseload's PEPs awaiting QA; a designated teacher: draft or
    returned PEPs whose turn includes the school (its sections to do, or to submit or
    resubmit); a social worker: those whose turn includes the social worker. Nothing for
    other roles.
    """
    if user.is_virtual_school_staff:
        peps = Pep.objects.filter(child__education_officer=user, status=Pep.Status.SUBMITTED)
    elif user.role in _PART_OF_ROLE:
        peps = Pep.objects.filter(
            turn_q(_PART_OF_ROLE[user.role]), child__in=children_for_user(user)
        )
    else:
        return Pep.objects.none()
    return peps.select_related("child", "child__current_school").order_by("due_date", "pk")


_PART_OF_ROLE = {
    Role.DESIGNATED_TEACHER: Part.DESIGNATED_TEACHER,
    Role.SOCIAL_WORKER: Part.SOCIAL_WORKER,
}


def pep_waiting_count(user) -> int:
    """How many PEPs wait for the user's part (peps_waiting_for), for the navigation badge.
    One query, or none for other roles."""
    peps = peps_waiting_for(user)
    return 0 if peps.query.is_empty() else peps.count()


def section_as_saved(pep: Pep, key: str) -> PepSection:
    """A PEP's section as the database holds it now, with who last saved it."""
    return PepSection.objects.select_related("updated_by").get(pep=pep, key=key)


def terms_with_completed_peps() -> set[tuple[int, str]]:
    """The (academic year, term) pairs in which at least one PEP was completed."""
    return set(Pep.objects.completed().values_list("academic_year", "term").distinct())


def moderation_sample(academic_year: int, term: str) -> list[PepModeration]:
    """A term's moderation sample, by phase, with each PEP's child, school and first grader."""
    return list(
        PepModeration.objects.filter(academic_year=academic_year, term=term)
        .select_related("pep__child__current_school", "first_by")
        .order_by("phase", "pep__child__la_child_id", "pk")
    )


def moderation_to_grade(moderation_id: int) -> PepModeration:
    """One sampled PEP with its sections and both graders; 404 when there is no such row."""
    return get_object_or_404(
        PepModeration.objects.select_related(
            "pep__child", "first_by", "second_by"
        ).prefetch_related("pep__sections"),
        pk=moderation_id,
    )
