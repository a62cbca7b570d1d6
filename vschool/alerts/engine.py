"""The alerts engine: run every rule for a day and raise the tasks not raised yet.

`run(today)` is the nightly run (`vschool alerts`, or the task `alerts_run_task` for the
worker). Each rule gives its Triggers (vschool.alerts.rules); the engine drops those whose
task exists (kind, child and key: one set-based query a rule, with the unique constraint
behind it) or, for a lasting state, whose child has an open task of the kind; then
creates the rest in bulk, assigned to the child's education officer, each with its
"raised" event, and e-mails the social workers of the children concerned (one e-mail
each, naming no child: references and links only) once the transaction commits.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from vschool.accounts.models import User
from vschool.alerts import rules
from vschool.alerts.models import Alert, AlertEvent
from vschool.cohort.models import Child

# The rules in the order they run and report, by the alert kind each raises.
RULES: dict[str, Callable[[date], list[rules.Trigger]]] = {
    rules.EXCLUSION: rules.exclusions_recorded,
    rules.UNEXPLAINED: rules.unexplained_absence,
    rules.UNAUTHORISED: rules.unauthorised_sessions,
    rules.LOW_ATTENDANCE: rules.low_attendance,
    rules.NO_SCHOOL: rules.no_school,
    rules.PART_TIME: rules.part_time_past_review,
}


def run(today: date | None = None, *, notify: bool = True) -> dict[str, int]:
    """Run every rule for `today` (the local date by default); return the number of new
    tasks by kind. Running it again the same day raises nothing new."""
    day = today or timezone.localdate()
    counts = {}
    for kind, rule in RULES.items():
        counts[kind] = len(raise_tasks(kind, rule(day), day, notify=notify))
    return counts


def raise_tasks(
    kind: str, triggers: Iterable[rules.Trigger], today: date, *, notify: bool = True
) -> list[Alert]:
    """Create the tasks of `triggers` not raised before; return those created."""
    wanted = {(t.child_id, t.key): t for t in triggers}
    if not wanted:
        return []
    # Keys are few (a day, a week) or recent (exclusions, timetables): matching on them
    # keeps the queries small at any roll size, where a list of every child would not.
    held = set(
        Alert.objects.filter(kind=kind, key__in={key for _, key in wanted}).values_list(
            "child_id", "key"
        )
    )
    open_for = (
        set(
            Alert.objects.filter(kind=kind, status=Alert.Status.OPEN).values_list(
                "child_id", flat=True
            )
        )
        if kind in rules.ONGOING
        else set()
    )
    new = [t for pair, t in wanted.items() if pair not in held and t.child_id not in open_for]
    if not new:
        return []
    people = {}
    for part in _chunks(sorted({t.child_id for t in new})):
        people.update(Child.objects.filter(pk__in=part).values_list("pk", "education_officer_id"))
    due = rules.due_date(kind, today)
    alerts = [
        Alert(
            kind=kind,
            child_id=t.child_id,
            key=t.key,
            raised_on=today,
            due=due,
            facts=t.facts,
            assigned_to_id=people.get(t.child_id),
        )
        for t in new
        if t.child_id in people
    ]
    try:
        with transaction.atomic():
            created = Alert.objects.bulk_create(alerts)
    except IntegrityError:  # raised meanwhile (the same exclusion by its signal): one by one
        created = []
        for alert in alerts:
            try:
                with transaction.atomic():
                    alert.save()
            except IntegrityError:
                continue
            created.append(alert)
    now = timezone.now()
    AlertEvent.objects.bulk_create(
        AlertEvent(alert=a, kind=AlertEvent.Kind.RAISED, at=now, text=a.facts) for a in created
    )
    if notify and created:
        ids = [a.pk for a in created]
        transaction.on_commit(lambda: tell_social_workers(ids))
    return created


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    """`ids` in lists of `size`, so no query carries more parameters than a database takes."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def on_exclusion_recorded(sender, exclusion, request=None, **kwargs) -> None:
    """attendance.signals.exclusion_recorded: raise the exclusion's task at once."""
    raise_tasks(rules.EXCLUSION, [rules.exclusion_trigger(exclusion)], timezone.localdate())


def tell_social_workers(alert_ids: list[int]) -> int:
    """E-mail each social worker of the children of these alerts, once, with the system
    references and links (never a child's name); return the number of e-mails sent."""
    rows = [
        row
        for part in _chunks(alert_ids)
        for row in Alert.objects.filter(pk__in=part, child__social_worker__is_active=True)
        .exclude(child__social_worker__email="")
        .order_by("child_id", "pk")
        .values_list("pk", "kind", "child_id", "child__social_worker_id")
    ]
    by_worker: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for pk, kind, child_id, worker_id in rows:
        by_worker[worker_id].append((pk, kind, child_id))
    workers = User.objects.in_bulk(list(by_worker))
    kinds = dict(Alert.Kind.choices)
    service = f"{settings.VSCHOOL_AUTHORITY_NAME} Virtual School"
    sent = 0
    for worker_id, found in by_worker.items():
        lines = [
            f"- {kinds[kind]}: {Child(pk=child_id).reference}\n  "
            f"{settings.VSCHOOL_BASE_URL}{reverse('alerts:alert', args=[pk])}"
            for pk, kind, child_id in found
        ]
        count = len(found)
        body = (
            f"The {service} has raised {count} new alert{'' if count == 1 else 's'} for "
            "children allocated to you. The child's education officer will act on "
            f"{'it' if count == 1 else 'them'}; you can read "
            f"{'it' if count == 1 else 'them'} after signing in:\n\n"
            + "\n".join(lines)
            + "\n\nThis e-mail names no child. Do not reply to it."
        )
        sent += send_mail(
            f"{service}: {count} new alert{'' if count == 1 else 's'}",
            body,
            None,
            [workers[worker_id].email],
        )
    return sent
