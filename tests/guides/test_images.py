import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from directory.images import MAX_UPLOAD_BYTES
from guides.forms import GuideAdminForm
from guides.images import MAX_STORED_WIDTH
from guides.models import Guide

pytestmark = pytest.mark.django_db


def jpeg_bytes(size: tuple[int, int] = (40, 30), **save_options) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, "JPEG", **save_options)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG file whose header claims `width` x `height` pixels: a decompression bomb's shape."""
    buffer = BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    png = buffer.getvalue()
    chunk = b"IHDR" + struct.pack(">II", width, height) + png[24:29]
    return png[:8] + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk)) + png[33:]


def guide_form(image: bytes, name: str = "hero.jpg") -> GuideAdminForm:
    data = {
        "title": "With a picture",
        "slug": "with-a-picture",
        "summary": "A summary.",
        "body": "Text.",
        "hero_image_alt": "A calm treatment room",
        "author_name": "An Author",
        "reviewer_name": "Dr. Reviewer",
        "reviewer_credentials": "MD",
        "status": Guide.Status.DRAFT,
    }
    return GuideAdminForm(data=data, files={"hero_image": SimpleUploadedFile(name, image)})


def test_it_stores_a_real_image_re_encoded_as_jpeg():
    form = guide_form(jpeg_bytes(), name="hero.jpeg")

    assert form.is_valid(), form.errors
    guide = form.save()

    assert guide.hero_image.name.endswith(".jpg")
    assert (guide.hero_image_width, guide.hero_image_height) == (40, 30)


def test_it_strips_metadata_such_as_the_camera_and_gps_position():
    exif = Image.Exif()
    exif[0x010F] = "Example Camera Maker"
    exif.get_ifd(0x8825)[2] = (30.0, 16.0, 17.0)  # GPS latitude
    upload = jpeg_bytes(exif=exif.tobytes())
    assert b"Example Camera Maker" in upload

    form = guide_form(upload)
    assert form.is_valid(), form.errors
    stored = form.save().hero_image.read()

    assert b"Example Camera Maker" not in stored
    assert not Image.open(BytesIO(stored)).getexif()


def test_it_strips_a_jpeg_comment_and_any_other_metadata():
    upload = jpeg_bytes(comment=b"Shot at 12 Example Lane by J. Example", icc_profile=b"profile-that-is-not-ours")
    assert b"12 Example Lane" in upload

    form = guide_form(upload)
    assert form.is_valid(), form.errors
    stored = form.save().hero_image.read()

    assert b"12 Example Lane" not in stored
    assert b"profile-that-is-not-ours" not in stored
    jpeg_structure = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "progressive", "progression"}
    assert set(Image.open(BytesIO(stored)).info) <= jpeg_structure


def test_it_scales_a_very_wide_image_down():
    form = guide_form(jpeg_bytes(size=(MAX_STORED_WIDTH + 500, 100)))

    assert form.is_valid(), form.errors
    assert form.save().hero_image_width == MAX_STORED_WIDTH


@pytest.mark.parametrize(
    "content, name",
    [
        (b"this is just text pretending to be a picture", "hero.jpg"),
        (b"GIF89a" + b"\x00" * 40, "hero.gif"),
        (jpeg_bytes()[:200], "truncated.jpg"),
        (b"", "empty.jpg"),
    ],
    ids=["text", "broken gif header", "truncated jpeg", "empty"],
)
def test_it_refuses_a_file_that_is_not_a_readable_image(content, name):
    form = guide_form(content, name=name)

    assert not form.is_valid()
    assert "hero_image" in form.errors


def test_it_refuses_an_image_format_it_does_not_accept():
    buffer = BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "BMP")

    form = guide_form(buffer.getvalue(), name="hero.bmp")

    assert form.errors["hero_image"] == ["Upload a JPEG, PNG or WebP image."]


def test_it_refuses_a_file_over_the_size_limit():
    form = guide_form(jpeg_bytes() + b"\x00" * MAX_UPLOAD_BYTES)

    assert not form.is_valid()
    assert "larger than 10 MB" in form.errors["hero_image"][0]


@pytest.mark.parametrize(
    "width, height",
    [(8000, 8000), (10000, 10000), (30000, 30000)],
    ids=["over our limit", "over Pillow's warning limit", "over Pillow's error limit"],
)
def test_it_refuses_a_decompression_bomb(width, height):
    form = guide_form(png_claiming(width, height), name="bomb.png")

    assert not form.is_valid()
    assert "pixels" in form.errors["hero_image"][0]


def test_an_admin_upload_of_a_bad_image_gives_a_form_error_not_a_500(editor_client):
    response = editor_client.post(
        "/admin/guides/guide/add/",
        {
            "title": "Bad picture",
            "slug": "bad-picture",
            "summary": "A summary.",
            "body": "Text.",
            "hero_image": SimpleUploadedFile("bomb.png", png_claiming(10000, 10000)),
            "hero_image_alt": "Nothing",
            "author_name": "An Author",
            "reviewer_name": "Dr. Reviewer",
            "reviewer_credentials": "MD",
            "status": Guide.Status.DRAFT,
            "publish_at_0": "",
            "publish_at_1": "",
        },
    )

    assert response.status_code == 200
    assert b"The image has too many pixels." in response.content
    assert not Guide.objects.exists()


def test_an_image_needs_a_description():
    form = guide_form(jpeg_bytes())
    form.data = {**form.data, "hero_image_alt": ""}

    assert not form.is_valid()
    assert "hero_image_alt" in form.errors
