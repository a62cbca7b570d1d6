"""What Virtual School staff do about an alert: acknowledge, assign, add a note, close.

Each writes its event on the alert's timeline and an entry in the audit log. An alert
once closed takes no more actions: AlertClosed says who closed it and when.
"""

from django.db import transaction
from django.utils import timezone

from vschool.accounts.models import User
from vschool.alerts.models import Alert, AlertEvent
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record


class AlertClosed(Exception):
    """The alert was closed (perhaps by someone else meanwhile): it takes no more actions."""


def _locked(alert: Alert) -> Alert:
    fresh = Alert.objects.select_for_update().get(pk=alert.pk)
    if fresh.status == Alert.Status.CLOSED:
        raise AlertClosed("This alert has already been closed")
    return fresh


def _event(alert: Alert, kind: str, user: User, text: str, request) -> AlertEvent:
    event = AlertEvent.objects.create(alert=alert, kind=kind, at=timezone.now(), by=user, text=text)
    audit_record(
        user=user,
        action=AuditEntry.Action.CHANGED,
        obj=alert,
        summary=f"Alert {event.get_kind_display().lower()}: {alert.get_kind_display()}"
        + (f": {text}" if text and kind != AlertEvent.Kind.NOTE else ""),
        request=request,
    )
    return event


@transaction.atomic
def alert_acknowledge(*, alert: Alert, user: User, request=None) -> Alert:
    """Say the alert has been seen and is in hand (once: later calls change nothing)."""
    alert = _locked(alert)
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = timezone.now(), user
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        _event(alert, AlertEvent.Kind.ACKNOWLEDGED, user, "", request)
    return alert


@transaction.atomic
def alert_assign(*, alert: Alert, user: User, to: User, request=None) -> Alert:
    """Give the alert to `to`, a member of the Virtual School team."""
    alert = _locked(alert)
    alert.assigned_to = to
    alert.save(update_fields=["assigned_to"])
    _event(alert, AlertEvent.Kind.ASSIGNED, user, f"Assigned to {to}", request)
    return alert


@transaction.atomic
def alert_note(*, alert: Alert, user: User, text: str, request=None) -> Alert:
    """Add a note to the alert's timeline."""
    alert = _locked(alert)
    _event(alert, AlertEvent.Kind.NOTE, user, text, request)
    return alert


@transaction.atomic
def alert_close(*, alert: Alert, user: User, reason: str, request=None) -> Alert:
    """Close the alert with the reason."""
    alert = _locked(alert)
    alert.status = Alert.Status.CLOSED
    alert.closed_at, alert.closed_by, alert.close_reason = timezone.now(), user, reason
    alert.save(update_fields=["status", "closed_at", "closed_by", "close_reason"])
    _event(alert, AlertEvent.Kind.CLOSED, user, reason, request)
    return alert
