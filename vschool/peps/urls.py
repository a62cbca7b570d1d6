from django.urls import path

from vschool.peps import deadlines, document_views, moderation_views, views

app_name = "peps"

urlpatterns = [
    path("peps/", views.queue, name="queue"),
    path("peps/moderation/", moderation_views.moderation, name="moderation"),
    path(
        "peps/moderation/<int:moderation_id>/",
        moderation_views.moderation_grade,
        name="moderation_grade",
    ),
    path("peps/deadlines/", deadlines.deadlines, name="deadlines"),
    path("peps/deadlines/<int:year>/<str:term>/", deadlines.deadline_edit, name="deadline_edit"),
    path("children/<int:pk>/peps/", views.child_peps, name="child"),
    path("children/<int:pk>/peps/start/", views.pep_start, name="start"),
    path("children/<int:pk>/peps/<int:pep_id>/", views.pep_detail, name="detail"),
    path("children/<int:pk>/peps/<int:pep_id>/qa/", views.pep_qa, name="qa"),
    path("children/<int:pk>/peps/<int:pep_id>/regrade/", views.pep_regrade, name="regrade"),
    path("children/<int:pk>/peps/<int:pep_id>/check/", views.pep_check, name="check"),
    path("children/<int:pk>/peps/<int:pep_id>/submitted/", views.pep_submitted, name="submitted"),
    path("children/<int:pk>/peps/<int:pep_id>/pdf/", document_views.pep_document, name="document"),
    path(
        "children/<int:pk>/peps/<int:pep_id>/pdf/blank/",
        document_views.pep_document,
        {"kind": "blank"},
        name="blank_document",
    ),
    path(
        "children/<int:pk>/peps/<int:pep_id>/pdf/views-sheet/",
        document_views.pep_document,
        {"kind": "views-sheet"},
        name="views_sheet",
    ),
    path("children/<int:pk>/peps/<int:pep_id>/<slug:section>/", views.pep_section, name="section"),
    path(
        "children/<int:pk>/peps/<int:pep_id>/<slug:section>/add/",
        views.pep_section_item,
        name="item_add",
    ),
    path(
        "children/<int:pk>/peps/<int:pep_id>/<slug:section>/<int:n>/",
        views.pep_section_item,
        name="item",
    ),
    path(
        "children/<int:pk>/peps/<int:pep_id>/<slug:section>/<int:n>/remove/",
        views.pep_section_item_remove,
        name="item_remove",
    ),
    path(
        "children/<int:pk>/peps/<int:pep_id>/<slug:section>/autosave/",
        views.pep_section_autosave,
        name="autosave",
    ),
]
