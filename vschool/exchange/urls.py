from django.urls import path

from vschool.exchange import token_views, views

app_name = "exchange"

urlpatterns = [
    path("", views.imports, name="imports"),
    path("attendance/", views.attendance_upload, name="attendance_upload"),
    path("export/", views.export_ssda903, name="export"),
    path("api-tokens/", token_views.tokens, name="tokens"),
    path("api-tokens/new/", token_views.token_new, name="token_new"),
    path("api-tokens/<int:pk>/revoke/", token_views.token_revoke_confirm, name="token_revoke"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("<int:pk>/errors.csv", views.run_errors_csv, name="run_errors"),
]
