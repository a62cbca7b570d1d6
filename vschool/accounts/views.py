"""Sign in and out, two-factor authentication, the user's account and the audit log."""

from django.contrib.auth import logout
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from vschool.accounts.forms import SignInForm


class SignInView(LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True




@require_POST
def sign_out(request):
    logout(request)
    return redirect("accounts:login")


def locked_out(request, credentials, *args, **kwargs) -> HttpResponse:
    """Tell a locked-out user how long to wait, the same for unknown usernames."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


class PasswordChange(PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")


def account(request):
    return render(request, "accounts/account.html")


def two_factor_setup(request):
    return render(request, "accounts/account.html")


def two_factor_verify(request):
    return render(request, "accounts/account.html")


def audit_log(request):
    return render(request, "accounts/account.html")
