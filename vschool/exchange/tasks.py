"""Background imports: the worker (`vschool db_worker`) runs queued runs one at a time."""

import logging

from django_tasks import task

from vschool.exchange.models import ImportRun

logger = logging.getLogger(__name__)


@task()
def import_run_task(run_id: int) -> str:
    """Run a queued import (or its check); a crash marks it failed instead of queued."""
    return import_run_execute(run_id)


def import_run_execute(run_id: int, *, user=None, request=None) -> str:
    """Check or import a run's kept files, as the run says; return the run's status.

    A run still waiting for confirmation is only checked (a dry run), and keeps its files;
    otherwise they are deleted once it has run. `user`, who confirmed, is recorded instead
    of the uploader.
    """
    from vschool.exchange.importers import IMPORTERS

    run = ImportRun.objects.select_related("user").get(pk=run_id)
    files = {upload.name: bytes(upload.data) for upload in run.uploads.all()}
    options = (
        {"collection_year": run.collection_year}
        if run.kind == ImportRun.Kind.SSDA903 and run.year_stated
        else {}
    )
    try:
        IMPORTERS[run.kind](
            files=files,
            user=user or run.user,
            skip_invalid=run.skip_invalid,
            run=run,
            request=request,
            check_only=run.needs_confirmation,
            **options,
        )
    except Exception:
        logger.exception("Import run %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportRun.Status.FAILED,
            needs_confirmation=False,
            summary="The import failed because of a problem with the service. Nothing "
            "changed. The problem has been logged.",
        )
    run.refresh_from_db()
    if not run.awaiting_confirmation:
        run.uploads.all().delete()
    return run.status
