from django.urls import path

from vschool.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.imports, name="imports"),
    path("attendance/", views.attendance_upload, name="attendance_upload"),
    path("export/", views.export_ssda903, name="export"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("<int:pk>/errors.csv", views.run_errors_csv, name="run_errors"),
]
