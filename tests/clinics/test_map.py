"""The maps' server side: marker data in the cached HTML, and a policy that lets in the tile host alone."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from directory.settings import map_tiles_origin
from tests.directory.test_security import policy
from tests.factories import make_clinic
from tests.staff_factories import make_place

pytestmark = pytest.mark.django_db

SEARCH = "/clinics/?where=78701&radius=25"


@pytest.fixture
def clinic():
    make_place()
    return make_clinic(name="Juniper Ketamine Care", latitude=30.27131, longitude=-97.74264)


def test_the_policy_allows_images_from_the_tile_host_and_no_other(client, clinic):
    for url in [SEARCH, clinic.get_absolute_url(), "/"]:
        directives = policy(client.get(url))
        assert directives["img-src"] == "'self' data: https://tile.openstreetmap.org", url
        assert directives["connect-src"] == "'self'", url
        assert directives["script-src"] == "'self'", url


def test_the_tile_origin_comes_from_the_tile_url():
    assert map_tiles_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org"
    assert map_tiles_origin("https://tiles.example.org:8443/osm/{z}/{x}/{y}.png") == "https://tiles.example.org:8443"
    assert map_tiles_origin("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == "https://*.tiles.example.org"


@pytest.mark.parametrize(
    "url",
    ["tile.openstreetmap.org/{z}/{x}/{y}.png", "javascript:alert(1)//{z}/{x}/{y}", "https://tile.example.org/map.png"],
)
def test_a_tile_url_that_is_not_a_tile_template_stops_the_site(url):
    with pytest.raises(ImproperlyConfigured, match="MAP_TILES_URL"):
        map_tiles_origin(url)


def test_each_result_card_carries_its_coordinates_for_the_map(client, clinic):
    html = client.get(SEARCH).content.decode()
    assert 'data-lat="30.27131" data-lng="-97.74264"' in html
    assert 'data-tiles-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert "OpenStreetMap&lt;/a&gt; contributors" in html  # the attribution, as data
    assert '<div class="results-map" data-results-map' in html and " hidden>" in html


def test_the_map_data_is_in_the_page_served_from_the_cache(
    client, clinic, cache_versions, django_assert_max_num_queries
):
    first = client.get(SEARCH).content.decode()
    with django_assert_max_num_queries(1):  # the cache versions; the page itself comes from the cache
        second = client.get(SEARCH).content.decode()
    token = r'name="csrfmiddlewaretoken" value="[^"]+"'  # masked afresh for each response
    assert re.sub(token, "", second) == re.sub(token, "", first)
    assert 'data-lat="30.27131"' in second


def test_a_search_without_results_has_no_map(client, clinic):
    html = client.get("/clinics/?q=nothing+matches+this").content.decode()
    assert "No clinics match" in html
    assert "data-results-map" not in html


def test_a_clinic_page_carries_its_map(client, clinic):
    html = client.get(clinic.get_absolute_url()).content.decode()
    assert 'data-clinic-map data-lat="30.27131" data-lng="-97.74264" data-name="Juniper Ketamine Care"' in html
    assert "vendor/leaflet/leaflet.js" in html and "js/map.js" in html


def test_without_a_tile_url_there_are_no_maps(client, clinic, settings):
    settings.MAP_TILES_URL = ""
    assert "data-results-map" not in client.get(SEARCH).content.decode()
    assert "data-clinic-map" not in client.get(clinic.get_absolute_url()).content.decode()
