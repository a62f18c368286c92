"""The one rule for every upload: decoded by Pillow within limits, or refused with a form error,
then re-encoded from its pixels alone.

Nothing of the uploaded file is kept: EXIF (GPS position, camera serial), XMP, ICC profiles,
JPEG comments, and anything hidden after the image data are gone.
"""

import io
import warnings

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # e.g. 8000 x 5000; a larger picture is refused before it is decoded


def decode_upload(upload) -> Image.Image:
    """The upload's pixels, upright, as RGB or RGBA; ValidationError for anything else."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The image is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB; upload a smaller one.",
            code="image_too_large",
        )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice it; treat the warning as the error it is.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as opened:
                if opened.format not in ACCEPTED_FORMATS:
                    raise ValidationError("Upload a JPEG, PNG or WebP image.", code="image_format")
                if opened.width * opened.height > MAX_PIXELS:
                    raise ValidationError(
                        f"The image is {opened.width} x {opened.height} pixels; "
                        f"the limit is {MAX_PIXELS // 1_000_000} megapixels.",
                        code="image_too_many_pixels",
                    )
                opened.load()
                image = ImageOps.exif_transpose(opened)  # keep the picture upright once EXIF is gone
                return image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("The image has too many pixels.", code="image_too_many_pixels") from None
    except UnidentifiedImageError:
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG or WebP image.", code="image_invalid"
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This image is damaged or incomplete. Upload a JPEG, PNG or WebP image.", code="image_invalid"
        ) from None


def encode_image(image: Image.Image, *, image_format: str, max_size: tuple[int, int], quality: int, **options) -> bytes:
    """A new file of the decoded pixels, scaled down to fit `max_size`, with no metadata at all."""
    copy = image.copy()
    copy.info = {}  # Pillow writes a comment, ICC profile or XMP it finds here into the new file
    copy.thumbnail(max_size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, image_format, quality=quality, **options)
    return buffer.getvalue()
