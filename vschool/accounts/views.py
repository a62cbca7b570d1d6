"""Sign in and out, two-factor authentication, the user's account and the audit log."""

from urllib.parse import urlencode

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vschool.accounts import two_factor
from vschool.accounts.exports import audit_csv
from vschool.accounts.forms import (
    AuditFilterForm,
    GovukPasswordChangeForm,
    RecoveryCodeForm,
    SignInForm,
    TotpCodeForm,
)
from vschool.accounts.models import Role
from vschool.accounts.presenters import (
    AuditEntryPresenter,
    audit_filters,
    wait_text,
)
from vschool.accounts.selectors import audit_entries_filtered
from vschool.audit.models import AuditEntry
from vschool.audit.seen import shows
from vschool.audit.services import audit_record
from vschool.kit.pagination import page_extent, pagination

AUDIT_PAGE_SIZE = 50


class SignInView(LoginView):
    """Django's sign-in; its form passes `request` to authenticate, which django-axes needs."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    # The demo signs in one person per role, each with the role's name as username.
    extra_context = {"demo_roles": Role.choices}

    def form_valid(self, form):
        response = super().form_valid(form)
        two_factor.remember_app_at_sign_in(self.request)
        return response


@login_not_required
@require_POST
def sign_out(request):
    """Sign out by POST only, so a link or prefetch cannot end someone's session."""
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """Tell a locked-out user how long to wait; an unknown username gets the same page."""
    wait = get_cool_off(request)
    response = render(request, "accounts/locked_out.html", {"wait": wait_text(wait)}, status=429)
    if wait:
        response["Retry-After"] = str(int(wait.total_seconds()))
    return response


def _next_url(request: HttpRequest) -> str:
    """Return `next` if it stays on this site, otherwise the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


@never_cache
def two_factor_setup(request):
    """Confirm a new authenticator app, then show the recovery codes once."""
    user = request.user
    if two_factor.has_app(user) and not user.is_verified():
        # Replacing the app must need the old one, or a stolen password would be enough.
        return redirect(_with_next("accounts:two_factor_verify", request.get_full_path()))
    device = two_factor.pending_app(user)
    form = TotpCodeForm(request.POST or None)
    if form.is_valid():
        try:
            codes = two_factor.confirm_app(
                request=request, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            return render(
                request,
                "accounts/two_factor_recovery_codes.html",
                {
                    "codes": codes,
                    "continue_url": _with_next("accounts:two_factor_done", _next_url(request)),
                },
            )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_text(device),
            "next": _next_url(request),
        },
    )


def two_factor_done(request):
    """Confirm the set-up, then send the user on to the page they were going to."""
    if not request.user.is_verified():
        return redirect(_with_next("accounts:two_factor_setup", _next_url(request)))
    return render(request, "accounts/two_factor_done.html", {"next": _next_url(request)})


@never_cache
def two_factor_verify(request):
    """Ask for the app's code, or a recovery code, once per sign-in."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not two_factor.has_app(request.user):
        return redirect(_with_next("accounts:two_factor_setup", _next_url(request)))
    code_form = TotpCodeForm(request.POST if "code" in request.POST else None)
    recovery_form = RecoveryCodeForm(request.POST if "recovery_code" in request.POST else None)
    if code_form.is_valid():
        try:
            two_factor.check_code(request=request, code=code_form.cleaned_data["code"])
        except ValidationError as error:
            code_form.add_error("code", error)
        else:
            return redirect(_next_url(request))
    if recovery_form.is_valid():
        try:
            left = two_factor.check_recovery_code(
                request=request, code=recovery_form.cleaned_data["recovery_code"]
            )
        except ValidationError as error:
            recovery_form.add_error("recovery_code", error)
        else:
            messages.info(
                request,
                f"You used a recovery code. You have {left} left: set up "
                "two-factor authentication again to get new ones.",
            )
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {
            "code_form": code_form,
            "recovery_form": recovery_form,
            "next": _next_url(request),
        },
    )


def account(request):
    return render(request, "accounts/account.html", {"two_factor": two_factor.status(request.user)})


class PasswordChange(PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = GovukPasswordChangeForm
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            user=self.request.user,
            action=AuditEntry.Action.CHANGED,
            obj=self.request.user,
            request=self.request,
            summary="Changed their password",
        )
        messages.success(self.request, "Your password has been changed")
        return response


def audit_log(request):
    """Who saw or changed what: filtered, paginated and downloadable, and downloads are logged."""
    if not request.user.may_read_audit_log:
        raise Http404
    form = AuditFilterForm(request.GET)
    form.is_valid()  # filter by the fields that are valid; the others show their errors
    entries = audit_entries_filtered(form.cleaned_data)
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    if request.GET.get("format") == "csv":
        shows(
            request,
            f"Downloaded the audit log (CSV) with filters: {params.urlencode() or 'none'}",
            action=AuditEntry.Action.EXPORTED,
        )
        return audit_csv(entries, f"audit-log-{timezone.localdate().isoformat()}")
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    csv_params = params.copy()
    csv_params["format"] = "csv"
    # The log names children by reference and says who looked at them: reading it is recorded.
    shows(
        request,
        f"The audit log: {page_extent(page, 'entries')}, filters: {params.urlencode() or 'none'}",
    )
    return render(
        request,
        "accounts/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": [AuditEntryPresenter(entry) for entry in page.object_list],
            "pagination": pagination(page, params),
            "selected_filters": audit_filters(form, params),
            "csv_url": f"?{csv_params.urlencode()}",
        },
    )
