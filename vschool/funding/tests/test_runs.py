"""Payment runs: what a run pays, confirming and cancelling, corrections, remittances and
the finance export, to the penny; who may use them; queries that do not grow."""

import csv
import io
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.cohort.tests.factories import ChildFactory, SchoolFactory
from vschool.funding import ledger, runs_selectors
from vschool.funding.errors import FundingError
from vschool.funding.models import Adjustment, Allocation, PaymentLine, PaymentRun
from vschool.funding.rules import financial_year_of_term
from vschool.funding.runs import add_adjustment, build_run, cancel_run, confirm_run, recalculate_run
from vschool.peps.models import Pep

pytestmark = pytest.mark.django_db


def allocate(child, school, amount_pence, *, year=2025, term="autumn", status="approved"):
    """An approved (or withheld) allocation of a PEP of `child`'s, paid to `school`."""
    pep = Pep.objects.create(
        child=child,
        pep_type="primary",
        academic_year=year,
        term=term,
        due_date=date(year, 12, 12),
        status=Pep.Status.APPROVED,
        grade="Green",
    )
    return Allocation.objects.create(
        pep=pep,
        child=child,
        school=school,
        financial_year=financial_year_of_term(year, term),
        academic_year=year,
        term=term,
        requested_pence=amount_pence,
        amount_pence=amount_pence if status == "approved" else 0,
        status=status,
        eef_strand="one_to_one" if status == "approved" else "arts",
    )


@pytest.fixture
def finance(personas):
    return personas[Role.DATA_OFFICER]


@pytest.fixture
def two_schools(db):
    alder = SchoolFactory(name="Alder Primary School", urn="200001")
    birch = SchoolFactory(name="Birch Academy", urn="200002")
    amira = ChildFactory(first_name="Amira", last_name="Ahmed")
    ben = ChildFactory(first_name="Ben", last_name="Brown")
    cara = ChildFactory(first_name="Cara", last_name="Cole")
    allocations = [
        allocate(amira, alder, 45000),
        allocate(ben, alder, 30050),
        allocate(cara, birch, 60000),
        # Approved late: a PEP of the summer term before, not paid by that term's run.
        allocate(cara, birch, 12345, year=2024, term="summer"),
    ]
    return {
        "alder": alder,
        "birch": birch,
        "children": [amira, ben, cara],
        "allocations": allocations,
    }


def test_a_run_pays_every_approved_unpaid_allocation_to_its_school(finance, two_schools):
    later = allocate(ChildFactory(), two_schools["alder"], 999, term="spring")  # a later term
    withheld = allocate(ChildFactory(), two_schools["alder"], 500, status="withheld")
    run = build_run(academic_year=2025, term="autumn", user=finance)
    assert run.reference == "PPP-2025-26-AUT-1"
    assert (run.status, run.financial_year) == (PaymentRun.Status.DRAFT, 2025)
    lines = {line.allocation_id: line for line in run.lines.all()}
    assert set(lines) == {a.pk for a in two_schools["allocations"]}
    assert later.pk not in lines and withheld.pk not in lines
    late = lines[two_schools["allocations"][3].pk]
    assert (late.school, late.amount_pence, late.financial_year) == (
        two_schools["birch"],
        12345,
        2025,  # summer 2024 is paid from the 2025-26 grant
    )
    assert late.description == "Summer term 2024/25: One to one tuition"
    assert lines[two_schools["allocations"][0].pk].description == (
        "Autumn term 2025/26: One to one tuition"
    )
    by_school = {}
    for line in run.lines.all():
        by_school[line.school_id] = by_school.get(line.school_id, 0) + line.amount_pence
    assert by_school == {two_schools["alder"].pk: 75050, two_schools["birch"].pk: 72345}
    entry = AuditEntry.objects.get(object_type="funding.PaymentRun", action="created")
    assert entry.summary.startswith("Payment run PPP-2025-26-AUT-1 built")


def test_nothing_to_pay_is_an_error_and_writes_nothing(finance):
    with pytest.raises(FundingError) as error:
        build_run(academic_year=2025, term="autumn", user=finance)
    assert str(error.value) == (
        "Nothing to pay for Autumn term 2025/26: no approved PP+ waits for payment"
    )
    assert not PaymentRun.objects.exists() and not PaymentLine.objects.exists()
    assert not AuditEntry.objects.filter(object_type="funding.PaymentRun").exists()


def test_an_allocation_without_a_school_is_left_out_and_listed(login, finance, two_schools):
    lost = ChildFactory()
    allocate(lost, None, 7000)
    run = build_run(academic_year=2025, term="autumn", user=finance)
    assert not run.lines.filter(child=lost).exists()
    page = login(finance).get(reverse("funding:run", args=[run.pk])).content.decode()
    assert f"{lost.reference}: £70.00 – not paid: no school" in page


def test_only_one_draft_run_at_a_time(finance, two_schools):
    build_run(academic_year=2025, term="autumn", user=finance)
    allocate(ChildFactory(), two_schools["alder"], 100, term="spring")
    with pytest.raises(FundingError, match="There is already a draft run: confirm or cancel"):
        build_run(academic_year=2025, term="spring", user=finance)
    assert PaymentRun.objects.count() == 1


def test_a_cancelled_draft_frees_its_allocations_for_the_next_run(finance, two_schools):
    first = build_run(academic_year=2025, term="autumn", user=finance)
    with pytest.raises(FundingError, match="Enter why"):
        cancel_run(first, user=finance, reason="  ")
    cancel_run(first, user=finance, reason="Wrong term chosen")
    first.refresh_from_db()
    assert first.status == PaymentRun.Status.CANCELLED and first.cancel_reason
    assert first.lines.count() == 4  # kept as history
    assert not Allocation.objects.filter(paid_run__isnull=False).exists()
    second = build_run(academic_year=2025, term="autumn", user=finance)
    assert second.reference == "PPP-2025-26-AUT-2"
    assert second.lines.count() == 4
    assert ledger.year_totals(2025).paid_to_schools_pence == 0


def test_confirming_marks_paid_and_a_new_run_does_not_pay_them_again(finance, two_schools):
    run = build_run(academic_year=2025, term="autumn", user=finance)
    confirm_run(run, user=finance)
    run.refresh_from_db()
    assert (run.status, run.confirmed_by) == (PaymentRun.Status.CONFIRMED, finance)
    assert run.confirmed_at is not None
    assert set(Allocation.objects.values_list("paid_run", flat=True)) == {run.pk}
    with pytest.raises(FundingError) as error:
        cancel_run(run, user=finance, reason="Too late")
    assert str(error.value) == (
        "A confirmed run cannot be cancelled: add a correction, which the next run pays"
    )
    with pytest.raises(FundingError, match="Only a draft run"):
        confirm_run(run, user=finance)
    with pytest.raises(FundingError, match="Nothing to pay"):
        build_run(academic_year=2025, term="spring", user=finance)
    fresh = allocate(ChildFactory(), two_schools["birch"], 2500, term="spring")
    spring = build_run(academic_year=2025, term="spring", user=finance)
    assert list(spring.lines.values_list("allocation", flat=True)) == [fresh.pk]


def test_a_changed_allocation_must_be_recalculated_before_confirming(finance, two_schools):
    run = build_run(academic_year=2025, term="autumn", user=finance)
    Allocation.objects.filter(pk=two_schools["allocations"][0].pk).update(amount_pence=40000)
    with pytest.raises(FundingError, match="recalculate"):
        confirm_run(run, user=finance)
    assert not Allocation.objects.filter(paid_run__isnull=False).exists()
    recalculate_run(run, user=finance)
    assert sum(run.lines.values_list("amount_pence", flat=True)) == 40000 + 30050 + 72345
    confirm_run(run, user=finance)


def test_a_negative_correction_is_paid_by_the_next_run(finance, two_schools):
    alder, birch = two_schools["alder"], two_schools["birch"]
    first = build_run(academic_year=2025, term="autumn", user=finance)
    confirm_run(first, user=finance)
    with pytest.raises(FundingError, match="reason"):
        add_adjustment(
            school=alder, amount_pence=-5000, reason="", user=finance, financial_year=2025
        )
    recover = add_adjustment(
        school=alder,
        amount_pence=-5000,
        reason="£50 overpaid in the autumn",
        user=finance,
        financial_year=2025,
    )
    assert AuditEntry.objects.filter(object_type="funding.Adjustment").count() == 1
    spring_alder = allocate(ChildFactory(), alder, 20000, term="spring")
    allocate(ChildFactory(), birch, 10000, term="spring")
    second = build_run(academic_year=2025, term="spring", user=finance)
    alder_total = sum(second.lines.filter(school=alder).values_list("amount_pence", flat=True))
    assert alder_total == spring_alder.amount_pence - 5000
    line = second.lines.get(adjustment=recover)
    assert (line.amount_pence, line.description) == (
        -5000,
        "Correction: £50 overpaid in the autumn",
    )
    confirm_run(second, user=finance)
    recover.refresh_from_db()
    assert recover.paid_run == second
    assert ledger.year_totals(2025).paid_to_schools_pence == 75050 + 72345 + 20000 - 5000 + 10000


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_remittances_and_finance_export_reconcile_to_the_penny(
    login, finance, two_schools, settings
):
    settings.VSCHOOL_PP_PLUS_COST_CODE = "PP+ 4410"
    alder, birch = two_schools["alder"], two_schools["birch"]
    run = build_run(academic_year=2025, term="autumn", user=finance)
    client = login(finance)
    draft_page = client.get(reverse("funding:run", args=[run.pk])).content.decode()
    assert "Confirm the run to produce remittances" in draft_page
    assert client.get(reverse("funding:remittance_pdf", args=[run.pk, alder.pk])).status_code == 404
    assert client.get(reverse("funding:finance_csv", args=[run.pk])).status_code == 404
    confirm_run(run, user=finance)

    pdf = client.get(reverse("funding:remittance_pdf", args=[run.pk, alder.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "remittance-PPP-2025-26-AUT-1-200001.pdf" in pdf["Content-Disposition"]
    text = _pdf_text(pdf.content)
    amira, ben, cara = two_schools["children"]
    assert "£750.50" in text and "£450.00" in text and "£300.50" in text
    assert amira.reference in text and ben.reference in text
    assert cara.reference not in text  # Birch's child
    assert "Alder Primary School" in text and "200001" in text and "PPP-2025-26-AUT-1" in text
    for name in (amira.first_name, amira.last_name, ben.last_name, cara.last_name):
        assert name not in text
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).latest("pk")
    assert entry.summary.startswith("Remittance advice downloaded as PDF: PPP-2025-26-AUT-1")

    rows = _csv(client.get(reverse("funding:remittance_csv", args=[run.pk, birch.pk])))
    assert rows[0] == ["Child reference", "What it is for", "EEF strand", "Amount (£)"]
    assert sorted(rows[1:-1]) == sorted(
        [
            [
                cara.reference,
                "Autumn term 2025/26: One to one tuition",
                "One to one tuition",
                "600.00",
            ],
            [
                cara.reference,
                "Summer term 2024/25: One to one tuition",
                "One to one tuition",
                "123.45",
            ],
        ]
    )
    assert rows[-1] == ["Total", "", "", "723.45"]
    assert sum(Decimal(row[3]) for row in rows[1:-1]) == Decimal(rows[-1][3])

    finance_rows = _csv(client.get(reverse("funding:finance_csv", args=[run.pk])))
    assert finance_rows == [
        ["School", "URN", "Amount", "Cost code", "Run reference"],
        ["Alder Primary School", "200001", "750.50", "PP+ 4410", "PPP-2025-26-AUT-1"],
        ["Birch Academy", "200002", "723.45", "PP+ 4410", "PPP-2025-26-AUT-1"],
    ]
    remitted = 0
    for school in (alder, birch):
        rows = _csv(client.get(reverse("funding:remittance_csv", args=[run.pk, school.pk])))
        remitted += int(Decimal(rows[-1][3]) * 100)
    assert ledger.year_totals(2025).paid_to_schools_pence == remitted == 147395


def _post_run(client, year="2025", term="autumn"):
    return client.post(reverse("funding:runs"), {"academic_year": year, "term": term})


def test_the_pages_build_confirm_cancel_and_correct(login, finance, two_schools, time_machine):
    time_machine.move_to(date(2025, 11, 3), tick=False)
    client = login(finance)
    empty = client.get(reverse("funding:runs")).content.decode()
    assert "No payment run yet for Autumn term 2025/26" in empty
    Allocation.objects.all().delete()
    Pep.objects.all().delete()
    nothing = _post_run(client, term="autumn")
    assert nothing.status_code == 200
    assert "Nothing to pay for Autumn term 2025/26" in nothing.content.decode()
    assert "There is a problem" in nothing.content.decode()
    assert not PaymentRun.objects.exists()
    allocate(two_schools["children"][0], two_schools["alder"], 45000)
    built = _post_run(client)
    run = PaymentRun.objects.get()
    assert built["Location"] == reverse("funding:run", args=[run.pk])
    page = client.get(built["Location"]).content.decode()
    assert "Payment run PPP-2025-26-AUT-1 built" in page and "£450.00" in page

    cancel = reverse("funding:run_cancel", args=[run.pk])
    refused = client.post(cancel, {"reason": ""})
    assert "Enter why you are cancelling the run" in refused.content.decode()
    assert client.post(cancel, {"reason": "Built too early"}).status_code == 302
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.CANCELLED

    _post_run(client)
    run = PaymentRun.objects.get(status=PaymentRun.Status.DRAFT)
    confirm_page = client.get(reverse("funding:run_confirm", args=[run.pk])).content.decode()
    assert "You cannot cancel a run once it is confirmed" in confirm_page
    assert client.post(reverse("funding:run_confirm", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.CONFIRMED
    page = client.get(reverse("funding:run", args=[run.pk])).content.decode()
    assert "Add a correction" in page and "remittance.pdf" in page

    correction = reverse("funding:run_correction", args=[run.pk, two_schools["alder"].pk])
    wrong = client.post(correction, {"amount": "lots", "reason": ""})
    body = wrong.content.decode()
    assert "Amount of the correction must be a number in pounds" in body
    assert "Enter the reason for the correction" in body
    assert not Adjustment.objects.exists()
    assert client.post(correction, {"amount": "-50", "reason": "Overpaid"}).status_code == 302
    adjustment = Adjustment.objects.get()
    assert (adjustment.amount_pence, adjustment.school) == (-5000, two_schools["alder"])
    assert adjustment.financial_year == 2025
    # Recalculating a confirmed run is refused, and said.
    again = client.post(
        reverse("funding:run", args=[run.pk]), {"action": "recalculate"}, follow=True
    )
    assert "Only a draft run can be recalculated" in again.content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_only_those_who_manage_funding_reach_the_runs(login, personas, finance, two_schools, role):
    run = build_run(academic_year=2025, term="autumn", user=finance)
    confirm_run(run, user=finance)
    school = two_schools["alder"]
    urls = [
        reverse("funding:runs"),
        reverse("funding:run", args=[run.pk]),
        reverse("funding:run_confirm", args=[run.pk]),
        reverse("funding:run_cancel", args=[run.pk]),
        reverse("funding:run_correction", args=[run.pk, school.pk]),
        reverse("funding:remittance_pdf", args=[run.pk, school.pk]),
        reverse("funding:remittance_csv", args=[run.pk, school.pk]),
        reverse("funding:finance_csv", args=[run.pk]),
    ]
    client = login(personas[role])
    expected = 200 if role in {Role.HEAD, Role.DEPUTY, Role.DATA_OFFICER} else 404
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, expected)
    if expected == 404:
        assert _post_run(client).status_code == 404
        assert (
            client.post(reverse("funding:run_cancel", args=[run.pk]), {"reason": "x"}).status_code
            == 404
        )


def _scale(n_schools: int, per_school: int) -> None:
    for s in range(n_schools):
        school = SchoolFactory(urn=str(300000 + 100 * n_schools + s))
        for _ in range(per_school):
            allocate(ChildFactory(), school, 10000 + s)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured)


def test_queries_do_not_grow_with_schools_or_children(login, finance):
    client = login(finance)
    counts = []
    for n_schools, per_school in ((2, 1), (6, 4)):
        PaymentRun.objects.update(status=PaymentRun.Status.CANCELLED)
        _scale(n_schools, per_school)
        with CaptureQueriesContext(connection) as building:
            run = build_run(academic_year=2025, term="autumn", user=finance)
        page = reverse("funding:run", args=[run.pk])
        draft = _queries(client, page)
        confirm = _queries(client, reverse("funding:run_confirm", args=[run.pk]))
        confirm_run(run, user=finance)
        school = run.lines.first().school_id
        counts.append(
            (
                len(building),
                draft,
                confirm,
                _queries(client, page),
                _queries(client, reverse("funding:runs")),
                _queries(client, reverse("funding:remittance_csv", args=[run.pk, school])),
                _queries(client, reverse("funding:remittance_pdf", args=[run.pk, school])),
                _queries(client, reverse("funding:finance_csv", args=[run.pk])),
            )
        )
    assert counts[0] == counts[1], counts


def test_the_run_page_shows_its_schools_a_page_at_a_time(login, finance, two_schools, monkeypatch):
    monkeypatch.setattr(runs_selectors, "SCHOOLS_PER_PAGE", 1)
    run = build_run(academic_year=2025, term="autumn", user=finance)
    client = login(finance)
    first = client.get(reverse("funding:run", args=[run.pk])).content.decode()
    second = client.get(reverse("funding:run", args=[run.pk]) + "?page=2").content.decode()
    # Schools by name: Alder on the first page, Birch on the second; totals are the run's.
    assert "Lines paid to Alder Primary School" in first and "Birch Academy" not in first
    assert "Lines paid to Birch Academy" in second and "Alder Primary School" not in second
    for page in (first, second):
        assert "£1,473.95" in page and "Schools 1 to 1 of 2" in first
    assert 'aria-label="Pagination"' in first
    summary = runs_selectors.run_summary(run, 2)
    assert (summary.school_count, summary.children, summary.lines) == (2, 3, 4)
    assert [s.school for s in summary.schools] == [two_schools["birch"]]
