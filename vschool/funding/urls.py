from django.urls import path  # noqa: F401

from vschool.funding import dashboard_views

app_name = "funding"

urlpatterns: list = [
    # The dashboard, its CSV and the impact report (dashboard_views)
    path("", dashboard_views.dashboard, name="dashboard"),
    path("dashboard.csv", dashboard_views.dashboard_csv, name="dashboard_csv"),
    path("impact/", dashboard_views.impact, name="impact"),
    # The grant, the eligible count, the policy and the budget lines (grant_views)
    # Allocations and direct spending on a child (allocation_views)
    # Payment runs, remittances and the finance export (run_views)
]
