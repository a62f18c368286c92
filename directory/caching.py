"""Work computed from published listings and guides, kept in the shared cache until either changes.

Every entry is stored with the versions of the data it was computed from. Saving or deleting a
clinic, its treatments, conditions, carriers, languages or photos, or the reference data, sets a
new listings version once the transaction commits (a guide, the guides version), so the next
request recomputes. A request that read the old data before the commit stores its result under
the old version, which nobody asks for again. The caches come from settings (the database by
default), so every app server sees the same versions. Versions live in the default cache with the
other security state; entries in the "pages" cache, which any visitor can fill with new URLs and
which can therefore never evict a version. Entries are also kept per release of the code,
templates and static files (`release`), so a deploy needs no step to make old pages stale.

Each process also keeps copies of recent entries in its own memory (the "local" cache). A copy is
used only while its versions are the current shared ones, so it is never staler than the shared
entry; it saves moving large pages out of the shared cache on every request. Entries computed by
the many (`cached_many`: a clinic's result card, say) live in a cache of their own, under keys that
can carry their row's own version, and have no copy in the process. A whole page goes to the
shared cache only once a process is asked for it again (`asked_before`): most search pages are
asked for once.

Some data changes with no save: a guide scheduled for later goes live when its time comes. A
version can carry the time of the next such change (see `changes_by_itself`); once that time has
passed, the first request to notice starts a new version.

Only what is the same for every visitor goes in: computed data and HTML without CSRF tokens or
anything about the user (`page_for_everyone` fills the token in per request).
"""

import copy
import functools
import hashlib
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache, caches
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone

LISTINGS = "listings"
GUIDES = "guides"
# The reference data alone (treatments, conditions, carriers, languages): entries computed from one
# listing and the reference data keep to their listing's own version and this one.
REFERENCE = "reference"
# Pages show "confirmed in the last 6 months", "may be out of date" and similar;
# an hour bounds how late that can turn.
TIMEOUT = 60 * 60
# Stands in for the visitor's CSRF token in a page cached for everyone.
CSRF_SLOT = "csrf-token-slot"

T = TypeVar("T")
K = TypeVar("K")
Version = tuple[str, float | None]  # a random id, and when the data next changes by itself (a timestamp)
_batch = threading.local()
_request = threading.local()  # the versions this thread's current request has read
_next_change: dict[str, Callable[[], datetime | None]] = {}
_in_process: dict[str, tuple[list[Version], object]] = {}  # kept_in_process
# The keys of entries this process has computed (`asked_before`): ten times the local cache's entries.
ASKED_KEYS = 10 * settings.CACHES["local"].get("OPTIONS", {}).get("MAX_ENTRIES", 300)
_asked: dict[str, None] = {}


@functools.cache
def release() -> str:
    """A digest of the code, templates and static files this process serves, the libraries pinned,
    and the static files' manifest (the hashed names pages link to).

    Entries are cached under it, so a release that changes any of them renders every page afresh
    by itself, while the one before it (still running during a rolling deploy) keeps its own.
    """
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if manifest and (Path(settings.STATIC_ROOT) / manifest).is_file():
        digest.update((Path(settings.STATIC_ROOT) / manifest).read_bytes())
    base = Path(settings.BASE_DIR)
    folders = [
        *(Path(app.path) for app in apps.get_app_configs() if Path(app.path).parent == base),  # the project's apps
        *(Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])),
        *(Path(folder) for folder in settings.STATICFILES_DIRS),
    ]
    files = {path for folder in folders for path in folder.rglob("*") if path.is_file()}
    files.add(base / "requirements.txt")
    for path in sorted(files):
        if "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(base) if path.is_relative_to(base) else path).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _version_key(name: str) -> str:
    return f"{name}-version"


def changes_by_itself(name: str, next_change: Callable[[], datetime | None]) -> None:
    """Register how to find when the data under `name` next changes without being saved."""
    _next_change[name] = next_change


def _new_version(name: str) -> Version:
    when = _next_change[name]() if name in _next_change else None
    return uuid.uuid4().hex, when.timestamp() if when else None


def _still_current(version: Version) -> bool:
    """False once the data's scheduled change has come (or for a version stored in an older format)."""
    return isinstance(version, tuple) and (version[1] is None or version[1] > timezone.now().timestamp())


def cached(
    key: str,
    compute: Callable[[], T],
    *,
    depends_on: tuple[str, ...] = (LISTINGS,),
    shared: bool = True,
    shared_when_asked_again: bool = False,
) -> T:
    """The value under `key` if computed from the current data, else `compute()`, stored for next time.

    One read of the versions per request (a request reads them once, however many entries it uses)
    when this process holds a current copy; one more for the shared entry when it does not. With
    `shared=False` the value is kept in this process only: for what takes little to compute but is
    needed on every request, where a read of the shared cache on a miss would cost what it saves.
    With `shared_when_asked_again`, the value goes to the shared cache only when this process
    computes it a second time (see `asked_before`). An exception in `compute` (an Http404, say) is
    not cached.
    """
    key = f"{key}:{release()}"
    local = caches["local"]
    held = local.get(key)
    versions = _current_versions(depends_on)
    if versions is None:
        return compute()  # another process has just started a version: don't guess it
    if held and held[0] == versions:
        return held[1]
    entry = caches["pages"].get(key) if shared else None
    if entry is None or entry[0] != versions:
        entry = (versions, compute())
        if shared and (not shared_when_asked_again or asked_before(key)):
            caches["pages"].set(key, entry, TIMEOUT)
    local.set(key, entry, TIMEOUT)
    return entry[1]


def asked_before(key: str) -> bool:
    """Whether this process has computed the entry under `key` before (among its last ASKED_KEYS).

    Most search pages are asked for once: a ZIP code and filters no one else combines. Storing each
    in the shared cache cost a tenth of a new search's time (pickling, compressing, writing) for an
    entry no one would read. A page asked for again, after its copy in this process has gone (its
    data changed, or newer pages pushed it out), is worth sharing: other processes then render it
    once fewer each.
    """
    if key in _asked:
        return True
    if len(_asked) >= ASKED_KEYS:
        _asked.clear()
    _asked[key] = None
    return False


def kept_in_process(key: str, compute: Callable[[], T], *, depends_on: tuple[str, ...]) -> T:
    """`compute()`, kept in this process's memory while the data it depends on keeps its versions.

    For large data that many requests read, such as every ZIP code: the "local" cache pickles what it
    stores and unpickles it on every read, which for that much data would cost more than a query.
    """
    versions = _current_versions(depends_on)
    if versions is None:
        return compute()  # another process has just started a version: don't guess it
    held = _in_process.get(key)
    if held is None or held[0] != versions:
        held = _in_process[key] = (versions, compute())
    return held[1]


def cached_many(
    keys: dict[K, str],
    compute: Callable[[list[K]], dict[K, T]],
    *,
    depends_on: tuple[str, ...],
    alias: str,
    timeout: int,
) -> dict[K, T]:
    """`cached` for many entries at once, each item under its own key (which can carry the version of
    the row it is computed from): one read of the `alias` cache for them all, and one `compute` for
    the items it holds no current entry of (it returns a value for each item it can), stored
    together. No copy is kept in this process: there are too many entries for its memory.
    """
    versions = _current_versions(depends_on)
    if versions is None:
        return compute(list(keys))  # another process has just started a version: don't guess it
    full = {item: f"{key}:{release()}" for item, key in keys.items()}
    store = caches[alias]
    held = store.get_many(list(full.values()))
    found = {item: held[key][1] for item, key in full.items() if key in held and held[key][0] == versions}
    if missing := [item for item in keys if item not in found]:
        computed = compute(missing)
        store.set_many({full[item]: (versions, value) for item, value in computed.items()}, timeout)
        found.update(computed)
    return found


def _current_versions(names: tuple[str, ...]) -> list[Version] | None:
    """The current version of each name: from this request's earlier reads, else the shared cache
    (starting a version where there is none, or where its scheduled change has come). A request
    reads every version at its first need of one: many pages need two or three."""
    seen = getattr(_request, "versions", None)
    if seen is None:
        seen, to_read = {}, names  # outside a request, every call reads afresh
    else:
        to_read = tuple(dict.fromkeys([*names, LISTINGS, GUIDES, REFERENCE]))
    unread = [name for name in to_read if name not in seen]
    found = cache.get_many([_version_key(name) for name in unread]) if unread else {}
    for name in unread:
        version = found.get(_version_key(name))
        if version is not None and not _still_current(version):
            version = _new_version(name)
            cache.set(_version_key(name), version, None)
        elif version is None:
            version = _new_version(name)
            if not cache.add(_version_key(name), version, None):
                continue  # another process has just started it: read it afresh when it is needed
        seen[name] = version
    if any(name not in seen for name in names):
        return None
    return [seen[name] for name in names]


def _request_started(**kwargs) -> None:
    _request.versions = {}


def _request_finished(**kwargs) -> None:
    _request.versions = None


request_started.connect(_request_started, dispatch_uid="directory.caching.request_started")
request_finished.connect(_request_finished, dispatch_uid="directory.caching.request_finished")


def shared_page(request: HttpRequest, parameters: tuple[str, ...]) -> bool:
    """Whether `page_for_everyone` keeps this request's page in the shared cache: an anonymous
    visitor with no message waiting, on a URL with no query parameter but `parameters`."""
    return not (
        request.user.is_authenticated or len(messages.get_messages(request)) or set(request.GET) - set(parameters)
    )


def page_for_everyone(
    request: HttpRequest,
    template: str,
    context: Callable[[], dict],
    *,
    depends_on: tuple[str, ...] = (LISTINGS,),
    parameters: tuple[str, ...] = (),
) -> str:
    """The page's HTML, cached whole for anonymous visitors: it must depend only on its URL and the data.

    Each URL is cached apart, but only with the query `parameters` the page reads, so made-up ones
    cannot fill the cache. The page is shared with other processes once this one is asked for it
    again; until then the copy in this process serves it. A signed-in member, a visitor with a
    message waiting or a URL with another parameter gets the page rendered for them. Either way any
    form's CSRF token is this visitor's own, filled in after rendering.
    """

    def render() -> str:
        return render_to_string(template, {**context(), "csrf_token": CSRF_SLOT}, request=request)

    if shared_page(request, parameters):
        page = url_key("page", reading_only(request, parameters))
        html = cached(page, render, depends_on=depends_on, shared_when_asked_again=True)
    else:
        html = render()
    return html.replace(CSRF_SLOT, get_token(request)) if CSRF_SLOT in html else html


def reading_only(request: HttpRequest, parameters: tuple[str, ...]) -> HttpRequest:
    """The request as a page that reads only the query `parameters` sees it: the others dropped.
    Parts computed from it are the same for every URL that differs only in what the page ignores,
    so they are cached once, and their links carry nothing another visitor made up.
    """
    reading = copy.copy(request)
    reading.GET = QueryDict(mutable=True)
    for name in [name for name in request.GET if name in parameters]:
        reading.GET.setlist(name, request.GET.getlist(name))
    reading.GET._mutable = False
    reading.META = {**request.META, "QUERY_STRING": reading.GET.urlencode()}  # what get_full_path() reads
    return reading


def url_key(name: str, request: HttpRequest) -> str:
    """A cache key for `name` computed for this path and query string: the whole page, or a part of it.

    Pass the request through `reading_only` first, so that parameters the page ignores make no new key.
    """
    return f"{name}:" + hashlib.sha256(f"{request.path}?{request.GET.urlencode()}".encode()).hexdigest()


def data_changed(name: str) -> None:
    """Start a new version of `name` once the current transaction commits (at once outside one)."""
    if getattr(_batch, "names", None) is not None:
        _batch.names.add(name)
        return
    transaction.on_commit(lambda: _start_version(name))


def _start_version(name: str) -> None:
    cache.set(_version_key(name), _new_version(name), None)
    if getattr(_request, "versions", None) is not None:
        _request.versions.pop(name, None)  # the rest of this request reads the new one


@contextmanager
def one_version_for_many_changes() -> Iterator[None]:
    """Bulk loads and mass deletes: start each new version once at the end, not once per row."""
    _batch.names = set()
    try:
        yield
    finally:
        names, _batch.names = _batch.names, None
        for name in names:
            data_changed(name)


def listings_changed(**kwargs) -> None:
    """Signal receiver (and plain call after a QuerySet.update) for any change to published listings."""
    data_changed(LISTINGS)


def guides_changed(**kwargs) -> None:
    data_changed(GUIDES)


def reference_changed(**kwargs) -> None:
    data_changed(REFERENCE)


def start_new_versions() -> None:
    """Make every cached entry stale, e.g. after a deploy that changes templates."""
    for name in (LISTINGS, GUIDES, REFERENCE):
        _start_version(name)
