"""Help, accessibility statement and privacy notice: reachable without signing in."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def help_page(request):
    return render(request, "pages/help.html")


@login_not_required
def accessibility(request):
    return render(request, "pages/accessibility.html")


@login_not_required
def privacy(request):
    return render(request, "pages/privacy.html")
