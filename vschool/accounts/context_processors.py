"""The session timeout warning's timings, for the page frame (accounts/timeout_warning.html)."""

from django.conf import settings


def session_timeout(request):
    return {
        "session_seconds": settings.SESSION_COOKIE_AGE,
        "session_warning_seconds": min(
            settings.VSCHOOL_SESSION_WARNING_SECONDS, settings.SESSION_COOKIE_AGE
        ),
    }
