"""Cached pages and counts change as soon as a change to a listing or a guide commits, or a guide's time comes."""

import re
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinics.caching import url_key
from clinics.freshness import facts_confirm
from clinics.models import FACT_GROUPS, Clinic, ClinicTreatment, Condition, TreatmentType
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


def test_confirming_a_fact_shows_on_its_page(client, editor, django_capture_on_commit_callbacks):
    clinic = make_clinic(facts_confirmed_at=None)
    assert b"Not confirmed yet" in client.get(clinic.get_absolute_url()).content
    with django_capture_on_commit_callbacks(execute=True):
        facts_confirm(clinic=clinic, groups=list(FACT_GROUPS), by="editor", how="phone", user=editor)
    assert b"Not confirmed yet" not in client.get(clinic.get_absolute_url()).content


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


def test_a_guide_scheduled_for_later_shows_on_cached_pages_when_its_time_comes(client):
    clinic = make_clinic(treatments={"spravato": (600, 900)})
    make_guide(title="Out Already", treatments=["spravato"])
    make_guide(title="Coming Soon", treatments=["spravato"], publish_at=timezone.now() + timedelta(hours=2))
    pages = [clinic.get_absolute_url(), "/treatments/spravato/", "/guides/"]
    for path in pages:
        page = client.get(path).content.decode()
        assert "Out Already" in page and "Coming Soon" not in page
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(hours=2, seconds=1)):
        for path in pages:
            assert "Coming Soon" in client.get(path).content.decode()


def test_another_app_server_uses_the_shared_page_without_rendering_it_again(client, django_assert_num_queries):
    clinic = make_clinic()
    first = client.get("/clinics/tx/").content
    caches["local"].clear()  # as in a process that has not served the page yet
    with django_assert_num_queries(1):  # the versions and the page, in one read
        assert client.get("/clinics/tx/").content == first
    assert clinic.name.encode() in first


def test_a_page_with_a_parameter_it_does_not_read_is_rendered_but_never_stored(client):
    clinic = make_clinic()
    for path in [f"{clinic.get_absolute_url()}?utm_source=mail", "/clinics/?q=clinic&made_up=1", "/?ref=x"]:
        response = client.get(path)
        assert response.status_code == 200
        assert cache.get(url_key("page", response.wsgi_request)) is None
    response = client.get("/clinics/?q=clinic")
    assert cache.get(url_key("page", response.wsgi_request)) is not None


def test_signed_in_members_and_visitors_with_a_message_never_get_or_fill_the_page_cached_for_everyone(
    client, django_user_model
):
    clinic = make_clinic()
    assert b"Clinic sign-in" in client.get("/").content  # now cached for everyone
    member = django_user_model.objects.create_user("member", "member@example.com", "a-long-test-password")
    client.force_login(member)
    assert b"Dashboard" in client.get("/").content
    client.logout()
    assert b"Dashboard" not in client.get("/").content

    report = {"part": "closed", "note": "The clinic closed last month.", "reporter_email": ""}
    response = client.post(reverse("clinics:report", args=[clinic.slug]), report, follow=True)
    assert response.redirect_chain and b'class="wrap messages"' in response.content
    assert b'class="wrap messages"' not in client.get(clinic.get_absolute_url()).content


def test_versions_stored_by_an_older_release_are_replaced_not_trusted(client):
    clinic = make_clinic(name="Fresh Name Clinic")
    cache.set("listings-version", "0123abcd", None)  # the format before versions carried a time
    assert b"Fresh Name Clinic" in client.get(clinic.get_absolute_url()).content
    assert isinstance(cache.get("listings-version"), tuple)


def test_expire_cache_makes_every_cached_page_render_afresh(client):
    clinic = make_clinic(name="Before Release Clinic")
    assert b"Before Release Clinic" in client.get(clinic.get_absolute_url()).content
    Clinic.objects.filter(pk=clinic.pk).update(name="After Release Clinic")  # no signal, as a template change
    assert b"Before Release Clinic" in client.get(clinic.get_absolute_url()).content
    call_command("expire_cache", stdout=StringIO())
    assert b"After Release Clinic" in client.get(clinic.get_absolute_url()).content
