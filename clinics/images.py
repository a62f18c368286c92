"""Clinic logos and photos: decoded within the site's limits, re-encoded in two renditions, and who may see them."""

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db.models import Q
from django.http import HttpRequest
from PIL import Image

from directory.images import decode_upload
from directory.media import Visibility

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
    """Large and thumbnail WebP renditions of an upload, or ValidationError."""
    image = decode_upload(upload)
    return Renditions(
        large=_encode(image, LARGE_SIZE),
        thumbnail=_encode(image, THUMBNAIL_SIZE),
        width=image.width,
        height=image.height,
    )


def photo_visibility(request: HttpRequest, name: str) -> Visibility | None:
    """A logo or photo file: public once approved on a published listing; before that, only the
    clinic's own staff and editors see it (directory/media.py)."""
    from clinics.models import Clinic, ClinicPhoto

    folder, clinic_id, _ = (name.split("/") + ["", ""])[:3]
    if folder != "clinics" or not clinic_id.isdigit():
        return None
    photo = (
        ClinicPhoto.objects.filter(Q(image=name) | Q(thumbnail=name), clinic_id=int(clinic_id))
        .select_related("clinic")
        .only("status", "clinic__status")
        .first()
    )
    if photo is None:
        return None
    if photo.status == ClinicPhoto.Status.PUBLIC and photo.clinic.status == Clinic.Status.PUBLISHED:
        return Visibility.PUBLIC
    user = request.user
    if user.is_staff or Clinic.objects.editable_by(user).filter(pk=photo.clinic_id).exists():
        return Visibility.PRIVATE
    return None
