"""Reads for the audit log and for managing users."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Now
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped]

from vschool.accounts.models import EnrolmentLink, User
from vschool.audit.models import AuditEntry


def audit_entries_filtered(params: dict[str, Any]) -> QuerySet[AuditEntry]:
    """Return audit entries, newest first, matching the audit log's cleaned filters.

    `params` may hold `user` (a username, any case), `child` (a child's id), `action`,
    `date_from` and `date_to` (dates in the service's time zone, both inclusive). Empty
    values do not filter. Who acted is joined for their name; role and child are copied on.
    """
    entries = AuditEntry.objects.select_related("user").order_by("-at", "-id")
    if params.get("user"):
        entries = entries.filter(username__iexact=params["user"])
    if params.get("child") is not None:
        entries = entries.filter(child_id=params["child"])
    if params.get("action"):
        entries = entries.filter(action=params["action"])
    if params.get("date_from"):
        entries = entries.filter(at__gte=_start_of(params["date_from"]))
    if params.get("date_to"):
        entries = entries.filter(at__lt=_start_of(params["date_to"] + timedelta(days=1)))
    return entries


def _start_of(day: date) -> datetime:
    """Midnight in local time, so "3 March" means the London day, whatever the clocks do."""
    return timezone.make_aware(datetime.combine(day, time.min))


def username_taken(username: str) -> bool:
    """Is `username` in use, in any case? Sign-in matches it exactly, but people do not."""
    return User.objects.filter(username__iexact=username).exists()


def users_for_management() -> QuerySet[User]:
    """Every user, with whether they have an authenticator app and when their link expires."""
    return User.objects.annotate(
        has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        link_expires_at=Subquery(
            EnrolmentLink.objects.filter(
                user=OuterRef("pk"), used_at__isnull=True, expires_at__gt=Now()
            ).values("expires_at")[:1]
        ),
    ).order_by("last_name", "first_name", "username")
