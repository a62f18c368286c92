"""Load every US ZIP code from the `zipcodes` package into the Place table (offline geocoding)."""

import zipcodes
from django.core.management.base import BaseCommand
from django.db import transaction

from clinics.models import Place
from directory.caching import listings_changed, reference_changed


class Command(BaseCommand):
    help = "Load or refresh all US ZIP codes with their city, state and coordinates. Safe to run again."

    def handle(self, *args, **options) -> None:
        places = [
            Place(
                zip_code=row["zip_code"],
                city=row["city"],
                state=row["state"],
                latitude=float(row["lat"]),
                longitude=float(row["long"]),
            )
            for row in zipcodes.list_all()
            if row["lat"] and row["long"]
        ]
        with transaction.atomic():
            Place.objects.bulk_create(
                places,
                batch_size=5000,
                update_conflicts=True,
                unique_fields=["zip_code"],
                update_fields=["city", "state", "latitude", "longitude"],
            )
            # bulk_create sends no signals: searches by place start afresh, and processes read the ZIP codes again.
            listings_changed()
            reference_changed()
        self.stdout.write(f"{len(places)} places loaded; {Place.objects.count()} in the table.")
