"""Clinic logos and photos: decoded within the site's limits, re-encoded in two renditions."""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image

from directory.images import decode_upload, encode_image, scale_down

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


def _encode(image: Image.Image) -> ContentFile:
    return ContentFile(encode_image(image, image_format=OUTPUT_FORMAT, quality=OUTPUT_QUALITY))


def process_upload(upload) -> Renditions:
    """Large and thumbnail WebP renditions of an upload, or ValidationError."""
    image = decode_upload(upload, fit=LARGE_SIZE)
    large = scale_down(image, LARGE_SIZE)
    return Renditions(
        large=_encode(large),
        thumbnail=_encode(scale_down(large, THUMBNAIL_SIZE)),  # from the large one: far fewer pixels to read
        width=image.width,
        height=image.height,
    )
