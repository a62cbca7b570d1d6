"""Download one PEP as a PDF, the official copy; every download is audited."""

from django.http import HttpResponse
from django.utils import timezone

from vschool.accounts.audit import audit_record
from vschool.accounts.models import AuditEntry
from vschool.accounts.scoping import get_child_for_user
from vschool.peps.document import pdf_filename, pep_pdf
from vschool.peps.selectors import pep_for_child


def pep_document(request, pk: int, pep_id: int):
    """The PEP as an A4 PDF, for everyone who may see the child (others get 404)."""
    child = get_child_for_user(request.user, pk)
    pep = pep_for_child(child, pep_id)
    pdf = pep_pdf(pep, today=timezone.localdate(), made_by=request.user)
    audit_record(user=request.user, action=AuditEntry.Action.EXPORTED, obj=pep,
                 summary="PEP downloaded as PDF", request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(pep)}"'
    response["Cache-Control"] = "no-store"
    return response
