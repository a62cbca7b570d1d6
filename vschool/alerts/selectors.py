"""What the alerts pages read (views read through here, never `Model.objects`)."""

from django.db.models import QuerySet
from django.http import Http404

from vschool.accounts.models import Role, User
from vschool.alerts.models import Alert, AlertEvent
from vschool.cohort.scoping import children_for_user


def may_read_alerts(user: User) -> bool:
    """The Virtual School team act on alerts; a social worker reads their children's."""
    return bool(user.is_virtual_school_staff or user.role == Role.SOCIAL_WORKER)


def alerts_for_user(
    user: User,
    *,
    kind: str = "",
    status: str = "open",
    assigned_to_me: bool = False,
    child_id: int | None = None,
) -> QuerySet[Alert]:
    """The alerts of the children `user` may see, filtered, most urgent (earliest due) first."""
    alerts = Alert.objects.filter(child__in=children_for_user(user))
    if kind:
        alerts = alerts.filter(kind=kind)
    if status in (Alert.Status.OPEN, Alert.Status.CLOSED):
        alerts = alerts.filter(status=status)
    if assigned_to_me:
        alerts = alerts.filter(assigned_to=user)
    if child_id is not None:
        alerts = alerts.filter(child_id=child_id)
    return alerts.select_related("child", "assigned_to").order_by("due", "pk")


def alert_for_user(user: User, alert_id: int) -> Alert:
    """The alert, if `user` may see its child; a missing and a hidden alert both raise 404."""
    try:
        return (
            Alert.objects.filter(child__in=children_for_user(user))
            .select_related(
                "child",
                "assigned_to",
                "acknowledged_by",
                "closed_by",
                "child__education_officer",
                "child__social_worker",
            )
            .get(pk=alert_id)
        )
    except (Alert.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such alert") from None


def alert_events(alert: Alert) -> QuerySet[AlertEvent]:
    """The alert's timeline, newest first."""
    return alert.events.select_related("by").order_by("-at", "-pk")


def open_alerts_assigned(user: User) -> int:
    """How many open alerts wait for `user` (the navigation's badge)."""
    if not user.is_authenticated or not user.is_virtual_school_staff:
        return 0
    return Alert.objects.filter(assigned_to=user, status=Alert.Status.OPEN).count()
