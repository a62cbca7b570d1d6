from django.urls import path

from vschool.reports import views

app_name = "reports"

urlpatterns = [
    path("peps/", views.peps, name="peps"),
    path("peps/outstanding/", views.outstanding_peps, name="outstanding_peps"),
]
