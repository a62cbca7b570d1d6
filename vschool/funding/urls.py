from django.urls import path  # noqa: F401

app_name = "funding"

urlpatterns: list = [
    # The dashboard, its CSV and the impact report (dashboard_views)
    # The grant, the eligible count, the policy and the budget lines (grant_views)
    # Allocations and direct spending on a child (allocation_views)
    # Payment runs, remittances and the finance export (run_views)
]
