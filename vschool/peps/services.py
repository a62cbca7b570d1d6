"""Changes to PEPs: start one, move it through the workflow, save a section."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse

from vschool.accounts.models import Role, User
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.cohort.models import Child
from vschool.peps import quality
from vschool.peps.models import Pep, PepReview, PepSection, PepStatusChange
from vschool.peps.rules import PEP_TYPE_LABELS
from vschool.peps.sections import (
    SECTIONS,
    carried_forward,
    is_done,
    may_edit,
    missing_for_submit,
    parts_label,
    resubmitters,
)
from vschool.peps.selectors import pep_due_now, pep_schedule
from vschool.peps.signals import pep_graded
from vschool.peps.workflow import EDITABLE, TRANSITIONS, Part, parts_for


class PepError(Exception):
    """A change the workflow refuses; the message is shown to the user."""


class StaleVersion(PepError):
    """Someone else changed the record since the user loaded it; nothing was saved."""


def pep_start(*, child: Child, user: User, today: date, request: HttpRequest | None = None) -> Pep:
    """Create the PEP due now and move it to draft, carrying forward what lasts from the
    last PEP (sections.py says what) as sections in progress for their owners to check."""
    due = pep_due_now(child, today)
    if due is None:
        raise PepError("No PEP is due to start for this child")
    kind, academic_year, term, due_date = due
    previous = child.peps.order_by("-due_date", "-pk").first()
    with transaction.atomic():
        pep = Pep.objects.create(
            child=child,
            kind=kind,
            academic_year=academic_year,
            term=term,
            due_date=due_date,
            pep_type=pep_schedule(child, today).pep_type,
        )
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATED,
            obj=pep,
            summary=f"{PEP_TYPE_LABELS[pep.pep_type]} created",
            request=request,
        )
        if previous is not None:
            carried = (
                (row.key, carried_forward(row.key, row.data)) for row in previous.sections.all()
            )
            PepSection.objects.bulk_create(
                PepSection(pep=pep, key=key, data=data, updated_by=user, carried_from=previous)
                for key, data in carried
                if data is not None
            )
        return pep_transition(
            pep=pep, user=user, action="start", version=pep.version, request=request
        )


def pep_transition(
    *,
    pep: Pep,
    user: User,
    action: str,
    version: int,
    note: str = "",
    grade: str = "",
    today: date | None = None,
    review: dict | None = None,
    ppplus: dict | None = None,
    request: HttpRequest | None = None,
) -> Pep:
    """Make one workflow move, if `user` may and nobody changed the PEP since `version`.

    Writes the status row, the QA review when one is given (criteria and section
    comments, on approve or return) and the audit entry (from the `request`'s address),
    then e-mails whoever acts next. Approving or regrading sends signals.pep_graded in the
    same transaction, with `ppplus` (the QA page's PP+ decision): a receiver that raises
    PepError undoes the move, and the PEP is read again as it was.
    """
    move = TRANSITIONS.get(action)
    if move is None or pep.status != move.source:
        raise PepError(f"You cannot {action} a PEP that is {pep.get_status_display().lower()}")
    parts = parts_for(user, pep.child)
    if not move.parts & parts:
        raise PepError("You cannot do that to this PEP")
    changes = {"status": move.target, "version": F("version") + 1}
    notify, summary = move.notify, move.summary
    sending = action in ("submit", "resubmit")
    rows = list(PepSection.objects.filter(pep=pep)) if sending else []
    returned_keys = [row.key for row in rows if row.returned]
    reopen: list[str] = []
    if action == "resubmit":
        returned = resubmitters(returned_keys)
        if not returned & parts:
            raise PepError(f"Only the {parts_label(returned, ' or ')} can resubmit this PEP")
    if sending:
        missing = missing_for_submit(
            (row.key for row in rows if is_done(row.completed, row.not_available)), returned_keys
        )
        if missing:
            raise PepError(f"Complete these sections first: {missing_sentence(missing)}")
        absent = [row for row in rows if row.key in SECTIONS and row.not_available]
        # The status history keeps each reason; the e-mail names the sections only.
        note = "\n".join(
            f"Not available: {SECTIONS[r.key].title}: {r.not_available}" for r in absent
        )
        mailed = (
            "Not available: " + ", ".join(SECTIONS[r.key].title for r in absent) if absent else ""
        )
    else:
        mailed = note
    if action == "return":
        if not note.strip():
            raise PepError("Enter the reason for returning the PEP")
        comments = (review or {}).get("comments", {})
        reopen = [key for key in SECTIONS if key in comments]
        notify = resubmitters(reopen)
        if reopen:
            summary += ": " + ", ".join(SECTIONS[key].title for key in reopen)
    if action == "approve":
        if grade not in settings.VSCHOOL_PEP_GRADES:
            raise PepError("Select a grade to approve the PEP")
        changes.update(grade=grade, completed_date=today or date.today())
    previous_grade = pep.grade
    if action == "regrade":
        if grade not in settings.VSCHOOL_PEP_GRADES:
            raise PepError("Select the new grade")
        if grade == pep.grade:
            raise PepError(f"The PEP is already graded {grade}: select a different grade")
        if not note.strip():
            raise PepError("Enter the reason for regrading the PEP")
        changes["grade"] = grade
        summary = f"PEP regraded from {previous_grade or 'no grade'} to {grade}"
    try:
        with transaction.atomic():
            if not Pep.objects.filter(pk=pep.pk, version=version, status=move.source).update(
                **changes
            ):
                raise StaleVersion(
                    "Someone else changed this PEP since you opened it. Check it and try again."
                )
            pep.refresh_from_db()
            if sending:
                PepSection.objects.filter(pep=pep, returned=True).update(returned=False)
            for key in reopen:  # reopened for whoever answers for it
                PepSection.objects.get_or_create(pep=pep, key=key)
            PepSection.objects.filter(pep=pep, key__in=reopen).update(
                returned=True, completed=False, not_available=""
            )
            PepStatusChange.objects.create(pep=pep, status=pep.status, by=user, note=note)
            if review is not None and action in ("approve", "return"):
                criteria = review.get("criteria", {})
                PepReview.objects.create(
                    pep=pep,
                    by=user,
                    decision=action,
                    criteria=criteria,
                    comments=review.get("comments", {}),
                    grade=grade,
                    suggested_grade=quality.suggested_grade(criteria),
                )
            if action == "regrade":
                PepReview.objects.create(pep=pep, by=user, decision=action, grade=grade)
            audit_record(
                user=user,
                action=AuditEntry.Action.CHANGED,
                obj=pep,
                summary=summary
                + (f": {note.strip()}" if action == "regrade" else f" ({grade})" if grade else ""),
                request=request,
            )
            if action in ("approve", "regrade"):
                pep_graded.send(
                    sender=Pep,
                    pep=pep,
                    grade=grade,
                    previous_grade=previous_grade,
                    user=user,
                    ppplus=ppplus,
                    request=request,
                    regrade=action == "regrade",
                )
    except PepError:
        pep.refresh_from_db()  # a receiver refused after the update: as it was
        raise
    if notify:
        _notify(pep, notify, move.summary, mailed, by=user)
    return pep


def missing_sentence(missing) -> str:
    """ "Care and placement (social worker), SMART targets (designated teacher)"."""
    return ", ".join(f"{spec.title} ({parts_label(spec.turn, ' or ')})" for spec in missing)


def pep_section_save(
    *,
    pep: Pep,
    key: str,
    user: User,
    data: dict,
    completed: bool,
    version: int,
    not_available: str = "",
    request: HttpRequest | None = None,
) -> PepSection:
    """Save a section's answers, if the PEP is open and `user` owns the section.

    `not_available` records why its owner cannot complete it ("not available because
    ..."): the PEP may then be submitted without it. Completing it clears the reason.
    """
    section = SECTIONS[key]
    not_available = "" if completed else not_available.strip()
    if pep.status not in EDITABLE:
        raise PepError(f"A PEP that is {pep.get_status_display().lower()} cannot be changed")
    if not may_edit(section, parts_for(user, pep.child)):
        raise PepError(f"Only the {section.owner_label.lower()} can change this section")
    with transaction.atomic():
        row, created = PepSection.objects.get_or_create(pep=pep, key=key)
        # A newer version saved by the same user is their own draft (autosave): no conflict.
        if not created and row.version != version and row.updated_by_id != user.pk:
            raise StaleVersion(
                f"{row.updated_by or 'Someone'} changed this section since you "
                "opened it. Your answers are below: check them and save again."
            )
        previous_reason = row.not_available
        changed = PepSection.objects.filter(pk=row.pk, version=row.version).update(
            data=data,
            completed=completed,
            not_available=not_available,
            updated_by=user,
            version=F("version") + 1,
            carried_from=None,
        )
        if not changed:
            raise StaleVersion("Someone else saved this section at the same moment. Try again.")
        row.refresh_from_db()
        audit_record(
            user=user,
            action=AuditEntry.Action.CHANGED,
            obj=pep,
            summary=f"PEP section saved: {section.title}",
            request=request,
        )
        if not_available and not_available != previous_reason:
            audit_record(
                user=user,
                action=AuditEntry.Action.CHANGED,
                obj=pep,
                summary=f"PEP section recorded as not available: {section.title}",
                request=request,
            )
    return row


def pep_meeting_save(
    *,
    pep: Pep,
    user: User,
    data: dict,
    completed: bool,
    version: int,
    not_available: str = "",
    request: HttpRequest | None = None,
) -> PepSection:
    """Save the meeting section and copy its date to the PEP, which reports count by.

    The PEP's version is left alone: only workflow moves change it.
    """
    with transaction.atomic():
        row = pep_section_save(
            pep=pep,
            key="meeting",
            user=user,
            data=data,
            completed=completed,
            version=version,
            not_available=not_available,
            request=request,
        )
        meeting = data.get("meeting_date") or None
        meeting = date.fromisoformat(meeting) if isinstance(meeting, str) else meeting
        Pep.objects.filter(pk=pep.pk).update(meeting_date=meeting)
        pep.meeting_date = meeting
    return row


def _people_for(child: Child, part: Part) -> list[User]:
    """Who plays `part` for the child: the officer (or the head and deputy when none is
    allocated), the school's designated teachers, or the social worker."""
    if part == Part.VIRTUAL_SCHOOL:
        return (
            [child.education_officer]
            if child.education_officer is not None
            else list(User.objects.filter(role__in=[Role.HEAD, Role.DEPUTY], is_active=True))
        )
    if part == Part.SOCIAL_WORKER:
        return [child.social_worker] if child.social_worker is not None else []
    school = child.current_school
    return list(school.designated_teachers.all()) if school else []


def _notify(pep: Pep, parts: frozenset[Part], summary: str, note: str, by: User) -> None:
    """E-mail whoever acts next, but not the person who made the move."""
    child = pep.child
    people = [person for part in sorted(parts) for person in _people_for(child, part)]
    recipients = list(
        dict.fromkeys(person.email for person in people if person.email and person.pk != by.pk)
    )
    if recipients:
        link = settings.VSCHOOL_BASE_URL + reverse("peps:detail", args=[child.pk, pep.pk])
        body = f"{summary} for {child.initials} {child.reference}.\n\n{note}".strip()
        send_mail(
            f"{summary}: {child.initials} {child.reference}",
            f"{body}\n\nOpen the PEP: {link}",
            None,
            recipients,
        )
