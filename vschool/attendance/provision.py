"""Recording alternative provision and part-time timetables, and the Virtual School head's
approval of them (rules.md 7).

A provision needs a review date on or after its start; a part-time timetable must be
time-limited (rules.part_time_time_limited). A provider with neither URN nor UKPRN, or
marked as not registered, is flagged (AlternativeProvision.flagged_unregistered). The head
or deputy approves it, before it starts; a change to what was approved (the kind, the
provider, the hours or the dates) takes the approval away, to be given again.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from vschool.accounts.models import Role, User
from vschool.attendance.conflicts import check_unchanged
from vschool.attendance.models import AlternativeProvision
from vschool.attendance.rules import part_time_limit_weeks, part_time_time_limited
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record

# What the approval is of: changing any of these asks for approval again.
APPROVED_TERMS = (
    "kind",
    "provider_name",
    "provider_urn",
    "provider_ukprn",
    "hours_per_week",
    "start",
    "end",
)
APPROVERS = (Role.HEAD, Role.DEPUTY)
_URN = re.compile(r"[0-9]{6}")
_UKPRN = re.compile(r"1[0-9]{7}")


def may_approve(user: User) -> bool:
    """The Virtual School head and deputy approve alternative provision."""
    return user.is_authenticated and user.role in APPROVERS


def check_provision(provision: AlternativeProvision) -> None:
    """Raise ValidationError, by field, for what is wrong with `provision`."""
    errors: dict[str, str] = {}
    provision.provider_urn = (provision.provider_urn or "").strip()
    provision.provider_ukprn = (provision.provider_ukprn or "").strip()
    if provision.provider_urn and not _URN.fullmatch(provision.provider_urn):
        errors["provider_urn"] = "A URN is 6 digits, such as 100000"
    if provision.provider_ukprn and not _UKPRN.fullmatch(provision.provider_ukprn):
        errors["provider_ukprn"] = "A UKPRN is 8 digits starting with 1, such as 10012345"
    if provision.hours_per_week is not None and provision.hours_per_week <= 0:
        errors["hours_per_week"] = "Hours a week must be more than 0"
    start, end, review = provision.start, provision.end, provision.review_date
    if start and end and end < start:
        errors["end"] = "The end date must be on or after the start date"
    if start and review and review < start:
        errors["review_date"] = "The review date must be on or after the start date"
    if (
        provision.kind == AlternativeProvision.Kind.PART_TIME
        and start
        and review
        and "end" not in errors
        and not part_time_time_limited(start, end, review)
    ):
        weeks = part_time_limit_weeks()
        errors["review_date"] = (
            f"A part-time timetable must be time-limited: give an end date or a review "
            f"date no more than {weeks} weeks after the start"
        )
    if errors:
        raise ValidationError(errors)
    provision.full_clean(exclude=["approved_by"])


def _changed_terms(provision: AlternativeProvision) -> list[str]:
    saved = AlternativeProvision.objects.filter(pk=provision.pk).values(*APPROVED_TERMS).first()
    if saved is None:
        return []
    return [name for name in APPROVED_TERMS if saved[name] != getattr(provision, name)]


def save_provision(
    *,
    provision: AlternativeProvision,
    user: User,
    request: HttpRequest | None = None,
    seen: str | None = None,
) -> AlternativeProvision:
    """Check, save and audit a new or changed provision; a change to what was approved
    takes the approval away. `seen`: the fingerprint of the record when the form was
    opened (conflicts.EditConflict if it has changed since)."""
    creating = provision.pk is None
    check_provision(provision)
    check_unchanged(provision, seen)
    unapproved = ""
    if not creating and provision.approved_at is not None and _changed_terms(provision):
        provision.approved_at = None
        provision.approved_by = None
        unapproved = "; approval to be given again"
    with transaction.atomic():
        provision.save()
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED,
            obj=provision,
            request=request,
            summary=(
                f"{'Recorded' if creating else 'Changed'} {provision.get_kind_display().lower()} "
                f"from {provision.start}{unapproved}"
            ),
        )
    return provision


def approve_provision(
    *, provision: AlternativeProvision, user: User, request: HttpRequest | None = None
) -> AlternativeProvision:
    """The head or deputy approves `provision` (again, once changed); others may not."""
    if not may_approve(user):
        raise PermissionDenied("Only the Virtual School head or deputy approves provision")
    if provision.approved_at is not None:
        return provision
    with transaction.atomic():
        provision.approved_by = user
        provision.approved_at = timezone.now()
        provision.save(update_fields=["approved_by", "approved_at"])
        audit_record(
            user=user,
            action=AuditEntry.Action.CHANGED,
            obj=provision,
            request=request,
            summary=f"Approved {provision.get_kind_display().lower()} from {provision.start}",
        )
    return provision
