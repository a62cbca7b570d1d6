"""The one shape of every import: parse, reject with reasons, apply atomically, record, audit.

A feed supplies two steps: `parse(files, progress)`, which checks every row and writes
nothing, and `apply(parsed)`, which makes the changes and counts them. `run_import` does
the rest the same way for every feed (SSDA903, GIAS, historic PEPs, and those to come), so
"nothing changes unless every row passes or rejects are skipped", the run record and the
audit entry are written once, here.
"""

from collections import Counter
from collections.abc import Callable
from typing import Protocol, TypeVar

from django.db import transaction
from django.utils import timezone

from vschool.accounts.models import User
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record, client_ip
from vschool.exchange.models import ImportReject, ImportRun
from vschool.exchange.problems import Reject


class Parsed(Protocol):
    """What a parse step returns, whatever else it holds for its apply step."""

    rejects: list[Reject]  # every problem found
    rows_read: int
    file_rejected: bool  # no row can be imported, even skipping invalid ones
    # A parse may also carry `collection_year` (the SSDA903 year it read) and
    # `year_stated` (the year was given, not read); the run records them.


Progress = Callable[[int], None] | None
P = TypeVar("P", bound=Parsed)


def run_import(
    kind: str,
    *,
    parse: Callable[[dict[str, bytes], Progress], P],
    apply: Callable[[P], Counter],
    labels: dict[str, tuple[str, str]],
    unchanged: str,
    files: dict[str, bytes],
    user: User | None,
    skip_invalid: bool = False,
    request=None,
    run: ImportRun | None = None,
    warn: Callable[[P], list[str]] | None = None,
    check_only: bool = False,
) -> ImportRun:
    """Check `files`, apply them in one transaction if allowed, and record the run.

    `labels` name the counts `apply` returns, in the order the summary gives them;
    `unchanged` is the summary when nothing changed. `run`, a queued run from
    import_run_queue, is filled in rather than a new one made, and shows the rows checked
    as the check goes on. `warn`, called after `apply` in its transaction, lists states
    the import leaves that someone should look at; they never reject the import.
    `check_only` rolls the transaction back: the run is CHECKED with what would change
    (UNCHANGED when nothing would), and nothing changes.
    """
    parsed = parse(files, import_progress(run))
    rejects = sorted(parsed.rejects)
    rejected = parsed.file_rejected or bool(rejects and not skip_invalid)
    if not rejected:
        import_status_set(
            run, ImportRun.Status.CHECKING if check_only else ImportRun.Status.IMPORTING
        )
    # The changes, the run's result and its audit entry commit together or not at all: a
    # worker killed part way leaves the run running (then stalled), and nothing changed.
    with transaction.atomic():
        if run is not None and not _still_running(run):
            run.refresh_from_db()  # stopped or cancelled while it was checked
            run.reject_list = []
            return run
        warnings: list[str] = []
        counts: dict[str, int] = {}
        if rejected:
            status = ImportRun.Status.REJECTED
            summary = rejected_summary(rejects)
        else:
            with transaction.atomic():  # a savepoint, for the dry run to undo
                changes = apply(parsed)
                warnings = warn(parsed) if warn is not None else []
                if check_only:
                    transaction.set_rollback(True)
            counts = {key: changes[key] for key in labels if changes[key]}
            if check_only and counts:
                status = ImportRun.Status.CHECKED
                summary = checked_summary(counts, rejects, labels=labels)
            else:
                status = ImportRun.Status.IMPORTED if counts else ImportRun.Status.UNCHANGED
                summary = summary_of(counts, rejects, labels=labels, unchanged=unchanged)
        return import_run_record(
            kind,
            status,
            files,
            parsed.rows_read,
            counts,
            summary,
            rejects,
            user,
            request,
            run=run,
            extra={
                "warnings": warnings,
                "collection_year": getattr(parsed, "collection_year", None),
                "year_stated": getattr(parsed, "year_stated", False),
                "needs_confirmation": status == ImportRun.Status.CHECKED,
            },
        )


def _still_running(run: ImportRun) -> bool:
    """Lock a kept run for the end of its import, if nobody has stopped it meanwhile.

    Whoever stops a stalled run waits for this lock, then finds the run ended.
    """
    return ImportRun.objects.select_for_update().running().filter(pk=run.pk).exists()


def import_progress(run: ImportRun | None) -> Progress:
    """Mark a queued run as checking; return a callback that records the rows checked."""
    if run is None:
        return None
    import_status_set(run, ImportRun.Status.CHECKING)
    return lambda rows: (
        ImportRun.objects.running()
        .filter(pk=run.pk)
        .update(rows_read=rows, heartbeat_at=timezone.now())
    )


def import_status_set(run: ImportRun | None, status: str) -> None:
    """Show what a kept run is doing, and that it is alive; a stopped run stays stopped."""
    if run is not None:
        ImportRun.objects.running().filter(pk=run.pk).update(
            status=status, heartbeat_at=timezone.now()
        )


def _rows(n: int) -> str:
    return f"{n:,} row{'s' if n != 1 else ''}"


def changes_text(counts: dict[str, int], labels: dict[str, tuple[str, str]]) -> str:
    """Say what changed: "3 children added, 1 episode changed"."""
    return ", ".join(f"{n:,} {labels[key][n != 1]}" for key, n in counts.items())


def summary_of(
    counts: dict[str, int],
    rejects: list[Reject],
    *,
    labels: dict[str, tuple[str, str]],
    unchanged: str,
) -> str:
    """The run's one-line result, as the command's last line and the page's summary."""
    text = f"Imported: {changes_text(counts, labels)}." if counts else unchanged
    if rejects:
        text += f" Skipped {_rows(len({(r.file, r.line) for r in rejects}))} with errors."
    return text


def checked_summary(
    counts: dict[str, int], rejects: list[Reject], *, labels: dict[str, tuple[str, str]]
) -> str:
    """What a check found the import would do, before anyone confirms it."""
    text = f"Ready to import: {changes_text(counts, labels)}."
    if rejects:
        text += f" {_rows(len({(r.file, r.line) for r in rejects}))} with errors will be skipped."
    return text + " Nothing has changed yet."


def rejected_summary(rejects: list[Reject]) -> str:
    """Why nothing was imported: a whole-file problem once (line 0), else the rows."""
    reasons = list(dict.fromkeys(r.reason for r in rejects if r.line == 0))
    rows = len({(r.file, r.line) for r in rejects if r.line})
    said = "; ".join(reasons + ([f"{_rows(rows)} with errors"] if rows else []))
    return f"Not imported: {said or 'the files could not be read'}. Nothing changed."


def import_run_record(
    kind,
    status,
    files,
    rows_read,
    counts,
    summary,
    rejects,
    user,
    request,
    run: ImportRun | None = None,
    extra: dict | None = None,
) -> ImportRun:
    """Save a run's result and rejected rows (filling in a queued run) and audit it.

    Called inside the import's transaction: the result commits with the changes.
    """
    fields = {
        **(extra or {}),
        "kind": kind,
        "status": status,
        "user": user if user is not None and user.pk else None,
        "files": ", ".join(sorted(files))[:1000],
        "rows_read": rows_read,
        "counts": counts,
        "summary": summary[:500],
    }
    if request is not None:
        fields["ip_address"] = client_ip(request)
    if run is None:
        run = ImportRun.objects.create(**fields)
    else:
        for name, value in fields.items():
            setattr(run, name, value)
        run.save(update_fields=list(fields))
        run.rejects.all().delete()  # a confirmed check lists its rejects again
        if not run.awaiting_confirmation:
            run.uploads.all().delete()  # kept only until imported
    ImportReject.objects.bulk_create(
        [
            ImportReject(
                run=run,
                file=r.file,
                line=r.line,
                column=r.column,
                value=r.value[:200],
                reason=r.reason[:500],
            )
            for r in rejects
        ],
        batch_size=2000,
    )
    run.reject_list = rejects
    audit_record(
        user=user,
        action=AuditEntry.Action.IMPORTED,
        obj=run,
        request=request,
        summary=f"{run.get_kind_display()}: {summary}",
        username="command line",
        ip_address=run.ip_address,  # the uploader's, for an import the worker ran
    )
    return run
