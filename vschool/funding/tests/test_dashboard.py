"""The PP+ dashboard and its CSV against hand-made allocations, runs, budget lines and
direct spends (rows made directly with the models)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.accounts.models import Role
from vschool.calendar.rules import dob_range_for_nc_year
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory, SchoolFactory
from vschool.funding import dashboard as figures
from vschool.funding.models import (
    Adjustment,
    Allocation,
    BudgetLine,
    DirectSpend,
    Grant,
    PaymentLine,
    PaymentRun,
    Spend,
)
from vschool.peps.models import Pep

TODAY = date(2026, 1, 10)  # spring term 2025/26, financial year 2025-26
DUE = {"summer": (7, 10), "autumn": (12, 12), "spring": (3, 27)}


def born_in(nc_year: int, academic_year: int = 2025) -> date:
    """A date of birth in NC year `nc_year` in the academic year."""
    return dob_range_for_nc_year(nc_year, academic_year)[0]


def pep(child, academic_year: int, term: str, status=Pep.Status.APPROVED) -> Pep:
    month, day = DUE[term]
    year = academic_year if term == "autumn" else academic_year + 1
    return Pep.objects.create(
        child=child,
        pep_type="primary",
        academic_year=academic_year,
        term=term,
        status=status,
        due_date=date(year, month, day),
    )


def allocate(child, academic_year, term, pence, strand="one_to_one", withheld=False, **fields):
    from vschool.funding.rules import financial_year_of_term

    return Allocation.objects.create(
        pep=fields.pop("pep", None) or pep(child, academic_year, term),
        child=child,
        school=child.current_school,
        financial_year=financial_year_of_term(academic_year, term),
        academic_year=academic_year,
        term=term,
        requested_pence=pence or 10000,
        amount_pence=0 if withheld else pence,
        status=Allocation.Status.WITHHELD if withheld else Allocation.Status.APPROVED,
        reason="Below the grade" if withheld else "",
        eef_strand=strand,
        **fields,
    )


def spend(child, day: date, pence: int, strand: str) -> DirectSpend:
    return DirectSpend.objects.create(
        child=child,
        financial_year=2025 if date(2025, 4, 1) <= day <= date(2026, 3, 31) else 2024,
        date=day,
        amount_pence=pence,
        description="Laptop",
        eef_strand=strand,
    )


@pytest.fixture
def ledger(db, time_machine):
    """Financial year 2025-26, its figures worked out by hand in the tests below."""
    time_machine.move_to(TODAY, tick=False)
    alder, birch, cedar, dove, elm = (
        SchoolFactory(name=name)
        for name in ("Alder Primary", "Birch Academy", "Cedar School", "Dove High", "Elm Nursery")
    )

    def child(nc_year, school, in_care=True, episode=True):
        c = ChildFactory(date_of_birth=born_in(nc_year), current_school=school, in_care=in_care)
        if episode:
            CareEpisodeFactory(child=c)
        return c

    primary = child(3, alder)  # Year 3 (Year 2 in 2024/25): primary both years
    secondary = child(8, birch)
    moving = child(7, alder)  # Year 6 in 2024/25, Year 7 in 2025/26
    withheld = child(5, cedar)
    early = child(-1, elm)  # Nursery 2: too young to count for the grant
    child(9, dove, in_care=False, episode=False)  # left care: Dove is not listed
    allocate(primary, 2025, "autumn", 30000, "one_to_one")
    allocate(primary, 2024, "summer", 20000, "reading")
    allocate(secondary, 2025, "spring", 45050, "one_to_one")
    allocate(moving, 2024, "summer", 10000, "feedback")
    allocate(moving, 2025, "autumn", 15000, "feedback")
    allocate(withheld, 2025, "spring", 0, withheld=True)
    allocate(primary, 2024, "autumn", 100000)  # 2024-25's: not counted
    spend(secondary, date(2025, 10, 1), 9999, "mentoring")
    spend(early, date(2026, 2, 1), 5000, "phonics")
    spend(early, date(2025, 3, 1), 7000, "phonics")  # 2024-25's
    Adjustment.objects.create(school=alder, financial_year=2025, amount_pence=2500, reason="Up")
    Adjustment.objects.create(school=birch, financial_year=2025, amount_pence=-1000, reason="Down")
    training = BudgetLine.objects.create(
        financial_year=2025, category="training", name="DT training", budget_pence=100000
    )
    staff = BudgetLine.objects.create(
        financial_year=2025, category="staff", name="Officers", budget_pence=500000
    )
    Spend.objects.create(line=staff, date=date(2025, 6, 1), amount_pence=30000, description="Pay")
    Spend.objects.create(line=training, date=date(2025, 7, 1), amount_pence=0, description="-")
    Grant.objects.create(financial_year=2025, rate_pence=257000)
    for status, pence in (("confirmed", 50000), ("draft", 999900), ("cancelled", 777700)):
        run = PaymentRun.objects.create(
            reference=f"PP-{status}",
            financial_year=2025,
            academic_year=2025,
            term="autumn",
            status=status,
        )
        PaymentLine.objects.create(
            run=run, school=alder, financial_year=2025, amount_pence=pence, description="x"
        )
    return {"schools": (alder, birch, cedar, dove, elm), "early": early}


def test_the_split_adds_up_to_allocated_to_the_penny(ledger):
    board = figures.dashboard(2025, None)
    t = board.totals
    assert t.pep_allocations_pence == 30000 + 20000 + 45050 + 10000 + 15000
    assert t.allocated_pence == 120050 + 1500 + 14999 + 100000 + 500000 == 736549
    assert [(r.label, r.amount_pence) for r in board.split] == [
        ("PEP allocations to schools (with adjustments)", 121550),
        ("Direct support to children", 14999),
        ("Training", 100000),
        ("Other centrally retained budget lines", 500000),
    ]
    assert board.split_total_pence == t.allocated_pence
    assert [r.percent for r in board.split] == [
        Decimal("16.5"),
        Decimal("2.0"),
        Decimal("13.6"),
        Decimal("67.9"),
    ]
    assert t.paid_pence == 50000 + 14999 + 30000  # confirmed run, direct support, spend
    assert t.committed_pence == 121550 - 50000
    assert t.eligible == 4  # every child in care aged 4 to 15; not the nursery child
    assert t.expected_pence == 4 * 257000


def test_spend_per_child_by_phase_uses_the_year_group_in_the_year_of_the_spending(ledger):
    rows = {r.value: r for r in figures.by_phase(2025)}
    assert list(rows) == ["early_years", "primary", "secondary", "post_16"]
    assert (rows["early_years"].children, rows["early_years"].total_pence) == (1, 5000)
    # The child moving up counts in primary (summer 2025) and secondary (autumn 2025).
    assert (rows["primary"].children, rows["primary"].total_pence) == (2, 30000 + 20000 + 10000)
    assert rows["primary"].average_pence == 30000
    assert (rows["secondary"].children, rows["secondary"].total_pence) == (2, 45050 + 9999 + 15000)
    assert rows["secondary"].average_pence == 35025  # £350.245, half up
    assert (
        rows["post_16"].children,
        rows["post_16"].total_pence,
        rows["post_16"].average_pence,
    ) == (
        0,
        0,
        None,
    )
    board = figures.dashboard(2025, None)
    t = board.totals
    assert board.phases_total_pence == t.pep_allocations_pence + t.direct_support_pence


def test_a_child_taught_out_of_their_year_group_counts_in_the_phase_they_are_taught_in(ledger):
    older = ChildFactory(date_of_birth=born_in(7), year_group_offset=-1)  # taught in Year 6
    allocate(older, 2025, "autumn", 1234)
    rows = {r.value: r for r in figures.by_phase(2025)}
    assert (rows["primary"].children, rows["primary"].total_pence) == (3, 60000 + 1234)


def test_a_funded_child_past_year_13_is_under_other_ages(ledger):
    leaver = ChildFactory(date_of_birth=born_in(15))
    spend(leaver, date(2025, 11, 1), 4000, "mentoring")
    rows = {r.value: r for r in figures.by_phase(2025)}
    assert (rows["other"].label, rows["other"].children, rows["other"].total_pence) == (
        "Other ages",
        1,
        4000,
    )


def test_by_strand_counts_allocations_and_direct_spends(ledger):
    rows = [(r.label, r.count, r.total_pence) for r in figures.by_strand(2025)]
    assert rows == [
        ("One to one tuition", 2, 75050),
        ("Feedback", 2, 25000),
        ("Reading comprehension strategies", 1, 20000),
        ("Mentoring", 1, 9999),
        ("Phonics", 1, 5000),
    ]


def test_schools_that_have_not_claimed_this_term(ledger):
    alder, birch, cedar, dove, elm = ledger["schools"]
    unclaimed = figures.unclaimed_schools(2025, "spring")
    # Birch claimed (approved), Cedar too (withheld is a claim); Dove has no child in care.
    assert [(s.name, s.children) for s in unclaimed.schools] == [
        ("Alder Primary", 2),
        ("Elm Nursery", 1),
    ]
    assert unclaimed.total == 2
    assert unclaimed.label == "Spring term 2025/26"


def test_the_page_shows_the_ledger_tables_and_unclaimed_schools(login, personas, ledger):
    page = login(personas[Role.HEAD]).get("/funding/?year=2025-26")
    assert page.status_code == 200
    body = page.content.decode()
    assert "£10,280.00" in body and "£2,570.00 × 4 eligible children" in body  # expected
    for text in ("£7,365.49", "£715.50", "£949.99", "16.5%", "67.9%", "£350.25"):
        assert text in body, text
    assert "Schools that have not claimed this term" in body
    alder = ledger["schools"][0]
    assert f'href="/schools/{alder.pk}/"' in body
    assert "Birch Academy" not in body
    assert "born 1 September 2009 to 31 August 2021" in body
    assert "1 April 2025 to 31 March 2026" in body


def test_governors_see_no_school_rows_and_no_small_counts(login, personas, ledger, settings):
    settings.VSCHOOL_SUPPRESS_BELOW = 5
    page = login(personas[Role.GOVERNOR]).get("/funding/?year=2025-26")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Schools that have not claimed" not in body
    for school in ledger["schools"]:
        assert school.name not in body
    assert "x: fewer than 5 children" in body
    assert "£350.25" not in body and "£300.00" not in body  # averages that reveal a count
    assert "£7,365.49" in body  # the money is shown
    board = figures.for_governors(figures.dashboard(2025, (2025, "spring")), 5)
    assert board.unclaimed is None and board.eligible is None
    phases = {r.value: (r.children, r.average_pence) for r in board.phases}
    assert phases == {
        "early_years": (None, None),
        "primary": (None, None),
        "secondary": (None, None),
        "post_16": (0, None),
    }
    assert {r.count for r in board.strands} == {None}


def test_a_governor_sees_counts_at_the_threshold(ledger):
    board = figures.for_governors(figures.dashboard(2025, None), 2)
    phases = {r.value: (r.children, r.average_pence) for r in board.phases}
    assert phases["primary"] == (2, 30000)
    assert phases["early_years"] == (None, None)


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_holds_the_pages_figures(login, personas, ledger):
    client = login(personas[Role.HEAD])
    response = client.get("/funding/dashboard.csv?year=2025-26")
    assert response["Content-Disposition"] == 'attachment; filename="pp-plus-2025-26.csv"'
    rows = _csv(response)
    board = figures.dashboard(2025, None)
    by_item = {(r[0], r[1]): r[2:] for r in rows[1:] if len(r) > 2}
    assert by_item[("Headline", "Grant (expected)")][0] == "10280.00"
    assert by_item[("Headline", "Allocated")][0] == "7365.49"
    assert by_item[("Headline", "Eligible children")][0] == "4"
    split = [r for r in rows if r[0].startswith("Split")]
    assert [(r[1], r[2], r[3]) for r in split] == [
        (row.label, f"{Decimal(row.amount_pence) / 100:.2f}", str(row.percent))
        for row in board.split
    ]
    phases = [r for r in rows if r[0].startswith("By phase")]
    assert [r[1:] for r in phases][2] == ["Secondary", "2", "700.49", "350.25"]
    strands = [r for r in rows if r[0].startswith("By EEF")]
    assert [(r[1], r[2], r[3]) for r in strands][0] == ("One to one tuition", "2", "750.50")


def test_a_governors_csv_hides_what_their_page_hides(login, personas, ledger, settings):
    settings.VSCHOOL_SUPPRESS_BELOW = 5
    rows = _csv(login(personas[Role.GOVERNOR]).get("/funding/dashboard.csv?year=2025-26"))
    phases = {r[1]: r[2:] for r in rows if r and r[0].startswith("By phase")}
    assert phases["Primary"] == ["x", "600.00", "x"]
    assert phases["Post-16"] == ["0", "0.00", ""]
    assert rows[-1][0].startswith("x: fewer than 5 children")
    assert not any("Alder" in cell for row in rows for cell in row)


def test_a_year_with_nothing_recorded_says_so(login, personas, ledger):
    body = login(personas[Role.HEAD]).get("/funding/?year=2027-28").content.decode()
    assert "No PP+ recorded for 2027-28" in body
    assert 'id="split"' not in body


def test_a_year_that_is_not_a_year_shows_this_one_with_an_error(login, personas, ledger):
    client = login(personas[Role.HEAD])
    page = client.get("/funding/?year=nonsense")
    assert page.status_code == 200
    assert "Enter a year like 2025-26: showing 2025-26" in page.content.decode()
    assert client.get("/funding/dashboard.csv?year=nonsense").status_code == 302


def test_the_default_year_is_this_financial_year(login, personas, ledger):
    body = login(personas[Role.DEPUTY]).get("/funding/").content.decode()
    assert "Financial year 2025-26" in body and "£7,365.49" in body


@pytest.mark.parametrize("role", [Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER])
def test_schools_and_social_workers_get_404(login, personas, role, ledger):
    client = login(personas[role])
    for url in ("/funding/", "/funding/dashboard.csv", "/funding/impact/"):
        assert client.get(url).status_code == 404


def _grow(n: int) -> None:
    """n more funded children in every phase, with schools, spends and a withheld claim."""
    for i in range(n):
        school = SchoolFactory()
        kid = ChildFactory(date_of_birth=born_in([-1, 2, 9, 12][i % 4]), current_school=school)
        kid.in_care = True
        kid.save()
        allocate(kid, 2025, "autumn", 1000 + i, ["one_to_one", "reading", "feedback"][i % 3])
        allocate(kid, 2024, "summer", 500 + i)
        spend(kid, date(2025, 12, 1), 300 + i, "mentoring")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", [Role.HEAD, Role.GOVERNOR])
def test_the_page_and_csv_take_the_same_queries_at_any_size(login, personas, ledger, role):
    client = login(personas[role])
    _grow(2)
    small = [_queries(client, url) for url in ("/funding/", "/funding/dashboard.csv")]
    _grow(40)
    assert [_queries(client, url) for url in ("/funding/", "/funding/dashboard.csv")] == small


def test_navigation_and_the_reports_index_lead_to_the_dashboard(login, personas, ledger):
    for role, in_navigation in (
        (Role.HEAD, True),
        (Role.DATA_OFFICER, True),
        (Role.OFFICER, False),
    ):
        body = login(personas[role]).get("/funding/").content.decode()
        assert ('href="/funding/"' in body.split("</header>")[0]) is in_navigation, role
    index = login(personas[Role.GOVERNOR]).get("/reports/").content.decode()
    assert 'href="/funding/">Pupil Premium Plus' in index
