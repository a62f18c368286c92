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
