"""Looked after on a date from dated episodes, short breaks, periods of care that began
before the records, and the roll's cohorts (domain.md 1, 2)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from vschool.cohort.fields import EVERY_FIELD
from vschool.cohort.models import CareEpisode, Child
from vschool.cohort.querysets import COHORTS
from vschool.cohort.rules import looked_after_on, periods_of_care
from vschool.cohort.selectors import dashboard_for, roll_for
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory, Ep

D = date
START = D(2023, 1, 1)


@st.composite
def episode_chains(draw):
    """Non-overlapping episodes: each starts on or after the last one's end."""
    day, episodes = START + timedelta(days=draw(st.integers(0, 30))), []
    for _ in range(draw(st.integers(1, 4))):
        length = draw(st.one_of(st.none(), st.integers(1, 200)))
        end = None if length is None else day + timedelta(days=length)
        episodes.append(
            {
                "decom": day,
                "dec": end,
                "ls": draw(st.sampled_from(["C2", "V2", "V3", "V4", "E1"])),
                "rne": draw(st.sampled_from(["S", "P", "L"])),
                "rec": "" if end is None else draw(st.sampled_from(["X1", "E13"])),
            }
        )
        if end is None:
            break
        day = end + timedelta(days=draw(st.integers(0, 3)))
    return episodes


class TestTheDatabaseAndThePureRuleAgree(TestCase):
    @settings(max_examples=40, deadline=None)
    @given(episode_chains(), st.integers(0, 800))
    def test_looked_after_on(self, episodes, offset):
        child = ChildFactory()
        for fields in episodes:
            CareEpisodeFactory(child=child, **fields)
        day = START + timedelta(days=offset)
        stored = list(child.episodes.all())
        in_db = Child.objects.filter(pk=child.pk).looked_after_on(day).exists()
        assert in_db is looked_after_on(stored, day)
        with_breaks = CareEpisode.objects.filter(child=child).covering(day).exists()
        assert with_breaks is looked_after_on(stored, day, short_breaks=True)


@pytest.mark.parametrize(
    ("ls", "counted"), [("C2", True), ("V2", True), ("V3", False), ("V4", False)]
)
def test_a_short_break_is_not_counted_as_looked_after(db, ls, counted):
    """Short breaks (V3, V4): outside the counts and the PEP duty (domain.md 2)."""
    child = ChildFactory()
    CareEpisodeFactory(child=child, decom=D(2025, 1, 1), ls=ls)
    children_refresh_current()
    child.refresh_from_db()
    assert child.in_care is counted
    assert Child.objects.looked_after_on(D(2025, 6, 1)).exists() is counted
    assert dashboard_for(Child.objects.all(), D(2025, 6, 1)).in_care == int(counted)


def test_a_period_of_care_begins_with_a_new_entry_or_before_the_records():
    held_since_2019 = [Ep(D(2019, 5, 1), D(2025, 4, 2), "P", "X1"), Ep(D(2025, 4, 2), None, "P")]
    assert [p.starts_care for p in periods_of_care(held_since_2019)] == [False]
    again = [
        *held_since_2019[:1],
        Ep(D(2025, 4, 2), D(2025, 6, 1), "P", "E13"),
        Ep(D(2025, 9, 1), None, "S"),
    ]
    assert [(p.start, p.starts_care) for p in periods_of_care(again)] == [
        (D(2019, 5, 1), False),
        (D(2025, 9, 1), True),
    ]


def test_each_cohort_filter_holds_only_its_children(db):
    """The roll's cohorts partition it: looked after now by the episodes, left care, and the
    recorded cohorts of children not in care; Home counts the same."""

    def child(name, cohort, *care):
        made = ChildFactory(last_name=name, cohort_type=cohort)
        for decom, dec, rec in care:
            CareEpisodeFactory(child=made, decom=decom, dec=dec, rec=rec)
        return made

    child("Incare", "cla", (D(2024, 1, 1), None, ""))
    child("Shortbreak", "cla", (D(2024, 1, 1), None, ""))
    CareEpisode.objects.filter(child__last_name="Shortbreak").update(ls="V3")
    child("Wenthome", "cla", (D(2024, 1, 1), D(2025, 2, 1), "E13"))
    child("Adopted", "plac", (D(2022, 1, 1), D(2024, 2, 1), "E11"))
    child("Backincare", "plac", (D(2020, 1, 1), D(2021, 1, 1), "E11"), (D(2025, 1, 5), None, ""))
    child("Otherla", "ola")
    child("Socialworker", "cwsw")
    child("Leaver", "leaver", (D(2015, 1, 1), D(2024, 3, 1), "E8"))
    children_refresh_current()
    expected = {
        "cla": {"Incare", "Backincare"},
        "left": {"Wenthome", "Shortbreak"},
        "plac": {"Adopted"},
        "ola": {"Otherla"},
        "cwsw": {"Socialworker"},
        "leaver": {"Leaver"},
    }
    assert {code for code, _label, _q in COHORTS} == set(expected)
    today = D(2025, 6, 1)
    for code, names in expected.items():
        found = roll_for(Child.objects.all(), {"cohort": code}, "name", today, EVERY_FIELD)
        assert {c.last_name for c in found} == names, code
    counts = {code: n for code, _label, n in dashboard_for(Child.objects.all(), today).by_cohort}
    assert counts == {code: len(names) for code, names in expected.items()}
    assert dashboard_for(Child.objects.all(), today).in_care == 2
