"""The PEP compliance page: who may open it, governors' suppression, the audited CSV."""

import csv
import io
from datetime import date

import pytest

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory
from vschool.peps.models import Pep

URL = "/reports/peps/"


@pytest.fixture
def three_primary_children(db):
    for n in range(3):
        child = ChildFactory(date_of_birth=date(2016, 3, 1))
        CareEpisodeFactory(child=child)
        Pep.objects.create(
            child=child,
            pep_type="primary",
            academic_year=2025,
            term="autumn",
            status="approved" if n else "draft",
            due_date=date(2025, 12, 19),
            completed_date=date(2025, 11, 1) if n else None,
            grade="Green",
        )


def test_staff_see_the_counts(login, personas, three_primary_children):
    page = login(personas[Role.OFFICER]).get(URL, {"year": "2025-26"}).content.decode()
    assert "Academic year 2025/26" in page
    assert "2 (66.7%)" in page
    assert "no PEPs due" in page
    assert "fewer than" not in page and " x" not in page


def test_governors_see_small_counts_suppressed(login, personas, three_primary_children):
    page = login(personas[Role.GOVERNOR]).get(URL, {"year": "2025/26"}).content.decode()
    assert "x: fewer than 5, or a figure from which one could be worked out" in page
    assert "66.7" not in page and "x (x)" in page


@pytest.mark.parametrize("role", [Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER])
def test_schools_and_social_workers_get_not_found(login, personas, role):
    assert login(personas[role]).get(URL).status_code == 404


def test_the_csv_has_a_row_per_term_and_phase_and_is_audited(
    login, personas, three_primary_children
):
    response = login(personas[Role.HEAD]).get(URL, {"year": "2025-26", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:5] == ["Academic year", "Term", "From", "Deadline", "Phase"]
    assert len(rows) == 1 + 4 * 5  # three terms and the year, four phases and all
    primary = next(r for r in rows if r[1] == "Autumn term" and r[4] == "Primary")
    assert primary == [
        "2025/26",
        "Autumn term",
        "2025-09-03",
        "2025-12-19",
        "Primary",
        "3",
        "2",
        "66.7",
        "0",
        "0",
        "no PEPs due",
        "100.0",
        "",
    ]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORTED)
    assert "PEP compliance report 2025/26" in entry.summary
