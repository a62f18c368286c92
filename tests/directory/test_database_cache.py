"""The database cache's one-statement set: it stores, replaces and expires like Django's, compresses
large values, and still culls."""

import pytest
from django.core.management import call_command
from django.db import connection

from directory.database_cache import CULL_CHECK_AT_LEAST_EVERY, DatabaseCache

pytestmark = pytest.mark.django_db


def page_cache(max_entries: int = 300) -> DatabaseCache:
    return DatabaseCache("django_page_cache", {"OPTIONS": {"MAX_ENTRIES": max_entries}})


def rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_page_cache")
        return cursor.fetchone()[0]


def test_a_set_stores_replaces_and_expires_a_value(django_assert_num_queries):
    cache = page_cache()
    with django_assert_num_queries(1):
        cache.set("page", {"html": "<p>first</p>"}, 60)
    cache.set("page", {"html": "<p>second</p>"}, 60)
    assert cache.get("page") == {"html": "<p>second</p>"}
    cache.set("forever", 1, None)
    cache.set("gone", 1, 0)  # Django's "expire at once"
    assert cache.get("forever") == 1
    assert cache.get("gone") is None


def test_the_rows_are_counted_and_culled_once_every_so_many_sets_of_the_process():
    # Django makes a cache object per thread: the sets of both count towards the same look.
    caches = [page_cache(max_entries=10), page_cache(max_entries=10)]
    for n in range(CULL_CHECK_AT_LEAST_EVERY - 1):
        caches[n % 2].set(f"page-{n}", n, 60)
    assert rows() == CULL_CHECK_AT_LEAST_EVERY - 1  # not counted yet: over the limit for a while
    cache = caches[0]
    cache.set("one-more", 1, 60)
    assert rows() < CULL_CHECK_AT_LEAST_EVERY * 3 // 4  # Django's cull: the expired rows, then a third of the rest
    assert cache.get("one-more") == 1


def test_a_large_value_is_stored_compressed_and_read_back_whole():
    cache = page_cache()
    html = "<article class='card'>Willow Ketamine Center</article>\n" * 1000  # about 54 KB, like a search page
    cache.set("large", {"html": html}, 60)
    cache.set("small", "<p>short</p>", 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, length(value) FROM django_page_cache")
        stored = {key.rsplit(":", 1)[-1]: length for key, length in cursor.fetchall()}
    assert stored["large"] < len(html) // 10
    assert cache.get_many(["large", "small"]) == {"large": {"html": html}, "small": "<p>short</p>"}


def test_set_many_stores_every_entry_in_one_statement(django_assert_num_queries):
    cache = page_cache()
    with django_assert_num_queries(1):
        assert cache.set_many({"card-1": "<article>1</article>", "card-2": "<article>2</article>"}, 60) == []
    assert cache.get_many(["card-1", "card-2", "card-3"]) == {
        "card-1": "<article>1</article>",
        "card-2": "<article>2</article>",
    }


def test_a_large_cache_is_counted_once_every_hundredth_of_its_limit():
    assert page_cache(max_entries=300000).cull_check_every == 3000
    assert page_cache(max_entries=2000).cull_check_every == CULL_CHECK_AT_LEAST_EVERY


def persistence(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE oid = to_regclass(%s)", [table])
        return cursor.fetchone()[0]


def test_the_page_and_card_tables_are_unlogged_and_security_state_is_not():
    # The test database's cache tables were made by createcachetable, as on a new site.
    assert persistence("django_page_cache") == "u"
    assert persistence("django_card_cache") == "u"
    assert persistence("django_cache") == "p"


def test_createcachetable_makes_an_older_logged_page_table_unlogged_and_keeps_its_rows():
    page_cache().set("kept", 1, 60)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE django_page_cache SET LOGGED")
    call_command("createcachetable", verbosity=0)
    assert persistence("django_page_cache") == "u"
    assert page_cache().get("kept") == 1


def test_a_cull_removes_the_entries_nearest_to_expiring_first():
    # The older entries' keys sort last, so a cull in key order (Django's) would keep them all.
    cache = page_cache(max_entries=10)
    DatabaseCache.sets_since_cull_check.clear()
    cache.set_many({f"z-older-{n}": n for n in range(10)}, 60)
    cache.set_many({f"a-newer-{n}": n for n in range(CULL_CHECK_AT_LEAST_EVERY - 11)}, 600)
    cache.set("a-newer-last", 1, 600)  # the set that looks at the size: 49 rows, over 10
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM django_page_cache")
        kept = [key.rsplit(":", 1)[-1] for (key,) in cursor.fetchall()]
    assert not [key for key in kept if key.startswith("z-older")]
    assert len(kept) == 49 - 49 // 3 + 1
