"""Fixed-window rate limits counted in the shared cache, so every app server sees the same counts.

The shared cache must count atomically and keep an entry's expiry on increment: Redis does, and so
does the site's database cache (directory/database_cache.py); Django's own database cache does not.
"""

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The visitor's address, the one every limit on the site counts by (allauth's too, through
    clinics.staff.accounts.AccountAdapter).

    Behind TRUSTED_PROXY_COUNT proxies, each appending the address it saw to X-Forwarded-For, it is
    the one the outermost proxy saw; what a visitor wrote further left is ignored. A header shorter
    than that, or not an address, means the request did not come through them: the connection's.
    """
    if settings.TRUSTED_PROXY_COUNT:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= settings.TRUSTED_PROXY_COUNT:
            try:
                return str(ipaddress.ip_address(forwarded[-settings.TRUSTED_PROXY_COUNT]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR", "")


def allow(scope: str, key: str, *, limit: int, per_seconds: int) -> bool:
    """Count one attempt for `key` in `scope`; False once more than `limit` fall in one window."""
    window = int(time.time() // per_seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no raw addresses in the cache
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    if cache.add(cache_key, 1, timeout=per_seconds):
        return 1 <= limit
    try:
        count = cache.incr(cache_key)  # atomic, and the entry keeps its expiry (directory/database_cache.py)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=per_seconds)
        count = 1
    return count <= limit


def within_limit(scope: str, key: str) -> bool:
    """Count one attempt for `key` against the limit settings.RATE_LIMITS sets for `scope`; False once over it."""
    limit, per_seconds = settings.RATE_LIMITS[scope]
    return allow(scope, key, limit=limit, per_seconds=per_seconds)
