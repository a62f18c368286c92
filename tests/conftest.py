import pytest


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Serve static files without the production manifest, which only collectstatic builds."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
