"""PP+ through PEPs: the decision on approval, the caps and the grant, release on
regrading, direct spending, and the pages (docs/funding.md, "Allocations through PEPs")."""

from datetime import date
from decimal import Decimal

import pytest

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.funding import allocations
from vschool.funding.errors import FundingError
from vschool.funding.models import Allocation, DirectSpend, Grant, PaymentRun, Policy
from vschool.peps import services
from vschool.peps.models import Pep, PepReview, PepSection, PepStatusChange
from vschool.peps.quality import qa_criteria

MET = {f"criterion_{key}": "met" for key, _ in qa_criteria()}
TARGETS = [
    {"area": "Reading", "target": "Read a chapter book aloud", "cost": "450"},
    {"area": "Maths", "target": "Know the times tables to 12"},
]


@pytest.fixture
def grant(db):
    return Grant.objects.create(financial_year=2025, received_pence=1_000_000)


@pytest.fixture
def make_pep(roll):
    """A submitted PEP asking for PP+ (£450 for target 1, unless told otherwise)."""

    def _make(amount="450.00", term="autumn", child=None, requested="yes", year=2025):
        pep = Pep.objects.create(
            child=child or roll["at_a"],
            pep_type="primary",
            academic_year=year,
            term=term,
            due_date=date(year, 12, 12),
            status=Pep.Status.SUBMITTED,
        )
        PepSection.objects.create(pep=pep, key="targets", data=TARGETS, completed=True)
        PepSection.objects.create(
            pep=pep,
            key="ppplus",
            completed=True,
            data={
                "requested": requested,
                "targets": ["1"],
                "buys": "Ten hours of one to one reading tuition",
                "provider": "Alder tutors",
                "amount": amount,
                "eef_category": "one_to_one",
                "start_date": "2025-10-01",
            },
        )
        return pep

    return _make


def _approve(pep, user, grade="Green", **ppplus):
    decision = {"decision": "approve", "amount": None, "reason": "", "override_reason": ""}
    return services.pep_transition(
        pep=pep,
        user=user,
        action="approve",
        version=pep.version,
        grade=grade,
        ppplus={**decision, **ppplus},
    )


def _regrade(pep, user, grade, note="Moderated: the targets are SMART after all"):
    return services.pep_transition(
        pep=pep, user=user, action="regrade", version=pep.version, grade=grade, note=note
    )


def _summaries(allocation) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="funding.Allocation", object_id=str(allocation.pk))
        .order_by("id")
        .values_list("summary", flat=True)
    )


# --- The decision on approval -------------------------------------------------------------


@pytest.mark.parametrize("grade", ["Gold", "Green"])
def test_approving_at_or_above_the_threshold_gives_the_amount_requested(
    personas, roll, grant, make_pep, grade
):
    pep = _approve(make_pep(), personas[Role.OFFICER], grade=grade)
    allocation = pep.allocation
    assert (allocation.status, allocation.amount_pence, allocation.requested_pence) == (
        Allocation.Status.APPROVED,
        45000,
        45000,
    )
    assert allocation.school == roll["school_a"] and allocation.child == roll["at_a"]
    assert (allocation.financial_year, allocation.academic_year, allocation.term) == (
        2025,
        2025,
        "autumn",
    )
    assert allocation.eef_strand == "one_to_one"
    assert allocation.provider == "Alder tutors"
    assert allocation.targets == [
        {"n": 1, "area": "Reading", "target": "Read a chapter book aloud"}
    ]
    assert allocation.decided_by == personas[Role.OFFICER]
    assert _summaries(allocation) == ["PP+ approved £450.00 for Autumn term 2025/26"]


def test_summer_terms_pp_plus_comes_from_the_next_financial_years_grant(personas, make_pep, grant):
    Grant.objects.create(financial_year=2026, received_pence=100_000)
    pep = _approve(make_pep(term="summer"), personas[Role.OFFICER])
    assert pep.allocation.financial_year == 2026


def test_a_smaller_amount_needs_a_reason_and_less_than_was_requested(personas, make_pep, grant):
    officer = personas[Role.OFFICER]
    pep = make_pep()
    for extra, message in (
        ({"amount": Decimal("300")}, "Enter the reason for approving a smaller amount"),
        ({"amount": Decimal("450"), "reason": "Too dear"}, "must be less than the £450.00"),
        ({"reason": "Too dear"}, "Enter the amount to approve"),
    ):
        with pytest.raises(services.PepError, match=message):
            _approve(pep, officer, decision="reduce", **extra)
        pep.refresh_from_db()
        assert pep.status == Pep.Status.SUBMITTED
    pep = _approve(
        pep, officer, decision="reduce", amount=Decimal("300.50"), reason="Six hours will do"
    )
    allocation = pep.allocation
    assert (allocation.status, allocation.amount_pence, allocation.reason) == (
        Allocation.Status.APPROVED,
        30050,
        "Six hours will do",
    )
    assert _summaries(allocation) == [
        "PP+ approved £300.50 of £450.00 for Autumn term 2025/26: Six hours will do"
    ]


def test_withholding_needs_a_reason_unless_the_grade_is_below_the_threshold(
    personas, roll, make_pep, grant
):
    officer = personas[Role.OFFICER]
    pep = make_pep()
    with pytest.raises(services.PepError, match="Enter the reason for withholding"):
        _approve(pep, officer, decision="withhold")
    pep = _approve(pep, officer, decision="withhold", reason="Tuition is already funded")
    assert (pep.allocation.status, pep.allocation.amount_pence) == ("withheld", 0)
    assert pep.allocation.withheld_for_grade is False
    assert _summaries(pep.allocation) == ["PP+ withheld: Tuition is already funded"]

    below = _approve(make_pep(child=roll["at_b"]), officer, grade="Amber", decision="withhold")
    allocation = below.allocation
    assert allocation.reason == "PEP graded Amber, below the threshold Green"
    assert allocation.withheld_for_grade is True
    assert allocation.school == roll["school_b"]


def test_approving_below_the_threshold_without_an_override_writes_nothing(
    personas, make_pep, grant
):
    pep = make_pep()
    entries, changes = AuditEntry.objects.count(), PepStatusChange.objects.count()
    with pytest.raises(services.PepError) as refused:
        _approve(pep, personas[Role.OFFICER], grade="Amber")
    assert str(refused.value) == (
        "The PEP is graded Amber, below the threshold grade Green: withhold the PP+, or ask "
        "the Virtual School head to approve it with a reason"
    )
    assert pep.status == Pep.Status.SUBMITTED and pep.grade == ""  # read again as it was
    pep.refresh_from_db()
    assert (pep.status, pep.grade, pep.version) == (Pep.Status.SUBMITTED, "", 1)
    assert not Allocation.objects.exists()
    assert not PepReview.objects.exists()
    assert PepStatusChange.objects.count() == changes
    assert AuditEntry.objects.count() == entries


def test_the_head_may_approve_below_the_threshold_with_a_reason(personas, make_pep, grant):
    head = personas[Role.HEAD]
    with pytest.raises(services.PepError, match="below the threshold grade Green"):
        _approve(make_pep(), head, grade="Red")
    pep = Pep.objects.get()
    pep = _approve(pep, head, grade="Red", override_reason="Tuition keeps him in school")
    allocation = pep.allocation
    assert (allocation.status, allocation.amount_pence) == ("approved", 45000)
    assert allocation.override_reason == "Tuition keeps him in school"
    assert _summaries(allocation) == [
        "PP+ approved £450.00 for Autumn term 2025/26",
        "PP+ approved below the threshold by override: Tuition keeps him in school",
    ]


def test_an_officer_cannot_override_the_threshold(personas, make_pep, grant):
    pep = make_pep()
    with pytest.raises(services.PepError, match="Only the Virtual School head or deputy"):
        _approve(pep, personas[Role.OFFICER], grade="Amber", override_reason="Please")
    assert not Allocation.objects.exists()
    pep.refresh_from_db()
    assert pep.status == Pep.Status.SUBMITTED


def test_an_override_is_not_kept_when_the_grade_meets_the_threshold(personas, make_pep, grant):
    pep = _approve(make_pep(), personas[Role.HEAD], override_reason="Not needed")
    assert pep.allocation.override_reason == ""


def test_no_more_than_remains_of_the_grant(personas, make_pep):
    Grant.objects.create(financial_year=2025, received_pence=40000)
    pep = make_pep()
    with pytest.raises(services.PepError) as refused:
        _approve(pep, personas[Role.OFFICER])
    assert (
        str(refused.value) == "£450.00 is more than the £400.00 that remains of the 2025-26 grant"
    )
    assert not Allocation.objects.exists()
    pep = _approve(pep, personas[Role.OFFICER], decision="reduce", amount=400, reason="All left")
    assert allocation_total() == 40000


def allocation_total() -> int:
    from vschool.funding.ledger import year_totals

    return year_totals(2025).pep_allocations_pence


def test_a_year_with_no_grant_has_nothing_to_allocate(personas, make_pep):
    with pytest.raises(services.PepError, match="more than the £0.00 that remains"):
        _approve(make_pep(), personas[Role.OFFICER])


def test_the_termly_amount_caps_each_pep(personas, make_pep, grant):
    Policy.objects.create(financial_year=2025, threshold_grade="Green", per_term_pence=40000)
    pep = make_pep()
    with pytest.raises(services.PepError, match="the most the 2025-26 policy allows .*£400.00"):
        _approve(pep, personas[Role.OFFICER])
    pep = _approve(pep, personas[Role.OFFICER], decision="reduce", amount=400, reason="The cap")
    assert pep.allocation.amount_pence == 40000


def test_the_yearly_cap_counts_the_childs_earlier_peps_in_the_year(personas, roll, make_pep, grant):
    Policy.objects.create(financial_year=2025, threshold_grade="Green", yearly_cap_pence=60000)
    officer = personas[Role.OFFICER]
    _approve(make_pep(term="autumn"), officer)
    _approve(make_pep(child=roll["at_b"]), officer)  # another child's does not count
    spring = make_pep(term="spring")
    with pytest.raises(services.PepError, match="allows for this PEP, £150.00"):
        _approve(spring, officer)
    spring = _approve(spring, officer, decision="reduce", amount=150, reason="Yearly cap")
    assert spring.allocation.amount_pence == 15000
    assert allocations.given_this_year(roll["at_a"].pk, 2025) == 60000


def test_a_stricter_policy_moves_the_threshold(personas, make_pep, grant):
    Policy.objects.create(financial_year=2025, threshold_grade="Gold")
    with pytest.raises(services.PepError, match="graded Green, below the threshold grade Gold"):
        _approve(make_pep(), personas[Role.OFFICER], grade="Green")
    assert allocations.policy_for(2025).threshold_grade == "Gold"
    default = allocations.policy_for(2030)
    assert (default.pk, default.threshold_grade, default.per_term_pence) == (None, "Green", None)


def test_a_pep_asking_for_no_pp_plus_gets_no_allocation(personas, make_pep, grant):
    pep = _approve(make_pep(requested="no"), personas[Role.OFFICER], decision="")
    assert pep.status == Pep.Status.APPROVED
    assert not Allocation.objects.exists()


def test_a_request_must_be_decided_to_approve_the_pep(personas, make_pep, grant):
    pep = make_pep()
    with pytest.raises(services.PepError, match="Decide the PP\\+ request"):
        services.pep_transition(
            pep=pep, user=personas[Role.OFFICER], action="approve", version=1, grade="Green"
        )
    pep.refresh_from_db()
    assert pep.status == Pep.Status.SUBMITTED


def test_record_allocation_refuses_a_second_decision(personas, make_pep, grant):
    pep = _approve(make_pep(), personas[Role.OFFICER])
    with pytest.raises(FundingError, match="already been decided"):
        allocations.record_allocation(
            pep, user=personas[Role.OFFICER], decision="approve", grade="Green"
        )


# --- Regrading ----------------------------------------------------------------------------


def test_regrading_releases_pp_plus_withheld_for_the_grade(personas, make_pep, grant):
    officer = personas[Role.OFFICER]
    pep = _approve(make_pep(), officer, grade="Amber", decision="withhold")
    pep = _regrade(pep, officer, "Green")
    assert (pep.status, pep.grade) == (Pep.Status.APPROVED, "Green")
    allocation = Allocation.objects.get(pep=pep)
    assert (allocation.status, allocation.amount_pence, allocation.withheld_for_grade) == (
        "approved",
        45000,
        False,
    )
    assert _summaries(allocation)[-1] == "PP+ released on regrading (Green): £450.00"
    review = pep.reviews.last()
    assert (review.decision, review.grade) == ("regrade", "Green")
    change = pep.status_changes.last()
    assert change.note == "Moderated: the targets are SMART after all"
    assert AuditEntry.objects.filter(
        object_type="peps.Pep", summary__startswith="PEP regraded from Amber to Green: Moderated"
    ).exists()


def test_regrading_still_below_the_threshold_releases_nothing(personas, make_pep, grant):
    officer = personas[Role.OFFICER]
    pep = _regrade(
        _approve(make_pep(), officer, grade="Red", decision="withhold"), officer, "Amber"
    )
    assert Allocation.objects.get(pep=pep).status == "withheld"


def test_regrading_never_releases_a_decision_to_withhold(personas, make_pep, grant):
    officer = personas[Role.OFFICER]
    pep = _approve(make_pep(), officer, decision="withhold", reason="Funded by the school")
    _regrade(pep, officer, "Gold")
    allocation = Allocation.objects.get(pep=pep)
    assert (allocation.status, allocation.reason) == ("withheld", "Funded by the school")


def test_regrading_never_changes_a_paid_allocation(personas, make_pep, grant):
    officer = personas[Role.OFFICER]
    pep = _approve(make_pep(), officer, grade="Amber", decision="withhold")
    run = PaymentRun.objects.create(
        reference="PP-2025-autumn-1",
        financial_year=2025,
        academic_year=2025,
        term="autumn",
        status=PaymentRun.Status.CONFIRMED,
    )
    Allocation.objects.filter(pep=pep).update(paid_run=run)
    _regrade(pep, officer, "Gold")
    allocation = Allocation.objects.get(pep=pep)
    assert (allocation.status, allocation.amount_pence) == ("withheld", 0)


def test_a_release_beyond_the_grant_refuses_the_regrade(personas, make_pep):
    grant = Grant.objects.create(financial_year=2025, received_pence=100_000)
    officer = personas[Role.OFFICER]
    pep = _approve(make_pep(), officer, grade="Amber", decision="withhold")
    Grant.objects.filter(pk=grant.pk).update(received_pence=10000)
    with pytest.raises(services.PepError, match="more than the £100.00 that remains"):
        _regrade(pep, officer, "Green")
    pep.refresh_from_db()
    assert pep.grade == "Amber"
    assert Allocation.objects.get(pep=pep).status == "withheld"
    assert not pep.reviews.filter(decision="regrade").exists()


def test_regrading_needs_a_new_grade_and_a_reason(personas, make_pep, grant):
    officer = personas[Role.OFFICER]
    pep = _approve(make_pep(requested="no"), officer)
    with pytest.raises(services.PepError, match="already graded Green"):
        _regrade(pep, officer, "Green")
    with pytest.raises(services.PepError, match="Enter the reason for regrading"):
        _regrade(pep, officer, "Gold", note=" ")
    with pytest.raises(services.PepError, match="You cannot do that"):
        _regrade(pep, personas[Role.DESIGNATED_TEACHER], "Gold")


# --- Direct spending ----------------------------------------------------------------------


def test_direct_spending_comes_from_the_grant_of_its_date(personas, roll, grant):
    spend = allocations.add_direct_spend(
        child=roll["at_a"],
        date=date(2026, 3, 31),
        amount_pence=59999,
        description="A laptop",
        eef_strand="digital",
        supplier="Laptops Ltd",
        user=personas[Role.DATA_OFFICER],
    )
    assert spend.financial_year == 2025
    assert allocations.ledger.year_totals(2025).direct_support_pence == 59999
    with pytest.raises(FundingError, match="remains of the 2026-27 grant"):
        allocations.add_direct_spend(
            child=roll["at_a"],
            date=date(2026, 4, 1),
            amount_pence=100,
            description="Books",
            eef_strand="reading",
            user=personas[Role.DATA_OFFICER],
        )
    assert AuditEntry.objects.filter(
        object_type="funding.DirectSpend", summary="Direct PP+ spending £599.99 (2025-26): A laptop"
    ).exists()


@pytest.mark.parametrize(
    "amount, message",
    [
        ("-5", "Amount must be more than £0"),
        ("0", "Amount must be more than £0"),
        ("lots", "Amount must be a number in pounds, like 450 or 450.50"),
        ("12.345", "Amount must be in pounds and pence"),
        ("", "Enter the amount"),
    ],
)
def test_a_direct_spend_amount_that_is_no_amount_is_said(
    login, personas, roll, grant, amount, message
):
    client = login(personas[Role.DATA_OFFICER])
    url = f"/funding/children/{roll['at_a'].pk}/direct/"
    data = {"date_0": "1", "date_1": "10", "date_2": "2025", "amount": amount}
    response = client.post(url, {**data, "description": "Laptop", "eef_strand": "digital"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not DirectSpend.objects.exists()


def test_direct_spending_through_its_page(login, personas, roll, grant):
    client = login(personas[Role.DATA_OFFICER])
    child = roll["at_a"]
    url = f"/funding/children/{child.pk}/direct/"
    data = {"date_0": "1", "date_1": "10", "date_2": "2025", "description": "Laptop"}
    data |= {"eef_strand": "digital", "supplier": "Laptops Ltd"}
    too_much = client.post(url, {**data, "amount": "10000.01"})
    assert "£10,000.01 is more than the £10,000.00 that remains" in too_much.content.decode()
    assert not DirectSpend.objects.exists()
    response = client.post(url, {**data, "amount": "599.99"})
    assert response.status_code == 302 and response["Location"] == f"/funding/children/{child.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Laptops Ltd" in page and "£599.99" in page and "Digital technology" in page


# --- The pages ----------------------------------------------------------------------------

STAFF = {Role.HEAD, Role.DEPUTY, Role.COORDINATOR, Role.OFFICER, Role.DATA_OFFICER}
MANAGERS = {Role.HEAD, Role.DEPUTY, Role.DATA_OFFICER}


@pytest.mark.parametrize("role", list(Role))
def test_who_may_open_the_pp_plus_pages(login, personas, roll, role):
    client = login(personas[role])
    child = roll["at_a"].pk
    for url, allowed in (
        ("/funding/allocations/?year=2025-26&status=withheld", STAFF),
        (f"/funding/children/{child}/", STAFF),
        (f"/funding/children/{child}/direct/", MANAGERS),
    ):
        assert client.get(url).status_code == (200 if role in allowed else 404), url


def test_the_allocations_page_lists_the_years_decisions(login, personas, roll, make_pep, grant):
    officer = personas[Role.OFFICER]
    _approve(make_pep(), officer)
    _approve(make_pep(child=roll["at_b"]), officer, grade="Amber", decision="withhold")
    client = login(officer)
    page = client.get("/funding/allocations/?year=2025-26").content.decode()
    assert "Ahmed, Amira" in page and "Brown, Ben" in page
    withheld = client.get("/funding/allocations/?year=2025-26&status=withheld").content.decode()
    assert "Brown, Ben" in withheld and "Ahmed, Amira" not in withheld
    assert "PEP graded Amber, below the threshold Green" in withheld
    assert "Brown" not in client.get("/funding/allocations/?year=2024-25").content.decode()
    assert client.get("/funding/allocations/?year=2025-27").status_code == 404
    child_page = client.get(f"/funding/children/{roll['at_a'].pk}/").content.decode()
    assert "Ten hours of one to one reading tuition" in child_page and "£450.00" in child_page
    assert "Add direct spending" not in child_page  # an officer does not manage funding
    overview = client.get(f"/children/{roll['at_a'].pk}/").content.decode()
    assert f"/funding/children/{roll['at_a'].pk}/" in overview


def test_the_qa_page_decides_the_pp_plus_request(login, personas, make_pep, grant):
    pep = make_pep()
    url = f"/children/{pep.child_id}/peps/{pep.pk}/qa/"
    client = login(personas[Role.OFFICER])
    page = client.get(url).content.decode()
    assert "PP+ request" in page and "Ten hours of one to one reading tuition" in page
    assert "Target 1: Reading" in page and "One to one tuition" in page
    assert "Approve a smaller amount" in page and "Withhold it" in page
    assert "releases PP+ for a PEP graded Green or better" in page
    assert "Reason for approving below the threshold grade" not in page  # not an officer's
    approve = {"decision": "approve", "grade": "Green", "version": "1", **MET}
    missing = client.post(url, approve).content.decode()
    assert "Select whether to approve, reduce or withhold the PP+" in missing
    reduce = {**approve, "ppplus_decision": "reduce", "ppplus_amount": "500"}
    wrong = client.post(url, reduce).content.decode()
    assert "Amount to approve must be less than the £450.00 requested" in wrong
    assert "Enter the reason for approving a smaller amount" in wrong
    below = client.post(url, {**approve, "grade": "Amber", "ppplus_decision": "approve"})
    assert below.status_code == 200
    assert "below the threshold grade Green" in below.content.decode()
    assert not Allocation.objects.exists()
    done = client.post(
        url, {**reduce, "ppplus_amount": "300", "ppplus_reason": "Six hours will do"}
    )
    assert done.status_code == 302
    allocation = Allocation.objects.get(pep=pep)
    assert (allocation.amount_pence, allocation.reason) == (30000, "Six hours will do")
    pep.refresh_from_db()
    assert pep.status == Pep.Status.APPROVED


def test_the_head_overrides_on_the_qa_page(login, personas, make_pep, grant):
    pep = make_pep()
    url = f"/children/{pep.child_id}/peps/{pep.pk}/qa/"
    client = login(personas[Role.HEAD])
    assert "Reason for approving below the threshold grade" in client.get(url).content.decode()
    data = {"decision": "approve", "grade": "Amber", "version": "1", **MET}
    data |= {"ppplus_decision": "approve", "ppplus_override": "Tuition keeps her in school"}
    assert client.post(url, data).status_code == 302
    assert Allocation.objects.get(pep=pep).override_reason == "Tuition keeps her in school"


def test_the_regrade_page_releases_withheld_pp_plus(login, personas, make_pep, grant):
    officer = personas[Role.OFFICER]
    pep = _approve(make_pep(), officer, grade="Amber", decision="withhold")
    client = login(officer)
    detail = client.get(f"/children/{pep.child_id}/peps/{pep.pk}/").content.decode()
    url = f"/children/{pep.child_id}/peps/{pep.pk}/regrade/"
    assert url in detail
    empty = client.post(url, {"version": str(pep.version)}).content.decode()
    assert "Select the new grade" in empty and "Enter the reason for regrading" in empty
    stale = client.post(url, {"version": "1", "grade": "Green", "note": "Moderated"})
    assert "Someone else changed this PEP" in stale.content.decode()
    response = client.post(
        url, {"version": str(pep.version), "grade": "Green", "note": "Moderated"}
    )
    assert response.status_code == 302
    assert Allocation.objects.get(pep=pep).status == "approved"
    dt = login(personas[Role.DESIGNATED_TEACHER])
    assert dt.get(url).status_code == 404
    assert url not in dt.get(f"/children/{pep.child_id}/peps/{pep.pk}/").content.decode()
