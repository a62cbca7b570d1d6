from django.urls import path

from vschool.reports import views

app_name = "reports"

urlpatterns = [
    path("peps/", views.peps, name="peps"),
]
