"""The scale-out setup the README recommends: two app servers sharing Debian's redis-server as their caches.

One Redis holds security state (rate-limit counts, sign-in lockouts, cache versions) and never
evicts; another holds cached pages and evicts the least recently used. Both servers must see the
same counts and the same versions.
"""

import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
import redis

from tests.deployment.conftest import PASSWORD, Client, Site, free_port

pytestmark = pytest.mark.servers

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
SETUP = """
import json
from tests.factories import make_clinic
from tests.staff_factories import make_member
clinic = make_clinic(name="Redis Harbor Clinic", slug="redis-harbor-clinic")
owner = make_member(clinic, username="redis-harbor-owner", email="owner@redis-harbor.example", password=PASSWORD)
print(json.dumps({"slug": clinic.slug, "owner": owner.email}))
"""
RENAME = """
import json
from clinics.models import Clinic
clinic = Clinic.objects.get(slug="redis-harbor-clinic")
clinic.name = "Redis Harbor Clinic, Renamed"
clinic.save()
print(json.dumps({"name": clinic.name}))
"""


def start_redis(*options: str) -> Iterator[redis.Redis]:
    """A redis-server of its own on a free loopback port, keeping nothing on disk."""
    executable = shutil.which("redis-server")
    assert executable, "redis-server is missing: `make test` installs it (scripts/ensure-redis-server)"
    port = free_port()
    process = subprocess.Popen(
        [executable, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert process.poll() is None, "redis-server exited"
                time.sleep(0.1)
        yield client
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def security_redis() -> Iterator[redis.Redis]:
    yield from start_redis("--maxmemory-policy", "noeviction")


@pytest.fixture(scope="module")
def pages_redis() -> Iterator[redis.Redis]:
    yield from start_redis("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru")


def location(server: redis.Redis) -> str:
    options = server.connection_pool.connection_kwargs
    return f"redis://{options['host']}:{options['port']}/0"


@pytest.fixture(scope="module")
def redis_site(site, security_redis, pages_redis) -> Site:
    """The site's environment with both caches on Redis, for app servers and management commands alike."""
    caches = {
        "CACHE_BACKEND": REDIS_CACHE,
        "CACHE_LOCATION": location(security_redis),
        "PAGE_CACHE_BACKEND": REDIS_CACHE,
        "PAGE_CACHE_LOCATION": location(pages_redis),
    }
    return replace(site, environment={**site.environment, **caches})


@pytest.fixture(scope="module")
def servers(start_server, redis_site) -> tuple[str, str]:
    overrides = {name: value for name, value in redis_site.environment.items() if "CACHE" in name}
    return start_server(**overrides), start_server(**overrides)


@pytest.fixture(scope="module")
def listing(redis_site) -> dict:
    return redis_site.run_python(f"PASSWORD = {PASSWORD!r}\n{SETUP}")


def test_a_rate_limit_counts_requests_to_both_servers_together(servers, listing, security_redis):
    first, second = servers
    visitor = Client()
    report = {"part": "closed", "note": "The clinic closed last month.", "reporter_email": ""}
    for n in range(10):  # the limit: 10 reports an hour from one address
        url = f"{servers[n % 2]}/clinics/{listing['slug']}/report/"
        assert visitor.post(url, {**visitor.form_fields(url), **report}).status == 302, n
    for url in (f"{first}/clinics/{listing['slug']}/report/", f"{second}/clinics/{listing['slug']}/report/"):
        assert visitor.post(url, {**visitor.form_fields(url), **report}).status == 429
    assert security_redis.keys("*ratelimit:report-ip:*")


def test_a_sign_in_lockout_made_through_both_servers_holds_on_each(servers, listing):
    first, second = servers
    attacker = Client()
    for n in range(10):  # ten wrong passwords a minute from one address lock it out of sign-in
        url = f"{servers[n % 2]}/accounts/login/"
        attacker.post(url, {**attacker.form_fields(url), "login": f"guess{n}@redis-harbor.example", "password": "x"})
    for url in (f"{first}/accounts/login/", f"{second}/accounts/login/"):
        response = attacker.post(url, {**attacker.form_fields(url), "login": listing["owner"], "password": PASSWORD})
        assert "Too many failed login attempts" in response.text, url


def test_an_edit_starts_a_new_version_both_servers_see(servers, listing, redis_site, security_redis, pages_redis):
    first, second = servers
    visitor = Client()
    pages = [f"/clinics/{listing['slug']}/", "/clinics/?q=Harbor", "/clinics/tx/"]
    for server in servers:
        for path in pages:  # cached in Redis and in each server's memory
            assert "Redis Harbor Clinic, Renamed" not in visitor.get(f"{server}{path}").text
    assert security_redis.keys("*listings-version*") and not pages_redis.keys("*listings-version*")
    assert pages_redis.keys("*page:*") and not security_redis.keys("*page:*")

    redis_site.run_python(RENAME)  # a change committed by another process: neither server saw it happen

    for server in servers:
        for path in pages:
            assert "Redis Harbor Clinic, Renamed" in visitor.get(f"{server}{path}").text, (server, path)
