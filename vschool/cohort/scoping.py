"""Who may see which child: the one scoping rule every child-level query goes through."""

from django.db.models import QuerySet
from django.http import Http404

from vschool.accounts.models import Role, User
from vschool.cohort.models import Child, School
from vschool.cohort.querysets import ChildQuerySet


def children_for_user(user: User) -> ChildQuerySet:
    """Return the children `user` may see.

    Virtual School staff see the authority's whole roll; a designated teacher the
    children currently on the roll of their schools; a social worker the children
    allocated to them; a governor none (aggregates only).
    """
    children = Child.objects.all()
    if not user.is_authenticated or not user.is_active:
        return children.none()
    if user.is_virtual_school_staff:
        return children
    if user.role == Role.DESIGNATED_TEACHER:
        return children.filter(current_school__designated_teachers=user)
    if user.role == Role.SOCIAL_WORKER:
        return children.filter(social_worker=user)
    return children.none()


def get_child_for_user(user: User, pk: int) -> Child:
    """Return the child `pk` if `user` may see it; a missing and a hidden child both raise 404."""
    try:
        return (
            children_for_user(user)
            .select_related("current_school", "education_officer", "social_worker")
            .get(pk=pk)
        )
    except (Child.DoesNotExist, ValueError, TypeError):
        raise Http404("No such child") from None


def schools_for_user(user: User) -> QuerySet[School]:
    """Return the schools whose pages `user` may open."""
    if not user.is_authenticated or not user.is_active:
        return School.objects.none()
    if user.is_virtual_school_staff:
        return School.objects.all()
    if user.role == Role.DESIGNATED_TEACHER:
        return School.objects.filter(designated_teachers=user)
    return School.objects.none()


def children_for_aggregates(user: User) -> ChildQuerySet:
    """Return the children counted in `user`'s totals: governors count the whole roll."""
    if user.is_authenticated and user.is_active and user.role == Role.GOVERNOR:
        return Child.objects.all()
    return children_for_user(user)
