"""Changes to attendance marks made from elsewhere (the GIAS import)."""

from django.db.models import OuterRef, Subquery

from vschool.attendance.models import AttendanceMark
from vschool.cohort.models import School


def marks_fill_schools() -> int:
    """Give each mark kept by URN with no school (its school was not held when it was
    imported) the school now held with that URN, in one UPDATE; return how many.

    Called by the GIAS import once it has added schools (`vschool.exchange.gias`), the one
    place schools are created outside the demo. Marks whose URN is still not held keep it
    with no school.
    """
    return AttendanceMark.objects.filter(
        school__isnull=True, urn__in=School.objects.values("urn")
    ).update(school=Subquery(School.objects.filter(urn=OuterRef("urn")).values("pk")[:1]))
