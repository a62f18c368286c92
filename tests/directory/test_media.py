"""Uploaded images are served with DEBUG off: approved ones to everyone, cached for long; pending ones
only to the clinic's staff and editors; anything else is a 404."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from clinics.images import process_upload
from clinics.models import Clinic, ClinicPhoto
from guides.images import reencode_image
from guides.models import Guide
from tests.clinics.test_images import jpeg_with_gps, upload
from tests.factories import make_clinic, make_guide
from tests.staff_factories import make_editor, make_member, make_place

pytestmark = pytest.mark.django_db

YEAR = 365 * 24 * 3600
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(autouse=True)
def _production(settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clinic():
    make_place()
    return make_clinic(name="Juniper Ketamine Care")


def make_photo(clinic: Clinic, status: str) -> ClinicPhoto:
    renditions = process_upload(upload(jpeg_with_gps()))
    photo = ClinicPhoto(clinic=clinic, status=status)
    photo.image.save("upload.webp", renditions.large, save=False)
    photo.thumbnail.save("thumbnail.webp", renditions.thumbnail, save=False)
    photo.width, photo.height = renditions.width, renditions.height
    photo.save()
    return photo


def test_an_approved_photo_and_its_thumbnail_load_for_everyone_and_are_cached_for_a_year(client, clinic):
    photo = make_photo(clinic, ClinicPhoto.Status.PUBLIC)

    for field in (photo.image, photo.thumbnail):
        response = client.get(field.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/webp"
        assert response["Cache-Control"] == f"public, max-age={YEAR}, immutable"
        assert b"".join(response.streaming_content) == field.open().read()


def test_the_clinic_page_links_to_photos_that_load(client, clinic):
    photo = make_photo(clinic, ClinicPhoto.Status.PUBLIC)

    page = client.get(clinic.get_absolute_url()).content.decode()

    assert photo.thumbnail.url in page
    assert Image.open(io.BytesIO(b"".join(client.get(photo.thumbnail.url).streaming_content))).format == "WEBP"


def test_a_pending_photo_is_not_found_for_the_public_or_for_staff_of_another_clinic(client, clinic):
    photo = make_photo(clinic, ClinicPhoto.Status.PENDING)
    assert client.get(photo.image.url).status_code == 404
    assert client.get(photo.thumbnail.url).status_code == 404

    client.force_login(make_member(make_clinic(name="Harbor Light Infusions")))
    assert client.get(photo.image.url).status_code == 404


def test_a_pending_photo_loads_for_its_clinics_staff_and_editors_and_is_never_cached(client, clinic):
    photo = make_photo(clinic, ClinicPhoto.Status.PENDING)

    for user in (make_member(clinic), make_editor()):
        client.force_login(user)
        response = client.get(photo.thumbnail.url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"


def test_a_removed_photo_and_a_photo_of_an_unpublished_clinic_are_not_found(client, clinic):
    removed = make_photo(clinic, ClinicPhoto.Status.REMOVED)
    draft = make_clinic(name="Prairie Sky Ketamine", status=Clinic.Status.DRAFT)
    of_draft = make_photo(draft, ClinicPhoto.Status.PUBLIC)

    assert client.get(removed.image.url).status_code == 404
    assert client.get(of_draft.image.url).status_code == 404


def test_a_file_in_the_media_folder_that_no_upload_refers_to_is_not_found(client, clinic, settings):
    (settings.MEDIA_ROOT / "clinics" / str(clinic.pk)).mkdir(parents=True)
    (settings.MEDIA_ROOT / "clinics" / str(clinic.pk) / "stray.webp").write_bytes(b"RIFF")
    (settings.MEDIA_ROOT / "notes.txt").write_text("private")

    for path in (f"clinics/{clinic.pk}/stray.webp", "notes.txt", "../settings.py", "clinics/x/../../notes.txt"):
        assert client.get(f"/media/{path}").status_code == 404


def test_a_published_guides_hero_image_loads_for_everyone_and_a_drafts_only_for_editors(client):
    hero = reencode_image(upload(jpeg_with_gps((800, 400)), "hero.jpg"))
    published = make_guide(hero_image=ContentFile(hero.read(), "hero.jpg"), hero_image_alt="A quiet room")
    draft = make_guide(status=Guide.Status.DRAFT, publish_at=None)
    draft.hero_image.save("draft.jpg", ContentFile(hero.open().read()))

    response = client.get(published.hero_image.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == f"public, max-age={YEAR}, immutable"
    assert client.get(draft.hero_image.url).status_code == 404

    client.force_login(make_editor())
    assert client.get(draft.hero_image.url).status_code == 200


def test_a_public_photo_costs_one_query(client, clinic, django_assert_max_num_queries):
    photo = make_photo(clinic, ClinicPhoto.Status.PUBLIC)

    with django_assert_max_num_queries(1):
        assert client.get(photo.image.url).status_code == 200


def test_object_storage_keeps_its_bucket_private_and_signs_every_link():
    """With MEDIA_STORAGE set to django-storages' S3Storage, pending photos are never public there either."""
    program = "from django.conf import settings; import json; print(json.dumps(settings.STORAGES['default']))"
    environment = {
        **os.environ,
        "DEBUG": "true",
        "MEDIA_STORAGE": "storages.backends.s3.S3Storage",
        "MEDIA_BUCKET": "clinic-media",
        "DJANGO_SETTINGS_MODULE": "directory.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + program],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )

    storage = json.loads(result.stdout.strip().splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "clinic-media"
    assert storage["OPTIONS"]["default_acl"] == "private"
    assert storage["OPTIONS"]["querystring_auth"] is True
    assert storage["OPTIONS"]["file_overwrite"] is False
