"""Rate limits count every attempt, for the whole length of their window, on every app server."""

import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connections

from directory.ratelimit import allow, within_limit
from tests.factories import make_clinic
from tests.staff_factories import make_verified_user

AN_HOUR = 60 * 60
A_DAY = 24 * AN_HOUR
PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def clock():
    """A clock that stands still at the start of a day (so no window ends in a test by chance) until moved."""
    start = datetime.fromtimestamp((datetime.now(UTC).timestamp() // A_DAY + 1) * A_DAY + 1, UTC)
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
def test_an_hour_long_window_still_counts_after_five_quiet_minutes(clock):
    assert all(allow("test-hourly", "203.0.113.5", limit=5, per_seconds=AN_HOUR) for _ in range(5))
    clock.shift(301)  # past the cache's default timeout of 300 s
    assert not allow("test-hourly", "203.0.113.5", limit=5, per_seconds=AN_HOUR)
    clock.shift(50 * 60)
    assert not allow("test-hourly", "203.0.113.5", limit=5, per_seconds=AN_HOUR)


@pytest.mark.django_db
def test_within_limit_counts_by_the_limit_the_settings_give_its_scope(clock, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "test-scope": (2, AN_HOUR)}
    assert within_limit("test-scope", "203.0.113.9")
    assert within_limit("test-scope", "203.0.113.9")
    assert not within_limit("test-scope", "203.0.113.9")
    assert within_limit("test-scope", "203.0.113.10")  # every key has its own count
    clock.shift(AN_HOUR)
    assert within_limit("test-scope", "203.0.113.9")


@pytest.mark.django_db
def test_a_day_long_window_still_counts_after_twenty_three_hours(clock):
    assert all(allow("test-daily", "owner-1", limit=3, per_seconds=A_DAY) for _ in range(3))
    clock.shift(23 * AN_HOUR - 2)
    assert not allow("test-daily", "owner-1", limit=3, per_seconds=A_DAY)


@pytest.mark.django_db
def test_a_new_window_starts_afresh(clock):
    assert all(allow("test-hourly", "203.0.113.5", limit=2, per_seconds=AN_HOUR) for _ in range(2))
    assert not allow("test-hourly", "203.0.113.5", limit=2, per_seconds=AN_HOUR)
    clock.shift(AN_HOUR)
    assert allow("test-hourly", "203.0.113.5", limit=2, per_seconds=AN_HOUR)


@pytest.mark.django_db
def test_addresses_are_counted_apart():
    assert allow("test-hourly", "203.0.113.5", limit=1, per_seconds=AN_HOUR)
    assert not allow("test-hourly", "203.0.113.5", limit=1, per_seconds=AN_HOUR)
    assert allow("test-hourly", "198.51.100.7", limit=1, per_seconds=AN_HOUR)


@pytest.mark.django_db(transaction=True)
def test_attempts_made_at_the_same_moment_are_each_counted():
    """Eight requests at once, each on its own database connection, as from eight app server workers."""
    threads, attempts, limit = 8, 5, 25
    start = threading.Barrier(threads)
    answers: list[bool] = []

    def attempt() -> None:
        try:
            start.wait()
            for _ in range(attempts):
                answers.append(allow("test-burst", "203.0.113.5", limit=limit, per_seconds=AN_HOUR))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=attempt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert answers.count(True) == limit
    assert answers.count(False) == threads * attempts - limit


@pytest.mark.django_db
def test_filling_the_page_cache_never_evicts_a_sign_in_lockout_or_a_rate_limit_count(client, settings):
    settings.CACHES = {  # a small database cache, full after a few pages
        alias: {**config, "OPTIONS": {**config.get("OPTIONS", {}), "MAX_ENTRIES": 20}}
        if config["BACKEND"].endswith("DatabaseCache")
        else config
        for alias, config in settings.CACHES.items()
    }
    make_clinic(name="Harbor Infusion Clinic")
    make_verified_user(email="owner@clinic.example", password=PASSWORD)
    for _ in range(5):
        client.post("/accounts/login/", {"login": "owner@clinic.example", "password": "wrong"})
    assert not allow("test-hourly", "203.0.113.5", limit=0, per_seconds=AN_HOUR)

    for n in range(60):
        assert client.get("/clinics/", {"q": f"harbor {n}"}).status_code == 200

    response = client.post("/accounts/login/", {"login": "owner@clinic.example", "password": PASSWORD})
    assert b"Too many failed login attempts" in response.content
    assert not allow("test-hourly", "203.0.113.5", limit=1, per_seconds=AN_HOUR)  # the second attempt
