"""The attendance pages: the dashboard, a child's marks, suspensions and provision."""

from django.urls import path

from vschool.attendance import child_views, dashboard_views

app_name = "attendance"

urlpatterns = [
    path("attendance/", dashboard_views.dashboard, name="dashboard"),
    path("children/<int:pk>/attendance/", child_views.child_attendance, name="child"),
]
