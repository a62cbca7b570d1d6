"""URL configuration: each app owns its own URLs."""

from django.urls import include, path

from vschool.exchange.api import api_urls

urlpatterns = [
    path("", include("vschool.pages.urls")),
    path("", include("vschool.accounts.urls")),
    path("", include("vschool.cohort.urls")),
    path("", include("vschool.peps.urls")),
    path("calendar/", include("vschool.calendar.urls")),
    path("imports/", include("vschool.exchange.urls")),
    path("reports/", include("vschool.reports.urls")),
    path("funding/", include("vschool.funding.urls")),
    path("", include("vschool.attendance.urls")),
    path("api/v1/", api_urls()),
    path("alerts/", include("vschool.alerts.urls")),
]

handler400 = "vschool.pages.views.errors.bad_request"
handler404 = "vschool.pages.views.errors.page_not_found"
handler500 = "vschool.pages.views.errors.server_error"
handler403 = "vschool.pages.views.errors.page_not_found"
