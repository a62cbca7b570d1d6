"""The home page: the roll's headline counts for everyone, scoped to what the role may see."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from vschool.accounts.scoping import children_for_aggregates
from vschool.calendar.rules import academic_year_label
from vschool.cohort.selectors import dashboard_for


def home(request):
    today = timezone.localdate()
    dashboard = dashboard_for(children_for_aggregates(request.user), today)
    return render(request, "pages/home.html", {
        "dashboard": dashboard, "year_label": academic_year_label(dashboard.academic_year),
        "today": today,
        "show_links": request.user.sees_children,
        "suppress": not request.user.sees_children,
        "suppress_below": settings.VSCHOOL_SUPPRESS_BELOW,
    })
