"""The PEP as a PDF, the official copy (screens.md 1.7): A4, a running header and footer.

WeasyPrint renders `peps/pep_document.html`; its print CSS is in the template, and only
`file:` and `data:` URLs are fetched, so rendering never touches the network.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from vschool.peps.models import Pep, PepStatusChange
from vschool.peps.presenters import PepPresenter

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Target fields in the order the table shows them, with their column headings.
TARGET_COLUMNS = [("area", "Area"), ("target", "Target"), ("measure", "How we will know"),
                  ("baseline", "Starting point"), ("by_when", "Review date"),
                  ("who", "Who is responsible"), ("support", "Support"), ("cost", "PP+ cost")]


def load_for_document(pep: Pep) -> Pep:
    """Prefetch the PEP's sections and status history (with who made each change).

    Queries stay the same whatever the number of targets or status rows.
    """
    prefetch_related_objects([pep], "sections", Prefetch(
        "status_changes", queryset=PepStatusChange.objects.select_related("by")))
    return pep


def pep_document_context(pep: Pep, presenter: PepPresenter | None = None, *,
                         today: date | None = None, made_by=None) -> dict:
    """What the document template shows: the summary, each section's answers, the history."""
    today = today or timezone.localdate()
    load_for_document(pep)
    presenter = presenter or PepPresenter(pep, set(), today)
    sections = []
    for section in presenter.answers:
        if not section.get("applies", True):
            sections.append({**section, "items": [], "not_applicable": True})
        elif section["key"] == "targets":
            row = presenter.rows.get("targets")
            targets = [[_value(t.get(key, ""), money=key == "cost") for key, _ in TARGET_COLUMNS]
                       for t in (row.data if row and isinstance(row.data, list) else [])]
            sections.append({**section, "targets": targets, "items": []})
        else:
            sections.append({**section, "items": [(label, _value(value))
                                                  for label, value in section["items"]]})
    marking = settings.VSCHOOL_PROTECTIVE_MARKING
    return {
        "pep": pep, "child": pep.child, "sections": sections,
        "target_columns": [heading for _, heading in TARGET_COLUMNS],
        "history": list(pep.status_changes.all()),
        "marking": marking, "marking_css": css_string(marking),
        "made_on": today, "made_by": made_by,
    }


def pep_pdf(pep: Pep, presenter: PepPresenter | None = None, *, today: date | None = None,
            made_by=None) -> bytes:
    """Render one PEP as an A4 PDF and return its bytes."""
    from weasyprint import HTML  # imported here: it loads Pango, which only PDFs need
    from weasyprint.urls import URLFetcher

    html = render_to_string("peps/pep_document.html",
                            pep_document_context(pep, presenter, today=today, made_by=made_by))
    base_url = str(settings.BASE_DIR / "vschool" / "static") + "/"
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


def pdf_filename(pep: Pep) -> str:
    """`PEP-<child reference>-<term>-<year>.pdf`: no name, so a saved file names no one."""
    reference = re.sub(r"[^A-Za-z0-9-]", "", pep.child.reference)
    return f"PEP-{reference}-{pep.term}-{pep.academic_year}.pdf"


def css_string(value: str) -> str:
    """Quote `value` as a CSS string, escaping all but plain characters (safe in <style>)."""
    escaped = "".join(c if c.isalnum() or c in " -_.,:/()" else f"\\{ord(c):x} " for c in value)
    return mark_safe(f'"{escaped}"')  # every character but plain ones is escaped above


def _value(value, money: bool = False) -> str:
    """An answer as text: ISO dates as '27 March 2026', lists joined, money with '£'."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value if v not in (None, ""))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value)
    if _ISO_DATE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return text
        return f"{day.day} {day:%B %Y}"
    if money:
        try:
            return f"£{Decimal(text):,.2f}"
        except InvalidOperation:
            return text
    return text
