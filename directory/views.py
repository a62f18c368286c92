"""Error views that must work when most of the site does not."""

import sys

from django.http import HttpRequest, HttpResponse
from django.views.defaults import server_error as django_server_error

from directory.middleware import DATABASE_UNAVAILABLE, database_unavailable_response


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, or the 503 page when the error was a lost database outside a view (e.g. a session save)."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable_response(request)
    return django_server_error(request)
