"""The standing users of the clinic-staff tests: an owner of `clinic`, a colleague who belongs to
`other_clinic` only, an anonymous visitor (the plain `client`), and an editor."""

import pytest

from tests.factories import make_clinic
from tests.staff_factories import make_editor, make_member, make_place


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def place():
    return make_place()


@pytest.fixture
def clinic(place):
    return make_clinic(name="Juniper Ketamine Care", website="https://junipercare.example")


@pytest.fixture
def other_clinic(place):
    return make_clinic(name="Harbor Light Infusions")


@pytest.fixture
def owner(clinic):
    return make_member(clinic, email="owner@junipercare.example")


@pytest.fixture
def colleague(other_clinic):
    """A member of another clinic, who must not reach `clinic`."""
    return make_member(other_clinic, email="someone@harborlight.example")


@pytest.fixture
def editor():
    return make_editor(email="editor@directory.example")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def colleague_client(client, colleague):
    client.force_login(colleague)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
