"""A number on each clinic's row that changes whenever anything its card shows may have changed.

Search result cards are kept in the cache per clinic and card_version (clinics/cards.py), so an
edit to one clinic makes only that clinic's card be rendered again. The database keeps the number:
every update of the clinic's row raises it, and that includes the update the search columns'
triggers (migration 0022) make after any change to its offers, the carriers they bill, its
conditions or its languages; a change to its photos (the card shows the logo) raises it too. As
with the search columns, the model does not declare it, so no save can write an old number back.

The covering indexes of searches near a place and of the telehealth list include it, so a page of
results is still found from the index alone.
"""

from django.db import migrations

CARD_VERSION = """
ALTER TABLE clinics_clinic ADD COLUMN card_version integer NOT NULL DEFAULT 0;

CREATE FUNCTION clinics_card_version_raised() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.card_version = OLD.card_version THEN
        NEW.card_version := OLD.card_version + 1;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER card_version BEFORE UPDATE ON clinics_clinic
    FOR EACH ROW EXECUTE FUNCTION clinics_card_version_raised();

CREATE FUNCTION clinics_photos_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE clinics_clinic SET card_version = card_version + 1
        WHERE id IN (SELECT DISTINCT clinic_id FROM new_rows);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE clinics_clinic SET card_version = card_version + 1
        WHERE id IN (SELECT DISTINCT clinic_id FROM old_rows);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER card_version_insert AFTER INSERT ON clinics_clinicphoto
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION clinics_photos_changed();
CREATE TRIGGER card_version_update AFTER UPDATE ON clinics_clinicphoto
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION clinics_photos_changed();
CREATE TRIGGER card_version_delete AFTER DELETE ON clinics_clinicphoto
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION clinics_photos_changed();
"""

UNDO_CARD_VERSION = """
DROP TRIGGER card_version_insert ON clinics_clinicphoto;
DROP TRIGGER card_version_update ON clinics_clinicphoto;
DROP TRIGGER card_version_delete ON clinics_clinicphoto;
DROP FUNCTION clinics_photos_changed();
DROP TRIGGER card_version ON clinics_clinic;
DROP FUNCTION clinics_card_version_raised();
ALTER TABLE clinics_clinic DROP COLUMN card_version;
"""

REACH = """
    id, name, accepting_new_patients, offers_telehealth, offers_integration_therapy, offers_financing,
    offers_sliding_scale, offers_superbill, facts_confirmed_at, spravato_rems_certified, session_monitored_by,
    search_treatments, search_billed, search_carriers, search_offer_carriers, search_session_prices,
    search_lowest_session_price, search_conditions, search_languages
"""


def indexes(card_version: str) -> str:
    return (
        "DROP INDEX clinic_published_reach; DROP INDEX clinic_telehealth_by_state;"
        f"CREATE INDEX clinic_published_reach ON clinics_clinic (longitude, latitude) INCLUDE ({REACH}{card_version})"
        " WHERE status = 'published';"
        f"CREATE INDEX clinic_telehealth_by_state ON clinics_clinic (state) INCLUDE (id, latitude, longitude{card_version})"
        " WHERE status = 'published' AND offers_telehealth;"
    )


class Migration(migrations.Migration):
    dependencies = [("clinics", "0025_telehealth_by_state_index")]

    operations = [
        migrations.RunSQL(CARD_VERSION, UNDO_CARD_VERSION),
        migrations.RunSQL(indexes(", card_version"), indexes("")),
    ]
