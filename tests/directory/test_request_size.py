"""Request bodies over a route's limit are refused from Content-Length with a 413 page, before any is read."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import make_clinic
from tests.staff_factories import listing_post_data, make_member, make_place

pytestmark = pytest.mark.django_db

MEGABYTE = 1024 * 1024


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, size=-1):
        raise AssertionError("the request body was read")

    readline = read


def post_claiming(client, path: str, length: int, **extra):
    return client.generic(
        "POST",
        path,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
        **extra,
    )


def noise_png(side: int) -> bytes:
    """A real PNG that barely compresses: about 3 bytes per pixel."""
    buffer = io.BytesIO()
    Image.effect_noise((side, side), 100).convert("RGB").save(buffer, "PNG", compress_level=0)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clinic():
    make_place()  # the ZIP code the edit form checks the address against
    return make_clinic(email="desk@example.com")


def test_a_200_mb_post_to_the_inquiry_form_is_refused_without_reading_it(client, clinic):
    response = post_claiming(client, f"/clinics/{clinic.slug}/inquiry/", 200 * MEGABYTE)

    assert response.status_code == 413
    assert b"too large" in response.content
    assert b"not medical advice" in response.content  # the site's error page, not a bare status


def test_a_public_form_takes_up_to_64_kb(client, clinic):
    assert post_claiming(client, f"/clinics/{clinic.slug}/report/", 64 * 1024 + 1).status_code == 413
    assert post_claiming(client, "/accounts/login/", 64 * 1024 + 1).status_code == 413

    response = client.post(f"/clinics/{clinic.slug}/inquiry/", {"message": "x" * 60_000})
    assert response.status_code != 413


def test_staff_photo_edits_take_the_photo_limits_but_no_more(client, clinic):
    client.force_login(make_member(clinic, email="owner@example.com"))
    edit = f"/manage/clinics/{clinic.slug}/edit/"

    assert post_claiming(client, edit, 9 * 10 * MEGABYTE + 2 * MEGABYTE).status_code == 413

    photo = SimpleUploadedFile("photo.png", noise_png(400), content_type="image/png")
    assert photo.size > 64 * 1024
    response = client.post(edit, {**listing_post_data(clinic, name="Renamed"), "new_photos": [photo]})
    assert response.status_code == 302


def test_a_staff_route_does_not_lend_its_limit_to_another(client, clinic):
    client.force_login(make_member(clinic, email="owner@example.com"))

    assert post_claiming(client, f"/manage/clinics/{clinic.slug}/members/invite/", MEGABYTE).status_code == 413


def test_a_body_without_content_length_is_not_read(client, clinic):
    response = client.generic(
        "POST",
        f"/clinics/{clinic.slug}/inquiry/",
        content_type="application/x-www-form-urlencoded",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": UnreadableBody()},
    )

    assert response.status_code < 500
