"""The covering index of searches near a place, read by band of whole degrees of latitude.

Ordered by longitude first (0024), the index gave a search the whole band of the country between
the box's two longitudes, from the Gulf to Canada, and the box's latitudes were checked entry by
entry. Led by the whole degree of latitude, a search reads only the box's own two to four bands,
each along the box's longitudes. At 100,000 demo clinics, over the searches of 70 random ZIP codes
(50 miles, with two filters) timed one query at a time, the facet counts took 4.1 ms each instead
of 4.8 and the page of results 1.9 instead of 2.6.
"""

from django.db import migrations

REACH = """
    id, name, accepting_new_patients, offers_telehealth, offers_integration_therapy, offers_financing,
    offers_sliding_scale, offers_superbill, facts_confirmed_at, spravato_rems_certified, session_monitored_by,
    search_treatments, search_billed, search_carriers, search_offer_carriers, search_session_prices,
    search_lowest_session_price, search_conditions, search_languages, card_version
"""


def reach_index(columns: str) -> str:
    return (
        "DROP INDEX clinic_published_reach;"
        f"CREATE INDEX clinic_published_reach ON clinics_clinic ({columns}) INCLUDE ({REACH})"
        " WHERE status = 'published';"
    )


class Migration(migrations.Migration):
    dependencies = [("clinics", "0026_card_version")]

    operations = [
        migrations.RunSQL(
            reach_index("(floor(latitude)::integer), longitude, latitude"), reach_index("longitude, latitude")
        )
    ]
