"""Indexes on the elements of the search columns that single out few clinics across the country.

A search that finds nothing near a place looks for the nearest clinics that meet its filters up to
500 miles away. Through the covering index alone that reads every clinic in a band of latitude
(a quarter of the country at 500 miles) to find, say, the few hundred whose IV offer bills Aetna.
With these GIN indexes the planner can start from those few instead, when its statistics say they
are few. Conditions and languages can be as rare (a language few clinics speak), so they have one too.
"""

from django.db import migrations

COLUMNS = ["search_offer_carriers", "search_carriers", "search_conditions", "search_languages"]


class Migration(migrations.Migration):
    dependencies = [("clinics", "0022_search_columns_kept_by_the_database")]

    operations = [
        migrations.RunSQL(
            "".join(
                f"CREATE INDEX clinic_{column}_elements ON clinics_clinic USING gin ({column}) "
                "WHERE status = 'published';"
                for column in COLUMNS
            ),
            "".join(f"DROP INDEX clinic_{column}_elements;" for column in COLUMNS),
        )
    ]
