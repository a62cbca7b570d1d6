"""Store how far a school teaches a child from their age group, not a bare year group.

`Child.year_group_actual` held a year group (say 5) with no academic year, so the next
September the child was still "Year 5". `year_group_offset` holds what stays true from
year to year: the actual year group less the NC year of the child's age (-1 for a child
taught a year below), so cohort.rules.year_group gives the year group in any year.

The old values carry no academic year, so the conversion reads each as the year group in
the academic year of the day the migration runs (1 September to 31 August, by the
server's date): a value entered this academic year converts exactly; one entered in an
earlier year and not corrected since comes out one year further from the age group for
each year gone by (it was already wrong on the roll). Check the out-of-year-group
children after migrating. A value that is the child's age group stores nothing. The
conversion refuses, and names the children, when a value is more than
MAX_OFFSET years from the age group (a check constraint keeps offsets to that range):
correct those first. Going back sets year_group_actual to the year group in the academic
year of the day it runs.

The conversion reads a date of birth's NC year itself rather than importing the app's
rules, so that this migration keeps its meaning when the rules change.
"""

from datetime import date

from django.db import migrations, models

MAX_OFFSET = 3


def academic_year_of(day: date) -> int:
    """The start year of the academic year (1 September to 31 August) holding `day`."""
    return day.year if day.month >= 9 else day.year - 1


def nc_year(dob: date, academic_year: int) -> int:
    """NC year in the academic year starting 1 September: age on 31 August - 4 (docs/rules.md 4)."""
    return academic_year - dob.year - ((8, 31) < (dob.month, dob.day)) - 4


def offset_from_actual(dob: date, actual: int | None, academic_year: int) -> int | None:
    """The offset stored for a child recorded as taught in year group `actual` in
    `academic_year`: None when nothing was recorded or it is the child's age group."""
    if actual is None:
        return None
    return (actual - nc_year(dob, academic_year)) or None


def actual_from_offset(dob: date, offset: int | None, academic_year: int) -> int | None:
    """The year group year_group_actual held for an offset, in `academic_year` (going back)."""
    return None if offset is None else nc_year(dob, academic_year) + offset


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def forwards(apps, schema_editor, today: date | None = None):
    Child = apps.get_model("cohort", "Child")
    year = academic_year_of(today or _today())
    changed, too_far = [], []
    for child in Child.objects.exclude(year_group_actual=None).only(
            "pk", "la_child_id", "date_of_birth", "year_group_actual").iterator():
        child.year_group_offset = offset_from_actual(child.date_of_birth,
                                                     child.year_group_actual, year)
        if child.year_group_offset is not None and abs(child.year_group_offset) > MAX_OFFSET:
            too_far.append(f"{child.la_child_id} (year group {child.year_group_actual}, "
                           f"{child.year_group_offset:+d})")
        changed.append(child)
    if too_far:
        raise ValueError(
            f"These children's recorded year groups are more than {MAX_OFFSET} years from the "
            f"year group of their age in {year}/{(year + 1) % 100:02d}; correct them and "
            f"migrate again: {', '.join(too_far)}")
    Child.objects.bulk_update(changed, ["year_group_offset"], batch_size=1000)


def backwards(apps, schema_editor, today: date | None = None):
    Child = apps.get_model("cohort", "Child")
    year = academic_year_of(today or _today())
    changed = []
    for child in Child.objects.exclude(year_group_offset=None).only(
            "pk", "date_of_birth", "year_group_offset").iterator():
        child.year_group_actual = actual_from_offset(child.date_of_birth,
                                                     child.year_group_offset, year)
        changed.append(child)
    Child.objects.bulk_update(changed, ["year_group_actual"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('cohort', '0004_ssda903_years_and_outcomes'),
    ]

    operations = [
        migrations.AddField(
            model_name='child',
            name='year_group_offset',
            field=models.SmallIntegerField(blank=True, help_text='Only when the school teaches the child out of their year group: -1 a year below (such as a summer-born child who started school a year late), +1 a year above', null=True, verbose_name='years taught away from the year group of their age'),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.RemoveField(
            model_name='child',
            name='year_group_actual',
        ),
        migrations.AddConstraint(
            model_name='child',
            constraint=models.CheckConstraint(condition=models.Q(('year_group_offset__isnull', True), ('year_group_offset__in', (-3, -2, -1, 1, 2, 3)), _connector='OR'), name='year_group_offset_in_range', violation_error_message='A child can be taught at most 3 years above or below the year group of their age'),
        ),
    ]
