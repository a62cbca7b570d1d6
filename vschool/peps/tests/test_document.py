"""The PEP as a PDF: the official copy, its running header and footer, access and audit."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from vschool.audit.models import AuditEntry
from vschool.peps.document import css_string
from vschool.peps.models import Pep, PepSection, PepStatusChange

pytestmark = pytest.mark.django_db
S = Pep.Status


def _url(pep):
    return f"/children/{pep.child_id}/peps/{pep.pk}/pdf/"


def _targets(count):
    return [
        {
            "area": "Reading",
            "target": f"Target number {n}: read a chapter book aloud",
            "measure": "Reading age up six months",
            "baseline": "Reading age 7y 2m",
            "by_when": "2026-07-17",
            "who": "Class teacher",
            "support": "Daily reading with a teaching assistant",
            "cost": "350.00",
        }
        for n in range(1, count + 1)
    ]


def _pep_with(make_pep, people, targets=1, changes=1):
    pep = make_pep(S.SUBMITTED, grade="")
    PepSection.objects.create(
        pep=pep,
        key="school",
        completed=True,
        data={"attendance": "96%", "strengths": "Art and football"},
    )
    PepSection.objects.create(pep=pep, key="targets", completed=True, data=_targets(targets))
    for n in range(changes):
        PepStatusChange.objects.create(
            pep=pep, status=S.SUBMITTED, by=people["dt"], note=f"Change note {n}"
        )
    return pep


def _pages(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def test_the_pdf_names_the_child_and_carries_the_marking_and_page_numbers(
    login, people, make_pep, roll
):
    pep = _pep_with(make_pep, people)
    response = login(people["dt"]).get(_url(pep))
    pages = _pages(response)
    text = " ".join("\n".join(pages).split())
    assert "Amira Ahmed" in text and "Spring term 2025/26" in text
    assert "Status: Submitted" in text and "96%" in text and "Art and football" in text
    assert "Target number 1: read a chapter book aloud" in text and "£350.00" in text
    assert "17 July 2026" in text and "Change note 0" in text
    for number, page in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in page
        assert f"Page {number} of {len(pages)}" in page
    disposition = response["Content-Disposition"]
    assert disposition == (f'attachment; filename="PEP-{roll["at_a"].reference}-spring-2025.pdf"')
    assert "Ahmed" not in disposition and "Amira" not in disposition


def test_many_targets_span_pages_and_every_page_repeats_the_header(login, people, make_pep):
    pep = _pep_with(make_pep, people, targets=30)
    pages = _pages(login(people["officer"]).get(_url(pep)))
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert "Amira Ahmed" in page and "Spring term 2025/26" in page
        assert f"Page {number} of {len(pages)}" in page
    text = " ".join("\n".join(pages).split())
    assert all(f"Target number {n}:" in text for n in range(1, 31))


def test_the_marking_comes_from_the_setting(login, people, make_pep, settings):
    settings.VSCHOOL_PROTECTIVE_MARKING = 'OFFICIAL "PERSONAL" </style>'
    pep = _pep_with(make_pep, people)
    pages = _pages(login(people["dt"]).get(_url(pep)))
    assert all('OFFICIAL "PERSONAL" </style>' in page for page in pages)


def test_css_strings_escape_quotes_and_markup():
    assert css_string('A "B" </style>\\') == '"A \\22 B\\22  \\3c /style\\3e \\5c "'


def test_a_download_is_audited(login, people, make_pep):
    pep = _pep_with(make_pep, people)
    login(people["social"]).get(_url(pep))
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORTED)
    assert (entry.user, entry.object_type, entry.object_id, entry.child_id, entry.summary) == (
        people["social"],
        "peps.Pep",
        str(pep.pk),
        pep.child_id,
        "PEP downloaded as PDF: Termly PEP, Spring term 2025/26 (submitted)",
    )


def test_a_designated_teacher_of_another_school_gets_404(login, make_pep, people, roll):
    pep = _pep_with(make_pep, people)
    assert login(roll["other_dt"]).get(_url(pep)).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).exists()


def test_another_childs_pep_is_not_found_through_this_child(login, people, make_pep, roll):
    pep = make_pep(S.DRAFT, child=roll["at_b"])
    response = login(people["officer"]).get(f"/children/{roll['at_a'].pk}/peps/{pep.pk}/pdf/")
    assert response.status_code == 404


def test_queries_do_not_grow_with_targets_or_status_rows(login, people, make_pep):
    _pep_with(make_pep, people)  # each PEP below then has one before it, read for the review
    small = _pep_with(make_pep, people, targets=1, changes=1)
    large = _pep_with(make_pep, people, targets=30, changes=12)
    client = login(people["officer"])
    client.get(_url(small))  # warm any per-process caches
    counts = []
    for pep in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(pep)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_pep_pages_link_to_the_pdf(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    client = login(people["dt"])
    detail = client.get(f"/children/{pep.child_id}/peps/{pep.pk}/").content.decode()
    assert f'href="{_url(pep)}"' in detail and "Download this PEP (PDF)" in detail
    history = client.get(f"/children/{pep.child_id}/peps/").content.decode()
    link = re.search(rf'href="{re.escape(_url(pep))}"[^>]*>(.*?)</a>', history)
    assert link and "PDF" in link.group(1) and "spring term 2025/26 PEP" in link.group(1)


def test_the_pdf_is_tagged_for_screen_readers(login, people, make_pep):
    """PDF/UA: marked content, a structure tree and the document's language."""
    response = login(people["dt"]).get(_url(_pep_with(make_pep, people)))
    root = PdfReader(io.BytesIO(response.content)).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
