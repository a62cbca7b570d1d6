"""The blank PEP and the child's views sheet, printed for paper meetings (screens.md 1.7)."""

import io

import pytest
from pypdf import PdfReader

from vschool.audit.models import AuditEntry
from vschool.peps.forms import ActionForm, MeetingSectionForm, SchoolSectionForm, TargetForm
from vschool.peps.models import Pep, PepSection
from vschool.peps.sections import GROUPS, SECTIONS

pytestmark = pytest.mark.django_db
S = Pep.Status


def _blank(pep):
    return f"/children/{pep.child_id}/peps/{pep.pk}/pdf/blank/"


def _sheet(pep):
    return f"/children/{pep.child_id}/peps/{pep.pk}/pdf/views-sheet/"


def _pages(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def _text(pages):
    return " ".join("\n".join(pages).split())


def test_the_blank_pep_has_every_section_and_its_questions(login, people, make_pep, roll):
    pep = make_pep(S.DRAFT)
    response = login(people["dt"]).get(_blank(pep))
    pages = _pages(response)
    text = _text(pages)
    assert "Amira Ahmed" in text and "Spring term 2025/26" in text and "Blank form" in text
    for title in [*GROUPS.values(), *(spec.title for spec in SECTIONS.values())]:
        assert title in text, title
    for form in (MeetingSectionForm, SchoolSectionForm, TargetForm, ActionForm):
        for field in form.base_fields.values():
            assert field.label in text, field.label
    assert "☐ The child attended" in text and "☐ Request PP+ this term" in text
    assert "What are you good at?" in text  # the primary child's views
    disposition = response["Content-Disposition"]
    assert disposition == (
        f'attachment; filename="PEP-blank-{roll["at_a"].reference}-spring-2025.pdf"'
    )
    assert "Ahmed" not in disposition and "Amira" not in disposition


def test_the_blank_pep_shows_none_of_the_saved_answers(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    PepSection.objects.create(
        pep=pep,
        key="school",
        completed=True,
        data={"attendance": "Zebracrossing attendance 97%", "strengths": "Xylophone virtuoso"},
    )
    PepSection.objects.create(
        pep=pep,
        key="voice",
        completed=True,
        data={
            "good_at": "Quokka drawings",
            "how_gathered": "meeting",
            "words": "I like Quokka drawings",
        },
    )
    PepSection.objects.create(
        pep=pep,
        key="targets",
        completed=True,
        data=[{"area": "Reading", "target": "Read a Wombatbook aloud", "cost": "350.00"}],
    )
    text = _text(_pages(login(people["officer"]).get(_blank(pep))))
    assert "Attendance summary" in text and "What are you good at?" in text
    for answer in ("Zebracrossing", "Xylophone", "Quokka", "Wombatbook", "350.00"):
        assert answer not in text


def test_every_page_carries_the_marking_and_page_numbers(login, people, make_pep, settings):
    settings.VSCHOOL_PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE PERSONAL"
    pep = make_pep(S.DRAFT)
    client = login(people["dt"])
    for url in (_blank(pep), _sheet(pep)):
        pages = _pages(client.get(url))
        for number, page in enumerate(pages, start=1):
            assert "OFFICIAL-SENSITIVE PERSONAL" in page
            assert "Amira Ahmed" in page
            assert f"Page {number} of {len(pages)}" in page


def test_the_primary_views_sheet_asks_primary_questions(login, people, make_pep, roll):
    pep = make_pep(S.DRAFT, pep_type="primary")
    response = login(people["dt"]).get(_sheet(pep))
    pages = _pages(response)
    text = _text(pages)
    assert len(pages) <= 2
    assert "My views" in text and "Child's views sheet" in text
    assert "What are you good at?" in text and "Who helps you?" in text
    assert "What are your plans for the future?" not in text
    assert "How were these views gathered?" in text and "☐ At the meeting" in text
    assert "Personal Education Plan: blank" not in text and "SMART targets" not in text
    assert response["Content-Disposition"] == (
        f'attachment; filename="PEP-views-sheet-{roll["at_a"].reference}-spring-2025.pdf"'
    )


def test_the_secondary_views_sheet_asks_secondary_questions(login, people, make_pep):
    pep = make_pep(S.DRAFT, pep_type="secondary")
    pages = _pages(login(people["dt"]).get(_sheet(pep)))
    text = _text(pages)
    assert len(pages) <= 2
    assert "What are your plans for the future?" in text
    assert "What is going well in your education?" in text
    assert "What are you good at?" not in text and "Who helps you?" not in text


def test_the_early_years_views_sheet_is_what_staff_saw(login, people, make_pep):
    pep = make_pep(S.DRAFT, pep_type="early_years")
    text = _text(_pages(login(people["dt"]).get(_sheet(pep))))
    assert "What staff saw me enjoy" in text and "What did staff see the child enjoy?" in text
    assert "What are you good at?" not in text


def test_the_blank_pep_uses_the_childs_phase_for_their_views(login, people, make_pep):
    pep = make_pep(S.DRAFT, pep_type="post_16")
    text = _text(_pages(login(people["dt"]).get(_blank(pep))))
    assert "What are your plans for the future?" in text
    assert "What are you good at?" not in text


def test_downloads_are_audited(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    client = login(people["social"])
    client.get(_blank(pep))
    client.get(_sheet(pep))
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).order_by("pk")
    which = "Termly PEP, Spring term 2025/26 (draft)"
    assert [(e.user, e.object_type, e.object_id, e.child_id, e.summary) for e in entries] == [
        (
            people["social"],
            "peps.Pep",
            str(pep.pk),
            pep.child_id,
            f"Blank PEP downloaded as PDF: {which}",
        ),
        (
            people["social"],
            "peps.Pep",
            str(pep.pk),
            pep.child_id,
            f"Child's views sheet downloaded as PDF: {which}",
        ),
    ]


def test_a_designated_teacher_of_another_school_gets_404(login, make_pep, roll):
    pep = make_pep(S.DRAFT)
    client = login(roll["other_dt"])
    assert client.get(_blank(pep)).status_code == 404
    assert client.get(_sheet(pep)).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).exists()


def test_another_childs_pep_is_not_found_through_this_child(login, people, make_pep, roll):
    pep = make_pep(S.DRAFT, child=roll["at_b"])
    client = login(people["officer"])
    for kind in ("blank", "views-sheet"):
        url = f"/children/{roll['at_a'].pk}/peps/{pep.pk}/pdf/{kind}/"
        assert client.get(url).status_code == 404


def test_the_pep_page_links_to_the_blank_forms(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    detail = login(people["dt"]).get(f"/children/{pep.child_id}/peps/{pep.pk}/").content.decode()
    assert f'href="{_blank(pep)}"' in detail
    assert "Print a blank PEP for a paper meeting (PDF)" in detail
    assert f'href="{_sheet(pep)}"' in detail and "Print the child's views sheet (PDF)" in detail
