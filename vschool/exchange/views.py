"""Upload a feed, see what it changed or why it was rejected, download the errors."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.vary import vary_on_headers

from vschool.accounts.models import Role
from vschool.exchange.forms import UploadForm
from vschool.exchange.gias import CHANGE_LABELS as GIAS_LABELS
from vschool.exchange.importers import IMPORTERS
from vschool.exchange.models import ImportRun
from vschool.exchange.peps_import import CHANGE_LABELS as PEP_LABELS
from vschool.exchange.problems import rejects_csv
from vschool.exchange.selectors import import_runs_recent
from vschool.exchange.services import import_run_queue
from vschool.exchange.ssda903.apply import CHANGE_LABELS as SSDA903_LABELS
from vschool.kit.pagination import pagination

IMPORTING_ROLES = {Role.HEAD, Role.DEPUTY, Role.DATA_OFFICER}


def _require_importer(user):
    if user.role not in IMPORTING_ROLES:
        raise Http404


def imports(request):
    _require_importer(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = {upload.name: upload.read() for upload in form.cleaned_data["files"]}
        kind, skip_invalid = form.cleaned_data["kind"], form.cleaned_data["skip_invalid"]
        if sum(map(len, files.values())) > settings.VSCHOOL_BACKGROUND_IMPORT_BYTES:
            run = import_run_queue(
                kind=kind, files=files, user=request.user, skip_invalid=skip_invalid
            )
        else:
            run = IMPORTERS[kind](
                files=files, user=request.user, skip_invalid=skip_invalid, request=request
            )
        return redirect("exchange:run", pk=run.pk)
    return render(request, "exchange/imports.html", {"form": form, "runs": import_runs_recent()})


@vary_on_headers("HX-Request")
def run_detail(request, pk: int):
    """The run's result; while it runs, its progress, which htmx polls until it ends (286)."""
    _require_importer(request.user)
    run = get_object_or_404(ImportRun, pk=pk)
    if request.htmx:
        if run.in_progress:
            return render(request, "exchange/progress.html", {"run": run})
        response = HttpResponse(status=286)
        response["HX-Refresh"] = "true"
        return response
    page = Paginator(run.rejects.all(), 50).get_page(request.GET.get("page"))
    labels = {**SSDA903_LABELS, **GIAS_LABELS, **PEP_LABELS}
    counts = [(labels[key][value != 1], value) for key, value in run.counts.items()]
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
    _require_importer(request.user)
    run = get_object_or_404(ImportRun, pk=pk)
    response = HttpResponse(rejects_csv(run.rejects.all()), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.csv"'
    return response
