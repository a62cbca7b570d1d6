"""The attendance pages: the dashboard, a child's marks, suspensions and provision."""

from django.urls import path

from vschool.attendance import child_views, dashboard_views, exclusion_views

app_name = "attendance"

urlpatterns = [
    path("attendance/", dashboard_views.dashboard, name="dashboard"),
    path("children/<int:pk>/attendance/", child_views.child_attendance, name="child"),
    path(
        "children/<int:pk>/suspensions/add/",
        exclusion_views.exclusion_edit,
        name="exclusion_add",
    ),
    path(
        "children/<int:pk>/suspensions/<int:exclusion_pk>/",
        exclusion_views.exclusion_edit,
        name="exclusion_edit",
    ),
    path(
        "children/<int:pk>/provision/add/",
        exclusion_views.provision_edit,
        name="provision_add",
    ),
    path(
        "children/<int:pk>/provision/<int:provision_pk>/",
        exclusion_views.provision_edit,
        name="provision_edit",
    ),
    path(
        "children/<int:pk>/provision/<int:provision_pk>/approve/",
        exclusion_views.provision_approve,
        name="provision_approve",
    ),
    path("attendance/provision/", exclusion_views.provision_list, name="provision"),
    path("attendance/suspensions/", exclusion_views.suspensions_report, name="suspensions"),
]
