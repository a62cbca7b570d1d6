from django.urls import path

from vschool.peps import views

app_name = "peps"

urlpatterns = [
    path("children/<int:pk>/peps/", views.child_peps, name="child"),
]
