import pytest
from django.db import OperationalError, connection

from clinics.models import Clinic
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_treatments_and_conditions_from_the_database(client):
    make_clinic()
    response = client.get("/")
    assert response.status_code == 200
    assert b"Intranasal esketamine (Spravato)" in response.content
    assert b"Complex regional pain syndrome (CRPS)" in response.content


def test_the_clinic_list_shows_published_clinics_only(client):
    make_clinic(name="Open Door Ketamine")
    make_clinic(name="Hidden Draft Ketamine", status=Clinic.Status.DRAFT)
    response = client.get("/clinics/")
    assert response.status_code == 200
    assert b"Open Door Ketamine" in response.content
    assert b"Hidden Draft Ketamine" not in response.content


@pytest.mark.parametrize("page", ["2", "0", "-1", "abc", "99999999999999999999"])
def test_the_clinic_list_gives_404_for_a_page_that_does_not_exist(client, page):
    make_clinic()
    assert client.get("/clinics/", {"page": page}).status_code == 404


def test_the_clinic_page_shows_prices_and_the_first_course_estimate(client):
    clinic = make_clinic(name="Quiet Oak Ketamine", treatments={"iv-infusion": (450, 650)})
    response = client.get(clinic.get_absolute_url())
    assert response.status_code == 200
    assert b"Quiet Oak Ketamine" in response.content
    assert b"2,700" in response.content and b"3,900" in response.content  # 6 infusions


def test_a_draft_clinic_page_is_not_found(client):
    clinic = make_clinic(status=Clinic.Status.DRAFT)
    assert client.get(clinic.get_absolute_url()).status_code == 404


def test_an_unknown_page_gets_the_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"search" in response.content.lower()


def test_the_clinic_page_has_a_fixed_query_count(client, cache_versions, django_assert_max_num_queries):
    clinic = make_clinic(treatments={"iv-infusion": (400, 600), "spravato": (500, 600), "im-injection": (300, 400)})
    with django_assert_max_num_queries(11):  # 5 for the listing, 1 + 5 for the cache
        assert client.get(clinic.get_absolute_url()).status_code == 200


def test_healthz_says_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_gives_503_when_the_database_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    assert client.get("/healthz").status_code == 503
