"""A search that finds nothing leads somewhere: the nearest clinics beyond it, telehealth, a filter to drop."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinics.models import Place
from tests.factories import AUSTIN, bill_insurance, make_clinic

pytestmark = pytest.mark.django_db

MILES_PER_DEGREE = 69.09
BILLINGS = (45.7833, -108.5007)


@pytest.fixture
def montana():
    Place.objects.create(zip_code="59001", city="Absarokee", state="MT", latitude=45.52, longitude=-109.44)
    Place.objects.create(zip_code="78701", city="Austin", state="TX", latitude=AUSTIN[0], longitude=AUSTIN[1])
    Place.objects.create(zip_code="73301", city="Austin", state="TX", latitude=30.26, longitude=-97.74)


def far_in_montana(miles_north: float, **fields):
    """A clinic about `miles_north` miles north of ZIP 59001."""
    return make_clinic(
        city="Glasgow",
        state="MT",
        zip_code="59230",
        latitude=45.52 + miles_north / MILES_PER_DEGREE,
        longitude=-109.44,
        **fields,
    )


def test_at_the_widest_distance_the_page_never_suggests_a_wider_one(client, montana):
    far_in_montana(150, name="Prairie Ketamine")
    html = client.get("/clinics/?where=59001&radius=100").content.decode()
    assert "No clinics match" in html
    assert "wider distance" not in html
    assert "Within 100 miles" not in html


def test_below_the_widest_distance_a_wider_one_is_still_offered(client, montana):
    far_in_montana(40, name="Prairie Ketamine")
    html = client.get("/clinics/?where=59001&radius=25").content.decode()
    assert "a wider distance" in html
    assert "Within 100 miles</a>: 1 clinic" in html


def test_nothing_within_the_radius_shows_the_nearest_clinics_beyond_it_with_their_distances(client, montana):
    far_in_montana(300, name="Far Plains Clinic")
    far_in_montana(150, name="Prairie Ketamine")
    make_clinic(name="Austin Clinic")  # more than 500 miles away
    html = client.get("/clinics/?where=59001&radius=100").content.decode()
    section = html[html.index('id="nearest-title"') :]
    assert "The nearest clinics beyond 100 miles" in section
    assert re.findall(r'class="card__title"><a href="[^"]+">([^<]+)</a>', section)[:2] == [
        "Prairie Ketamine",
        "Far Plains Clinic",
    ]
    assert "150.0 mi" in section
    assert "Austin Clinic" not in html


def test_the_nearest_clinics_beyond_the_radius_meet_the_filters(client, montana):
    far_in_montana(150, name="Prairie Ketamine")
    far_in_montana(200, name="Spravato Plains", treatments={"spravato": (500, 600)})
    html = client.get("/clinics/?where=59001&radius=100&treatment=spravato").content.decode()
    section = html[html.index('id="nearest-title"') :]
    assert "Spravato Plains" in section
    assert "Prairie Ketamine" not in section


def test_nothing_within_the_radius_shows_telehealth_options_in_the_visitors_state(client, montana):
    make_clinic(
        name="Big Sky Telehealth",
        offers_telehealth=True,
        city="Missoula",
        state="MT",
        zip_code="59801",
        latitude=46.87,
        longitude=-114.0,
    )
    make_clinic(name="Texas Telehealth", offers_telehealth=True)
    html = client.get("/clinics/?where=59001&radius=10&treatment=spravato").content.decode()
    section = html[html.index('id="telehealth-title"') :]
    assert "Telehealth or at-home options in Montana" in section
    assert "Big Sky Telehealth" in section
    assert "Texas Telehealth" not in html


def test_the_nearest_clinics_beyond_reach_say_which_offer_met_the_filters(client, montana):
    offers = {"iv-infusion": (400, 500), "spravato": (600, 700)}
    clinic = far_in_montana(150, name="Prairie Ketamine", treatments=offers)
    bill_insurance(clinic, "spravato", "aetna")
    html = client.get("/clinics/?where=59001&radius=10&treatment=spravato&insurance=aetna").content.decode()
    nearest = html[html.index('id="nearest-title"') :]
    assert "Prairie Ketamine" in nearest
    assert nearest.count("matches your filters") == 1
    assert re.search(r'<li class="card__match">\s*<span class="card__treatment">Spravato:', nearest)


def test_the_telehealth_list_holds_three_clinics_besides_the_nearest_ones(client, montana):
    # Six telehealth clinics in Montana, 150 to 400 miles away: the nearest three are listed as the
    # nearest clinics, and the telehealth list still has three, none of them repeated.
    for n, miles in enumerate((150, 200, 250, 300, 350, 400)):
        far_in_montana(miles, name=f"Montana Telehealth {n}", offers_telehealth=True)
    html = client.get("/clinics/?where=59001&radius=10").content.decode()
    nearest = html[html.index('id="nearest-title"') : html.index('id="telehealth-title"')]
    telehealth = html[html.index('id="telehealth-title"') :]
    assert re.findall(r">Montana Telehealth (\d)</a>", nearest) == ["0", "1", "2"]
    assert re.findall(r">Montana Telehealth (\d)</a>", telehealth) == ["3", "4", "5"]


def test_filters_that_leave_nothing_say_which_to_remove_and_what_that_gives(client, montana):
    for _ in range(3):
        make_clinic(treatments={"spravato": (500, 600)})
    html = client.get("/clinics/?where=78701&insurance=aetna").content.decode()
    assert "Remove Aetna</a>: 3 clinics" in html


def test_a_misspelt_place_shows_the_suggestion_and_no_wall_of_zero_counts(client, montana):
    make_clinic()
    html = client.get("/clinics/?where=Austn%2C+TX&insurance=aetna").content.decode()
    assert "Did you mean" in html and "Austin, TX" in html
    assert 'class="facet__count"' not in html
    assert '<details class="filters"' not in html
    assert '<input type="hidden" name="insurance" value="aetna">' in html  # the choice is kept for the next search
    assert html.index("Did you mean") < html.index("No clinics match")


def test_an_empty_search_near_a_place_costs_a_bounded_number_of_queries(
    client, montana, cache_versions, django_assert_max_num_queries
):
    for miles in (150, 200, 250):
        far_in_montana(miles, offers_telehealth=True)
    bill_insurance(far_in_montana(300, treatments={"spravato": (500, 600)}), "spravato", "aetna")
    # A search near a place (16, tests/clinics/test_search.py) less its ids and cards' 5, then the
    # nearest clinics beyond the radius (one query per distance tried, at most 3), the telehealth
    # ones (1), the cards of both (4, with the cache's read and write), and the place-less search's
    # facet counts (one query, with the cache's read and write: 3), which the suggestion to drop the
    # place reads. The search without Aetna was counted with the facets.
    with django_assert_max_num_queries(22):
        client.get("/clinics/?where=59001&radius=100&insurance=aetna")


def wider_offer(html: str) -> list[str]:
    return re.findall(r">Within 100 miles</a>: (\d+) clinics?<", html)


def clinic_counts(queries: CaptureQueriesContext) -> list[dict]:
    """The queries that counted clinics apart (Django's QuerySet.count())."""
    return [query for query in queries if query["sql"].startswith('SELECT COUNT(*) AS "__count"')]


def test_the_wider_distance_is_counted_by_the_search_for_the_nearest_clinics(client, montana):
    far_in_montana(60, name="Prairie Ketamine")
    far_in_montana(150, name="Plains Ketamine")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/clinics/?where=59001&radius=50").content.decode()
    assert wider_offer(html) == ["1"]
    assert clinic_counts(queries) == []  # the nearest-clinics search counted them


def test_the_nearest_clinics_search_counts_every_clinic_within_its_distance(client, montana):
    for miles in (60, 65, 70, 75, 80):
        far_in_montana(miles, name=f"Prairie Ketamine {miles}")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/clinics/?where=59001&radius=50").content.decode()
    assert html.count('class="card__title"') == 3  # the three nearest beyond 50 miles
    assert wider_offer(html) == ["5"]  # all five, counted with the three nearest
    assert clinic_counts(queries) == []


def test_the_wider_distance_with_words_counts_only_the_clinics_the_words_find(client, montana):
    far_in_montana(60, name="Prairie Ketamine")
    far_in_montana(70, name="Willow Ketamine")
    html = client.get("/clinics/?where=59001&radius=50&q=willow").content.decode()
    assert wider_offer(html) == ["1"]  # the nearest clinics are found without the words
