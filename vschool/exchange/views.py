"""Upload a feed, see what it would change, confirm or cancel it, see what it changed or why
it was rejected, download the errors; download the SSDA903 return of a year held."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.audit.seen import shows
from vschool.calendar.rules import financial_year_label
from vschool.exchange.attendance_feed import attendance_import
from vschool.exchange.forms import AttendanceUploadForm, ExportForm, UploadForm
from vschool.exchange.gias import CHANGE_LABELS as GIAS_LABELS
from vschool.exchange.peps_import import CHANGE_LABELS as PEP_LABELS
from vschool.exchange.selectors import import_run_get, import_runs_recent, ssda903_years_held
from vschool.exchange.ssda903.apply import CHANGE_LABELS as SSDA903_LABELS
from vschool.exchange.ssda903.export import ssda903_export_zip
from vschool.exchange.uploads import upload_cancel, upload_check, upload_confirm
from vschool.kit.pagination import page_extent, pagination
from vschool.kit.spreadsheets import csv_response

IMPORTING_ROLES = {Role.HEAD, Role.DEPUTY, Role.DATA_OFFICER}


def _require_importer(user):
    if user.role not in IMPORTING_ROLES:
        raise Http404


def imports(request):
    """Upload files: they are checked, and the run page shows what they would change."""
    _require_importer(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = upload_check(
            kind=form.cleaned_data["kind"],
            files={upload.name: upload.read() for upload in form.cleaned_data["files"]},
            user=request.user,
            skip_invalid=form.cleaned_data["skip_invalid"],
            collection_year=form.cleaned_data["collection_year"],
            request=request,
        )
        return redirect("exchange:run", pk=run.pk)
    return render(
        request,
        "exchange/imports.html",
        {"form": form, "runs": import_runs_recent(), "may_export": bool(ssda903_years_held())},
    )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


SHOWN_PROBLEMS = 100


@require_http_methods(["GET", "POST"])
def attendance_upload(request):
    """Upload a CSV of attendance marks: every row is checked first; any error and nothing
    changes, and the page lists the first problems; else the marks are imported at once."""
    _require_importer(request.user)
    form = AttendanceUploadForm(request.POST or None, request.FILES or None)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = attendance_import(
            name=upload.name, data=form.cleaned_data["data"], user=request.user, request=request
        )
        if not run.rejected:
            messages.success(request, run.summary)
            return redirect("exchange:attendance_upload")
        problems = run.reject_list
        lines = {problem.line for problem in problems}
        form.add_error(
            None,
            f"Not imported: {_plural(len(lines), 'row', 'rows')} with errors. Nothing changed.",
        )
        # The problems quote the file's values: children's references among them.
        shows(
            request,
            f"Attendance upload not imported: {_plural(len(problems), 'problem', 'problems')}"
            f" in {upload.name}",
        )
    return render(
        request,
        "exchange/attendance_upload.html",
        {
            "form": form,
            "problems": problems[:SHOWN_PROBLEMS],
            "problems_total": len(problems),
            "shown_limit": SHOWN_PROBLEMS,
        },
    )


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def run_detail(request, pk: int):
    """The run's result; while it runs, its progress, which htmx polls until it ends or its
    worker is found dead (286).

    A checked run waiting for confirmation takes the decision as a POST: confirm or cancel;
    a run whose worker died, cancel.
    """
    _require_importer(request.user)
    run = import_run_get(pk)
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision == "confirm":
            upload_confirm(run, user=request.user, request=request)
        elif decision == "cancel":
            upload_cancel(run, user=request.user, request=request)
        return redirect("exchange:run", pk=run.pk)
    if request.htmx:
        if run.in_progress:
            return render(request, "exchange/progress.html", {"run": run})
        response = HttpResponse(status=286)
        response["HX-Refresh"] = "true"
        return response
    page = Paginator(run.rejects.all(), 50).get_page(request.GET.get("page"))
    labels = {**SSDA903_LABELS, **GIAS_LABELS, **PEP_LABELS}
    counts = [(labels[key][value != 1], value) for key, value in run.counts.items()]
    # Its rejected rows and warnings name children.
    shows(
        request,
        f"Import {run.pk}: {len(run.warnings)} warnings, {page_extent(page, 'rejected rows')}",
        obj=run,
    )
    return render(
        request,
        "exchange/run.html",
        {
            "run": run,
            "page": page,
            "counts": counts,
            "pagination": pagination(page, request.GET.copy()),
        },
    )


def run_errors_csv(request, pk: int):
    """The run's rejected rows as CSV; their values come from the file, so from anyone."""
    _require_importer(request.user)
    run = import_run_get(pk)
    shows(
        request,
        f"Downloaded the rejected rows of import {run.pk} (CSV)",
        obj=run,
        action=AuditEntry.Action.EXPORTED,
    )
    rows = ([r.file, r.line, r.column, r.value, r.reason] for r in run.rejects.iterator(2000))
    header = ["file", "line", "column", "value", "reason"]
    return csv_response(header, rows, f"import-{run.pk}-errors.csv")


def export_ssda903(request):
    """Choose a collection year held and download its return: ten CSV files in a zip."""
    _require_importer(request.user)
    years = ssda903_years_held()
    form = ExportForm(request.GET or None, years=years)
    if request.GET and form.is_valid():
        year = form.cleaned_data["year"]
        data, counts = ssda903_export_zip(year=year)
        label = financial_year_label(year - 1)
        shows(
            request,
            f"Downloaded the SSDA903 return {label} (ZIP): "
            + ", ".join(f"{name}.csv {count:,}" for name, count in counts.items()),
            action=AuditEntry.Action.EXPORTED,
        )
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="ssda903-{label}.zip"'
        return response
    return render(request, "exchange/export.html", {"form": form, "years": years})
