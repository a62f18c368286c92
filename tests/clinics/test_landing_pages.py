import json
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import resolve

from clinics.models import Clinic, Condition
from tests.factories import make_clinic
from tests.factories import result_names as names

pytestmark = pytest.mark.django_db


def breadcrumbs(response) -> list[str]:
    html = response.content.decode()
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        data = json.loads(block)
        if data["@type"] == "BreadcrumbList":
            return [item["name"] for item in data["itemListElement"]]
    raise AssertionError("no BreadcrumbList")


def test_the_state_page_lists_that_states_clinics_and_links_its_cities(client):
    make_clinic(name="Austin Clinic")
    make_clinic(name="Houston Clinic", city="Houston", zip_code="77002")
    make_clinic(name="Denver Clinic", city="Denver", state="CO", zip_code="80202")
    response = client.get("/clinics/tx/")
    assert response.status_code == 200
    assert sorted(names(response)) == ["Austin Clinic", "Houston Clinic"]
    assert b'href="/clinics/tx/houston/"' in response.content
    assert breadcrumbs(response) == ["Home", "Clinics", "Texas"]
    assert b"<title>Ketamine therapy clinics in Texas |" in response.content
    assert b'<link rel="canonical" href="http://localhost:8000/clinics/tx/">' in response.content
    assert b"2 clinics in Texas list ketamine treatment with us" in response.content
    assert b"each with its price and whether the clinic bills insurance for it" in response.content  # not "per session"


def test_the_city_page_lists_that_citys_clinics(client):
    make_clinic(name="Lake Clinic", city="Salt Lake City", state="UT", zip_code="84101")
    make_clinic(name="Provo Clinic", city="Provo", state="UT", zip_code="84601")
    response = client.get("/clinics/ut/salt-lake-city/")
    assert response.status_code == 200
    assert names(response) == ["Lake Clinic"]
    assert b"1 clinic in Salt Lake City lists ketamine treatment with us" in response.content
    assert breadcrumbs(response) == ["Home", "Clinics", "Utah", "Salt Lake City"]
    assert b"Ketamine therapy clinics in Salt Lake City, UT" in response.content
    assert b'href="/clinics/?where=Salt+Lake+City%2C+UT"' in response.content


def test_the_treatment_page_explains_it_and_lists_clinics_offering_it(client):
    make_clinic(name="Spravato Clinic", treatments={"spravato": (500, 700)})
    make_clinic(name="IV Clinic")
    response = client.get("/treatments/spravato/")
    assert response.status_code == 200
    assert names(response) == ["Spravato Clinic"]
    assert b"twice a week" in response.content.lower()  # the usual course, from the reference data
    assert b"$500\xe2\x80\x93$700 across 1 listed clinic" in response.content
    assert breadcrumbs(response) == ["Home", "Clinics", "Intranasal esketamine (Spravato)"]
    assert b'href="/treatments/iv-infusion/"' in response.content and b'href="/conditions/ptsd/"' in response.content


def test_the_condition_page_explains_it_and_lists_clinics_treating_it(client):
    make_clinic(name="PTSD Clinic").conditions.add(Condition.objects.get(slug="ptsd"))
    make_clinic(name="Other Clinic")
    response = client.get("/conditions/ptsd/")
    assert response.status_code == 200
    assert names(response) == ["PTSD Clinic"]
    assert Condition.objects.get(slug="ptsd").summary.encode() in response.content
    assert breadcrumbs(response) == ["Home", "Clinics", "PTSD"]
    assert b'href="/conditions/ocd/"' in response.content and b'href="/treatments/spravato/"' in response.content


def test_landing_pages_show_published_clinics_only(client):
    make_clinic(name="Draft Clinic", status=Clinic.Status.DRAFT)
    for url in ["/clinics/tx/", "/clinics/tx/austin/", "/treatments/iv-infusion/"]:
        assert b"Draft Clinic" not in client.get(url).content


def test_the_home_page_links_to_the_landing_pages(client):
    make_clinic()
    html = client.get("/").content.decode()
    assert 'href="/treatments/spravato/"' in html
    assert 'href="/conditions/crps/"' in html
    assert 'href="/clinics/tx/"' in html


@pytest.mark.parametrize(
    "url, status",
    [
        ("/clinics/zz/", 404),
        ("/clinics/tx/nowhere/", 404),
        ("/treatments/laughing-gas/", 404),
        ("/conditions/boredom/", 404),
        ("/clinics/TX/", 301),
        ("/clinics/Tx/austin/", 301),
    ],
)
def test_unknown_landing_pages_are_not_found_and_capitals_redirect(client, url, status):
    make_clinic()
    assert client.get(url).status_code == status


def test_the_routes_tell_states_cities_and_clinics_apart(client):
    clinic = make_clinic(slug="txa")
    assert resolve("/clinics/tx/").url_name == "state"
    assert resolve("/clinics/tx/austin/").url_name == "city"
    assert resolve("/clinics/txa/").url_name == "detail"
    assert client.get("/clinics/txa/").context["clinic"] == clinic


def test_the_database_refuses_a_two_letter_clinic_slug_that_would_hide_behind_a_state_page():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_clinic(slug="tx")


@pytest.mark.parametrize("shown", [1, 20])
@pytest.mark.parametrize(
    "url", ["/clinics/tx/", "/clinics/tx/austin/", "/treatments/iv-infusion/", "/conditions/ptsd/"]
)
def test_landing_page_query_counts_do_not_grow_with_results(
    client, cache_versions, django_assert_max_num_queries, django_assert_num_queries, url, shown
):
    ptsd = Condition.objects.get(slug="ptsd")
    for _ in range(shown):
        make_clinic(treatments={"iv-infusion": (400, 600), "spravato": (500, 600)}).conditions.add(ptsd)
    # 4 choice lists, the page's own data (1-2), count, the page's ids, its clinics, their offers, related links (1-2),
    # related guides, and the cache: read the versions once, then read and store the whole page, the
    # choice lists, the results, the cards, and the state's cities or the treatment's prices.
    with django_assert_max_num_queries(24):
        response = client.get(url)
    assert len(names(response)) == shown
    with django_assert_num_queries(1):  # the page, cached whole for anonymous visitors
        assert names(client.get(url)) == names(response)


def test_the_sitemap_lists_published_clinics_and_landing_pages_but_not_drafts(client):
    published = make_clinic(slug="open-clinic")
    make_clinic(slug="draft-clinic", status=Clinic.Status.DRAFT)
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert b"/sitemap-clinics.xml" in index.content and b"/sitemap-places.xml" in index.content

    clinics = client.get("/sitemap-clinics.xml").content.decode()
    assert f"<loc>http://localhost:8000{published.get_absolute_url()}</loc>" in clinics
    assert "draft-clinic" not in clinics

    places = client.get("/sitemap-places.xml").content.decode()
    for path in ["/clinics/tx/", "/clinics/tx/austin/", "/treatments/spravato/", "/conditions/ptsd/"]:
        assert f"<loc>http://localhost:8000{path}</loc>" in places


def test_robots_txt_points_to_the_sitemap_and_keeps_filtered_searches_out(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert b"Sitemap: http://localhost:8000/sitemap.xml" in response.content
    assert b"Disallow: /clinics/?" in response.content
