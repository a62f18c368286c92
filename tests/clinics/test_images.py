import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from clinics.images import process_upload
from clinics.models import ChangeRequest, ClinicPhoto
from clinics.staff.changes import clinic_snapshot
from clinics.staff.services import listings
from tests.staff_factories import listing_post_data

pytestmark = pytest.mark.django_db


def jpeg_with_gps(size=(1200, 800)) -> bytes:
    image = Image.new("RGB", size, (30, 120, 160))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (30.0, 16.0, 17.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (97.0, 44.0, 33.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose header (with a valid checksum) claims another size: a decompression bomb's shape."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def upload(content: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_the_fixture_jpeg_really_carries_gps_data():
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_a_jpeg_with_gps_is_re_encoded_without_any_metadata():
    renditions = process_upload(upload(jpeg_with_gps()))
    for rendition in (renditions.large, renditions.thumbnail):
        image = Image.open(io.BytesIO(rendition.read()))
        assert image.format == "WEBP"
        assert not image.getexif()
        assert "exif" not in image.info
    large = Image.open(io.BytesIO(renditions.large.open().read()))
    thumbnail = Image.open(io.BytesIO(renditions.thumbnail.open().read()))
    assert large.size == (1200, 800)
    assert max(thumbnail.size) == 400


def test_a_jpeg_comment_and_icc_profile_are_not_kept():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30)).save(buffer, "JPEG", comment=b"Taken at 12 Example Lane", icc_profile=b"not-our-profile")

    renditions = process_upload(upload(buffer.getvalue()))

    for rendition in (renditions.large, renditions.thumbnail):
        stored = rendition.open().read()
        assert b"12 Example Lane" not in stored
        assert b"not-our-profile" not in stored


def test_a_large_image_is_scaled_down_for_the_large_rendition():
    renditions = process_upload(upload(jpeg_with_gps(size=(4000, 3000))))
    assert Image.open(io.BytesIO(renditions.large.read())).size == (1600, 1200)


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 100,  # a PNG signature with garbage, named .jpg
        b"GIF89a" + b"\x00" * 100,
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        b"",
    ],
    ids=["png-renamed-garbage", "gif", "svg", "empty"],
)
def test_files_pillow_cannot_read_as_jpeg_png_or_webp_are_refused(content):
    with pytest.raises(ValidationError):
        process_upload(upload(content))


def test_a_gif_that_pillow_can_read_is_still_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    with pytest.raises(ValidationError, match="JPEG, PNG or WebP"):
        process_upload(upload(buffer.getvalue(), "photo.gif"))


def test_a_truncated_jpeg_is_refused():
    with pytest.raises(ValidationError):
        process_upload(upload(jpeg_with_gps()[:600]))


def test_a_20000_by_20000_image_is_refused_before_it_is_decoded():
    with pytest.raises(ValidationError):
        process_upload(upload(png_claiming_size(20000, 20000), "bomb.png"))


def test_a_file_over_the_byte_limit_is_refused(settings):
    big = upload(b"\xff\xd8" + b"\x00" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="larger than"):
        process_upload(big)


def _edit(client, clinic, files: dict, **changes):
    return client.post(f"/manage/clinics/{clinic.slug}/edit/", {**listing_post_data(clinic, **changes), **files})


def test_a_member_uploads_photos_that_stay_private_until_approved(owner_client, client, clinic, editor):
    response = _edit(owner_client, clinic, {"new_photos": [upload(jpeg_with_gps()), upload(jpeg_with_gps())]})
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    photos = ClinicPhoto.objects.filter(clinic=clinic)
    assert photos.count() == 2
    assert set(photos.values_list("status", flat=True)) == {ClinicPhoto.Status.PENDING}
    assert change.proposed["photos"] == sorted(photos.values_list("pk", flat=True))
    assert not ClinicPhoto.objects.public().exists()
    stored = Image.open(photos.first().image.open())
    assert not stored.getexif()

    listings.change_request_approve(change=change, editor=editor)
    assert ClinicPhoto.objects.public().filter(clinic=clinic).count() == 2


def test_a_new_logo_replaces_the_old_one_on_approval(owner_client, clinic, owner, editor):
    _edit(owner_client, clinic, {"logo": upload(jpeg_with_gps(), "logo.jpg")})
    listings.change_request_approve(change=ChangeRequest.objects.get(), editor=editor)
    first = ClinicPhoto.objects.public().get(kind=ClinicPhoto.Kind.LOGO)

    _edit(owner_client, clinic, {"logo": upload(jpeg_with_gps(), "logo2.jpg")})
    listings.change_request_approve(change=ChangeRequest.objects.pending().get(), editor=editor)
    second = ClinicPhoto.objects.public().get(kind=ClinicPhoto.Kind.LOGO)
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.status == ClinicPhoto.Status.REMOVED


def test_photos_of_a_rejected_change_never_become_public(owner_client, clinic, editor):
    _edit(owner_client, clinic, {"new_photos": [upload(jpeg_with_gps())]})
    listings.change_request_reject(change=ChangeRequest.objects.get(), editor=editor, reason="Blurry.")
    assert ClinicPhoto.objects.get().status == ClinicPhoto.Status.REMOVED


def test_a_bad_image_alone_gets_a_form_error_and_saves_nothing(owner_client, clinic):
    response = _edit(owner_client, clinic, {"new_photos": [upload(b"\x89PNG\r\n\x1a\n garbage", "scan.jpg")]})
    assert response.status_code == 200
    assert b"scan.jpg: This image is damaged or incomplete" in response.content
    assert b"Nothing was changed" not in response.content
    assert not ChangeRequest.objects.exists()
    assert not ClinicPhoto.objects.exists()


def truncated_jpeg() -> bytes:
    """A JPEG cut off mid-picture: its header passes Pillow's check, decoding it fails."""
    whole = jpeg_with_gps()
    return whole[: len(whole) // 2]


def test_the_truncated_fixture_opens_but_does_not_decode():
    with Image.open(io.BytesIO(truncated_jpeg())) as image:
        assert image.format == "JPEG"
        with pytest.raises(OSError):
            image.load()


def test_an_image_that_fails_to_decode_keeps_the_rest_of_the_change_and_names_the_file(owner_client, clinic):
    files = {"new_photos": [upload(jpeg_with_gps(), "front-desk.jpg"), upload(truncated_jpeg(), "waiting-room.jpg")]}
    response = _edit(owner_client, clinic, files, name="Juniper Care", phone="(512) 555-0199")
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    assert (change.proposed["name"], change.proposed["phone"]) == ("Juniper Care", "(512) 555-0199")
    assert change.proposed["photos"] == [ClinicPhoto.objects.get().pk]  # the good photo is kept
    page = owner_client.get(response.url).content.decode()
    assert "Your other changes were saved" in page
    assert "waiting-room.jpg: This image is damaged or incomplete" in page
    assert "front-desk.jpg" not in page


def test_a_logo_that_fails_to_decode_keeps_the_current_logo_and_the_rest(owner_client, clinic):
    response = _edit(owner_client, clinic, {"logo": upload(truncated_jpeg(), "logo.jpg")}, name="Juniper Care")
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.proposed["name"] == "Juniper Care"
    assert change.proposed["logo"] == change.base["logo"]
    assert not ClinicPhoto.objects.exists()
    assert "logo.jpg: This image is damaged or incomplete" in owner_client.get(response.url).content.decode()


def test_a_decompression_bomb_gets_a_form_error_not_a_500(owner_client, clinic):
    response = _edit(owner_client, clinic, {"logo": upload(png_claiming_size(20000, 20000), "bomb.png")})
    assert response.status_code == 200
    assert not ClinicPhoto.objects.exists()


def test_a_listing_has_at_most_eight_photos(owner_client, clinic):
    response = _edit(owner_client, clinic, {"new_photos": [upload(jpeg_with_gps((40, 30))) for _ in range(9)]})
    assert response.status_code == 200
    assert b"at most 8 photos" in response.content
    assert not ClinicPhoto.objects.exists()


def test_too_many_photos_are_refused_before_any_is_decoded(owner_client, clinic, monkeypatch):
    decoded = []
    monkeypatch.setattr(
        "clinics.staff.edit_forms.process_upload", lambda upload: decoded.append(upload) or process_upload(upload)
    )

    response = _edit(owner_client, clinic, {"new_photos": [upload(jpeg_with_gps((40, 30))) for _ in range(20)]})

    assert response.status_code == 200
    assert b"at most 8 photos" in response.content
    assert decoded == []


def test_a_maximal_edit_of_a_logo_and_eight_photos_is_accepted(owner_client, clinic):
    photos = [upload(jpeg_with_gps((40 + n, 30))) for n in range(ClinicPhoto.MAX_PHOTOS)]

    response = _edit(owner_client, clinic, {"logo": upload(jpeg_with_gps((50, 50))), "new_photos": photos})

    assert response.status_code == 302
    assert ClinicPhoto.objects.filter(kind=ClinicPhoto.Kind.PHOTO).count() == ClinicPhoto.MAX_PHOTOS
    assert ClinicPhoto.objects.filter(kind=ClinicPhoto.Kind.LOGO).count() == 1


def test_a_member_removes_a_public_photo_by_unticking_it(owner_client, clinic, editor):
    _edit(owner_client, clinic, {"new_photos": [upload(jpeg_with_gps()), upload(jpeg_with_gps())]})
    listings.change_request_approve(change=ChangeRequest.objects.get(), editor=editor)
    clinic.refresh_from_db()
    keep = clinic_snapshot(clinic)["photos"][:1]
    data = listing_post_data(clinic)
    data["keep_photos"] = keep
    owner_client.post(f"/manage/clinics/{clinic.slug}/edit/", data)
    listings.change_request_approve(change=ChangeRequest.objects.pending().get(), editor=editor)
    assert list(ClinicPhoto.objects.public().values_list("pk", flat=True)) == keep


def test_a_member_cannot_keep_another_clinics_photo(owner_client, clinic, other_clinic, colleague, editor):
    snapshot = clinic_snapshot(other_clinic)
    change = listings.change_request_submit(
        clinic=other_clinic,
        user=colleague,
        proposed=snapshot,
        base=snapshot,
        base_version=other_clinic.updated_at,
        uploads=[("photo", process_upload(upload(jpeg_with_gps())))],
    )
    listings.change_request_approve(change=change, editor=editor)
    theirs = ClinicPhoto.objects.get(clinic=other_clinic)
    data = listing_post_data(clinic, name="Renamed")
    data["keep_photos"] = [theirs.pk]
    response = owner_client.post(f"/manage/clinics/{clinic.slug}/edit/", data)
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content


def test_a_form_error_names_the_chosen_images_and_asks_to_choose_them_again(owner_client, clinic):
    response = _edit(
        owner_client,
        clinic,
        {"logo": upload(jpeg_with_gps(), "new-logo.jpg"), "new_photos": [upload(jpeg_with_gps(), "lobby.jpg")]},
        zip_code="00000",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "We do not know this ZIP code" in page
    assert page.count("Your changes were not sent, so these images were not kept: new-logo.jpg, lobby.jpg.") == 1
    assert "Choose them again before you send the form." in page
    assert not ClinicPhoto.objects.exists()


def test_a_form_error_without_chosen_images_says_nothing_about_images(owner_client, clinic):
    page = _edit(owner_client, clinic, {}, zip_code="00000").content.decode()
    assert "were not kept" not in page
