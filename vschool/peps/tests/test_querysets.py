"""The PEP status groups in the database agree with the pure rules (peps.rules), over
generated PEPs, terms, deadlines and grade scales."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from vschool.cohort.models import Child
from vschool.cohort.tests.factories import ChildFactory
from vschool.peps.models import Pep
from vschool.peps.rules import (
    completed_in_term,
    initial_in_timescale,
    is_completed,
    is_good_or_better,
)

DAY0 = date(2025, 9, 1)
days = st.integers(0, 200).map(lambda n: DAY0 + timedelta(days=n))
peps = st.lists(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["initial", "termly"]),
            "term": st.sampled_from(["autumn", "spring"]),
            "status": st.sampled_from([s for s, _ in Pep.Status.choices]),
            "due_date": days,
            "completed_date": st.one_of(st.none(), days),
            "grade": st.sampled_from(["", "Gold", "Green", "Amber", "Red", "Good"]),
        }
    ),
    min_size=1,
    max_size=8,
)


class TestStatusGroupsAgree(TestCase):
    @settings(max_examples=30, deadline=None)
    @given(
        peps, days, st.integers(0, 120), st.sampled_from([("Gold", "Green"), ("Good",), ("Gold",)])
    )
    def test_every_group(self, rows, term_start, length, good_grades):
        child = ChildFactory()
        made = [
            Pep.objects.create(child=child, pep_type="primary", academic_year=2025, **row)
            for row in rows
        ]
        deadline = term_start + timedelta(days=length)
        with self.settings(VSCHOOL_PEP_GOOD_GRADES=good_grades):
            in_db = {
                "completed": set(Pep.objects.completed().values_list("pk", flat=True)),
                "in_term": set(
                    Pep.objects.completed_in_term(2025, "autumn", term_start, deadline).values_list(
                        "pk", flat=True
                    )
                ),
                "good": set(Pep.objects.good_or_better().values_list("pk", flat=True)),
                "in_time": set(Pep.objects.in_timescale().values_list("pk", flat=True)),
            }
        pure = {
            "completed": {p.pk for p in made if is_completed(p.status)},
            "in_term": {
                p.pk
                for p in made
                if p.kind == "termly"
                and p.term == "autumn"
                and completed_in_term(p.status, p.completed_date, term_start, deadline)
            },
            "good": {p.pk for p in made if is_good_or_better(p.grade, good_grades)},
            "in_time": {
                p.pk for p in made if initial_in_timescale(p.status, p.completed_date, p.due_date)
            },
        }
        assert in_db == pure


class TestNeedsPepAgrees(TestCase):
    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(st.dates(date(2003, 1, 1), date(2025, 12, 31)), min_size=1, max_size=6),
        st.dates(date(2024, 1, 1), date(2027, 12, 31)),
        st.booleans(),
    )
    def test_needs_pep_q(self, dobs, day, from_age_two):
        from vschool.peps.querysets import needs_pep_q
        from vschool.peps.rules import needs_pep

        children = [ChildFactory(date_of_birth=dob) for dob in dobs]
        with self.settings(VSCHOOL_PEP_FROM_AGE_TWO=from_age_two):
            found = set(
                Child.objects.filter(pk__in=[c.pk for c in children])
                .filter(needs_pep_q(day))
                .values_list("pk", flat=True)
            )
        assert found == {
            c.pk for c in children if needs_pep(c.date_of_birth, day, from_age_two=from_age_two)
        }


class TestInitialDueAgrees(TestCase):
    """The initial PEP deadline as a database expression (a tree of CASEs) equals the pure
    rule for every care start, in working or school days, for several timescales."""

    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(st.dates(date(2024, 6, 1), date(2026, 6, 30)), min_size=1, max_size=6),
        st.sampled_from(["working_days", "school_days"]),
        st.sampled_from([5, 10, 20, 30]),
        st.booleans(),
    )
    def test_initial_due_and_age(self, starts, unit, count, from_age_two):
        from vschool.calendar.selectors import la_school_calendar
        from vschool.cohort.models import CareEpisode
        from vschool.cohort.tests.factories import CareEpisodeFactory
        from vschool.peps.initial import care_starts
        from vschool.peps.rules import initial_pep_due, latest_dob_needing_pep

        child = ChildFactory(date_of_birth=date(2015, 3, 14))
        for start in sorted(set(starts)):
            CareEpisodeFactory(child=child, decom=start, dec=start + timedelta(days=1), rec="E13")
        first, last = min(starts), max(starts)
        with self.settings(
            VSCHOOL_INITIAL_PEP_UNIT=unit,
            VSCHOOL_INITIAL_PEP_DAYS=count,
            VSCHOOL_PEP_FROM_AGE_TWO=from_age_two,
        ):
            found = {
                ep.decom: (ep.initial_due, ep.latest_dob)
                for ep in care_starts(Child.objects.all(), first, last)
            }
        calendar = la_school_calendar(first, last + timedelta(days=400))
        expected = {}
        for ep in CareEpisode.objects.filter(child=child):
            due = initial_pep_due(ep.decom, count=count, unit=unit, calendar=calendar)
            expected[ep.decom] = (due, latest_dob_needing_pep(due, from_age_two=from_age_two))
        assert found == expected
