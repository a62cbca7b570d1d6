"""Out-of-cohort pupils (domain.md 4): the year group taught in follows the child from year to
year (issue #9). One rule, rules.year_group; its database twin, nc_years_q; the child form
that asks for this year's year group; the roll, its filters and the child page over years.
"""

from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from vschool.accounts.models import Role
from vschool.calendar.rules import NC_YEARS, nc_year
from vschool.cohort.forms import ChildForm
from vschool.cohort.models import Child
from vschool.cohort.querysets import nc_years_q
from vschool.cohort.rules import YEAR_GROUP_OFFSETS, year_group, year_group_offset
from vschool.cohort.tests.factories import ChildFactory
from vschool.cohort.tests.test_forms_and_services import NEW_CHILD

HELD_BACK_DOB = date(2016, 8, 20)  # summer-born, started school a year late


# --- The rule ---------------------------------------------------------------------------------


def test_a_held_back_child_moves_up_with_their_offset_each_year():
    # By age: Year 5 in 2025/26 (age 9 on 31 August 2025), Year 6 in 2026/27.
    assert nc_year(HELD_BACK_DOB, 2025) == 5
    assert year_group(HELD_BACK_DOB, 2025, -1) == 4
    assert year_group(HELD_BACK_DOB, 2026, -1) == 5
    assert year_group(HELD_BACK_DOB, 2027, -1) == 6
    assert year_group(HELD_BACK_DOB, 2025, None) == year_group(HELD_BACK_DOB, 2025, 0) == 5
    assert year_group(date(2015, 9, 1), 2025, 1) == 6  # autumn-born, taught a year ahead


def test_the_offset_is_the_inverse_of_the_year_group():
    assert year_group_offset(HELD_BACK_DOB, 2025, 4) == -1
    assert year_group_offset(HELD_BACK_DOB, 2026, 5) == -1
    assert year_group_offset(HELD_BACK_DOB, 2025, 5) is None  # their age group: nothing stored
    assert year_group_offset(HELD_BACK_DOB, 2025, None) is None


@given(
    dob=st.dates(date(1995, 1, 1), date(2025, 12, 31)),
    year=st.integers(2000, 2040),
    taught_in=st.one_of(st.none(), st.sampled_from(list(NC_YEARS))),
)
def test_year_group_and_offset_round_trip(dob, year, taught_in):
    offset = year_group_offset(dob, year, taught_in)
    assert offset != 0
    expected = nc_year(dob, year) if taught_in is None else taught_in
    assert year_group(dob, year, offset) == expected
    # Any other academic year moves by the same number of years.
    assert year_group(dob, year + 3, offset) == expected + 3


# --- The database twin ------------------------------------------------------------------------

offsets = st.sampled_from([None, *YEAR_GROUP_OFFSETS])
year_lists = st.one_of(
    st.lists(st.integers(min(NC_YEARS) - 1, max(NC_YEARS) + 1), max_size=6),
    st.sampled_from(
        [[n] for n in NC_YEARS]
        + [[0, 1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11], [-3, -2, -1], [12, 13], [3, 5, 6, 9]]
    ),
)


@hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    children=st.lists(
        st.tuples(st.dates(date(1998, 1, 1), date(2026, 12, 31)), offsets), min_size=1, max_size=6
    ),
    years=year_lists,
    academic_year=st.integers(2015, 2035),
)
def test_the_year_group_filter_agrees_with_the_rule(db, children, years, academic_year):
    saved = [ChildFactory(date_of_birth=dob, year_group_offset=offset) for dob, offset in children]
    try:
        expected = {
            child.pk
            for child in saved
            if year_group(child.date_of_birth, academic_year, child.year_group_offset) in years
        }
        found = set(
            Child.objects.filter(nc_years_q(years, academic_year)).values_list("pk", flat=True)
        )
        assert found == expected
        assert (
            set(Child.objects.in_nc_years(years, academic_year).values_list("pk", flat=True))
            == expected
        )
    finally:
        Child.objects.filter(pk__in=[child.pk for child in saved]).delete()


@pytest.mark.django_db
def test_the_database_refuses_an_offset_out_of_range():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ChildFactory(year_group_offset=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildFactory(year_group_offset=0)  # "with their age group" is stored as null only


# --- The roll, its filters and the child page, with no edit between years ---------------------


@pytest.fixture
def held_back(db):
    return ChildFactory(
        first_name="Holly", last_name="Heldback", date_of_birth=HELD_BACK_DOB, year_group_offset=-1
    )


def _page(client, url, **params):
    return client.get(url, params).content.decode()


@pytest.mark.parametrize(
    "day, taught_in, by_age, phase, other_phase",
    [
        (date(2025, 10, 1), "Year 4", "Year 5", "primary", "secondary"),
        (date(2026, 10, 1), "Year 5", "Year 6", "primary", "secondary"),
        # Year 7 by age, but taught in Year 6: still primary.
        (date(2027, 10, 1), "Year 6", "Year 7", "primary", "secondary"),
        (date(2028, 10, 1), "Year 7", "Year 8", "secondary", "primary"),
    ],
)
def test_a_held_back_child_moves_up_on_the_roll_and_the_record_each_year(
    login, personas, held_back, time_machine, day, taught_in, by_age, phase, other_phase
):
    time_machine.move_to(day)
    client = login(personas[Role.HEAD])
    n = int(taught_in.split()[1])
    assert "Heldback, Holly" in _page(client, "/children/", year=n)
    assert "Heldback, Holly" not in _page(client, "/children/", year=n + 1)
    assert "Heldback, Holly" in _page(client, "/children/", phase=phase)
    assert "Heldback, Holly" not in _page(client, "/children/", phase=other_phase)
    shown = f"{by_age} (taught in {taught_in})"
    assert shown in _page(client, "/children/", year=n)
    record = _page(client, reverse("cohort:child", args=[held_back.pk]))
    assert shown in record
    assert ("(KS2)" if n <= 6 else "(KS3)") in record


@pytest.mark.parametrize(
    "day, year, phase",
    [
        (date(2026, 10, 1), 5, "primary"),
        (date(2027, 10, 1), 6, "primary"),
        (date(2028, 10, 1), 7, "secondary"),
    ],
)
def test_home_counts_a_held_back_child_in_the_year_taught(held_back, day, year, phase):
    from vschool.cohort.selectors import dashboard_for

    counts = dashboard_for(Child.objects.all(), day)
    assert [n for n, _label, count in counts.by_year_group if count] == [year]
    assert [value for value, _label, count in counts.by_phase if count] == [phase]


# --- The child form ---------------------------------------------------------------------------


def test_the_form_shows_this_years_year_group_and_stores_the_offset(held_back):
    form = ChildForm(instance=held_back, today=date(2026, 10, 1))
    assert form["year_group"].initial == 5
    assert "year_group_offset" not in form.fields
    html = form["year_group"].as_widget()
    assert '<option value="5" selected>Year 5</option>' in html
    assert 'class="govuk-select"' in html
    assert "Same as their age" in html
    assert "(2026/27)" in form["year_group"].label
    assert "by their date of birth, Year 6" in form["year_group"].help_text

    def post(year_group, dob=("20", "8", "2016")):
        data = NEW_CHILD | {
            "la_child_id": held_back.la_child_id,
            "year_group": year_group,
            "date_of_birth_0": dob[0],
            "date_of_birth_1": dob[1],
            "date_of_birth_2": dob[2],
            "upn": "",
        }
        form = ChildForm(data, instance=Child.objects.get(pk=held_back.pk), today=date(2026, 10, 1))
        form.is_valid()
        return form

    def stored(year_group, dob=("20", "8", "2016")):
        form = post(year_group, dob)
        assert form.is_valid(), form.errors
        assert "year_group" not in form.cleaned_data
        return form.cleaned_data["year_group_offset"]

    assert stored("5") == -1
    assert stored("6") is None  # their age group
    assert stored("") is None
    assert stored("7") == 1
    # The year group given is the fact: with a corrected date of birth, the offset follows.
    assert stored("5", ("20", "9", "2016")) is None
    far = post("1")
    assert not far.is_valid()
    assert "Year 1 is 5 years below the year group of their age (Year 6)" in str(
        far.errors["year_group"]
    )
    assert "govuk-select--error" in far["year_group"].as_widget()


def test_the_year_group_round_trips_through_the_edit_page(login, personas, held_back, time_machine):
    time_machine.move_to(date(2025, 10, 1))
    client = login(personas[Role.OFFICER])
    edit = reverse("cohort:child_edit", args=[held_back.pk])
    page = client.get(edit).content.decode()
    assert '<option value="4" selected>Year 4</option>' in page
    data = NEW_CHILD | {
        "la_child_id": held_back.la_child_id,
        "date_of_birth_0": "20",
        "date_of_birth_1": "8",
        "date_of_birth_2": "2016",
        "version": str(held_back.version),
        "year_group": "4",
    }
    assert client.post(edit, data).status_code == 302
    held_back.refresh_from_db()
    assert held_back.year_group_offset == -1
    # A year on, with no edit, the page offers Year 5.
    time_machine.move_to(date(2026, 10, 1))
    client = login(personas[Role.OFFICER])  # the session of a year ago has expired
    assert '<option value="5" selected>Year 5</option>' in client.get(edit).content.decode()
    data |= {"year_group": "", "version": str(held_back.version)}
    assert client.post(edit, data).status_code == 302
    held_back.refresh_from_db()
    assert held_back.year_group_offset is None


def test_adding_a_child_taught_a_year_ahead(login, personas, time_machine):
    time_machine.move_to(date(2025, 10, 1))
    client = login(personas[Role.OFFICER])
    # Born 31 August 2015: Year 6 by age in 2025/26.
    response = client.post(reverse("cohort:child_add"), NEW_CHILD | {"year_group": "7"})
    assert response.status_code == 302
    assert Child.objects.get(la_child_id="Z123").year_group_offset == 1
