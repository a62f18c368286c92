"""Result cards kept in the cache per clinic: rendered once, and again as soon as anything a card shows changes."""

import re
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from clinics import cards
from clinics.models import Clinic, ClinicPhoto, ClinicTreatment, Condition, InsuranceCarrier, TreatmentType
from tests.directory.test_media import make_photo
from tests.factories import bill_insurance, confirm_all_facts, make_clinic

pytestmark = pytest.mark.django_db


def card_version(clinic: Clinic) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT card_version FROM clinics_clinic WHERE id = %s", [clinic.pk])
        return cursor.fetchone()[0]


def card_html(clinic: Clinic) -> str:
    """The clinic's card as a list of results shows it, through the cache."""
    [card] = cards.cards([(clinic.pk, None, card_version(clinic))])
    return str(card)


@pytest.fixture
def clinic(cache_versions):
    return make_clinic(name="Juniper Ketamine Care", treatments={"iv-infusion": (400, 600)})


def test_a_card_is_rendered_once_then_read_from_the_cache(clinic, django_assert_num_queries):
    first = card_html(clinic)
    with django_assert_num_queries(3):  # the card version, the cache's versions, then the card
        assert card_html(clinic) == first
    assert "Juniper Ketamine Care" in first and "\0" not in first


def test_a_change_to_the_clinic_renders_its_card_again_and_no_other(clinic, django_capture_on_commit_callbacks):
    other = make_clinic(name="Cedar IV Clinic")
    card_html(clinic), card_html(other)
    other_version = card_version(other)
    with django_capture_on_commit_callbacks(execute=True):
        clinic.name = "Juniper Ketamine Center"
        clinic.save()
    assert "Juniper Ketamine Center" in card_html(clinic)
    assert card_version(other) == other_version


def test_a_new_price_renders_the_card_again(clinic):
    card_html(clinic)
    ClinicTreatment.objects.filter(clinic=clinic).update(price_min=350)  # a write that sends no signal
    assert "$350–$600 per session" in card_html(clinic)


def test_a_carrier_billed_renders_the_card_again(clinic):
    assert "self-pay" in card_html(clinic)
    bill_insurance(clinic, "iv-infusion", "aetna")
    assert "bills Aetna" in card_html(clinic)


def test_a_condition_treated_renders_the_card_again(clinic):
    assert "Treats:" not in card_html(clinic)
    clinic.conditions.add(Condition.objects.get(slug="ptsd"))
    assert re.search(r"Treats:</span>\s*PTSD", card_html(clinic))


def test_a_logo_made_public_or_removed_renders_the_card_again(clinic):
    logo = make_photo(clinic, ClinicPhoto.Status.PENDING)
    logo.kind = ClinicPhoto.Kind.LOGO
    logo.save()
    assert logo.thumbnail.url not in card_html(clinic)
    ClinicPhoto.objects.filter(pk=logo.pk).update(status=ClinicPhoto.Status.PUBLIC)
    assert logo.thumbnail.url in card_html(clinic)
    logo.delete()
    assert "card__logo" not in card_html(clinic)


def test_a_renamed_carrier_or_treatment_renders_every_card_again(clinic, django_capture_on_commit_callbacks):
    bill_insurance(clinic, "iv-infusion", "aetna")
    assert "bills Aetna" in card_html(clinic)
    with django_capture_on_commit_callbacks(execute=True):
        InsuranceCarrier.objects.filter(slug="aetna").update(name="Aetna Health")
        TreatmentType.objects.get(slug="iv-infusion").save()  # what the admin's save sends
    assert "bills Aetna Health" in card_html(clinic)


def test_a_card_kept_in_the_cache_links_its_logo_afresh(clinic):
    logo = make_photo(clinic, ClinicPhoto.Status.PUBLIC)
    logo.kind = ClinicPhoto.Kind.LOGO
    logo.save()
    assert f'src="{logo.thumbnail.url}"' in card_html(clinic)
    # Private storage signs each link for a day; a card is kept for a week.
    signed = mock.Mock(url=mock.Mock(return_value="https://bucket.example/logo.webp?Signature=x&Expires=2"))
    with mock.patch("clinics.cards.default_storage", signed):
        assert 'src="https://bucket.example/logo.webp?Signature=x&amp;Expires=2"' in card_html(clinic)


def test_the_out_of_date_badge_shows_for_any_fact_past_its_limit_not_only_the_oldest(clinic):
    now = timezone.now()
    confirm_all_facts(clinic, now)
    # Hours are the oldest confirmation and within their year; accepting new patients is newer and
    # past its three months.
    Clinic.objects.filter(pk=clinic.pk).update(
        hours_confirmed_at=now - timedelta(days=200), accepting_confirmed_at=now - timedelta(days=100)
    )
    html = card_html(clinic)
    assert "Hours confirmed" in html
    assert "May be out of date" in html


def test_the_out_of_date_badge_appears_on_a_card_kept_from_before(clinic):
    confirm_all_facts(clinic, timezone.now())
    assert "May be out of date" not in card_html(clinic)
    a_year_on = timezone.now() + timedelta(days=365)
    with mock.patch("django.utils.timezone.now", return_value=a_year_on):
        assert "May be out of date" in card_html(clinic)


def test_warm_cards_renders_the_cards_the_cache_lacks(clinic):
    make_clinic(name="Cedar IV Clinic")
    make_clinic(name="Draft Clinic", status=Clinic.Status.DRAFT)
    card_html(clinic)
    out = StringIO()
    call_command("warm_cards", stdout=out)
    assert out.getvalue().strip() == "2 published clinics; 1 cards rendered, the others were ready."
    caches["cards"].clear()
    out = StringIO()
    call_command("warm_cards", stdout=out)
    assert "2 cards rendered" in out.getvalue()
