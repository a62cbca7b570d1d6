from django.urls import path

from vschool.pages.views import home, static_pages

app_name = "pages"

urlpatterns = [
    path("", home.home, name="home"),
    path("home/<slug:part>/", home.figures, name="home_figures"),
    path("help/", static_pages.help_page, name="help"),
    path("accessibility/", static_pages.accessibility, name="accessibility"),
    path("privacy/", static_pages.privacy, name="privacy"),
]
