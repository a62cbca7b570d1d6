"""The home page: the roll's headline counts for everyone, scoped to what the role may see."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from vschool.calendar.rules import academic_year_label
from vschool.cohort.scoping import children_for_aggregates, children_for_user
from vschool.cohort.selectors import dashboard_for
from vschool.pages.context_processors import manage_links
from vschool.peps import work_queue
from vschool.reports.care_year import care_year_figures, latest_year_ended
from vschool.reports.outstanding import term_summary
from vschool.reports.presenters import dashboard_shown
from vschool.reports.suppression import MARKER, footnote


def home(request):
    today = timezone.localdate()
    dashboard = dashboard_for(children_for_aggregates(request.user), today)
    # Governors: small counts, and every figure one could be worked out from (rules.md 13).
    suppress_below = None if request.user.sees_children else settings.VSCHOOL_SUPPRESS_BELOW
    shown = dashboard_shown(dashboard, suppress_below)
    peps = (
        term_summary(children_for_user(request.user), today)
        if request.user.is_virtual_school_staff
        else None
    )
    care_year = (
        care_year_figures(
            children_for_aggregates(request.user),
            latest_year_ended(today),
            today,
            placements=False,
        )
        if request.user.is_virtual_school_staff
        else None
    )
    work = None
    if request.user.sees_children:  # work first: the queue's views
        children, _officer = work_queue.whose_children(request.user, "")
        found = work_queue.counts(work_queue.views(children, today))
        work = [(key, label, found[key]) for key, label in work_queue.VIEWS]
    return render(
        request,
        "pages/home.html",
        {
            "dashboard": shown,
            "year_label": academic_year_label(dashboard.academic_year),
            "today": today,
            "peps": peps,
            "work": work,
            "manage": manage_links(request.user),
            "care_year": care_year,
            "show_links": request.user.sees_children,
            "marker": MARKER,
            "footnote": footnote(suppress_below) if suppress_below else "",
        },
    )
