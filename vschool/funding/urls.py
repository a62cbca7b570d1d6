from django.urls import path  # noqa: F401

from vschool.funding import allocation_views

app_name = "funding"

urlpatterns: list = [
    # The dashboard, its CSV and the impact report (dashboard_views)
    # The grant, the eligible count, the policy and the budget lines (grant_views)
    # Allocations and direct spending on a child (allocation_views)
    path("allocations/", allocation_views.allocation_list, name="allocations"),
    path("children/<int:pk>/", allocation_views.child_funding, name="child"),
    path("children/<int:pk>/direct/", allocation_views.direct_spend, name="direct_spend"),
    # Payment runs, remittances and the finance export (run_views)
]
