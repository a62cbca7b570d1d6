"""The SSDA903 import, finding files by name, and queueing big uploads for the worker.

The checking, transaction, run record and audit are the importer skeleton's
(vschool/exchange/importer.py).
"""

from pathlib import Path

from vschool.accounts.models import User
from vschool.exchange.importer import run_import
from vschool.exchange.models import ImportFile, ImportRun
from vschool.exchange.reading import read_table
from vschool.exchange.ssda903.apply import CHANGE_LABELS, apply_return, collection_year_of
from vschool.exchange.ssda903.parse import parse_return
from vschool.exchange.ssda903.spec import FILES


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
) -> ImportRun:
    """Import an SSDA903 return given as {file name: bytes}; return the recorded run.

    The collection year is `collection_year` or, if None, the one the episodes end in.
    """

    def apply(parsed):
        return apply_return(parsed, collection_year=collection_year or collection_year_of(parsed))

    return run_import(
        ImportRun.Kind.SSDA903,
        parse=_ssda903_parse,
        apply=apply,
        labels=CHANGE_LABELS,
        unchanged="No changes: the roll already matches these files.",
        files=files,
        user=user,
        skip_invalid=skip_invalid,
        request=request,
        run=run,
    )


def _ssda903_parse(files: dict[str, bytes], progress):
    tables = {}
    for filename, data in files.items():
        name = ssda903_file_name(filename)
        if name is not None:
            tables[name] = read_table(f"{name}.csv", data)
    return parse_return(tables, progress=progress)


def import_run_queue(
    *, kind: str, files: dict[str, bytes], user: User, skip_invalid: bool
) -> ImportRun:
    """Keep uploaded files and queue their import, for files too big to check in a request."""
    from vschool.exchange.tasks import import_run_task

    run = ImportRun.objects.create(
        kind=kind,
        status=ImportRun.Status.QUEUED,
        user=user,
        skip_invalid=skip_invalid,
        files=", ".join(sorted(files))[:1000],
        rows_total=sum(max(data.count(b"\n") - 1, 0) for data in files.values()),
    )
    ImportFile.objects.bulk_create(
        ImportFile(run=run, name=name, data=data) for name, data in files.items()
    )
    import_run_task.enqueue(run.pk)
    run.refresh_from_db()
    return run
