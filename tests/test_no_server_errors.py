"""Nothing a user can type or put in a URL gives a server error or costs the server much:
every field and parameter is held to a sane range and length (docs/security.md).

First the cases issue #11 named, then a walk of every page with random values.
"""

import time
from datetime import date

import pytest
from django.urls import reverse

from vschool.accounts.models import Role
from vschool.cohort.tests.test_forms_and_services import NEW_CHILD
from vschool.peps.models import Pep, PepSection

HUGE = "1" + "0" * 21


@pytest.fixture
def pep(roll):
    return Pep.objects.create(
        child=roll["at_a"],
        pep_type="primary",
        academic_year=2025,
        term="spring",
        due_date=date(2026, 3, 27),
        status=Pep.Status.DRAFT,
    )


def _section(pep, key):
    return reverse("peps:section", args=[pep.child_id, pep.pk, key])


@pytest.mark.parametrize("part", ["day", "month", "year"])
@pytest.mark.parametrize("value", [HUGE, "-3", "99999"])
def test_a_huge_or_negative_date_part_is_not_a_real_date(login, personas, part, value):
    data = NEW_CHILD | {
        f"date_of_birth_{'0' if part == 'day' else '1' if part == 'month' else '2'}": value
    }
    response = login(personas[Role.OFFICER]).post(reverse("cohort:child_add"), data)
    assert response.status_code == 200
    assert "Date of birth must be a real date" in response.content.decode()


@pytest.mark.parametrize("version", ["soon", HUGE, "-1", ""])
def test_a_tampered_version_on_the_child_form_is_a_conflict(login, personas, roll, version):
    child = roll["at_a"]
    data = NEW_CHILD | {"la_child_id": child.la_child_id, "version": version}
    response = login(personas[Role.OFFICER]).post(
        reverse("cohort:child_edit", args=[child.pk]), data
    )
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    child.refresh_from_db()
    assert child.first_name == "Amira"


@pytest.mark.parametrize("year", ["0000-01", "9999-99", "2025-27", "٢٠٢٥", HUGE, "-2025"])
@pytest.mark.parametrize(
    "url",
    [
        "/reports/peps/",
        "/reports/peps/outstanding/",
        "/reports/care-year/",
        "/peps/moderation/",
        "/calendar/term-dates/",
        "/peps/deadlines/",
    ],
)
def test_a_year_that_is_no_year_is_said_or_not_found(login, personas, roll, url, year):
    response = login(personas[Role.HEAD]).get(url, {"year": year, "term": "autumn"})
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("officer", [HUGE, "²", "-1", "9" * 5000])
def test_an_officer_that_is_no_one_is_no_filter(login, personas, roll, officer):
    client = login(personas[Role.HEAD])
    assert client.get("/peps/", {"officer": officer}).status_code == 200
    outstanding = client.get("/reports/peps/outstanding/", {"education_officer": officer})
    assert outstanding.status_code == 200


@pytest.mark.parametrize("pk", [HUGE, "9" * 400])
def test_an_id_past_the_databases_range_is_not_found(login, personas, roll, pk):
    assert login(personas[Role.HEAD]).get(f"/children/{pk}/").status_code == 404


def test_a_hundred_thousand_target_forms_are_refused_quickly(login, personas, pep):
    client = login(personas[Role.DESIGNATED_TEACHER])
    data = {"t-TOTAL_FORMS": "100000", "t-INITIAL_FORMS": "0", "completed": "yes", "version": "1"}
    started = time.perf_counter()
    response = client.post(_section(pep, "targets"), data)
    assert time.perf_counter() - started < 1
    assert response.status_code == 200
    assert "You can add up to 20 targets" in response.content.decode()
    assert not PepSection.objects.filter(pep=pep, key="targets").exists()


def test_a_twenty_first_target_is_refused(login, personas, pep):
    target = {"area": "Reading", "target": "Read aloud"}
    PepSection.objects.create(pep=pep, key="targets", data=[target] * 20)
    client = login(personas[Role.DESIGNATED_TEACHER])
    response = client.post(
        reverse("peps:item_add", args=[pep.child_id, pep.pk, "targets"]),
        {**target, "version": "1"},
    )
    assert response.status_code == 200
    assert "You can add up to 20 targets" in response.content.decode()
    assert len(PepSection.objects.get(pep=pep, key="targets").data) == 20


def test_a_two_megabyte_answer_is_refused_with_the_limit(login, personas, pep):
    client = login(personas[Role.DESIGNATED_TEACHER])
    response = client.post(_section(pep, "school"), {"attendance": "x" * 2_000_000, "version": "1"})
    assert response.status_code == 400  # over DATA_UPLOAD_MAX_MEMORY_SIZE: the 400 page
    assert "Sorry, there is a problem with what was sent" in response.content.decode()
    response = client.post(_section(pep, "school"), {"attendance": "x" * 5001, "version": "1"})
    assert "Attendance summary must be 5,000 characters or fewer" in response.content.decode()
    assert 'data-maxlength="5000"' in response.content.decode()  # the GOV.UK character count
    assert not PepSection.objects.filter(pep=pep, key="school").exists()


def test_a_short_answer_is_held_to_200_characters(login, personas, pep):
    client = login(personas[Role.DESIGNATED_TEACHER])
    url = reverse("peps:item_add", args=[pep.child_id, pep.pk, "targets"])
    response = client.post(url, {"area": "x" * 201, "target": "Read", "version": "1"})
    assert "Area must be 200 characters or fewer" in response.content.decode()
    assert not PepSection.objects.filter(pep=pep, key="targets").exists()


@pytest.mark.parametrize("amount", ["1" * 40, "1e40", "100001", "12.345"])
def test_a_pp_plus_amount_has_a_ceiling_and_pence(login, personas, pep, amount):
    client = login(personas[Role.DESIGNATED_TEACHER])
    url = reverse("peps:item_add", args=[pep.child_id, pep.pk, "targets"])
    response = client.post(url, {"area": "Reading", "target": "Read", "cost": amount})
    assert response.status_code == 200
    assert "PP+ cost in pounds must be" in response.content.decode()
    response = client.post(_section(pep, "ppplus"), {"amount": amount, "version": "1"})
    assert "Amount must be" in response.content.decode()
    assert not PepSection.objects.filter(pep=pep).exists()


def test_too_many_fields_get_the_400_page(login, personas, pep):
    client = login(personas[Role.DESIGNATED_TEACHER])
    data = {f"field{n}": "x" for n in range(5000)}
    response = client.post(_section(pep, "school"), data)
    assert response.status_code == 400
    assert "Sorry, there is a problem with what was sent" in response.content.decode()


def test_an_autosaved_reason_is_held_to_the_limit_too(login, personas, pep):
    client = login(personas[Role.DESIGNATED_TEACHER])
    url = reverse("peps:autosave", args=[pep.child_id, pep.pk, "school"])
    data = {"completed": "na", "not_available": "x" * 5001, "version": "1"}
    assert client.post(url, data).json()["saved"] is False
    assert client.post(url, data | {"not_available": "The school is shut"}).json()["saved"]
    assert PepSection.objects.get(pep=pep, key="school").not_available == "The school is shut"
