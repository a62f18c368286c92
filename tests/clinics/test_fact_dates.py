"""A date on every fact patients decide on: shown beside it, marked when past its limit, searchable."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from clinics.models import Clinic, ClinicTreatment
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db


def move_clock(monkeypatch, days: int) -> None:
    later = timezone.now() + timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: later)


def stale_marks(html: str) -> int:
    return html.count("May be out of date")


def test_the_clinic_page_shows_beside_each_fact_when_who_and_how_it_was_confirmed(client):
    clinic = make_clinic(hours="Mon-Fri 9am-5pm")
    html = client.get(clinic.get_absolute_url()).content.decode()
    today = timezone.localdate()  # pages print the site's date, which is not UTC's near midnight
    day = f"{today:%b} {today.day}, {today.year}"
    stamp = f'Confirmed <time datetime="{today:%Y-%m-%d}">{day}</time> by our editors by phone.'
    # Prices and insurance of the one offer, accepting new patients, hours, telehealth.
    assert html.count(stamp) == 4
    assert stale_marks(html) == 0


@pytest.mark.parametrize(
    "days_later, stale_facts",
    [
        (80, 0),
        (100, 1),  # accepting new patients: 3 months
        (200, 2),  # and prices and insurance: 6 months
        (400, 4),  # and hours and telehealth: 12 months
    ],
)
def test_a_fact_older_than_its_limit_is_marked_may_be_out_of_date(client, monkeypatch, days_later, stale_facts):
    clinic = make_clinic()
    move_clock(monkeypatch, days_later)
    html = client.get(clinic.get_absolute_url()).content.decode()
    assert stale_marks(html) == stale_facts
    assert ("Some details may be out of date" in html) == bool(stale_facts)


def test_a_fact_never_confirmed_says_so_and_is_marked(client):
    clinic = make_clinic(facts_confirmed_at=None)
    html = client.get(clinic.get_absolute_url()).content.decode()
    assert html.count("Not confirmed yet.") == 4
    assert stale_marks(html) == 4


def test_each_offer_carries_its_own_date(client):
    clinic = make_clinic(treatments={"iv-infusion": (400, 600), "spravato": (500, 700)})
    long_ago = timezone.now() - timedelta(days=200)
    ClinicTreatment.objects.filter(clinic=clinic, treatment_type__slug="spravato").update(confirmed_at=long_ago)
    html = client.get(clinic.get_absolute_url()).content.decode()
    spravato = html[html.index('id="offer-spravato"') :]
    spravato = spravato[: spravato.index("</article>")]
    assert f'datetime="{timezone.localdate(long_ago):%Y-%m-%d}"' in spravato and stale_marks(spravato) == 1
    assert stale_marks(html) == 1


def test_the_stored_stalest_date_is_the_oldest_of_every_fact(db):
    clinic = make_clinic(treatments={"iv-infusion": (400, 600), "spravato": (500, 700)})
    oldest = timezone.now() - timedelta(days=50)
    ClinicTreatment.objects.filter(clinic=clinic, treatment_type__slug="spravato").update(confirmed_at=oldest)
    Clinic.objects.filter(pk=clinic.pk).update(hours_confirmed_at=oldest + timedelta(days=1))
    Clinic.objects.filter(pk=clinic.pk).refresh_facts_confirmed_at()
    assert Clinic.objects.get(pk=clinic.pk).facts_confirmed_at == oldest
    Clinic.objects.filter(pk=clinic.pk).update(telehealth_confirmed_at=None)
    Clinic.objects.filter(pk=clinic.pk).refresh_facts_confirmed_at()
    assert Clinic.objects.get(pk=clinic.pk).facts_confirmed_at is None


def test_confirmed_in_the_last_6_months_needs_every_fact_that_recent(client):
    make_clinic(name="All Fresh")
    half_stale = make_clinic(name="One Old Price", treatments={"iv-infusion": (400, 600), "spravato": (500, 700)})
    ClinicTreatment.objects.filter(clinic=half_stale, treatment_type__slug="spravato").update(
        confirmed_at=timezone.now() - timedelta(days=190)
    )
    Clinic.objects.filter(pk=half_stale.pk).refresh_facts_confirmed_at()
    html = client.get("/clinics/?verified=on").content.decode()
    assert "All Fresh" in html and "One Old Price" not in html
    assert "Confirmed in the last 6 months" in html


def test_the_recently_confirmed_sort_follows_the_stalest_fact(client):
    make_clinic(name="Alpha Old Hours")
    make_clinic(name="Bravo Fresh")
    Clinic.objects.filter(name="Alpha Old Hours").update(hours_confirmed_at=timezone.now() - timedelta(days=40))
    Clinic.objects.filter(name="Alpha Old Hours").refresh_facts_confirmed_at()
    html = client.get("/clinics/?sort=verified").content.decode()
    assert html.index("Bravo Fresh") < html.index("Alpha Old Hours")


def test_a_card_shows_the_stalest_fact(client):
    clinic = make_clinic(name="Cedar Ketamine")
    old = timezone.now() - timedelta(days=120)
    Clinic.objects.filter(pk=clinic.pk).update(accepting_confirmed_at=old)
    Clinic.objects.filter(pk=clinic.pk).refresh_facts_confirmed_at()
    html = client.get("/clinics/").content.decode()
    card = re.search(r'<p class="card__verified muted">(.*?)</p>', html, re.S).group(1)
    assert "Accepting new patients confirmed" in card and f'datetime="{timezone.localdate(old):%Y-%m-%d}"' in card
    assert "May be out of date" in card


BEFORE = [("clinics", "0020_possible_duplicate_message")]
AFTER = [("clinics", "0021_fact_confirmations_and_safety_facts")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_dates_every_fact_from_the_last_verified_stamp_it_replaces(reference_data):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    stamp = timezone.now() - timedelta(days=40)
    common = {"street": "1 Main St", "city": "Austin", "state": "TX", "zip_code": "78701", "latitude": 30.27}
    checked = old.get_model("clinics", "Clinic").objects.create(
        name="Checked", slug="checked", longitude=-97.74, last_verified_at=stamp, **common
    )
    old.get_model("clinics", "Clinic").objects.create(name="Never", slug="never", longitude=-97.74, **common)
    old.get_model("clinics", "ClinicTreatment").objects.create(
        clinic=checked,
        treatment_type=old.get_model("clinics", "TreatmentType").objects.get(slug="iv-infusion"),
        price_min=400,
        price_max=600,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    clinic = Clinic.objects.get(slug="checked")
    assert [(c.at, c.by, c.how) for c in clinic.confirmations()] == [(stamp, "editor", "")] * 4
    assert clinic.facts_confirmed_at == stamp
    never = Clinic.objects.get(slug="never")
    assert never.facts_confirmed_at is None and never.accepting_confirmed_by == ""
