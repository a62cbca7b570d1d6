"""A past term's PEP figures are dated history: importing a later return that ends a
child's care, or turns them into a previously looked-after child, changes nothing about a
term that had already ended (domain.md 1: cohort membership is dated, not a current flag)."""

from dataclasses import astuple
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from vschool.cohort.models import CareEpisode, Child
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory
from vschool.exchange.services import files_from_paths, ssda903_import
from vschool.reports.selectors import pep_compliance

SMALL = Path(settings.BASE_DIR).parent / "shared" / "data" / "ssda903" / "small"
TODAY = date(2026, 12, 4)


def _figures(year: int) -> list[tuple]:
    report = pep_compliance(Child.objects.all(), year, TODAY)
    return [(term.term, [astuple(row) for row in term.rows]) for term in report.terms]


@pytest.mark.django_db
def test_a_later_return_leaves_earlier_terms_as_they_were():
    if not SMALL.is_dir():
        pytest.skip(f"the shared test return is not beside the repository ({SMALL})")
    ssda903_import(files=files_from_paths([SMALL / "previous"]), user=None)
    autumn = _figures(2024)[0]
    assert autumn[0] == "autumn" and autumn[1][-1][2] > 0  # PEPs were due
    ssda903_import(files=files_from_paths([SMALL]), user=None)
    # Autumn 2024's deadline falls inside the earlier return's year (to 31 March 2025), so
    # the later return can add nothing about it; spring's falls after 31 March and may.
    assert _figures(2024)[0] == autumn


@pytest.mark.django_db
def test_leaving_care_after_a_deadline_keeps_the_child_in_that_terms_figures():
    child = ChildFactory(date_of_birth=date(2015, 3, 14))
    CareEpisodeFactory(child=child, decom=date(2023, 5, 1), rne="S")
    children_refresh_current()
    autumn_due = _figures(2025)[0][1][-1][2]
    assert autumn_due == 1
    # The next return: adopted on 2 February 2026, now previously looked after.
    CareEpisode.objects.filter(child=child).update(dec=date(2026, 2, 2), rec="E11")
    Child.objects.filter(pk=child.pk).update(cohort_type=Child.CohortType.PREVIOUSLY_LOOKED_AFTER)
    children_refresh_current()
    figures = dict(_figures(2025))
    assert figures["autumn"][-1][2] == 1  # still due in autumn: looked after on its deadline
    assert figures["summer"][-1][2] == 0  # not looked after on summer's deadline
