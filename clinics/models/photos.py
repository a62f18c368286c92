"""Clinics' logos and photos, kept under unguessable names until their change is approved."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


def _image_path(photo: "ClinicPhoto", filename: str) -> str:
    """An unguessable name: a photo's file is not public until its change is approved."""
    return f"clinics/{photo.clinic_id}/{uuid.uuid4().hex}.webp"


class ClinicPhotoQuerySet(models.QuerySet):
    def public(self) -> "ClinicPhotoQuerySet":
        return self.filter(status=ClinicPhoto.Status.PUBLIC)


class ClinicPhoto(models.Model):
    """A clinic's logo or photo, re-encoded on upload; shown on the public page once approved."""

    MAX_PHOTOS = 8

    class Kind(models.TextChoices):
        LOGO = "logo", "Logo"
        PHOTO = "photo", "Photo"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        PUBLIC = "public", "Public"
        REMOVED = "removed", "Removed"

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.PHOTO)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    image = models.ImageField(upload_to=_image_path, width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to=_image_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["clinic", "kind", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic"],
                condition=Q(kind="logo", status="public"),
                name="photo_one_logo",
                violation_error_message="This clinic already has a logo. Remove it before adding another.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} of {self.clinic_id}"
