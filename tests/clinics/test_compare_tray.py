"""The compare tray keeps the visitor's choice across filters, sorts and pages, without JavaScript."""

import re

import pytest

from clinics.models import Clinic, Place
from clinics.views.compare import TRAY_COOKIE
from tests.factories import AUSTIN, make_clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def austin():
    Place.objects.create(zip_code="78701", city="Austin", state="TX", latitude=AUSTIN[0], longitude=AUSTIN[1])


def add(client, clinic: Clinic, back: str = "/clinics/?where=78701"):
    return client.post("/clinics/compare/tray/", {"add": clinic.pk, "next": back})


def tray(html: str) -> str:
    found = re.search(r'<aside class="compare-tray".*?</aside>', html, re.S)
    return found[0] if found else ""


def test_each_card_has_an_add_to_compare_button_that_works_without_javascript(client, austin):
    clinic = make_clinic(name="Cedar IV Clinic")
    html = client.get("/clinics/?where=78701").content.decode()
    assert f'form="compare-form" name="add" value="{clinic.pk}"' in html
    assert '<form id="compare-form" method="post" action="/clinics/compare/tray/">' in html


def test_adding_a_clinic_goes_back_to_the_same_search_at_its_card(client, austin):
    clinic = make_clinic()
    response = add(client, clinic, "/clinics/?where=78701&sort=name")
    assert response.status_code == 302
    assert response["Location"] == f"/clinics/?where=78701&sort=name#clinic-{clinic.pk}"
    assert response.cookies[TRAY_COOKIE].value == str(clinic.pk)


def test_the_choice_is_kept_across_filters_sorts_and_pages(client, austin):
    first, second = make_clinic(name="Cedar IV Clinic"), make_clinic(name="Juniper Spravato Center")
    for _ in range(21):
        make_clinic()
    add(client, first)
    add(client, second)
    for address in [
        "/clinics/?where=78701&treatment=spravato",
        "/clinics/?where=78701&sort=name&page=2",
        "/clinics/tx/",
    ]:
        shown = tray(client.get(address).content.decode())
        assert "Compare (2)" in shown, address
        assert "Cedar IV Clinic" in shown and "Juniper Spravato Center" in shown
    compared = client.get("/clinics/compare/").content.decode()
    assert "Cedar IV Clinic" in compared and "Juniper Spravato Center" in compared


def test_the_tray_is_never_baked_into_the_page_cached_for_everyone(client, austin):
    clinic = make_clinic(name="Cedar IV Clinic")
    add(client, clinic)
    assert "Compare (1)" in client.get("/clinics/?where=78701").content.decode()
    client.cookies.pop(TRAY_COOKIE)
    assert "compare-tray" not in client.get("/clinics/?where=78701").content.decode()


def test_a_fifth_clinic_is_refused_with_a_clear_message(client, austin):
    clinics = [make_clinic(name=f"Clinic {n}") for n in range(1, 6)]
    for clinic in clinics[:4]:
        add(client, clinic)
    response = add(client, clinics[4])
    assert response["Location"] == "/clinics/?where=78701"  # no jump to the card: the message is at the top
    assert response.cookies[TRAY_COOKIE].value == ".".join(str(clinic.pk) for clinic in clinics[:4])
    html = client.get(response["Location"]).content.decode()
    assert "You can compare up to 4 clinics at a time. Remove one from “Compare” first to add Clinic 5." in html
    assert "Compare (4)" in tray(html)


def test_a_clinic_can_be_removed_and_the_tray_cleared(client, austin):
    first, second = make_clinic(), make_clinic()
    add(client, first)
    add(client, second)
    response = client.post("/clinics/compare/tray/", {"remove": first.pk, "next": "/clinics/"})
    assert response.cookies[TRAY_COOKIE].value == str(second.pk)
    response = client.post("/clinics/compare/tray/", {"clear": "1", "next": "/clinics/"})
    assert response.cookies[TRAY_COOKIE].value == ""


def test_the_tray_goes_back_only_to_this_site(client, austin):
    response = client.post("/clinics/compare/tray/", {"add": make_clinic().pk, "next": "https://elsewhere.example/"})
    assert response["Location"].startswith("/clinics/#clinic-")


def test_a_made_up_tray_cookie_is_ignored(client, austin):
    clinic = make_clinic(name="Cedar IV Clinic")
    client.cookies[TRAY_COOKIE] = f"abc.{clinic.pk}.²..99999999999999999999.-1"
    assert "Compare (1)" in client.get("/clinics/?where=78701").content.decode()


def test_the_compare_page_speaks_of_one_clinic_in_the_singular(client):
    clinic = make_clinic()
    html = client.get(f"/clinics/compare/?id={clinic.pk}").content.decode()
    assert "1 clinic side by side" in html
    assert "1 clinics" not in html


def test_the_search_page_costs_one_more_query_with_a_tray(client, austin, cache_versions, django_assert_num_queries):
    clinic = make_clinic()
    client.get("/clinics/?where=78701")  # now cached
    with django_assert_num_queries(1):  # the cache versions: no tray, no query for it
        client.get("/clinics/?where=78701")
    add(client, clinic)
    with django_assert_num_queries(2):  # the cache versions, the tray's clinic names
        client.get("/clinics/?where=78701")
