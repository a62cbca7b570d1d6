"""The SSDA903 import, finding files by name, queueing big uploads for the worker, and
ending runs whose worker died.

The checking, transaction, run record and audit are the importer skeleton's
(vschool/exchange/importer.py).
"""

from datetime import datetime
from functools import partial
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from vschool.accounts.models import User
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.exchange.importer import run_import
from vschool.exchange.models import ImportFile, ImportRun, import_stalled_before
from vschool.exchange.problems import Reject
from vschool.exchange.reading import CsvTable, parse_date, read_table
from vschool.exchange.ssda903.apply import (
    CHANGE_LABELS,
    apply_return,
    collection_year_of,
    collection_year_on,
    looked_after_past_18,
)
from vschool.exchange.ssda903.parse import ParsedReturn, parse_return
from vschool.exchange.ssda903.spec import EPISODES, FILES

NO_YEAR = (
    "The collection year cannot be read from episodes.csv (it holds no episodes): "
    "choose the collection year and upload the return again"
)


def ssda903_file_name(filename: str) -> str | None:
    """Name the SSDA903 file a path holds ("header", "episodes"...), or None if not read."""
    stem = Path(filename).stem.lower()
    for spec in FILES:
        if stem == spec.name or stem.startswith((f"{spec.name}_", f"{spec.name}-")):
            return spec.name
    return None


def files_from_paths(paths: list[Path]) -> dict[str, bytes]:
    """Read the files named, or every CSV file in the folders named."""
    found: dict[str, bytes] = {}
    for path in paths:
        members = (
            sorted(path.glob("*.csv")) + sorted(path.glob("*.CSV")) if path.is_dir() else [path]
        )
        for member in members:
            found[member.name] = member.read_bytes()
    return found


def ssda903_import(
    *,
    files: dict[str, bytes],
    user: User | None,
    skip_invalid: bool = False,
    collection_year: int | None = None,
    request=None,
    run: ImportRun | None = None,
    check_only: bool = False,
) -> ImportRun:
    """Import an SSDA903 return given as {file name: bytes}; return the recorded run.

    The collection year is `collection_year` or, if None, the one the episodes end in;
    a return with no episode dates and no year given is rejected. `check_only` records
    what the import would change and changes nothing.
    """
    return run_import(
        ImportRun.Kind.SSDA903,
        parse=partial(_ssda903_parse, collection_year=collection_year),
        apply=_ssda903_apply,
        labels=CHANGE_LABELS,
        unchanged="No changes: the roll already matches these files.",
        files=files,
        user=user,
        skip_invalid=skip_invalid,
        request=request,
        run=run,
        warn=_ssda903_warnings,
        check_only=check_only,
    )


def _ssda903_parse(
    files: dict[str, bytes], progress, collection_year: int | None = None
) -> ParsedReturn:
    tables = {}
    for filename, data in files.items():
        name = ssda903_file_name(filename)
        if name is not None:
            tables[name] = read_table(f"{name}.csv", data)
    parsed = parse_return(tables, progress=progress)
    parsed.year_stated = collection_year is not None
    parsed.collection_year = (
        collection_year or collection_year_of(parsed) or _year_of_rows(tables.get("episodes"))
    )
    if parsed.collection_year is None and not parsed.file_rejected:
        parsed.rejects.append(Reject(EPISODES.filename, 0, "", "", NO_YEAR))
        parsed.file_rejected = True
    return parsed


def _ssda903_apply(parsed: ParsedReturn):
    assert parsed.collection_year is not None  # a return without one is rejected
    return apply_return(parsed, collection_year=parsed.collection_year)


def _year_of_rows(table: CsvTable | None) -> int | None:
    """The collection year from the episodes' dates, rejected rows too (for a return whose
    every episode was rejected, imported with its invalid rows skipped)."""
    dates = []
    for _, row in table.rows if table is not None else []:
        for column in ("DECOM", "DEC"):
            try:
                dates.append(parse_date(row.get(column) or ""))
            except ValueError:
                pass
    return collection_year_on(max(dates)) if dates else None


def _ssda903_warnings(parsed: ParsedReturn) -> list[str]:
    """After the return is applied: its children the roll now shows in care past 18."""
    return looked_after_past_18(list(parsed.header), timezone.localdate())


def import_run_queue(
    *,
    kind: str,
    files: dict[str, bytes],
    user: User,
    skip_invalid: bool,
    check_first: bool = False,
    collection_year: int | None = None,
    ip_address: str | None = None,
) -> ImportRun:
    """Keep uploaded files and queue their import, for files too big to check in a request.

    With `check_first` the worker only checks them: the run then waits for confirmation.
    """
    from vschool.exchange.tasks import import_run_task

    with transaction.atomic():  # never a queued run without its files
        run = ImportRun.objects.create(
            kind=kind,
            status=ImportRun.Status.QUEUED,
            user=user,
            skip_invalid=skip_invalid,
            files=", ".join(sorted(files))[:1000],
            rows_total=sum(max(data.count(b"\n") - 1, 0) for data in files.values()),
            needs_confirmation=check_first,
            collection_year=collection_year,
            year_stated=collection_year is not None,
            ip_address=ip_address,
        )
        import_files_keep(run, files)
    import_run_task.enqueue(run.pk)
    run.refresh_from_db()
    return run


def import_files_keep(run: ImportRun, files: dict[str, bytes]) -> None:
    """Keep a run's uploaded files until it is imported or cancelled."""
    ImportFile.objects.bulk_create(
        ImportFile(run=run, name=name, data=data) for name, data in files.items()
    )


def import_run_stop(
    run_id: int,
    *,
    status: str,
    summary: str,
    user: User | None = None,
    request=None,
    stalled_before: datetime | None = None,
) -> bool:
    """End a run that did not finish (its worker failed or died): delete its files and
    audit it, in one transaction. Only a running run is ended, and with `stalled_before`
    only one silent since then; return whether it was."""
    with transaction.atomic():
        runs = ImportRun.objects.filter(pk=run_id)
        runs = runs.running() if stalled_before is None else runs.stalled(stalled_before)
        if not runs.update(status=status, needs_confirmation=False, summary=summary):
            return False
        run = ImportRun.objects.get(pk=run_id)
        run.uploads.all().delete()
        audit_record(
            user=user,
            action=AuditEntry.Action.IMPORTED,
            obj=run,
            request=request,
            summary=f"{run.get_kind_display()}: {summary}",
            username="the service",
        )
    return True


def import_runs_stop_stalled(*, user: User | None = None, request=None) -> int:
    """Mark every run whose worker died (silent for VSCHOOL_IMPORT_STALLED_MINUTES) as
    stopped, so that nobody waits for it; return how many. Nothing of theirs had changed:
    an import's changes commit with its result."""
    before = import_stalled_before()
    stalled = ImportRun.objects.stalled(before)
    return sum(
        import_run_stop(
            pk,
            status=ImportRun.Status.STOPPED,
            summary=ImportRun.STOPPED_SUMMARY,
            user=user,
            request=request,
            stalled_before=before,
        )
        for pk in stalled.values_list("pk", flat=True)
    )
