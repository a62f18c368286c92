"""Clinic logos and photos: decoded within the site's limits, re-encoded in two renditions, and who may see them."""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db.models import Q
from django.http import HttpRequest
from PIL import Image

from directory.images import decode_upload, encode_image, scale_down
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
