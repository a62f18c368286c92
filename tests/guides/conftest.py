import pytest
from django.contrib.auth.models import Permission

from tests.factories import make_user


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def editor(db):
    """A staff member who may write and publish guides in the admin."""
    user = make_user(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="guides"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
