"""Download one PEP as a PDF, the official copy, or the blank forms for a paper meeting;
every download is audited."""

from django.http import HttpResponse
from django.utils import timezone

from vschool.audit.models import AuditEntry
from vschool.audit.seen import shows
from vschool.cohort.scoping import get_child_for_user
from vschool.peps.document import blank_pep_pdf, pdf_filename, pep_pdf, views_sheet_pdf
from vschool.peps.selectors import pep_for_child

# kind -> (renderer, file name suffix, audit summary)
_DOCUMENTS = {
    "pep": (pep_pdf, "", "PEP downloaded as PDF"),
    "blank": (blank_pep_pdf, "blank", "Blank PEP downloaded as PDF"),
    "views-sheet": (views_sheet_pdf, "views-sheet", "Child's views sheet downloaded as PDF"),
}


def pep_document(request, pk: int, pep_id: int, kind: str = "pep"):
    """The PEP as an A4 PDF (the official copy), a blank PEP for a paper meeting (questions,
    no answers) or the child's views sheet worded for the PEP's phase; 404 out of scope."""
    child = get_child_for_user(request.user, pk)
    pep = pep_for_child(child, pep_id)
    render, suffix, summary = _DOCUMENTS[kind]
    pdf = render(pep, today=timezone.localdate(), made_by=request.user)
    shows(request, f"{summary}: {pep.label}", obj=pep, action=AuditEntry.Action.EXPORTED)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(pep, suffix)}"'
    response["Cache-Control"] = "no-store"
    return response
