"""Migration 0005: a bare recorded year group becomes the years taught away from the age group,
read as the year group in the academic year of the day the migration runs (issue #9)."""

import importlib
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from hypothesis import given
from hypothesis import strategies as st

from vschool.calendar.rules import academic_year_start, nc_year
from vschool.cohort.models import Child
from vschool.cohort.rules import MAX_YEAR_GROUP_OFFSET, year_group

migration = importlib.import_module("vschool.cohort.migrations.0005_child_year_group_offset")
BEFORE = [("cohort", "0004_ssda903_years_and_outcomes")]
AFTER = [("cohort", "0005_child_year_group_offset")]


def test_a_recorded_year_group_converts_to_the_years_from_the_age_group():
    dob = date(2016, 8, 20)  # Year 5 by age in 2025/26
    assert migration.offset_from_actual(dob, 4, 2025) == -1
    assert migration.offset_from_actual(dob, 6, 2025) == 1
    assert migration.offset_from_actual(dob, 5, 2025) is None  # their age group
    assert migration.offset_from_actual(dob, None, 2025) is None
    # The same value read in the next academic year is two years behind, not one.
    assert migration.offset_from_actual(dob, 4, 2026) == -2
    assert migration.actual_from_offset(dob, -1, 2026) == 5
    assert migration.actual_from_offset(dob, None, 2026) is None
    assert migration.MAX_OFFSET == MAX_YEAR_GROUP_OFFSET


@given(
    dob=st.dates(date(1995, 1, 1), date(2026, 12, 31)),
    day=st.dates(date(2015, 1, 1), date(2035, 12, 31)),
    actual=st.integers(-3, 13),
)
def test_the_migrations_own_reading_agrees_with_the_rules(dob, day, actual):
    year = migration.academic_year_of(day)
    assert year == academic_year_start(day)
    assert migration.nc_year(dob, year) == nc_year(dob, year)
    offset = migration.offset_from_actual(dob, actual, year)
    assert year_group(dob, year, offset) == actual
    assert migration.actual_from_offset(dob, offset, year) == (None if offset is None else actual)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_converts_the_children_on_the_roll(time_machine):
    try:
        old = _migrate(BEFORE).get_model("cohort", "Child")
        for la_child_id, dob, actual in (
            ("HELD", date(2016, 8, 20), 4),
            ("AGE", date(2016, 8, 20), 5),
            ("NONE", date(2016, 8, 20), None),
            ("AHEAD", date(2012, 9, 1), 9),
            ("FAR", date(2016, 8, 20), 13),
        ):
            old.objects.create(la_child_id=la_child_id, date_of_birth=dob, year_group_actual=actual)
        time_machine.move_to(date(2026, 3, 1))  # academic year 2025/26
        with pytest.raises(ValueError, match=r"FAR \(year group 13, \+8\)"):
            _migrate(AFTER)
        old.objects.filter(la_child_id="FAR").update(year_group_actual=6)
        _migrate(AFTER)
        offsets = dict(Child.objects.values_list("la_child_id", "year_group_offset"))
        assert offsets == {"HELD": -1, "AGE": None, "NONE": None, "AHEAD": 1, "FAR": 1}
        held = Child.objects.get(la_child_id="HELD")
        assert year_group(held.date_of_birth, 2026, held.year_group_offset) == 5
        # And back, in the academic year of the day it runs.
        time_machine.move_to(date(2026, 10, 1))
        old = _migrate(BEFORE).get_model("cohort", "Child")
        actuals = dict(old.objects.values_list("la_child_id", "year_group_actual"))
        assert actuals == {"HELD": 5, "AGE": None, "NONE": None, "AHEAD": 10, "FAR": 7}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
