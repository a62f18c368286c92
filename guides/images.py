"""Guide hero images: decoded within the site's limits, re-encoded as one JPEG."""

from pathlib import Path

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from directory.images import decode_upload, encode_image, scale_down

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
