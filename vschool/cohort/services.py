"""Changes to children, care episodes and school placements: validated, audited, one door each."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from vschool.accounts.models import User
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.cohort.models import CareEpisode, Child, SchoolPlacement


class EditConflict(Exception):
    """Someone else saved the record after this form was opened."""


def analyze_tables(*models) -> None:
    """Refresh the query planner's statistics after the bulk load.

    ANALYZE is the same statement in SQLite and PostgreSQL. Without fresh statistics
    PostgreSQL believes the new tables empty and plans children_refresh_current's
    per-child subqueries as sequential scans: minutes, not seconds, at 80,000 children.
    """
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def vacuum_tables(*models) -> None:
    """After a bulk load that rewrote rows (the demo, a benchmark), mark the pages clean on
    PostgreSQL so its index-only scans skip the table, as autovacuum would later. Needs
    autocommit: VACUUM cannot run in a transaction, so inside one (a test) it does nothing,
    and autovacuum will. SQLite has nothing to do."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


def children_refresh_current(child_ids: list[int] | None = None) -> int:
    """Copy each child's open care episode and school placement onto the child row.

    One UPDATE for all children, or one per 10,000 named (SQLite limits the variables in a
    statement), so imports and the demo call it once after bulk writes. The open episode is the latest one without an end date; the
    current school the latest open placement at a school, so a part-time alternative
    provision beside it leaves the child on that school's roll.
    """
    open_episode = CareEpisode.objects.filter(child=OuterRef("pk"), dec__isnull=True).order_by(
        "-decom"
    )
    open_school = SchoolPlacement.objects.filter(
        child=OuterRef("pk"), end__isnull=True, school__isnull=False
    ).order_by("-start")
    facts = {
        "current_school": Subquery(open_school.values("school")[:1]),
        "current_legal_status": _or_blank(open_episode.values("ls")[:1]),
        "current_placement_type": _or_blank(open_episode.values("place")[:1]),
        "current_placement_la": _or_blank(open_episode.values("placement_la")[:1]),
        # Looked after now (rules.looked_after_on): an open episode, short breaks left out.
        "in_care": Q(pk__in=CareEpisode.objects.filter(dec__isnull=True).counted().values("child")),
    }
    if child_ids is None:
        return Child.objects.update(**facts)
    return sum(
        Child.objects.filter(pk__in=child_ids[start : start + 10000]).update(**facts)
        for start in range(0, len(child_ids), 10000)
    )


def _or_blank(subquery):
    return Coalesce(Subquery(subquery), Value(""))


@transaction.atomic
def child_create(*, user: User, request: HttpRequest | None = None, **fields: Any) -> Child:
    """Add a child to the roll."""
    child = Child(**fields)
    child.full_clean()
    child.save()
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATED,
        obj=child,
        request=request,
        summary="Added child to the roll",
    )
    return child


@transaction.atomic
def child_update(
    *,
    child: Child,
    user: User,
    version: int,
    request: HttpRequest | None = None,
    **fields: Any,
) -> Child:
    """Change a child's details, refusing to overwrite a newer save (`version` mismatch)."""
    changed = [name for name, value in fields.items() if getattr(child, name) != value]
    for name, value in fields.items():
        setattr(child, name, value)
    child.full_clean()
    updated = Child.objects.filter(pk=child.pk, version=version).update(
        **{name: getattr(child, name) for name in fields}, version=F("version") + 1
    )
    if not updated:
        raise EditConflict("This child's record was changed by someone else")
    child.refresh_from_db()
    audit_record(
        user=user,
        action=AuditEntry.Action.CHANGED,
        obj=child,
        request=request,
        summary="Changed " + (", ".join(changed) or "nothing"),
    )
    return child


def _check_no_overlap(episode: CareEpisode) -> None:
    """Reject an episode overlapping another of the same child (903 validation)."""
    others = CareEpisode.objects.filter(child=episode.child_id).exclude(pk=episode.pk)
    end = episode.dec
    overlapping = others.filter(Q(dec__isnull=True) | Q(dec__gt=episode.decom))
    if end is not None:
        overlapping = overlapping.filter(decom__lt=end)
    elif others.filter(dec__isnull=True).exists():
        raise ValidationError({"dec": "Another episode is still open: end it first"})
    if overlapping.exists():
        raise ValidationError({"decom": "This episode overlaps another episode for this child"})


@transaction.atomic
def episode_save(
    *, episode: CareEpisode, user: User, request: HttpRequest | None = None
) -> CareEpisode:
    """Add or change a care episode and refresh the child's current facts."""
    creating = episode.pk is None
    episode.full_clean()
    _check_no_overlap(episode)
    episode.save()
    children_refresh_current([episode.child_id])
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED,
        obj=episode,
        request=request,
        summary=f"{'Added' if creating else 'Changed'} care episode from {episode.decom}",
    )
    return episode


@transaction.atomic
def episode_delete(*, episode: CareEpisode, user: User, request: HttpRequest | None = None):
    """Remove a care episode recorded in error."""
    audit_record(
        user=user,
        action=AuditEntry.Action.DELETED,
        obj=episode,
        request=request,
        summary=f"Deleted care episode from {episode.decom}",
    )
    child_id = episode.child_id
    episode.delete()
    children_refresh_current([child_id])


@transaction.atomic
def school_placement_save(
    *, placement: SchoolPlacement, user: User, request: HttpRequest | None = None
) -> SchoolPlacement:
    """Add or change a school placement, ending the placements a new one replaces.

    A new school replaces the previous school; EOTAS or "not on roll" replaces every open
    placement; alternative provision and tuition run beside the school, so end nothing.
    """
    creating = placement.pk is None
    placement.full_clean()
    if creating and placement.end is None:
        replaced = SchoolPlacement.objects.filter(
            child=placement.child_id, end__isnull=True, start__lt=placement.start
        )
        kind = SchoolPlacement.Provision
        if placement.provision == kind.SCHOOL:
            replaced = replaced.filter(provision=kind.SCHOOL)
        elif placement.provision not in (kind.EOTAS, kind.NOT_ON_ROLL):
            replaced = replaced.none()
        replaced.update(end=placement.start - timedelta(days=1))
    placement.save()
    children_refresh_current([placement.child_id])
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED,
        obj=placement,
        request=request,
        summary=f"{'Added' if creating else 'Changed'} school placement from {placement.start}",
    )
    return placement
