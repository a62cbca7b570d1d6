"""Download one PEP as a PDF, the official copy, or the blank forms for a paper meeting;
every download is audited."""

from django.http import HttpResponse
from django.utils import timezone

from vschool.accounts.audit import audit_record
from vschool.accounts.models import AuditEntry
from vschool.accounts.scoping import get_child_for_user
from vschool.peps.document import blank_pep_pdf, pdf_filename, pep_pdf, views_sheet_pdf
from vschool.peps.selectors import pep_for_child


def pep_document(request, pk: int, pep_id: int):
    """The PEP as an A4 PDF, for everyone who may see the child (others get 404)."""
    child = get_child_for_user(request.user, pk)
    pep = pep_for_child(child, pep_id)
    pdf = pep_pdf(pep, today=timezone.localdate(), made_by=request.user)
    return _download(request, pep, pdf, pdf_filename(pep), "PEP downloaded as PDF")


def blank_document(request, pk: int, pep_id: int):
    """A blank PEP for a paper meeting: every section's questions, none of the answers."""
    child = get_child_for_user(request.user, pk)
    pep = pep_for_child(child, pep_id)
    pdf = blank_pep_pdf(pep, today=timezone.localdate(), made_by=request.user)
    return _download(request, pep, pdf, pdf_filename(pep, "blank"),
                     "Blank PEP downloaded as PDF")


def views_sheet(request, pk: int, pep_id: int):
    """The child's views sheet, its questions worded for the PEP's phase."""
    child = get_child_for_user(request.user, pk)
    pep = pep_for_child(child, pep_id)
    pdf = views_sheet_pdf(pep, today=timezone.localdate(), made_by=request.user)
    return _download(request, pep, pdf, pdf_filename(pep, "views-sheet"),
                     "Child's views sheet downloaded as PDF")


def _download(request, pep, pdf: bytes, filename: str, summary: str) -> HttpResponse:
    audit_record(user=request.user, action=AuditEntry.Action.EXPORTED, obj=pep,
                 summary=summary, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
