from django.urls import path

from vschool.reports import care_year_views, views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("peps/", views.peps, name="peps"),
    path("peps/outstanding/", views.outstanding_peps, name="outstanding_peps"),
    path("care-year/", care_year_views.care_year, name="care_year"),
]
