"""'Find your clinic': a member with no clinic yet finds its listing by name or city and claims it."""

import pytest

from clinics.models import Clinic
from tests.factories import make_clinic
from tests.staff_factories import make_verified_user

pytestmark = pytest.mark.django_db

FIND = "/manage/find-clinic/"


@pytest.fixture
def newcomer_client(client):
    client.force_login(make_verified_user(email="manager@gmail.example"))
    return client


def test_the_empty_dashboard_offers_to_find_your_clinic(newcomer_client):
    page = newcomer_client.get("/dashboard/").content.decode()
    assert "Find your clinic" in page
    assert f'action="{FIND}"' in page


def test_it_finds_published_clinics_by_name_and_links_each_to_its_claim(newcomer_client, clinic, place):
    make_clinic(name="Juniper Draft Clinic", status=Clinic.Status.DRAFT)
    page = newcomer_client.get(FIND, {"name": "juniper"}).content.decode()
    assert f'href="/manage/clinics/{clinic.slug}/claim/"' in page
    assert "Juniper Draft Clinic" not in page
    assert "1 clinic found" in page


def test_it_finds_clinics_by_city_and_name_together(newcomer_client, clinic, other_clinic):
    make_clinic(name="Juniper Ketamine Care", city="Dallas", slug="juniper-ketamine-care-dallas")
    page = newcomer_client.get(FIND, {"name": "juniper", "city": "austin"}).content.decode()
    assert clinic.slug in page
    assert "juniper-ketamine-care-dallas" not in page
    assert other_clinic.slug not in page


def test_a_search_that_finds_nothing_offers_to_add_the_clinic(newcomer_client, clinic):
    page = newcomer_client.get(FIND, {"name": "no such place"}).content.decode()
    assert "No listed clinic matches" in page
    assert 'href="/manage/new-clinic/"' in page


def test_a_clinic_the_member_manages_is_marked_rather_than_offered_to_claim(owner_client, clinic):
    page = owner_client.get(FIND, {"name": "juniper"}).content.decode()
    assert f'href="/manage/clinics/{clinic.slug}/"' in page
    assert f"/manage/clinics/{clinic.slug}/claim/" not in page


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(FIND, {"name": "juniper"})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_search_shows_at_most_20_clinics_in_a_fixed_number_of_queries(
    newcomer_client, place, django_assert_max_num_queries
):
    for n in range(25):
        make_clinic(name=f"Cedar Infusions {n:02}")
    with django_assert_max_num_queries(6):
        page = newcomer_client.get(FIND, {"name": "cedar"}).content.decode()
    assert page.count("/claim/") == 20
    assert "Showing the first 20" in page
