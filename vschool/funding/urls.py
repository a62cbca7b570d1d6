from django.urls import path

from vschool.funding import allocation_views, dashboard_views, grant_views, run_views

app_name = "funding"

urlpatterns = [
    # The dashboard, its CSV and the impact report (dashboard_views)
    path("", dashboard_views.dashboard, name="dashboard"),
    path("dashboard.csv", dashboard_views.dashboard_csv, name="dashboard_csv"),
    path("impact/", dashboard_views.impact, name="impact"),
    # The grant, the eligible count, the policy and the budget lines (grant_views)
    path("grant/", grant_views.grant, name="grant"),
    path("grant/edit/", grant_views.grant_edit, name="grant_edit"),
    path("policy/", grant_views.policy, name="policy"),
    path("budget/", grant_views.budget, name="budget"),
    path("budget/<int:line_id>/", grant_views.budget_line, name="budget_line"),
    # Allocations and direct spending on a child (allocation_views)
    path("allocations/", allocation_views.allocation_list, name="allocations"),
    path("children/<int:pk>/", allocation_views.child_funding, name="child"),
    path("children/<int:pk>/direct/", allocation_views.direct_spend, name="direct_spend"),
    # Payment runs, remittances and the finance export (run_views)
    path("runs/", run_views.runs, name="runs"),
    path("runs/<int:run_id>/", run_views.run, name="run"),
    path("runs/<int:run_id>/confirm/", run_views.run_confirm, name="run_confirm"),
    path("runs/<int:run_id>/cancel/", run_views.run_cancel, name="run_cancel"),
    path(
        "runs/<int:run_id>/schools/<int:school_id>/correction/",
        run_views.run_correction,
        name="run_correction",
    ),
    path(
        "runs/<int:run_id>/schools/<int:school_id>/remittance.pdf",
        run_views.remittance_pdf,
        name="remittance_pdf",
    ),
    path(
        "runs/<int:run_id>/schools/<int:school_id>/remittance.csv",
        run_views.remittance_csv,
        name="remittance_csv",
    ),
    path("runs/<int:run_id>/finance.csv", run_views.finance_csv, name="finance_csv"),
]
