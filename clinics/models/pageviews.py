"""How often each clinic's page is seen: one counter row per clinic and day."""

from collections.abc import Mapping
from datetime import date

from django.db import connection, models

from clinics.models.listings import Clinic


class ClinicPageViews(models.Model):
    """Page views of a clinic per day: one counter row, not one row per view."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "day"],
                name="clinicpageviews_once_a_day",
                violation_error_message="This clinic already has a count for this day.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinic_id} on {self.day}: {self.views}"

    @classmethod
    def add(cls, views: Mapping[tuple[str, date], int]) -> None:
        """Add views counted by clinic slug and day, all in one upsert; safe under concurrency.

        Slugs of clinics that no longer exist are left out.
        """
        slugs, days, counts = zip(*((slug, day, count) for (slug, day), count in views.items()), strict=True)
        table = cls._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (clinic_id, day, views) "  # noqa: S608 - fixed SQL, values are parameters
                "SELECT clinic.id, counted.day, counted.views "
                "FROM unnest(%s::text[], %s::date[], %s::integer[]) AS counted (slug, day, views) "
                f"JOIN {Clinic._meta.db_table} AS clinic ON clinic.slug = counted.slug "
                f"ON CONFLICT (clinic_id, day) DO UPDATE SET views = {table}.views + EXCLUDED.views",
                [list(slugs), list(days), list(counts)],
            )
