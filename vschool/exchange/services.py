"""Run imports: check every row, change nothing unless all pass (or rejects are skipped),
record the run with its counts and rejects, and audit it."""

from pathlib import Path

from vschool.accounts.models import User
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.exchange.models import ImportFile, ImportReject, ImportRun
from vschool.exchange.problems import Reject
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
        members = sorted(path.glob("*.csv")) + sorted(path.glob("*.CSV")) if path.is_dir() \
            else [path]
        for member in members:
            found[member.name] = member.read_bytes()
    return found


def ssda903_import(*, files: dict[str, bytes], user: User | None, skip_invalid: bool = False,
                   collection_year: int | None = None, request=None,
                   run: ImportRun | None = None) -> ImportRun:
    """Import an SSDA903 return given as {file name: bytes}; return the recorded run.

    `run`, a queued run from import_run_queue, is filled in rather than a new one made,
    and shows the rows checked as the check goes on.
    """
    tables = {}
    for filename, data in files.items():
        name = ssda903_file_name(filename)
        if name is not None:
            tables[name] = read_table(f"{name}.csv", data)
    parsed = parse_return(tables, progress=import_progress(run))
    rejects = sorted(parsed.rejects)
    if rejects and not skip_invalid:
        counts: dict[str, int] = {}
        status = ImportRun.Status.REJECTED
        summary = rejected_summary(rejects)
    else:
        import_status_set(run, ImportRun.Status.IMPORTING)
        year = collection_year or collection_year_of(parsed)
        changes = apply_return(parsed, collection_year=year)
        counts = {key: changes.counts[key] for key in CHANGE_LABELS if changes.counts[key]}
        status = ImportRun.Status.IMPORTED if changes.any else ImportRun.Status.UNCHANGED
        summary = summary_of(counts, rejects, labels=CHANGE_LABELS,
                             unchanged="No changes: the roll already matches these files.")
    return import_run_record(ImportRun.Kind.SSDA903, status, files, parsed.rows_read, counts,
                             summary, rejects, user, request, run=run)


def import_run_queue(*, kind: str, files: dict[str, bytes], user: User,
                     skip_invalid: bool) -> ImportRun:
    """Keep uploaded files and queue their import, for files too big to check in a request."""
    from vschool.exchange.tasks import import_run_task

    run = ImportRun.objects.create(
        kind=kind, status=ImportRun.Status.QUEUED, user=user, skip_invalid=skip_invalid,
        files=", ".join(sorted(files))[:1000],
        rows_total=sum(max(data.count(b"\n") - 1, 0) for data in files.values()))
    ImportFile.objects.bulk_create(ImportFile(run=run, name=name, data=data)
                                   for name, data in files.items())
    import_run_task.enqueue(run.pk)
    run.refresh_from_db()
    return run


def import_progress(run: ImportRun | None):
    """Mark a queued run as checking; return a callback that records the rows checked."""
    if run is None:
        return None
    import_status_set(run, ImportRun.Status.CHECKING)
    return lambda rows: ImportRun.objects.filter(pk=run.pk).update(rows_read=rows)


def import_status_set(run: ImportRun | None, status: str) -> None:
    if run is not None:
        ImportRun.objects.filter(pk=run.pk).update(status=status)


def _rows(n: int) -> str:
    return f"{n:,} row{'s' if n != 1 else ''}"


def changes_text(counts: dict[str, int], labels: dict[str, tuple[str, str]]) -> str:
    """Say what changed: "3 children added, 1 episode changed"."""
    return ", ".join(f"{n:,} {labels[key][n != 1]}" for key, n in counts.items())


def summary_of(counts: dict[str, int], rejects: list[Reject], *,
               labels: dict[str, tuple[str, str]], unchanged: str) -> str:
    """The run's one-line result, as the command's last line and the page's summary."""
    text = f"Imported: {changes_text(counts, labels)}." if counts else unchanged
    if rejects:
        text += f" Skipped {_rows(len({(r.file, r.line) for r in rejects}))} with errors."
    return text


def rejected_summary(rejects: list[Reject]) -> str:
    return f"Not imported: {_rows(len({(r.file, r.line) for r in rejects}))} with errors. " \
           "Nothing changed."


def import_run_record(kind, status, files, rows_read, counts, summary, rejects, user, request,
                      run: ImportRun | None = None) -> ImportRun:
    """Save a run's result and rejected rows (filling in a queued run) and audit it."""
    fields = {"kind": kind, "status": status,
              "user": user if user is not None and user.pk else None,
              "files": ", ".join(sorted(files))[:1000], "rows_read": rows_read,
              "counts": counts, "summary": summary[:500]}
    if run is None:
        run = ImportRun.objects.create(**fields)
    else:
        for name, value in fields.items():
            setattr(run, name, value)
        run.save(update_fields=list(fields))
    ImportReject.objects.bulk_create(
        [ImportReject(run=run, file=r.file, line=r.line, column=r.column, value=r.value[:200],
                      reason=r.reason[:500]) for r in rejects], batch_size=2000)
    run.reject_list = rejects
    audit_record(user=user, action=AuditEntry.Action.IMPORTED, obj=run, request=request,
                 summary=f"{run.get_kind_display()}: {summary}", username="command line")
    return run
