"""Background imports: the worker (`vschool db_worker`) runs queued runs one at a time."""

import logging

from django_tasks import task

from vschool.exchange.models import ImportRun

logger = logging.getLogger(__name__)


@task()
def import_run_task(run_id: int) -> str:
    """Run a queued import; a crash marks the run failed instead of leaving it queued."""
    from vschool.exchange.importers import IMPORTERS

    run = ImportRun.objects.select_related("user").get(pk=run_id)
    files = {upload.name: bytes(upload.data) for upload in run.uploads.all()}
    importer = IMPORTERS[run.kind]
    try:
        importer(files=files, user=run.user, skip_invalid=run.skip_invalid, run=run)
    except Exception:
        logger.exception("Import run %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportRun.Status.FAILED,
            summary="The import failed because of a problem with the service. Nothing "
            "changed. The problem has been logged.",
        )
    finally:
        run.uploads.all().delete()
    return ImportRun.objects.get(pk=run_id).status
