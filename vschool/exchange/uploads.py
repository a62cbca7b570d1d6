"""Web uploads are checked first, then imported when someone confirms.

The check is the import itself run as a dry run (vschool/exchange/importer.py,
`check_only`): the run shows what would change and the files wait with it. Confirming
imports them through the same skeleton; cancelling deletes them. Uploads too big for a
request are checked, and later imported, by the worker; one whose worker died can be
cancelled.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vschool.accounts.models import User
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record, client_ip
from vschool.exchange.importers import IMPORTERS
from vschool.exchange.models import ImportRun, import_stalled_before
from vschool.exchange.services import import_files_keep, import_run_queue, import_run_stop
from vschool.exchange.tasks import import_run_execute, import_run_task


def upload_check(
    *,
    kind: str,
    files: dict[str, bytes],
    user: User,
    skip_invalid: bool = False,
    collection_year: int | None = None,
    request=None,
) -> ImportRun:
    """Check an upload without changing anything; a run with changes waits to be confirmed."""
    year = collection_year if kind == ImportRun.Kind.SSDA903 else None
    if sum(map(len, files.values())) > settings.VSCHOOL_BACKGROUND_IMPORT_BYTES:
        return import_run_queue(
            kind=kind,
            files=files,
            user=user,
            skip_invalid=skip_invalid,
            check_first=True,
            collection_year=year,
            ip_address=client_ip(request),
        )
    options = {"collection_year": year} if year else {}
    with transaction.atomic():  # never a run waiting for confirmation without its files
        run = IMPORTERS[kind](
            files=files,
            user=user,
            skip_invalid=skip_invalid,
            request=request,
            check_only=True,
            **options,
        )
        if run.awaiting_confirmation:
            import_files_keep(run, files)
    return run


def upload_confirm(run: ImportRun, *, user: User, request=None) -> ImportRun:
    """Import a checked upload; one checked in the background is imported there too.

    Only a run still waiting is taken (a second click, or someone else's, does nothing).
    """
    background = run.rows_total > 0  # only queued runs count their rows up front
    taken = ImportRun.objects.filter(
        pk=run.pk, status=ImportRun.Status.CHECKED, needs_confirmation=True
    ).update(
        status=ImportRun.Status.QUEUED if background else ImportRun.Status.IMPORTING,
        needs_confirmation=False,
        user=user,
        rows_read=0,
        heartbeat_at=timezone.now(),  # it was checked a while ago: it runs from now
        ip_address=client_ip(request),  # whoever confirms it imports it
    )
    if taken:
        if background:
            import_run_task.enqueue(run.pk)
        else:
            import_run_execute(run.pk, user=user, request=request)
    run.refresh_from_db()
    return run


def upload_cancel(run: ImportRun, *, user: User, request=None) -> ImportRun:
    """Drop a checked upload, or one whose worker died: its files are deleted and nothing
    is imported."""
    if run.stalled:
        import_run_stop(
            run.pk,
            status=ImportRun.Status.STOPPED,
            summary=ImportRun.STOPPED_SUMMARY,
            user=user,
            request=request,
            stalled_before=import_stalled_before(),
        )
        run.refresh_from_db()
        return run
    summary = "Cancelled after the check: nothing was imported."
    with transaction.atomic():
        taken = ImportRun.objects.filter(
            pk=run.pk, status=ImportRun.Status.CHECKED, needs_confirmation=True
        ).update(status=ImportRun.Status.CANCELLED, needs_confirmation=False, summary=summary)
        if taken:
            run.uploads.all().delete()
            audit_record(
                user=user,
                action=AuditEntry.Action.IMPORTED,
                obj=run,
                request=request,
                summary=f"{run.get_kind_display()}: {summary}",
            )
    run.refresh_from_db()
    return run
