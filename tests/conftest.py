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
def _fresh_caches():
    """Each test starts as a new app server would: no copies of cached entries in this process, nothing
    kept in its memory, and no sets made yet towards the database caches' next look at their size (a
    query a pin would count)."""
    from django.core.cache import caches

    from directory import caching
    from directory.database_cache import DatabaseCache

    caches["local"].clear()
    caching._in_process.clear()
    caching._asked.clear()
    DatabaseCache.sets_since_cull_check.clear()


def pytest_configure(config):
    """Settings for the whole run. Connections close after each request, so the live server's thread
    does not hold the test database open."""
    from django.conf import settings
    from django.db import connections

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    settings.DATABASES["default"]["ENGINE"] = "tests.postgresql_backend"  # a faster flush after committing tests
    del connections["default"]  # made with the site's engine while Django loaded the models
    settings.PAGE_VIEWS_FLUSH_SECONDS = 0  # written at once, so a test can read the count after a request
    # Argon2 as the site sets it up spends about 0.1 s of CPU and 100 MB on each password on purpose;
    # tests make hundreds of users. `site_password_hashers` puts the site's own back for one test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def site_password_hashers(settings):
    """The password hashers the site itself uses (tests otherwise use a fast one)."""
    from directory import settings as site_settings

    settings.PASSWORD_HASHERS = site_settings.PASSWORD_HASHERS


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """On parallel workers (`make test`), the deployment (`servers`) tests all go to one worker, which
    builds their site once and starts with them; every other test goes to whichever worker is free.

    pytest-xdist's own `--dist loadgroup` would do it with a mark, but loses the groups under pytest 9.2
    (pytest-dev/pytest-xdist#1386).
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class DeploymentTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "deployment" if nodeid.startswith("tests/deployment/") else nodeid

    return DeploymentTestsTogether(config, log)


@pytest.fixture
def cache_versions(db):
    """Cache versions already started, as on any running site: query pins then count a page's own work.

    On the database cache a stored entry costs 1 query (an upsert), and so does a read.
    """
    from directory.caching import start_new_versions

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
    from django.db import transaction

    from directory.caching import one_version_for_many_changes

    # One commit and one new cache version, rather than one of each per row: a third of the time.
    with transaction.atomic(), one_version_for_many_changes():
        import_module("clinics.migrations.0002_reference_data").load(apps, None)
        import_module("guides.migrations.0003_starter_site_pages").create_site_pages(apps, None)
    granted = [
        codename
        for migration in [
            "0006_staff_editors_group",
            "0010_editors_view_invitations",
            "0015_editors_review_reports",
            "0016_inquiries_held_for_review",
            "0019_editors_import_clinics",
        ]
        for codename in import_module(f"clinics.migrations.{migration}").EDITOR_PERMISSIONS
    ]
    granted_in_guides = import_module("guides.migrations.0004_editors_write_guides_and_pages").EDITOR_PERMISSIONS
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(
        Permission.objects.filter(content_type__app_label="clinics", codename__in=granted)
        | Permission.objects.filter(content_type__app_label="guides", codename__in=granted_in_guides)
    )
