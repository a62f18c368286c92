from importlib import import_module

import pytest
from django.apps import apps


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Serve static files without the production manifest, which only collectstatic builds."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_local_cache():
    """Each test starts with no copies of cached entries in this process, as a new app server would."""
    from django.core.cache import caches

    caches["local"].clear()


def pytest_configure(config):
    """Settings for the whole run. Connections close after each request, so the live server's thread
    does not hold the test database open."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    settings.PAGE_VIEWS_FLUSH_SECONDS = 0  # written at once, so a test can read the count after a request


@pytest.fixture
def cache_versions(db):
    """Cache versions already started, as on any running site: query pins then count a page's own work.

    On the database cache a stored entry costs 5 queries (count for culling, savepoint, look-up,
    insert, release); a read costs 1.
    """
    from clinics.caching import start_new_versions

    start_new_versions()


@pytest.fixture
def reference_data(transactional_db):
    """For tests that commit: put back what data migrations made and an earlier such test's flush removed.

    serialized_rollback cannot do it once Playwright's event loop runs: the test then gets a fresh
    database connection object, without the snapshot Django kept on the one that built the test
    database. (The flush also empties these tables for ordinary tests, but pytest-django runs those
    first.) Permissions come back by themselves through post_migrate after the flush.
    """
    from django.contrib.auth.models import Group, Permission

    import_module("clinics.migrations.0002_reference_data").load(apps, None)
    granted = [
        codename
        for migration in ["0006_staff_editors_group", "0010_editors_view_invitations", "0016_editors_import_clinics"]
        for codename in import_module(f"clinics.migrations.{migration}").EDITOR_PERMISSIONS
    ]
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(Permission.objects.filter(content_type__app_label="clinics", codename__in=granted))
