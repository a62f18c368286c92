"""Cached pages and counts change as soon as a change to a listing or a guide commits."""

import re

import pytest
from django.test import Client

from clinics.models import Clinic, ClinicTreatment, Condition, TreatmentType
from clinics.services import clinic_mark_verified
from tests.factories import make_clinic, make_guide

pytestmark = pytest.mark.django_db


def card_names(response) -> list[str]:
    return re.findall(r'class="card__title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def test_an_edited_listing_shows_on_its_page_at_once(client, django_capture_on_commit_callbacks):
    clinic = make_clinic(name="Old Name Clinic")
    assert b"Old Name Clinic" in client.get(clinic.get_absolute_url()).content
    with django_capture_on_commit_callbacks(execute=True):
        clinic.name = "New Name Clinic"
        clinic.save()
    assert b"New Name Clinic" in client.get(clinic.get_absolute_url()).content


def test_a_changed_price_shows_in_the_search_results_at_once(client, django_capture_on_commit_callbacks):
    make_clinic(treatments={"iv-infusion": (400, 600)})
    assert "$400" in client.get("/clinics/", {"treatment": "iv-infusion"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        offer = ClinicTreatment.objects.get(treatment_type__slug="iv-infusion")
        offer.price_min = 350
        offer.save()
    assert "$350" in client.get("/clinics/", {"treatment": "iv-infusion"}).content.decode()


def test_a_condition_added_to_a_listing_shows_on_its_page(client, django_capture_on_commit_callbacks):
    clinic = make_clinic()
    ocd = Condition.objects.get(slug="ocd")
    assert ocd.name not in client.get(clinic.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        clinic.conditions.add(ocd)
    assert ocd.name in client.get(clinic.get_absolute_url()).content.decode()


def test_an_unpublished_listing_leaves_search_and_landing_pages_and_its_page_404s(
    client, django_capture_on_commit_callbacks
):
    clinic = make_clinic(name="Soon Gone Clinic")
    assert card_names(client.get("/clinics/")) == ["Soon Gone Clinic"]
    assert card_names(client.get("/clinics/tx/")) == ["Soon Gone Clinic"]
    assert client.get(clinic.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        clinic.status = Clinic.Status.UNPUBLISHED
        clinic.save()
    assert card_names(client.get("/clinics/")) == []
    assert card_names(client.get("/clinics/tx/")) == []
    assert client.get(clinic.get_absolute_url()).status_code == 404


def test_marking_a_listing_verified_shows_on_its_page(client, editor, django_capture_on_commit_callbacks):
    clinic = make_clinic(last_verified_at=None)
    assert b"has not been verified yet" in client.get(clinic.get_absolute_url()).content
    with django_capture_on_commit_callbacks(execute=True):
        clinic_mark_verified(clinics=[clinic], editor=editor)
    assert b"has not been verified yet" not in client.get(clinic.get_absolute_url()).content


def test_a_guide_given_a_new_topic_shows_its_clinics(client, django_capture_on_commit_callbacks):
    guide = make_guide(treatments=["spravato"])
    make_clinic(name="Infusion Only Clinic", treatments={"iv-infusion": (400, 600)})
    assert "Infusion Only Clinic" not in client.get(guide.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        guide.treatment_types.add(TreatmentType.objects.get(slug="iv-infusion"))
    assert "Infusion Only Clinic" in client.get(guide.get_absolute_url()).content.decode()


def test_two_visitors_never_share_a_csrf_or_submission_token():
    clinic = make_clinic()
    pages = [Client(enforce_csrf_checks=True).get(clinic.get_absolute_url()).content.decode() for _ in range(2)]
    tokens = [re.findall(r'name="(?:csrfmiddlewaretoken|submission_token)" value="([^"]+)"', page) for page in pages]
    assert len(tokens[0]) == 3  # the inquiry form's two tokens and the report form's CSRF token
    assert not set(tokens[0]) & set(tokens[1])
