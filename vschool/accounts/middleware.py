"""Require TOTP two-factor verification for Virtual School staff when the setting is on."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


class TwoFactorRequiredMiddleware:
    """Send staff who have not passed a TOTP check to set up or enter their code.

    Pages marked with `login_not_required`, the two-factor pages themselves and sign-out
    stay reachable, so a user can never be trapped.
    """

    exempt_url_names = {"login", "logout", "two_factor_setup", "two_factor_verify"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.VSCHOOL_REQUIRE_2FA:
            return None
        user = request.user
        if not user.is_authenticated or not user.is_virtual_school_staff:
            return None
        if request.user.is_verified():
            return None
        match = request.resolver_match
        if match and match.namespace == "accounts" and match.url_name in self.exempt_url_names:
            return None
        if not getattr(view_func, "login_required", True):
            return None
        from django_otp import devices_for_user

        has_device = any(True for _ in devices_for_user(user, confirmed=True))
        target = "accounts:two_factor_verify" if has_device else "accounts:two_factor_setup"
        return redirect(f"{reverse(target)}?next={request.get_full_path()}")
