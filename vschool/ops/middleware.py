"""Response headers and the health check: the outermost middleware, before Django's own."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"

# Browser features the service never uses, turned off for every page so an injected
# script or a framed page cannot ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
)


class ResponseHeadersMiddleware:
    """Keep what a signed-in user sees out of every cache, and set the Permissions-Policy.

    Every response to a signed-in user may name a child, and every download is a copy of
    records, so both are sent "no-store": neither the browser's back button after sign-out
    nor a shared proxy keeps them. Static files and public pages keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        download = response.get("Content-Disposition", "").startswith("attachment")
        if download or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response


class HealthCheckMiddleware:
    """Answer `/healthz` with 200 "ok" when the database answers, 503 when it does not.

    It answers before host checking, the HTTPS redirect, sessions and sign-in, so a load
    balancer or container probe can ask by address over plain HTTP; nothing is audited.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            logger.exception("Health check: the database did not answer")
            response = HttpResponse("database unavailable\n", status=503, content_type="text/plain")
        else:
            response = HttpResponse("ok\n", content_type="text/plain")
        add_never_cache_headers(response)
        return response
