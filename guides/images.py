"""Guide hero images: decoded within the site's limits, re-encoded as one JPEG, and who may see them."""

from pathlib import Path

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest

from directory.images import decode_upload, encode_image, scale_down
from directory.media import Visibility

MAX_STORED_WIDTH = 2000  # wide enough for a full-width hero on a large screen
JPEG_QUALITY = 85


def reencode_image(upload, *, max_width: int = MAX_STORED_WIDTH) -> SimpleUploadedFile:
    """The upload as a fresh JPEG no wider than `max_width`, or ValidationError."""
    image = decode_upload(upload, fit=(max_width, max_width)).convert("RGB")
    scaled = scale_down(image, (max_width, image.height))  # only the width is limited
    encoded = encode_image(scaled, image_format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    stem = Path(upload.name or "image").stem[:80] or "image"
    return SimpleUploadedFile(f"{stem}.jpg", encoded, content_type="image/jpeg")


class ReencodedImageField(forms.ImageField):
    """An ImageField whose cleaned value is the re-encoded image, never the uploaded bytes."""

    def to_python(self, data):
        if data in self.empty_values:
            return None
        return reencode_image(data)


def hero_image_visibility(request: HttpRequest, name: str) -> Visibility | None:
    """A guide's hero image: public once the guide is; editors see it in drafts and previews."""
    from guides.models import Guide

    if not name.startswith("guides/"):
        return None
    guides = Guide.objects.filter(hero_image=name)
    if guides.published().exists():
        return Visibility.PUBLIC
    if request.user.is_staff and guides.exists():
        return Visibility.PRIVATE
    return None
