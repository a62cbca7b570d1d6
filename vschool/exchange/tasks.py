"""Background imports: the worker (`vschool db_worker`) runs queued runs one at a time."""

import logging

from django_tasks import task

from vschool.exchange.models import ImportRun
from vschool.exchange.services import import_run_stop, import_runs_stop_stalled

logger = logging.getLogger(__name__)

FAILED_SUMMARY = (
    "The import failed because of a problem with the service. Nothing changed. The problem "
    "has been logged."
)


@task()
def import_run_task(run_id: int) -> str:
    """Run a queued import (or its check), after ending the runs of a worker that died
    before this one started (a run it finds stopped is not run)."""
    import_runs_stop_stalled()
    return import_run_execute(run_id)


def import_run_execute(run_id: int, *, user=None, request=None) -> str:
    """Check or import a run's kept files, as the run says; return the run's status.

    A run still waiting for confirmation is only checked (a dry run), and keeps its files;
    otherwise they are deleted with its result. `user`, who confirmed, is recorded instead
    of the uploader. A crash marks the run failed instead of leaving it running.
    """
    from vschool.exchange.importers import IMPORTERS

    run = ImportRun.objects.select_related("user").get(pk=run_id)
    if run.status not in ImportRun.RUNNING:
        return run.status  # stopped or cancelled while it waited
    files = {upload.name: bytes(upload.data) for upload in run.uploads.all()}
    options = (
        {"collection_year": run.collection_year}
        if run.kind == ImportRun.Kind.SSDA903 and run.year_stated
        else {}
    )
    try:
        run = IMPORTERS[run.kind](
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
        import_run_stop(
            run_id, status=ImportRun.Status.FAILED, summary=FAILED_SUMMARY, user=user or run.user
        )
    run.refresh_from_db()
    return run.status
