from django.urls import path

from vschool.cohort import views

app_name = "cohort"

urlpatterns = [
    path("children/", views.children, name="children"),
    path("children/add/", views.child_add, name="child_add"),
    path("children/<int:pk>/", views.child_overview, name="child"),
    path("children/<int:pk>/edit/", views.child_edit, name="child_edit"),
    path("children/<int:pk>/care/", views.child_care, name="child_care"),
    path("children/<int:pk>/care/add/", views.episode_edit, name="episode_add"),
    path("children/<int:pk>/care/<int:episode_pk>/edit/", views.episode_edit, name="episode_edit"),
    path("children/<int:pk>/education/", views.child_education, name="child_education"),
    path("children/<int:pk>/education/add/", views.placement_edit, name="placement_add"),
    path(
        "children/<int:pk>/education/<int:placement_pk>/edit/",
        views.placement_edit,
        name="placement_edit",
    ),
    path("schools/", views.schools, name="schools"),
    path("schools/<int:pk>/", views.school_detail, name="school"),
]
