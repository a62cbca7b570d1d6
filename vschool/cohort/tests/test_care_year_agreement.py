"""The database twins of the 903-year rules agree with the pure rules on generated care histories.

Episodes are cut from a sorted list of boundary dates, so they never overlap (the import
rejects overlaps) and have at least one day each. The boundaries favour 31 March and
1 and 2 April; each span between two boundaries is an episode ending X1 (chained, or with
a gap after it), an episode ending care, or a gap; the last episode may stay open.
"""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from vschool.cohort.models import CareEpisode, Child
from vschool.cohort.rules import continuously_looked_after_12_months, placements_in_year
from vschool.cohort.tests.factories import ChildFactory
from vschool.reports.care_year import children_with_many_placements, placements_between

pytestmark = pytest.mark.django_db

D = date
SPECIAL = [
    D(2023, 3, 31),
    D(2023, 4, 1),
    D(2024, 3, 30),
    D(2024, 3, 31),
    D(2024, 4, 1),
    D(2024, 4, 2),
    D(2024, 9, 30),
    D(2024, 10, 1),
    D(2025, 3, 30),
    D(2025, 3, 31),
    D(2025, 4, 1),
    D(2025, 4, 2),
]
boundary = st.one_of(st.sampled_from(SPECIAL), st.dates(D(2022, 10, 1), D(2026, 6, 30)))
span = st.one_of(
    st.none(),  # a gap: not looked after
    st.tuples(
        st.sampled_from(["X1", "X1", "X1", "E13", "E4A", "E11"]),  # how it ended
        st.sampled_from(["S", "P", "T", "B", "U", "L"]),
        st.sampled_from(["C2", "C2", "C2", "E1", "V3", "V4"]),
    ),
)
last_open = st.one_of(
    st.none(), st.tuples(st.sampled_from(["S", "P", "L"]), st.sampled_from(["C2", "C2", "V3"]))
)


@st.composite
def histories(draw):
    days = sorted(set(draw(st.lists(boundary, min_size=1, max_size=7))))
    episodes = []
    for start, end in zip(days, days[1:], strict=False):
        if (kind := draw(span)) is not None:
            rec, rne, ls = kind
            episodes.append(dict(decom=start, dec=end, rec=rec, rne=rne, ls=ls))
    if (kind := draw(last_open)) is not None:
        rne, ls = kind
        episodes.append(dict(decom=days[-1], dec=None, rec="", rne=rne, ls=ls))
    return episodes


class Ep:
    def __init__(self, decom, dec, rec, rne, ls):
        self.decom, self.dec, self.rec, self.rne, self.ls = decom, dec, rec, rne, ls


def _save(children_episodes):
    saved = []
    for episodes in children_episodes:
        child = ChildFactory()
        CareEpisode.objects.bulk_create(
            CareEpisode(child=child, cin="N1", place="U1", **ep) for ep in episodes
        )
        saved.append((child.pk, [Ep(**ep) for ep in episodes]))
    return saved


@hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    children=st.lists(histories(), min_size=1, max_size=4),
    year_ending=st.sampled_from([2024, 2025, 2026]),
    admit=st.booleans(),
)
def test_the_12_month_cohort_query_agrees_with_the_rule(db, children, year_ending, admit):
    saved = _save(children)
    try:
        expected = {
            pk
            for pk, eps in saved
            if continuously_looked_after_12_months(eps, year_ending, admit_ending_on_31_march=admit)
        }
        found = set(
            Child.objects.continuously_looked_after_12_months(
                year_ending, admit_ending_on_31_march=admit
            ).values_list("pk", flat=True)
        )
        assert found == expected
    finally:
        Child.objects.all().delete()


@hypothesis_settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    children=st.lists(histories(), min_size=1, max_size=4),
    year_ending=st.sampled_from([2024, 2025, 2026]),
)
def test_the_placement_count_query_agrees_with_the_rule(db, children, year_ending):
    saved = _save(children)
    first, last = D(year_ending - 1, 4, 1), D(year_ending, 3, 31)
    try:
        expected = {pk: placements_in_year(eps, first, last) for pk, eps in saved}
        counted = {pk: 0 for pk, _ in saved}
        for child_id in placements_between(first, last).values_list("child_id", flat=True):
            counted[child_id] += 1
        assert counted == expected
        many = set(children_with_many_placements(first, last).values_list("child_id", flat=True))
        assert many == {pk for pk, n in expected.items() if n >= 3}
    finally:
        Child.objects.all().delete()


def test_the_generator_reaches_the_edge_cases():
    """A sanity check on the strategy: chains, gaps and open episodes all occur."""
    seen = set()

    @hypothesis_settings(max_examples=200, database=None)
    @given(histories())
    def collect(episodes):
        for a, b in zip(episodes, episodes[1:], strict=False):
            if a["rec"] == "X1":
                seen.add("x1 chain" if a["dec"] == b["decom"] else "x1 then gap")
            if a["dec"] + timedelta(days=1) == b["decom"]:
                seen.add("one-day gap")
        if episodes and episodes[-1]["dec"] is None:
            seen.add("open")
        if any(ep["dec"] in (D(2024, 3, 31), D(2025, 3, 31)) for ep in episodes):
            seen.add("ends 31 March")

    collect()
    assert {"x1 chain", "open", "ends 31 March"} <= seen
