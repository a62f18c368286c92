"""Uploaded files (logos, photos, guide images) served by the app, only to those who may see them.

Every app that stores uploads registers a rule for its files in its AppConfig.ready(). A rule
looks at a stored file's name and the request and says PUBLIC (anyone, cached for a year: names
are never reused), PRIVATE (only this signed-in user, never cached: a photo waiting for review,
shown to its clinic's staff and to editors) or None (not its file, or not for this user). A file
no rule claims is a 404, so a pending photo never reaches the public even if its name leaks.
"""

import mimetypes
from collections.abc import Callable
from enum import Enum

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

PUBLIC_MAX_AGE = 365 * 24 * 3600


class Visibility(Enum):
    PUBLIC = "public"
    PRIVATE = "private"


MediaRule = Callable[[HttpRequest, str], Visibility | None]
_rules: list[MediaRule] = []


def register_media_rule(rule: MediaRule) -> None:
    if rule not in _rules:
        _rules.append(rule)


def visibility(request: HttpRequest, name: str) -> Visibility | None:
    for rule in _rules:
        seen = rule(request, name)
        if seen is not None:
            return seen
    return None


@require_safe
def serve_media(request: HttpRequest, path: str) -> FileResponse:
    """A stored upload with long cache headers when it is public; 404 for anything not shown to this visitor."""
    seen = visibility(request, path)
    if seen is None:
        raise Http404("No such image.")
    try:
        stored = default_storage.open(path)
    except (FileNotFoundError, SuspiciousFileOperation):
        raise Http404("No such image.") from None
    response = FileResponse(stored, content_type=mimetypes.guess_type(path)[0] or "application/octet-stream")
    if seen is Visibility.PUBLIC:
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}, immutable"
    else:
        response["Cache-Control"] = "private, no-store"
    return response
