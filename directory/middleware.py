"""Site-wide middleware: the Content-Security-Policy, request body limits, editors' time zones, and a
friendly page when the database is down."""

import functools
import logging
import zoneinfo
from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import timezone

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, with inline styles (never scripts) allowed under the admin's prefix.

    Django's admin (a change list without actions) and django-simple-history's history pages
    write inline `style` attributes and `<style>` blocks we do not own. Inline CSS cannot run
    code, and the admin is for signed-in editors only, so forking those templates is not worth it.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(settings.CSP_ADMIN_PREFIX):
            parts.update = {**(parts.update or {}), "style-src": ["'unsafe-inline'"]}
        return parts


EDITOR_TIMEZONE_COOKIE = "editor_tz"  # set by static/js/admin_timezone.js


@functools.cache
def _time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class EditorTimezoneMiddleware:
    """Staff see times in their own browser's time zone, which the admin's script stores in a cookie.

    `request.editor_timezone` holds it (None for everyone else) for any page that shows staff a time;
    under the admin's prefix it is also the active time zone. Elsewhere it is not activated: parts of
    public pages are cached for every visitor and must not be rendered in one editor's time zone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        name = request.COOKIES.get(EDITOR_TIMEZONE_COOKIE, "")
        staff = name in _time_zone_names() and request.user.is_staff
        request.editor_timezone = zoneinfo.ZoneInfo(name) if staff else None
        if request.editor_timezone and request.path_info.startswith(settings.CSP_ADMIN_PREFIX):
            with timezone.override(request.editor_timezone):
                return self.get_response(request)
        return self.get_response(request)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: rendered without the request, since sessions and users need the database."""
    response = HttpResponse(
        render_to_string("503.html", {"was_post": request.method == "POST"}),
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection in a view into the 503 page, never a traceback.

    Django checks a pooled connection's health at the start of each request (CONN_HEALTH_CHECKS),
    so once the database is back the next request simply reconnects.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        # The exception's text names the server, never what the visitor sent.
        logger.error("Database unavailable during %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)


def request_body_limit(max_bytes: int) -> Callable:
    """Let a view take request bodies up to `max_bytes` instead of REQUEST_BODY_MAX_BYTES."""

    def decorator(view: Callable) -> Callable:
        view.request_body_max_bytes = max_bytes
        return view

    return decorator


def request_body_max_bytes(path: str) -> int:
    """The largest body the route at `path` takes: its view's own limit, the admin's, or the default."""
    try:
        match = resolve(path)
    except Resolver404:
        return settings.REQUEST_BODY_MAX_BYTES
    if limit := getattr(match.func, "request_body_max_bytes", None):
        return limit
    if "admin" in match.app_names:
        return settings.ADMIN_REQUEST_BODY_MAX_BYTES
    return settings.REQUEST_BODY_MAX_BYTES


class RequestBodyLimitMiddleware:
    """Refuse a body larger than its route takes with a 413 page, from Content-Length, before any is read.

    Django reads no more than Content-Length says, and nothing without one, so the check caps
    streamed bodies too. Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves file uploads out, which would
    otherwise be spooled to disk however large they are.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django then reads nothing
        if length and length > request_body_max_bytes(request.path_info):  # most requests have no body
            return HttpResponse(render_to_string("413.html"), status=413)
        return self.get_response(request)
