"""Uploaded images are decoded by Pillow within limits and re-encoded, so no original bytes are kept.

Re-encoding drops whatever the upload carried besides pixels: EXIF (GPS position, camera serial),
comments, and anything hidden after the image data.
"""

import warnings
from io import BytesIO
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # about 7700 x 5200; larger images are refused before they are decoded
MAX_STORED_WIDTH = 2000  # wide enough for a full-width hero on a large screen
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
JPEG_QUALITY = 85


def reencode_image(upload, *, max_width: int = MAX_STORED_WIDTH) -> SimpleUploadedFile:
    """Decode `upload` within the limits above and return it as a fresh JPEG, or raise ValidationError."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The image is {upload.size / 1024 / 1024:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 1024 // 1024} MB.",
            code="image_too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice it; treat the warning as the error it is.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise ValidationError("Upload a JPEG, PNG, WebP or GIF image.", code="image_format")
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ValidationError(
                        f"The image is {width} x {height} pixels; the limit is {MAX_PIXELS // 1_000_000} megapixels.",
                        code="image_too_many_pixels",
                    )
                image.load()
                image = ImageOps.exif_transpose(image).convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("The image has too many pixels.", code="image_too_many_pixels") from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError("The file is not an image we can read.", code="image_invalid") from None

    if image.width > max_width:
        image.thumbnail((max_width, max_width * image.height // image.width), Image.Resampling.LANCZOS)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    stem = Path(upload.name or "image").stem[:80] or "image"
    return SimpleUploadedFile(f"{stem}.jpg", buffer.getvalue(), content_type="image/jpeg")


class ReencodedImageField(forms.ImageField):
    """An ImageField whose cleaned value is the re-encoded image, never the uploaded bytes."""

    def to_python(self, data):
        if data in self.empty_values:
            return None
        return reencode_image(data)
