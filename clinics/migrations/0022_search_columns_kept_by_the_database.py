"""What a search asks of a clinic's offers, conditions and languages, kept on the clinic's own row.

A search near a place checks every clinic in reach: at 100,000 clinics a dense area has thousands.
Checking each one's offers, carriers, conditions and languages through their tables cost several
index probes per clinic; read from arrays on the clinic row, and from the covering index that
holds them, the check costs almost nothing. The arrays are kept current by the database itself,
with statement-level triggers on the tables they summarize, so every way of writing (the ORM,
bulk imports with COPY, the admin, a migration) keeps them true. Django's models do not declare
these columns, so no save can write a stale copy back; clinics/search_columns.py reads them.

- search_treatments: ids of the treatments the clinic offers.
- search_billed: ids of the treatments whose offer bills insurance.
- search_carriers: ids of the carriers any offer bills.
- search_offer_carriers: one number per offer and carrier it bills, treatment id * 2^32 + carrier id.
- search_session_prices: indexed by treatment id, the offer's lowest price when priced per session.
- search_lowest_session_price: the lowest of those.
- search_conditions, search_languages: ids of the conditions treated and the languages spoken.
"""

from django.db import migrations

COLUMNS = """
ALTER TABLE clinics_clinic
    ADD COLUMN search_treatments integer[] NOT NULL DEFAULT '{}',
    ADD COLUMN search_billed integer[] NOT NULL DEFAULT '{}',
    ADD COLUMN search_carriers integer[] NOT NULL DEFAULT '{}',
    ADD COLUMN search_offer_carriers bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN search_session_prices integer[] NOT NULL DEFAULT '{}',
    ADD COLUMN search_lowest_session_price integer,
    ADD COLUMN search_conditions integer[] NOT NULL DEFAULT '{}',
    ADD COLUMN search_languages integer[] NOT NULL DEFAULT '{}';
"""

REFRESH = """
CREATE FUNCTION clinics_refresh_search_columns(clinic_ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Lock first: the update below then reads every change committed before it (READ COMMITTED).
    PERFORM 1 FROM clinics_clinic WHERE id = ANY(clinic_ids) ORDER BY id FOR NO KEY UPDATE;
    UPDATE clinics_clinic AS clinic SET
        search_treatments = COALESCE(offers.treatments, '{}'),
        search_billed = COALESCE(offers.billed, '{}'),
        search_session_prices = COALESCE(offers.session_prices, '{}'),
        search_lowest_session_price = offers.lowest_session_price,
        search_carriers = COALESCE(billing.carriers, '{}'),
        search_offer_carriers = COALESCE(billing.offer_carriers, '{}'),
        search_conditions = COALESCE(
            (SELECT array_agg(condition_id ORDER BY condition_id) FROM clinics_clinic_conditions
             WHERE clinic_id = clinic.id), '{}'),
        search_languages = COALESCE(
            (SELECT array_agg(language_id ORDER BY language_id) FROM clinics_clinic_languages
             WHERE clinic_id = clinic.id), '{}')
    FROM (SELECT unnest(clinic_ids) AS id) AS changed
    LEFT JOIN LATERAL (
        SELECT
            array_agg(offer.treatment_type_id ORDER BY offer.treatment_type_id) AS treatments,
            array_agg(offer.treatment_type_id ORDER BY offer.treatment_type_id)
                FILTER (WHERE offer.bills_insurance) AS billed,
            min(offer.price_min) FILTER (WHERE offer.price_unit = 'session') AS lowest_session_price,
            (SELECT array_agg(price.price_min ORDER BY position)
             FROM generate_series(1, max(offer.treatment_type_id)) AS position
             LEFT JOIN clinics_clinictreatment AS price
                ON price.clinic_id = changed.id AND price.treatment_type_id = position
                AND price.price_unit = 'session') AS session_prices
        FROM clinics_clinictreatment AS offer WHERE offer.clinic_id = changed.id
    ) AS offers ON TRUE
    LEFT JOIN LATERAL (
        SELECT
            array_agg(DISTINCT billed.insurancecarrier_id) AS carriers,
            array_agg(offer.treatment_type_id::bigint * 4294967296 + billed.insurancecarrier_id) AS offer_carriers
        FROM clinics_clinictreatment AS offer
        JOIN clinics_clinictreatment_carriers AS billed ON billed.clinictreatment_id = offer.id
        WHERE offer.clinic_id = changed.id
    ) AS billing ON TRUE
    WHERE clinic.id = changed.id;
END
$$;

-- For the tables whose rows name their clinic: offers, conditions treated, languages spoken.
CREATE FUNCTION clinics_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM clinics_refresh_search_columns(ARRAY(SELECT DISTINCT clinic_id FROM new_rows));
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM clinics_refresh_search_columns(ARRAY(SELECT DISTINCT clinic_id FROM old_rows));
    END IF;
    RETURN NULL;
END
$$;

-- For the carriers an offer bills, whose rows name the offer.
CREATE FUNCTION clinics_billing_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM clinics_refresh_search_columns(ARRAY(
            SELECT DISTINCT offer.clinic_id FROM new_rows
            JOIN clinics_clinictreatment AS offer ON offer.id = new_rows.clinictreatment_id));
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM clinics_refresh_search_columns(ARRAY(
            SELECT DISTINCT offer.clinic_id FROM old_rows
            JOIN clinics_clinictreatment AS offer ON offer.id = old_rows.clinictreatment_id));
    END IF;
    RETURN NULL;
END
$$;
"""

TABLES = {
    "clinics_clinictreatment": "clinics_rows_changed",
    "clinics_clinic_conditions": "clinics_rows_changed",
    "clinics_clinic_languages": "clinics_rows_changed",
    "clinics_clinictreatment_carriers": "clinics_billing_changed",
}
TRANSITIONS = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}
TRIGGERS = "\n".join(
    f"CREATE TRIGGER search_columns_{event.lower()} AFTER {event} ON {table} "
    f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
    for table, function in TABLES.items()
    for event, transition in TRANSITIONS.items()
)
FILL = "SELECT clinics_refresh_search_columns(ARRAY(SELECT id FROM clinics_clinic));"

# The covering index of searches near a place, now with the search columns and the name (the
# tie-break of every sort), so that finding a page of results never reads the wide table rows.
COVERING_INDEX = """
CREATE INDEX clinic_published_reach ON clinics_clinic (latitude, longitude) INCLUDE (
    id, name, accepting_new_patients, offers_telehealth, offers_integration_therapy, offers_financing,
    offers_sliding_scale, offers_superbill, facts_confirmed_at, spravato_rems_certified, session_monitored_by,
    search_treatments, search_billed, search_carriers, search_offer_carriers, search_session_prices,
    search_lowest_session_price, search_conditions, search_languages
) WHERE status = 'published';
"""

UNDO = (
    "DROP INDEX clinic_published_reach;"
    + "".join(
        f"DROP TRIGGER search_columns_{event.lower()} ON {table};" for table in TABLES for event in TRANSITIONS
    )
    + "DROP FUNCTION clinics_billing_changed(); DROP FUNCTION clinics_rows_changed();"
    + "DROP FUNCTION clinics_refresh_search_columns(bigint[]);"
    + "ALTER TABLE clinics_clinic DROP COLUMN search_treatments, DROP COLUMN search_billed,"
    + " DROP COLUMN search_carriers, DROP COLUMN search_offer_carriers, DROP COLUMN search_session_prices,"
    + " DROP COLUMN search_lowest_session_price, DROP COLUMN search_conditions, DROP COLUMN search_languages;"
)


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0021_fact_confirmations_and_safety_facts"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="clinic", name="clinic_published_coordinates"),
        migrations.RunSQL(COLUMNS + REFRESH + TRIGGERS + FILL + COVERING_INDEX, UNDO),
    ]
