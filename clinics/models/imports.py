"""Spreadsheet imports waiting for an editor's confirmation, and the rows that may repeat a listing."""

from django.conf import settings
from django.db import models

from clinics.models.listings import Clinic


class ImportBatch(models.Model):
    """An uploaded file, kept between the admin's preview and the editor's confirmation."""

    file_name = models.CharField(max_length=255)
    source_name = models.CharField(max_length=100, blank=True)
    content = models.TextField(help_text="The file's text, already checked to be UTF-8.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return self.file_name


class PossibleDuplicate(models.Model):
    """An imported row that looks like a listing already here: never merged, an editor decides."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="possible_duplicates")
    source_name = models.CharField(max_length=100, blank=True)
    line = models.PositiveIntegerField(help_text="The row's line in the imported file.")
    row = models.JSONField(help_text="The imported row as it was in the file.")
    reason = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64, help_text="Hash of the row, so a second import adds nothing.")
    handled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["handled", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "fingerprint"],
                name="possibleduplicate_once_per_row",
                violation_error_message="This row is already in the queue as a possible duplicate of this clinic.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.row.get('name', 'Row')} (line {self.line}) may be {self.clinic}"
