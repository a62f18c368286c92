"""The keyword box: words that name a treatment, condition, insurer, state or city become filters."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinics.keywords import read, rewritten
from clinics.models import Condition, InsuranceCarrier, Place
from clinics.vocabulary import vocabulary
from tests.factories import AUSTIN, bill_insurance, make_clinic
from tests.factories import result_names as names

pytestmark = pytest.mark.django_db

SAN_ANTONIO = (29.4246, -98.4951)


@pytest.fixture
def places():
    rows = [
        ("78701", "Austin", "TX", *AUSTIN),
        ("78702", "Austin", "TX", AUSTIN[0], AUSTIN[1] + 0.02),
        ("78703", "Austin", "TX", AUSTIN[0] + 0.02, AUSTIN[1]),
        ("78704", "Austin", "TX", AUSTIN[0] - 0.02, AUSTIN[1]),
        ("78705", "Austin", "TX", AUSTIN[0], AUSTIN[1] - 0.02),
        ("55912", "Austin", "MN", 43.6666, -92.9746),
        ("78205", "San Antonio", "TX", *SAN_ANTONIO),
        ("78207", "San Antonio", "TX", SAN_ANTONIO[0], SAN_ANTONIO[1] - 0.03),
        ("33576", "San Antonio", "FL", 28.3361, -82.2745),
        ("97201", "Portland", "OR", 45.5077, -122.6900),
        ("04101", "Portland", "ME", 43.6615, -70.2553),
        ("62701", "Springfield", "IL", 39.8000, -89.6500),
        ("65801", "Springfield", "MO", 37.2100, -93.2900),
        ("20001", "Washington", "DC", 38.9122, -77.0177),
        ("10001", "New York", "NY", 40.7506, -73.9972),
        ("63101", "Saint Louis", "MO", 38.6346, -90.1913),
    ]
    Place.objects.bulk_create(
        Place(zip_code=zip_code, city=city, state=state, latitude=latitude, longitude=longitude)
        for zip_code, city, state, latitude, longitude in rows
    )


@pytest.fixture
def seen_clinics():
    """One clinic for each of the searches that found nothing before the keyword box understood them.

    No name or description holds the words searched for, so only the filters can find them."""
    make_clinic(name="Juniper Center", treatments={"spravato": (500, 650)})
    make_clinic(name="Cedar Care", treatments={"im-injection": (300, 400)}).conditions.add(
        Condition.objects.get(slug="ptsd")
    )
    make_clinic(name="Calm Waters", treatments={"oral-sublingual": (150, 200)}).conditions.add(
        Condition.objects.get(slug="anxiety-disorders")
    )
    insured = make_clinic(name="Sage Insured Clinic", treatments={"im-injection": (300, 400)}, **CALIFORNIA)
    bill_insurance(insured, "im-injection", "aetna")
    make_clinic(name="Willow Clinic", treatments={"iv-infusion": (400, 600)}, **CALIFORNIA)


CALIFORNIA = {"city": "Fresno", "state": "CA", "zip_code": "93721", "latitude": 36.7378, "longitude": -119.7871}


def redirected_to(client, query: str, **params) -> dict[str, list[str]]:
    """The parameters of the explicit search the keyword box sends the patient to."""
    response = client.get("/clinics/", {"q": query, **params})
    assert response.status_code == 302
    return parse_qs(urlsplit(response["Location"]).query)


def followed(client, query: str, **params):
    response = client.get("/clinics/", {"q": query, **params}, follow=True)
    assert response.status_code == 200
    return response


# --- what was seen --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, found",
    [
        ("spravato", ["Juniper Center"]),
        ("ptsd", ["Cedar Care"]),
        ("anxiety", ["Calm Waters"]),
        ("aetna", ["Sage Insured Clinic"]),
        ("texas", ["Calm Waters", "Cedar Care", "Juniper Center"]),
        ("iv infusion", ["Willow Clinic"]),
    ],
)
def test_each_search_that_found_nothing_now_finds_the_clinics_that_offer_or_treat_it(
    client, seen_clinics, query, found
):
    assert names(followed(client, query)) == found


@pytest.mark.parametrize(
    "query, expected",
    [
        ("spravato", {"treatment": ["spravato"]}),
        ("Esketamine nasal spray", {"treatment": ["spravato"]}),
        ("IV", {"treatment": ["iv-infusion"]}),
        ("shot", {"treatment": ["im-injection"]}),
        ("IM", {"treatment": ["im-injection"]}),
        ("lozenges", {"treatment": ["oral-sublingual"]}),
        ("troche", {"treatment": ["oral-sublingual"]}),
        ("PTSD", {"condition": ["ptsd"]}),
        ("depression", {"condition": ["treatment-resistant-depression"]}),
        ("bipolar depression", {"condition": ["bipolar-depression"]}),
        ("CRPS", {"condition": ["crps"]}),
        ("migraine", {"condition": ["migraine-chronic-headache"]}),
        ("UHC", {"insurance": ["unitedhealthcare"]}),
        ("blue cross", {"insurance": ["blue-cross-blue-shield"]}),
        ("Blue Cross Blue Shield", {"insurance": ["blue-cross-blue-shield"]}),
        ("tx", {"state": ["TX"]}),
        ("TeXaS", {"state": ["TX"]}),
        ("west virginia", {"state": ["WV"]}),
        ("dc", {"state": ["DC"]}),
        ("OH", {"state": ["OH"]}),
        ("ketamine clinic for ptsd in texas", {"condition": ["ptsd"], "state": ["TX"]}),
        ("im depressed", {"condition": ["treatment-resistant-depression"]}),
        ("I'm depressed", {"condition": ["treatment-resistant-depression"]}),
        ("IV OR IM", {"treatment": ["iv-infusion", "im-injection"]}),
        ("spravato aetna", {"treatment": ["spravato"], "insurance": ["aetna"]}),
    ],
)
def test_words_naming_a_treatment_condition_carrier_or_state_become_that_filter(client, query, expected):
    assert redirected_to(client, query) == expected


def test_pain_means_every_chronic_pain_condition(client):
    pain = sorted(Condition.objects.filter(group=Condition.Group.CHRONIC_PAIN).values_list("slug", flat=True))
    assert sorted(redirected_to(client, "pain")["condition"]) == pain
    assert redirected_to(client, "neuropathic pain")["condition"] == ["fibromyalgia-neuropathic-pain"]


def test_the_words_left_over_go_to_full_text_search(client):
    make_clinic(name="Harbor Light", treatments={"spravato": (500, 600)})
    make_clinic(name="Harbor Bay", treatments={"iv-infusion": (400, 500)})
    make_clinic(name="Meadow Spravato", treatments={"spravato": (500, 600)})
    assert redirected_to(client, "harbor spravato") == {"q": ["harbor"], "treatment": ["spravato"]}
    assert names(followed(client, "harbor spravato")) == ["Harbor Light"]


def test_the_other_parameters_of_the_search_are_kept_and_the_page_starts_again(client):
    params = redirected_to(client, "ptsd", treatment="iv-infusion", condition="ocd", sort="name", page="3")
    assert params == {"treatment": ["iv-infusion"], "condition": ["ocd", "ptsd"], "sort": ["name"]}


def test_quoted_and_excluded_words_stay_words(client):
    assert client.get("/clinics/", {"q": '"nasal spray" harbor'}).status_code == 200
    assert client.get("/clinics/", {"q": "harbor -spravato"}).status_code == 200
    assert redirected_to(client, 'ptsd "blue cross"') == {"q": ['"blue cross"'], "condition": ["ptsd"]}


def test_a_state_already_chosen_is_not_replaced_by_another_in_the_words(client):
    assert client.get("/clinics/", {"q": "texas", "state": "CA"}).status_code == 200
    assert redirected_to(client, "texas", state="TX") == {"state": ["TX"]}


# --- typos and words that are not filters ----------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("spravto", {"treatment": ["spravato"]}),
        ("ketamine infusin", {"treatment": ["iv-infusion"]}),
        ("anxeity", {"condition": ["anxiety-disorders"]}),
        ("fibromyalga", {"condition": ["fibromyalgia-neuropathic-pain"]}),
        ("califronia", {"state": ["CA"]}),
        ("depresion", {"condition": ["treatment-resistant-depression"]}),
    ],
)
def test_small_typos_in_longer_words_are_forgiven(client, query, expected):
    assert redirected_to(client, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "harbor",  # an unknown word
        "ketamine",  # every clinic here is one
        "aetan",  # short words are not guessed at
        "im looking in the area",  # everyday words that are also codes: "im", "in"
        "or me oh hi ok",
        "' OR 1=1 --",  # "OR" alone is never Oregon
        "indian",  # a real word one letter from Indiana
        "medical",  # one letter from nothing, two from Medicaid
        "opioid",  # a word of a longer name, not the name
    ],
)
def test_everyday_words_and_short_words_are_not_turned_into_filters(client, query):
    assert client.get("/clinics/", {"q": query}).status_code == 200


# --- places ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, where",
    [
        ("austin tx", "Austin, TX"),
        ("Austin, TX", "Austin, TX"),
        ("austin texas", "Austin, TX"),
        ("austin", "Austin, TX"),  # five ZIP codes in Texas against one in Minnesota
        ("austin MN", "Austin, MN"),
        ("san antonio", "San Antonio, TX"),
        ("portland or", "Portland, OR"),
        ("portland maine", "Portland, ME"),
        ("washington dc", "Washington, DC"),
        ("new york ny", "New York, NY"),
        ("nyc", "New York, NY"),
        ("new york city", "New York, NY"),
        ("st louis", "Saint Louis, MO"),
        ("78701", "78701"),
    ],
)
def test_a_city_or_zip_code_becomes_the_place_to_search_near(client, places, query, where):
    assert redirected_to(client, query) == {"where": [where]}


def test_a_city_in_several_states_with_no_clear_first_is_left_as_words(client, places):
    assert client.get("/clinics/", {"q": "springfield"}).status_code == 200
    assert redirected_to(client, "springfield mo") == {"where": ["Springfield, MO"]}


def test_a_state_already_chosen_picks_the_city_of_that_state_and_no_other(client, places):
    assert redirected_to(client, "austin", state="MN") == {"state": ["MN"], "where": ["Austin, MN"]}
    assert client.get("/clinics/", {"q": "austin", "state": "CA"}).status_code == 200


def test_a_state_alone_stays_a_state_and_a_place_already_given_keeps_the_city_as_words(client, places):
    assert redirected_to(client, "new york") == {"state": ["NY"]}
    assert redirected_to(client, "spravato austin", where="10001") == {
        "q": ["austin"],
        "treatment": ["spravato"],
        "where": ["10001"],
    }


def test_nasal_spray_austin_tx_finds_spravato_clinics_near_austin(client, places):
    make_clinic(name="Juniper Spravato Center", treatments={"spravato": (500, 650)})
    make_clinic(name="Cedar IV Clinic", treatments={"iv-infusion": (400, 500)})
    make_clinic(name="Far Spravato Clinic", treatments={"spravato": (500, 600)}, **CALIFORNIA)
    assert redirected_to(client, "nasal spray austin tx") == {"treatment": ["spravato"], "where": ["Austin, TX"]}
    response = followed(client, "nasal spray austin tx")
    assert names(response) == ["Juniper Spravato Center"]
    assert "Ketamine clinics near Austin, TX" in response.content.decode()


# --- chips ----------------------------------------------------------------------------------


def chip_links(response) -> dict[str, str]:
    """Each chip's label and the query string of its removal link."""
    html = response.content.decode()
    return {
        label: href.replace("&amp;", "&")
        for href, label in re.findall(r'<a class="chip__remove" href="([^"]+)" aria-label="Remove ([^"]+)"', html)
    }


def test_each_part_of_the_search_shows_as_a_chip_whose_link_removes_only_it(client, places):
    make_clinic(name="Juniper Spravato Center", treatments={"spravato": (500, 650)})
    response = followed(client, "harbor nasal spray austin tx")
    links = chip_links(response)
    assert links == {
        "Near: Austin, TX": "?q=harbor&treatment=spravato",
        "Treatment: Intranasal esketamine (Spravato)": "?q=harbor&where=Austin%2C+TX",
        "Words: “harbor”": "?treatment=spravato&where=Austin%2C+TX",
    }


def test_removing_one_of_several_values_keeps_the_others(client):
    response = client.get("/clinics/", {"treatment": ["spravato", "iv-infusion"], "accepting": "on"})
    links = chip_links(response)
    assert links["Treatment: IV infusion"] == "?treatment=spravato&accepting=on"
    assert links["Treatment: Intranasal esketamine (Spravato)"] == "?treatment=iv-infusion&accepting=on"
    assert links["Accepting new patients"] == "?treatment=spravato&treatment=iv-infusion"


def test_chips_show_only_what_was_understood(client):
    response = client.get("/clinics/", {"treatment": ["spravato", "no-such-thing"], "state": "ZZ", "q": "🙂"})
    assert response.status_code == 200
    assert list(chip_links(response)) == ["Treatment: Intranasal esketamine (Spravato)"]


def test_a_search_without_parts_shows_no_chips(client):
    assert b'class="chips"' not in client.get("/clinics/").content


# --- nothing found --------------------------------------------------------------------------


def test_a_search_that_finds_nothing_offers_the_closest_searches_that_do_with_their_counts(client, seen_clinics):
    response = followed(client, "spravato aetna")
    html = response.content.decode()
    assert names(response) == []
    assert "Treatment: Intranasal esketamine (Spravato)" in html and "Insurance: Aetna" in html
    offers = re.findall(r'<li><a href="([^"]+)">Remove ([^<]+)</a>: (\d+) clinics?</li>', html)
    assert offers == [
        ("?insurance=aetna", "Intranasal esketamine (Spravato)", "1"),
        ("?treatment=spravato", "Aetna", "1"),
    ]


def test_the_closest_searches_include_a_wider_radius(client, places):
    make_clinic(name="Far Clinic", latitude=AUSTIN[0] + 60 / 69.09, longitude=AUSTIN[1])
    response = client.get("/clinics/", {"where": "78701"})
    assert names(response) == []
    offers = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>: (\d+) clinics?</li>', response.content.decode())
    assert offers == [
        ("?where=78701&amp;radius=100", "Within 100 miles", "1"),
        ("?", "Remove Near: 78701 (Austin, TX)", "1"),
    ]


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        " ".join(["spravato", "zzz"] * 50),
        " ".join(f"word{n}" for n in range(100)),
        "TeXaS",
        "🙂💉 ketamine 🙂",
        "'; DROP TABLE clinics_clinic; --",
        "spravato' OR '1'='1",
        '"unclosed quote spravato',
        "-",
        "- - -spravato",
        "\u202e ptsd \u200b",
        "x" * 200,
        "ü" * 199,
        "st. st. st.",
    ],
)
def test_no_query_in_the_keyword_box_makes_the_page_fail(client, places, query):
    response = client.get("/clinics/", {"q": query}, follow=True)
    assert response.status_code == 200


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=12),
            st.sampled_from(["spravato", "IV", "im", "in", "TX", "texas", "austin", "tx", "-", '"', ",", "pain"]),
            st.sampled_from(["blue", "cross", "new", "york", "st.", "nasal", "spray", "78701", "ptsd", "infusin"]),
        ),
        max_size=25,
    ).map(" ".join)
)
def test_the_parser_never_fails_and_what_it_leaves_is_not_read_again(places, query):
    params = QueryDict(mutable=True)
    params["q"] = query[:200]
    once = rewritten(params)
    if once is not None:
        assert rewritten(once) is None  # so the redirect never loops
        assert len(once.get("q", "")) <= 200


def test_reading_keeps_the_original_spelling_of_the_words_left(db):
    assert read("Harbor SPRAVATO Light, Inc.", vocabulary(), where_given=False).rest == "Harbor Light Inc."


# --- the header box and query counts ----------------------------------------------------------


def test_the_header_box_says_what_it_understands(client):
    html = client.get("/guides/").content.decode()
    assert 'for="header-q">Treatment, condition, insurer or place</label>' in html


def test_understanding_the_words_costs_a_fixed_number_of_queries(
    client, places, cache_versions, django_assert_max_num_queries
):
    # The vocabulary: 2 cache reads (the versions, then the entry), 3 reference queries, 1 to store
    # it; then 1 query for cities.
    with django_assert_max_num_queries(7):
        redirected_to(client, "nasal spray ptsd aetna austin tx " + " ".join(f"w{n}" for n in range(40)))
    # Then the vocabulary comes from the cache (1 read); cities, 1 query.
    with django_assert_max_num_queries(2):
        redirected_to(client, "spravato austin tx")
    with django_assert_max_num_queries(2):
        redirected_to(client, "iv")


@pytest.mark.parametrize("shown", [1, 15])
def test_the_page_after_the_keywords_has_a_fixed_query_count(
    client, places, cache_versions, django_assert_max_num_queries, shown
):
    for n in range(shown):
        make_clinic(treatments={"spravato": (500, 600)}, latitude=AUSTIN[0] + n / 100)
    with django_assert_max_num_queries(7):
        explicit = client.get("/clinics/", {"q": "spravato austin tx"})["Location"]
    # As for any search near a place (tests/clinics/test_search.py); the chips cost nothing more.
    with django_assert_max_num_queries(16):
        response = client.get(explicit)
    assert len(names(response)) == shown


@pytest.mark.parametrize(
    ("params", "counts"),
    [
        ({"treatment": "spravato"}, 0),
        ({"treatment": "spravato", "accepting": "on", "kap": "on"}, 0),
        ({"treatment": ["spravato", "oral-sublingual"]}, 2),
    ],
)
def test_the_closest_searches_count_only_what_the_facet_query_did_not(
    client, cache_versions, django_assert_num_queries, params, counts
):
    make_clinic(treatments={"iv-infusion": (400, 500)})
    # The versions, the page (not found, and not stored until asked for again), the choice lists (read,
    # 4 queries, stored), the facet counts (read, counted, stored); nothing found, so no ids or cards.
    # The facet query counted the search without each filter in use; one choice of several left out
    # takes a count of its own.
    with django_assert_num_queries(11 + counts):
        response = client.get("/clinics/", params)
    assert names(response) == []


def test_the_closest_searches_try_a_bounded_number_of_parts(client, cache_versions, django_assert_max_num_queries):
    make_clinic(treatments={"iv-infusion": (400, 500)})
    every_condition = list(Condition.objects.values_list("slug", flat=True))
    vocabulary()
    # The search page without a place finding nothing (12), the keyword box (1: the vocabulary; the
    # words name no place), then 8 parts tried: the words (a count), the treatment (counted with
    # the facets) and 6 of the conditions, one choice of several each (a count each).
    with django_assert_max_num_queries(12 + 1 + 7):
        response = client.get("/clinics/", {"treatment": "spravato", "condition": every_condition, "q": "harbor"})
    assert names(response) == []
    assert "Without Words: “harbor”" not in response.content.decode()  # finds nothing without the rest either


# --- cost -----------------------------------------------------------------------------------


def test_a_repeated_keyword_search_reads_its_words_once_per_process(
    client, places, cache_versions, django_assert_num_queries
):
    client.get("/clinics/", {"q": "harbor"})
    with django_assert_num_queries(1):  # the versions; the words (and the city names) were read before
        response = client.get("/clinics/", {"q": "harbor"})
    assert response.status_code == 200


def test_words_read_before_are_read_again_once_the_listings_change(
    client, places, cache_versions, django_capture_on_commit_callbacks
):
    assert client.get("/clinics/", {"q": "zenith"}).status_code == 200  # names nothing yet
    with django_capture_on_commit_callbacks(execute=True):
        InsuranceCarrier.objects.create(name="Zenith", slug="zenith")
    response = client.get("/clinics/", {"q": "zenith"})
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query) == {"insurance": ["zenith"]}
