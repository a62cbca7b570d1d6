from django.urls import path  # noqa: F401

from vschool.funding import grant_views

app_name = "funding"

urlpatterns: list = [
    # The dashboard, its CSV and the impact report (dashboard_views)
    # The grant, the eligible count, the policy and the budget lines (grant_views)
    path("grant/", grant_views.grant, name="grant"),
    path("grant/edit/", grant_views.grant_edit, name="grant_edit"),
    path("policy/", grant_views.policy, name="policy"),
    path("budget/", grant_views.budget, name="budget"),
    path("budget/<int:line_id>/", grant_views.budget_line, name="budget_line"),
    # Allocations and direct spending on a child (allocation_views)
    # Payment runs, remittances and the finance export (run_views)
]
