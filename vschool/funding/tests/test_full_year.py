"""A whole financial year of PP+ through the services, as the Virtual School runs it.

2025-26 pays summer 2025, autumn 2025 and spring 2026. PEPs are approved and withheld
through the PEP workflow (the QA decision), one withholding is released by regrading, each
term has its run (the first cancelled once before it is confirmed), and a correction made
after the first run is an adjusting line in the second. At the end the ledger's figures
equal the remittances plus the budget lines and direct support, to the penny, each worked
out here a second way; and the eligible count equals a count made from the episodes in
plain Python.
"""

from datetime import date

import pytest

from vschool.accounts.models import Role
from vschool.cohort.models import Child
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory
from vschool.funding import budget, grants, ledger, policy, runs, runs_selectors
from vschool.funding.allocations import add_direct_spend
from vschool.funding.errors import FundingError
from vschool.funding.models import Allocation, PaymentRun
from vschool.funding.rules import pence
from vschool.peps import services
from vschool.peps.models import Pep, PepSection
from vschool.peps.services import PepError

YEAR = 2025  # 2025-26
TARGETS = [{"area": "Reading", "target": "Read a chapter book aloud", "cost": ""}]


def _pep(child, academic_year, term, amount):
    pep = Pep.objects.create(
        child=child,
        pep_type="primary",
        academic_year=academic_year,
        term=term,
        due_date=date(academic_year + (term != "autumn"), 3, 1),
        status=Pep.Status.SUBMITTED,
    )
    PepSection.objects.create(pep=pep, key="targets", data=TARGETS, completed=True)
    PepSection.objects.create(
        pep=pep,
        key="ppplus",
        completed=True,
        data={
            "requested": "yes",
            "targets": ["1"],
            "buys": "Reading tuition",
            "provider": "Tutors Ltd",
            "amount": amount,
            "eef_category": "one_to_one",
            "start_date": f"{academic_year}-10-01",
        },
    )
    return pep


def _qa(pep, user, grade, decision="approve", **more):
    ppplus = {"decision": decision, "amount": None, "reason": "", "override_reason": "", **more}
    return services.pep_transition(
        pep=pep, user=user, action="approve", version=pep.version, grade=grade, ppplus=ppplus
    )


def _eligible_by_hand(financial_year: int) -> set[int]:
    """Looked after on a day of 1 April to 31 March (not a short break) and aged 4 to 15
    on the 31 August inside the year: counted day by day, without the rules module."""
    first, last = date(financial_year, 4, 1), date(financial_year + 1, 3, 31)
    august = date(financial_year, 8, 31)
    found = set()
    for child in Child.objects.prefetch_related("episodes"):
        dob = child.date_of_birth
        age = (
            august.year - dob.year - (1 if (august.month, august.day) < (dob.month, dob.day) else 0)
        )
        if not 4 <= age <= 15:
            continue
        for ep in child.episodes.all():
            if ep.ls in ("V3", "V4"):
                continue
            last_day = ep.dec.toordinal() - 1 if ep.dec else last.toordinal()
            if max(ep.decom.toordinal(), first.toordinal()) <= min(last_day, last.toordinal()):
                found.add(child.pk)
    return found


@pytest.fixture
def cohort(roll):
    """The roll's two children, and others at the edges of the count."""
    edges = [
        (date(2009, 9, 1), date(2025, 3, 31), None, "C2"),  # 15 on 31 Aug 2025, in care
        (date(2009, 8, 31), date(2024, 1, 1), None, "C2"),  # 16 on 31 Aug 2025: out
        (date(2021, 8, 31), date(2025, 9, 1), None, "C2"),  # 4 on 31 Aug 2025: in
        (date(2021, 9, 1), date(2025, 9, 1), None, "C2"),  # 3: out
        (date(2016, 2, 29), date(2023, 1, 1), date(2025, 4, 2), "C2"),  # last day 1 Apr: in
        (date(2016, 2, 29), date(2023, 1, 1), date(2025, 4, 1), "C2"),  # last day 31 Mar: out
        (date(2016, 5, 5), date(2026, 3, 31), None, "C2"),  # in care from the last day: in
        (date(2016, 5, 5), date(2025, 6, 1), date(2025, 6, 3), "V3"),  # short break only: out
    ]
    for dob, decom, dec, ls in edges:
        CareEpisodeFactory(child=ChildFactory(date_of_birth=dob), decom=decom, dec=dec, ls=ls)
    return roll


@pytest.mark.django_db
def test_a_year_of_pp_plus_reconciles_to_the_penny(cohort, personas):
    head, officer, data = personas[Role.HEAD], personas[Role.OFFICER], personas[Role.DATA_OFFICER]
    at_a, at_b = cohort["at_a"], cohort["at_b"]
    school_a, school_b = cohort["school_a"], cohort["school_b"]

    # The grant: the rate from the DfE file, the count from the episodes.
    eligible = ledger.year_totals(YEAR).eligible
    assert eligible == len(_eligible_by_hand(YEAR)) == 6
    grant = grants.grant_for(YEAR)
    assert grant.rate_pence == pence(2630)
    grants.update_grant(
        grant,
        user=head,
        rate_pence=grant.rate_pence,
        received_pence=pence(2630) * eligible,
        eypp_rate_pence=grant.eypp_rate_pence,
        eypp_children=None,
        eypp_received_pence=None,
        notes="",
    )
    policy.update_policy(
        YEAR,
        user=head,
        per_term_pence=pence(600),
        yearly_cap_pence=pence(1500),
        threshold_grade="Green",
    )
    training = budget.add_line(
        financial_year=YEAR,
        category="training",
        name="Designated teacher training",
        budget_pence=pence("2000"),
        user=data,
    )
    staff = budget.add_line(
        financial_year=YEAR,
        category="staff",
        name="Education officer",
        budget_pence=pence("6000"),
        user=data,
    )
    budget.add_spend(
        line=training,
        date=date(2025, 6, 10),
        amount_pence=pence("1234.56"),
        description="Attachment-aware schools course",
        user=data,
    )
    budget.add_spend(
        line=staff,
        date=date(2026, 1, 31),
        amount_pence=pence("3000.01"),
        description="Salary, autumn",
        user=data,
    )
    add_direct_spend(
        child=at_a,
        date=date(2025, 11, 3),
        amount_pence=pence("499.99"),
        description="Laptop",
        eef_strand="digital",
        user=data,
    )

    with pytest.raises(FundingError, match="Nothing to pay"):
        runs.build_run(academic_year=2024, term="summer", user=data)
    assert not PaymentRun.objects.exists()

    # Summer 2025 (paid from 2025-26): one approved, one withheld for its grade.
    summer_a = _qa(_pep(at_a, 2024, "summer", "450"), officer, "Green")
    summer_b = _qa(_pep(at_b, 2024, "summer", "450"), officer, "Amber", decision="withhold")
    assert summer_b.allocation.status == Allocation.Status.WITHHELD
    # Approving below the threshold without an override changes nothing.
    refused = _pep(at_b, 2025, "autumn", "600")
    with pytest.raises(PepError, match="below the threshold"):
        _qa(refused, officer, "Amber")
    refused.refresh_from_db()
    assert refused.status == Pep.Status.SUBMITTED and not Allocation.objects.filter(pep=refused)

    first = runs.build_run(academic_year=2024, term="summer", user=data)
    runs.cancel_run(first, user=data, reason="Bank details to check")
    with pytest.raises(FundingError, match="cannot be cancelled"):
        runs.cancel_run(
            runs.confirm_run(
                runs.build_run(academic_year=2024, term="summer", user=data), user=data
            ),
            user=data,
            reason="late",
        )
    summer_run = PaymentRun.objects.get(status=PaymentRun.Status.CONFIRMED)
    # A correction after confirmation: £50 recovered, paid by the next run.
    runs.add_adjustment(
        school=school_a,
        amount_pence=-pence(50),
        reason="Two sessions not given",
        user=data,
        financial_year=YEAR,
        allocation=summer_a.allocation,
        child=at_a,
    )

    # Autumn 2025: the summer withholding released by regrading; a reduction; Gold.
    services.pep_transition(
        pep=summer_b,
        user=officer,
        action="regrade",
        version=summer_b.version,
        grade="Green",
        note="The targets are SMART on a second reading",
    )
    summer_b.allocation.refresh_from_db()
    assert summer_b.allocation.status == Allocation.Status.APPROVED
    assert summer_b.allocation.amount_pence == pence(450)
    _qa(
        _pep(at_a, 2025, "autumn", "450"),
        officer,
        "Green",
        decision="reduce",
        amount="300.50",
        reason="The school pays for part",
    )
    _qa(refused, officer, "Gold")
    autumn_run = runs.confirm_run(
        runs.build_run(academic_year=2025, term="autumn", user=data), user=data
    )
    # Spring 2026: within the child's yearly cap (£750.50 given so far of £1,500).
    _qa(_pep(at_a, 2025, "spring", "600"), officer, "Green")
    # Child b has had £1,050 of its £1,500 cap: the request is cut to what is left.
    spring_b = _pep(at_b, 2025, "spring", "599.99")
    with pytest.raises(PepError, match="the most the 2025-26 policy allows for this PEP, £450.00"):
        _qa(spring_b, officer, "Gold")
    _qa(spring_b, officer, "Gold", decision="reduce", amount="449.99", reason="The yearly cap")
    spring_run = runs.confirm_run(
        runs.build_run(academic_year=2025, term="spring", user=data), user=data
    )

    # What each school's remittances say, summed over the year's confirmed runs.
    remitted = 0
    for run in (summer_run, autumn_run, spring_run):
        for school in runs_selectors.run_summary(run).schools:
            doc = runs_selectors.remittance(run, school.school.pk)
            remitted += sum(line.amount_pence for line in doc.lines)
    by_hand = pence("450") + pence("450") + pence("300.50") + pence("600") + pence("600")
    by_hand += pence("449.99") - pence("50")
    assert remitted == by_hand == pence("2800.49")
    assert {school_a.pk, school_b.pk} == {
        s.school.pk for s in runs_selectors.run_summary(autumn_run).schools
    }

    totals = ledger.year_totals(YEAR)
    budget_lines = pence("2000") + pence("6000")
    budget_spent = pence("1234.56") + pence("3000.01")
    direct = pence("499.99")
    assert totals.paid_to_schools_pence == remitted
    assert totals.paid_pence == remitted + budget_spent + direct
    assert totals.allocated_pence == remitted + budget_lines + direct
    assert totals.training_pence == pence("2000") and totals.retained_pence == pence("6000")
    assert totals.committed_pence == 0  # everything allocated to schools is paid
    assert totals.grant_pence == pence(2630) * 6
    assert totals.remaining_pence == pence(2630) * 6 - (remitted + budget_lines + direct)
    assert PaymentRun.objects.filter(status=PaymentRun.Status.CANCELLED).count() == 1
    assert PaymentRun.objects.filter(status=PaymentRun.Status.CONFIRMED).count() == 3
    # Nothing is paid twice: every approved allocation is in exactly one confirmed run.
    approved = Allocation.objects.filter(status=Allocation.Status.APPROVED)
    assert approved.count() == 6 and not approved.filter(paid_run__isnull=True).exists()
