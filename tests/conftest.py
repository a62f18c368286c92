import pytest


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Serve static files without the production manifest, which only collectstatic builds."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_configure(config):
    """Close connections after each request: the live server's thread must not hold the test database open."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture
def cache_versions(db):
    """Cache versions already started, as on any running site: query pins then count a page's own work.

    On the database cache a stored entry costs 5 queries (count for culling, savepoint, look-up,
    insert, release); a read costs 1.
    """
    from clinics.caching import start_new_versions

    start_new_versions()
