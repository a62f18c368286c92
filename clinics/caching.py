"""Work computed from published listings and guides, kept in the shared cache until either changes.

Every entry is stored with the versions of the data it was computed from. Saving or deleting a
clinic, its treatments, conditions, carriers, languages or photos, or the reference data, sets a
new listings version once the transaction commits (a guide, the guides version), so the next
request recomputes. A request that read the old data before the commit stores its result under
the old version, which nobody asks for again. The cache comes from settings (the database by
default), so every app server sees the same versions.

Only what is the same for every visitor goes in: computed data and HTML fragments without forms,
CSRF tokens or anything about the user.
"""

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

LISTINGS = "listings"
GUIDES = "guides"
# Pages show "verified in the last 12 months" and similar; an hour bounds how late that can turn.
TIMEOUT = 60 * 60

T = TypeVar("T")
_batch = threading.local()


def _version_key(name: str) -> str:
    return f"{name}-version"


def cached(key: str, compute: Callable[[], T], *, depends_on: tuple[str, ...] = (LISTINGS,)) -> T:
    """The value under `key` if computed from the current data, else `compute()`, stored for next time.

    One cache round trip on a hit. An exception in `compute` (an Http404, say) is not cached.
    """
    version_keys = [_version_key(name) for name in depends_on]
    found = cache.get_many([*version_keys, key])
    versions = []
    for version_key in version_keys:
        version = found.get(version_key)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(version_key, version, None):
                return compute()  # another process has just started this version: don't guess it
        versions.append(version)
    entry = found.get(key)
    if entry is not None and entry[0] == versions:
        return entry[1]
    value = compute()
    cache.set(key, (versions, value), TIMEOUT)
    return value


def data_changed(name: str) -> None:
    """Start a new version of `name` once the current transaction commits (at once outside one)."""
    if getattr(_batch, "names", None) is not None:
        _batch.names.add(name)
        return
    transaction.on_commit(lambda: cache.set(_version_key(name), uuid.uuid4().hex, None))


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


def start_new_versions() -> None:
    """Make every cached entry stale, e.g. after a deploy that changes templates."""
    for name in (LISTINGS, GUIDES):
        cache.set(_version_key(name), uuid.uuid4().hex, None)
