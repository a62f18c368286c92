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


def decode_upload(upload, *, fit: tuple[int, int] | None = None) -> Image.Image:
    """The upload's pixels, upright, as RGB or RGBA; ValidationError for anything else.

    With `fit`, a JPEG may be decoded at a reduced scale that still holds twice that size, which is
    all a rendition of at most `fit` needs and several times faster for a large photo.
    """
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
                if fit:
                    side = 2 * max(fit)  # either way round: EXIF may turn the picture
                    opened.draft(None, (side, side))
                opened.load()
                ImageOps.exif_transpose(opened, in_place=True)  # keep the picture upright once EXIF is gone
                mode = "RGBA" if opened.mode in ("RGBA", "LA", "P", "PA") else "RGB"
                return opened if opened.mode == mode else opened.convert(mode)
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


def scale_down(image: Image.Image, max_size: tuple[int, int]) -> Image.Image:
    """A new image of the pixels alone, no larger than `max_size`: no comment, ICC profile or XMP.

    Pillow writes such metadata from an image's `info` into the file it saves, so it is emptied.
    """
    scale = min(max_size[0] / image.width, max_size[1] / image.height)
    if scale < 1:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        scaled = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    else:
        scaled = image.copy()
    scaled.info = {}
    return scaled


def encode_image(image: Image.Image, *, image_format: str, quality: int, **options) -> bytes:
    """The pixels of an image from `scale_down` as a new file; no metadata is written."""
    buffer = io.BytesIO()
    image.save(buffer, image_format, quality=quality, **options)
    return buffer.getvalue()
