from django.urls import path

from vschool.calendar import views

app_name = "calendar"

urlpatterns = [
    path("term-dates/", views.term_dates, name="term_dates"),
    path("term-dates/<int:year>/<str:term>/", views.term_dates_edit, name="term_dates_edit"),
]
