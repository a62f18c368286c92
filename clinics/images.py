"""Uploaded clinic images: checked by Pillow, re-encoded without metadata, in two renditions."""

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # e.g. 8000 x 5000; a larger picture is refused before it is decoded
LARGE_SIZE = (1600, 1600)
THUMBNAIL_SIZE = (400, 400)
OUTPUT_FORMAT = "WEBP"
OUTPUT_QUALITY = 82


@dataclass
class Renditions:
    large: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _encode(image: Image.Image, size: tuple[int, int]) -> ContentFile:
    copy = image.copy()
    copy.thumbnail(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, OUTPUT_FORMAT, quality=OUTPUT_QUALITY)  # no exif= argument: no metadata is written
    return ContentFile(buffer.getvalue())


def process_upload(upload) -> Renditions:
    """Decode an upload as JPEG, PNG or WebP and re-encode it, or raise ValidationError."""
    if upload.size > MAX_BYTES:
        raise ValidationError(f"The image is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as opened:
                if opened.format not in ALLOWED_FORMATS:
                    raise ValidationError("Upload a JPEG, PNG or WebP image.")
                if opened.width * opened.height > MAX_PIXELS:
                    raise ValidationError("The image has too many pixels; upload one under 40 megapixels.")
                opened.load()
                image = ImageOps.exif_transpose(opened)  # keep the picture upright once EXIF is gone
                image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("This file is not an image we can read. Upload a JPEG, PNG or WebP image.") from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError("This image is damaged or incomplete. Upload a JPEG, PNG or WebP image.") from None
    return Renditions(
        large=_encode(image, LARGE_SIZE),
        thumbnail=_encode(image, THUMBNAIL_SIZE),
        width=image.width,
        height=image.height,
    )
