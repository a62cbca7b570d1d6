"""Sign in and out, two-factor authentication and enrolment links, the user's account, the
head's user management and the audit log."""

from urllib.parse import urlencode

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vschool.accounts import two_factor
from vschool.accounts.demo_accounts import demo_password_refused
from vschool.accounts.exports import audit_csv
from vschool.accounts.forms import (
    AuditFilterForm,
    EnrolPasswordForm,
    GovukPasswordChangeForm,
    GovukSetPasswordForm,
    RecoveryCodeForm,
    SignInForm,
    TotpCodeForm,
    UserForm,
)
from vschool.accounts.models import Role
from vschool.accounts.presenters import (
    AuditEntryPresenter,
    audit_filters,
    wait_text,
)
from vschool.accounts.selectors import audit_entries_filtered, users_for_management
from vschool.accounts.services import (
    enrolment_link_create,
    enrolment_link_open,
    enrolment_link_send,
    enrolment_link_use,
    user_create,
    user_set_active,
)
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

    def form_invalid(self, form):
        if form.has_error(NON_FIELD_ERRORS, "demo_refused"):
            audit_record(
                user=form.get_user(),
                action=AuditEntry.Action.SIGN_IN_FAILED,
                request=self.request,
                summary="Refused a demonstration sign-in outside demo mode",
            )
        return super().form_invalid(form)


@login_not_required
@require_POST
def sign_out(request):
    """Sign out by POST only, so a link or prefetch cannot end someone's session.

    The timeout warning posts `timed_out` when nobody answered it; the sign-in page says why.
    """
    logout(request)
    if request.POST.get("timed_out"):
        minutes = settings.SESSION_COOKIE_AGE // 60
        messages.info(
            request,
            f"You were signed out because you had not done anything for {minutes} "
            f"minute{'' if minutes == 1 else 's'}. "
            "Sign in again to continue",
        )
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
    """Confirm a new authenticator app, then show the recovery codes once.

    Setting up needs the current app, or an enrolment link followed this session: a stolen
    password alone must not be enough to add or replace an app. Where two-factor is not
    required, the password alone already opens everything, so it may set one up too.
    """
    user = request.user
    if not (user.is_verified() or two_factor.enrolling(request)):
        if two_factor.has_app(user):
            return redirect(_with_next("accounts:two_factor_verify", request.get_full_path()))
        if settings.VSCHOOL_REQUIRE_2FA:
            return render(
                request,
                "accounts/two_factor_needs_link.html",
                {"link_days": settings.VSCHOOL_ENROLMENT_LINK_DAYS},
                status=403,
            )
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


@login_not_required
@never_cache
def enrol(request, token):
    """Follow an enrolment link: enter your password (or choose a first one), then set up an app.

    The link is used up once the password step succeeds; the session then may set up an app.
    A wrong password counts towards the sign-in lockout like any other.
    """
    link = enrolment_link_open(token)
    if link is None:
        return render(request, "accounts/enrol_invalid.html", status=410)
    user = link.user
    first_password = not user.has_usable_password()
    data = request.POST if request.method == "POST" else None
    form = GovukSetPasswordForm(user, data) if first_password else EnrolPasswordForm(data)
    if form.is_valid():
        signed_in = user if first_password else _check_password(request, form, user)
        if signed_in is not None:
            if not enrolment_link_use(link):
                return render(request, "accounts/enrol_invalid.html", status=410)
            if first_password:
                form.save()
            login(request, signed_in, backend="django.contrib.auth.backends.ModelBackend")
            two_factor.remember_app_at_sign_in(request)
            two_factor.start_enrolment(request)
            return redirect("accounts:two_factor_setup")
    return render(
        request,
        "accounts/enrol.html",
        {"form": form, "enrolling_user": user, "first_password": first_password},
    )


def _check_password(request, form, user):
    """Authenticate through the backends (so django-axes counts a wrong password)."""
    password = form.cleaned_data["password"]
    signed_in = authenticate(request, username=user.get_username(), password=password)
    if signed_in is None or signed_in.pk != user.pk:
        form.add_error("password", "Your password is not correct")
        return None
    if demo_password_refused(password):
        form.add_error("password", SignInForm.error_messages["demo_refused"])
        return None
    return signed_in


@never_cache
def keep_alive(request):
    """Answer "Stay signed in": any request restarts the session's clock (SESSION_SAVE_EVERY_REQUEST)."""
    return HttpResponse(status=204)


def account(request):
    return render(request, "accounts/account.html", {"two_factor": two_factor.status(request.user)})


def _managed_user(request, pk):
    if not request.user.may_manage_users:
        raise Http404
    return get_object_or_404(users_for_management(), pk=pk)


def users(request):
    """Everyone who may sign in, with whether they have set up two-factor authentication."""
    if not request.user.may_manage_users:
        raise Http404
    return render(request, "accounts/users.html", {"users": users_for_management()})


def user_add(request):
    """Add a user; they set their own password and app through an enrolment link."""
    if not request.user.may_manage_users:
        raise Http404
    form = UserForm(request.POST or None)
    if form.is_valid():
        user = user_create(by=request.user, request=request, **form.cleaned_data)
        messages.success(
            request, f"{user} has been added. Now give them a link to set up their sign-in"
        )
        return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/user_add.html", {"form": form})


def user_detail(request, pk):
    managed = _managed_user(request, pk)
    return render(
        request,
        "accounts/user.html",
        {"managed": managed, "link_days": settings.VSCHOOL_ENROLMENT_LINK_DAYS},
    )


@require_POST
@never_cache
def user_link(request, pk):
    """Give a user a new enrolment link: e-mailed to them, or shown once to hand over."""
    managed = _managed_user(request, pk)
    if request.POST.get("how") == "email" and managed.email:
        enrolment_link_send(by=request.user, request=request, user=managed)
        messages.success(
            request, f"A link to set up their sign-in has been sent to {managed.email}"
        )
        return redirect("accounts:user", pk=managed.pk)
    address = enrolment_link_create(by=request.user, request=request, user=managed)
    return render(
        request,
        "accounts/user_link.html",
        {"managed": managed, "address": address, "link_days": settings.VSCHOOL_ENROLMENT_LINK_DAYS},
    )


@require_POST
def user_access(request, pk):
    """Deactivate a user (a leaver, or a demo user outside demo mode) or reactivate them."""
    managed = _managed_user(request, pk)
    if managed.pk == request.user.pk:
        raise Http404
    active = not managed.is_active
    user_set_active(by=request.user, request=request, user=managed, active=active)
    state = "reactivated: they can sign in again" if active else "deactivated: they cannot sign in"
    messages.success(request, f"{managed} has been {state}")
    return redirect("accounts:user", pk=managed.pk)


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
