"""What the attendance pages read (views read through here, never `Model.objects`)."""

from datetime import date

from django.shortcuts import get_object_or_404

from vschool.attendance.exclusions import YearTotal
from vschool.attendance.models import AlternativeProvision, AttendanceMark, Exclusion
from vschool.attendance.rules import Sessions
from vschool.attendance.suspension_days import child_suspension_sessions
from vschool.calendar.rules import academic_year_bounds
from vschool.cohort.models import Child
from vschool.cohort.querysets import ChildQuerySet


def child_year_sessions(child: Child, academic_year: int) -> Sessions:
    """The child's sessions in the academic year starting 1 September `academic_year`."""
    first, last = academic_year_bounds(academic_year)
    return AttendanceMark.objects.filter(child=child).between(first, last).sessions()


def child_exclusions(child: Child) -> list[Exclusion]:
    """The child's suspensions and exclusions, latest first, with their schools."""
    return list(
        Exclusion.objects.filter(child=child).select_related("school").order_by("-start", "-pk")
    )


def child_provision(child: Child) -> list[AlternativeProvision]:
    """The child's alternative provision and part-time timetables, latest first."""
    return list(
        AlternativeProvision.objects.filter(child=child)
        .select_related("approved_by")
        .order_by("-start", "-pk")
    )


def child_suspension_year(child: Child, academic_year: int) -> YearTotal:
    """The child's suspension sessions in the academic year, every school's."""
    return YearTotal(academic_year, child_suspension_sessions(child.pk, academic_year))


def provision_needing_attention(children: ChildQuerySet, today: date):
    """Provision of `children` awaiting approval or past its review date, still running."""
    return (
        AlternativeProvision.objects.filter(child__in=children)
        .needing_attention(today)
        .select_related("child", "child__current_school")
        .order_by("review_date", "start", "pk")
    )


def exclusion_of(child: Child, pk: int) -> Exclusion:
    return get_object_or_404(Exclusion, pk=pk, child=child)


def provision_of(child: Child, pk: int) -> AlternativeProvision:
    return get_object_or_404(AlternativeProvision, pk=pk, child=child)
