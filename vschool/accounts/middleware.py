"""Ask for a TOTP code once per sign-in from everyone where two-factor is required, and from
anyone who has set up an app."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from vschool.accounts import two_factor


class TwoFactorRequiredMiddleware:
    """Send users who have not passed a TOTP check this session to set up or enter their code.

    Every user must use an app when `VSCHOOL_REQUIRE_2FA` is on (the default outside demo
    mode); setting one up then needs an enrolment link (`accounts.views.enrol`). Where it
    is off, anyone who chose to set one up is asked for its code too, or setting it up
    would protect nothing.
    Pages marked with `login_not_required`, the two-factor pages themselves and sign-out
    stay reachable, so a user can never be trapped.
    """

    # keep_alive too: "Stay signed in" during set-up must not be taken for an ended session.
    exempt_url_names = {"login", "logout", "two_factor_setup", "two_factor_verify", "keep_alive"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match and match.namespace == "accounts" and match.url_name in self.exempt_url_names:
            return None
        if not getattr(view_func, "login_required", True):
            return None
        if settings.VSCHOOL_REQUIRE_2FA:
            has_app = two_factor.has_app(user)
        elif request.session.get(two_factor.HAS_APP_SESSION_KEY):
            has_app = True
        else:
            return None
        target = "accounts:two_factor_verify" if has_app else "accounts:two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
