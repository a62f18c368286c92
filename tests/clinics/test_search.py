import re
from datetime import timedelta

import django_filters
import pytest
from django import forms
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinics.facets import MAX_PRICE_CHOICES
from clinics.filters import ClinicFilter
from clinics.models import (
    Clinic,
    ClinicTreatment,
    Condition,
    InsuranceCarrier,
    Language,
    MonitoredBy,
    Place,
    TreatmentType,
)
from tests.factories import AUSTIN, bill_insurance, confirm_all_facts, make_clinic
from tests.factories import result_names as names

pytestmark = pytest.mark.django_db

MILES_PER_DEGREE = 69.09  # of latitude, on the 3958.8-mile sphere the search uses


@pytest.fixture
def places():
    """Just the places these tests search around."""
    Place.objects.bulk_create(
        [
            Place(zip_code="78701", city="Austin", state="TX", latitude=AUSTIN[0], longitude=AUSTIN[1]),
            Place(zip_code="78702", city="Austin", state="TX", latitude=AUSTIN[0], longitude=AUSTIN[1] + 0.02),
            Place(zip_code="55912", city="Austin", state="MN", latitude=43.6666, longitude=-92.9746),
            Place(zip_code="78610", city="Buda", state="TX", latitude=30.0852, longitude=-97.8403),
            Place(zip_code="63101", city="Saint Louis", state="MO", latitude=38.6346, longitude=-90.1913),
        ]
    )


def north_of_austin(miles: float) -> dict:
    return {"latitude": AUSTIN[0] + miles / MILES_PER_DEGREE, "longitude": AUSTIN[1]}


def search(client, **params):
    response = client.get("/clinics/", params)
    assert response.status_code == 200
    return response


# --- place and radius -----------------------------------------------------------------------


def test_a_clinic_9_miles_away_is_in_a_10_mile_search_and_one_11_miles_away_is_not(client, places):
    make_clinic(name="Nine Miles", **north_of_austin(9))
    make_clinic(name="Eleven Miles", **north_of_austin(11))
    assert names(search(client, where="78701", radius="10")) == ["Nine Miles"]
    assert names(search(client, where="78701", radius="25")) == ["Nine Miles", "Eleven Miles"]


def test_a_search_finds_clinics_on_both_sides_of_a_whole_degree_of_latitude(client, places):
    """The covering index is read by band of whole degrees of latitude (migration 0027)."""
    Place.objects.create(zip_code="62999", city="Band Edge", state="IL", latitude=39.995, longitude=-90.0)
    make_clinic(name="North Of The Line", latitude=40.02, longitude=-90.0, state="IL", city="Band Edge")
    make_clinic(name="South Of The Line", latitude=39.96, longitude=-90.0, state="IL", city="Band Edge")
    make_clinic(name="Too Far North", latitude=40.2, longitude=-90.0, state="IL", city="Band Edge")
    assert names(search(client, where="62999", radius="10")) == ["North Of The Line", "South Of The Line"]


def test_the_radius_is_a_great_circle_not_the_bounding_box(client, places):
    # 8 miles north and 8 miles east is inside the 10-mile box but about 11.3 miles away.
    corner = {
        "latitude": AUSTIN[0] + 8 / MILES_PER_DEGREE,
        "longitude": AUSTIN[1] + 8 / (MILES_PER_DEGREE * 0.8642),
    }
    make_clinic(name="In The Corner", **corner)
    assert names(search(client, where="78701", radius="10")) == []
    assert names(search(client, where="78701", radius="25")) == ["In The Corner"]


def test_results_near_a_place_come_nearest_first_with_the_distance(client, places):
    make_clinic(name="Far", **north_of_austin(20))
    make_clinic(name="Near", **north_of_austin(3))
    response = search(client, where="78701")
    assert names(response) == ["Near", "Far"]
    assert b"3.0 mi" in response.content and b"20.0 mi" in response.content
    assert b"Sorted by distance, nearest first. <strong>No clinic pays for placement.</strong>" in response.content


def test_a_card_kept_in_the_cache_shows_each_search_its_own_distance(client, places):
    make_clinic(name="Near", **north_of_austin(3))
    assert b'<span class="card__distance">3.0 mi</span>' in search(client, where="78701").content
    # The card is now in the cache; from Buda the clinic is about 17 miles away, and without a place
    # there is no distance to show.
    assert re.findall(r'class="card__distance">([\d.]+) mi<', search(client, where="78610").content.decode()) == [
        "16.9"
    ]
    assert b"card__distance" not in search(client, treatment="iv-infusion").content


def test_a_place_with_words_too_long_to_read_finds_nothing_and_says_so(client, places):
    make_clinic(name="Near", **north_of_austin(3))
    response = search(client, where="78701", q="ketamine " * 30)
    assert names(response) == []
    assert b"We could not read part of this search" in response.content
    assert b"card__title" not in response.content  # nor the nearest clinics, as if the words were not there


def test_the_default_radius_is_25_miles(client, places):
    make_clinic(name="Twenty Four", **north_of_austin(24))
    make_clinic(name="Twenty Six", **north_of_austin(26))
    assert names(search(client, where="78701")) == ["Twenty Four"]


@pytest.mark.parametrize("where", ["Austin, TX", "austin tx", "  Austin ,  tx ", "78701-1234", "Buda"])
def test_a_city_and_state_or_an_unambiguous_city_or_a_zip_finds_the_place(client, places, where):
    make_clinic(name="Downtown", **north_of_austin(1))
    assert names(search(client, where=where)) == ["Downtown"]


def test_st_is_read_as_saint(client, places):
    make_clinic(name="Riverfront", city="Saint Louis", state="MO", zip_code="63101", latitude=38.63, longitude=-90.19)
    assert names(search(client, where="St. Louis, MO")) == ["Riverfront"]


def test_a_city_in_several_states_asks_which_one(client, places):
    make_clinic(name="Downtown")
    response = search(client, where="Austin")
    assert names(response) == []
    assert b"several states" in response.content
    assert b"Austin, MN" in response.content and b"Austin, TX" in response.content


def test_an_unknown_place_suggests_close_names_and_never_shows_every_clinic(client, places):
    make_clinic(name="Downtown")
    response = search(client, where="Austn, TX")
    assert names(response) == []
    assert "We could not find a place called “Austn, TX”" in response.content.decode()
    assert b'href="?where=Austin%2C+TX"' in response.content


def test_an_unknown_zip_says_so(client, places):
    make_clinic(name="Downtown")
    response = search(client, where="00000")
    assert names(response) == []
    assert b"We do not know the ZIP code 00000" in response.content


def test_a_zip_code_added_after_a_search_is_found_at_once(client, places, django_capture_on_commit_callbacks):
    make_clinic(name="Downtown")
    assert b"We do not know the ZIP code 78799" in search(client, where="78799").content
    # Each process keeps the ZIP codes it has read; adding one (in the admin, say) starts them afresh.
    with django_capture_on_commit_callbacks(execute=True):
        Place.objects.create(zip_code="78799", city="Austin", state="TX", latitude=AUSTIN[0], longitude=AUSTIN[1])
    assert names(search(client, where="78799")) == ["Downtown"]


# --- filters --------------------------------------------------------------------------------


def _offer(clinic: Clinic, slug: str, low: int = 400, high: int = 500, **fields) -> None:
    ClinicTreatment.objects.create(
        clinic=clinic, treatment_type=TreatmentType.objects.get(slug=slug), price_min=low, price_max=high, **fields
    )


FILTER_CASES = {
    "treatment": (
        {"treatment": "spravato"},
        lambda c: _offer(c, "spravato"),
    ),
    "condition": (
        {"condition": "ptsd"},
        lambda c: c.conditions.add(Condition.objects.get(slug="ptsd")),
    ),
    "insurance": (
        {"insurance": "aetna"},
        lambda c: bill_insurance(c, "iv-infusion", "aetna"),
    ),
    "spravato_insurance": (
        {"spravato_insurance": "on"},
        lambda c: _offer(c, "spravato", bills_insurance=True),
    ),
    "payment": (
        {"payment": "sliding_scale"},
        lambda c: Clinic.objects.filter(pk=c.pk).update(offers_sliding_scale=True),
    ),
    "max_price": (
        {"max_price": "300"},
        lambda c: _offer(c, "im-injection", 250, 300),
    ),
    "accepting": (
        {"accepting": "on"},
        lambda c: Clinic.objects.filter(pk=c.pk).update(accepting_new_patients=True),
    ),
    "telehealth": (
        {"telehealth": "on"},
        lambda c: Clinic.objects.filter(pk=c.pk).update(offers_telehealth=True),
    ),
    "kap": (
        {"kap": "on"},
        lambda c: Clinic.objects.filter(pk=c.pk).update(offers_integration_therapy=True),
    ),
    "language": (
        {"language": "es"},
        lambda c: c.languages.add(Language.objects.get(code="es")),
    ),
    "verified": (
        {"verified": "on"},
        lambda c: confirm_all_facts(c, timezone.now() - timedelta(days=30)),
    ),
    "rems": (
        {"rems": "on"},
        lambda c: Clinic.objects.filter(pk=c.pk).update(spravato_rems_certified=True),
    ),
    "physician_monitored": (
        {"physician_monitored": "on"},
        lambda c: Clinic.objects.filter(pk=c.pk).update(session_monitored_by=MonitoredBy.NURSE_ANESTHETIST),
    ),
}


@pytest.mark.parametrize("case", FILTER_CASES)
def test_each_filter_keeps_only_the_clinics_that_match(client, case):
    params, make_match = FILTER_CASES[case]
    # The other clinic has none of the features: IV at $400-600, not accepting, verified long ago.
    plain = {
        "accepting_new_patients": False,
        "facts_confirmed_at": timezone.now() - timedelta(days=400),
        "session_monitored_by": MonitoredBy.REGISTERED_NURSE,
    }
    matching = make_clinic(name="Matching Clinic", **plain)
    make_match(matching)
    make_clinic(name="Other Clinic", **plain)
    assert names(search(client, **params)) == ["Matching Clinic"]


def test_the_home_page_links_still_filter_by_treatment_and_condition(client):
    ptsd = make_clinic(name="Trauma Care", treatments={"spravato": (500, 600)})
    ptsd.conditions.add(Condition.objects.get(slug="ptsd"))
    make_clinic(name="Plain Clinic")
    assert names(search(client, treatment="spravato")) == ["Trauma Care"]
    assert names(search(client, condition="ptsd")) == ["Trauma Care"]


def test_choices_within_a_filter_are_or_and_filters_together_are_and(client):
    bill_insurance(make_clinic(name="Aetna Telehealth", offers_telehealth=True), "iv-infusion", "aetna")
    bill_insurance(make_clinic(name="Cigna Telehealth", offers_telehealth=True), "iv-infusion", "cigna")
    bill_insurance(make_clinic(name="Aetna In Person", offers_telehealth=False), "iv-infusion", "aetna")
    make_clinic(name="No Insurance", offers_telehealth=True)

    both_carriers = QueryDict("insurance=aetna&insurance=cigna")
    assert names(client.get("/clinics/", both_carriers)) == ["Aetna In Person", "Aetna Telehealth", "Cigna Telehealth"]
    assert names(client.get("/clinics/?insurance=aetna&insurance=cigna&telehealth=on")) == [
        "Aetna Telehealth",
        "Cigna Telehealth",
    ]


def test_the_max_price_applies_to_the_chosen_treatment(client):
    make_clinic(name="Cheap IM Dear IV", treatments={"iv-infusion": (600, 700), "im-injection": (300, 300)})
    make_clinic(name="Cheap IV", treatments={"iv-infusion": (400, 450)})
    assert names(search(client, max_price="400")) == ["Cheap IM Dear IV", "Cheap IV"]
    assert names(search(client, max_price="400", treatment="iv-infusion")) == ["Cheap IV"]


# --- facet counts ---------------------------------------------------------------------------


@pytest.fixture
def varied_clinics():
    """Twelve clinics with overlapping features, deterministic."""
    carriers = list(InsuranceCarrier.objects.order_by("slug")[:4])
    conditions = list(Condition.objects.order_by("slug")[:4])
    spanish = Language.objects.get(code="es")
    slugs = ["iv-infusion", "im-injection", "spravato", "oral-sublingual"]
    for n in range(12):
        treatments = {slugs[n % 4]: (300 + 50 * n, 400 + 50 * n)}
        if n % 3 == 0:
            treatments["spravato"] = (500, 650)
        clinic = make_clinic(
            name=f"Varied {n:02d}",
            treatments=treatments,
            accepting_new_patients=n % 2 == 0,
            offers_telehealth=n % 3 == 1,
            offers_integration_therapy=n % 4 == 1,
            offers_financing=n % 2 == 1,
            offers_superbill=n % 5 == 0,
            facts_confirmed_at=timezone.now() - timedelta(days=50 * n),
            spravato_rems_certified=n % 3 == 0,
            session_monitored_by=list(MonitoredBy)[n % 5],
            **north_of_austin(n * 2),
        )
        clinic.conditions.add(*conditions[n % 3 :])
        if n % 4 == 0:
            clinic.languages.add(spanish)
        ClinicTreatment.objects.filter(clinic=clinic, treatment_type__slug="spravato").update(
            bills_insurance=n % 2 == 0
        )
        # Carriers on the Spravato offer where it is billed, else on the clinic's other offer.
        billed = "spravato" if n % 6 == 0 else slugs[n % 4]
        bill_insurance(clinic, billed, *[carrier.slug for carrier in carriers[: n % 4]])


FLAG_NAMES = {"spravato_insurance", "accepting", "telehealth", "kap", "verified", "rems", "physician_monitored"}


def _with_option(data: QueryDict, name: str, value: str) -> QueryDict:
    """The search with this filter's choice replaced by `value` (what its facet count promises)."""
    data = data.copy()
    data.setlist(name, [value])
    return data


@pytest.mark.parametrize(
    "query",
    [
        "",
        "treatment=iv-infusion&treatment=spravato",
        "where=78701&radius=25&accepting=on&insurance=aetna",
        "max_price=500&treatment=spravato&payment=financing",
        "condition=ptsd&telehealth=on&verified=on&language=es",
        "treatment=spravato&insurance=aetna",
        "insurance=aetna&max_price=400",
        "treatment=iv-infusion&treatment=oral-sublingual&max_price=600&insurance=cigna",
        "rems=on&physician_monitored=on&verified=on",
        "treatment=spravato&physician_monitored=on",
    ],
)
def test_every_facet_count_equals_the_number_of_clinics_that_option_gives(places, varied_clinics, query):
    data = QueryDict(query)
    search = ClinicFilter(data, queryset=Clinic.objects.published())
    counts = search._count_facets()
    checked = 0
    for group in search.facets():
        for option in group.options:
            expected = ClinicFilter(
                _with_option(data, option.name, option.value), queryset=Clinic.objects.published()
            ).qs.count()
            assert counts[option.name].get(option.value, 0) == expected, option
            checked += 1
    assert checked == 4 + 10 + 1 + 11 + len(MAX_PRICE_CHOICES) + 3 + 4 + 2 + 11
    assert counts["results"]["all"] == search.qs.count()  # the results page takes its count from here
    # The search without each filter in use, which a search finding nothing offers.
    assert set(counts.get("without", {})) == set(search.filters_in_use)
    for name, count in counts.get("without", {}).items():
        smaller = data.copy()
        smaller.pop(name)
        assert count == ClinicFilter(smaller, queryset=Clinic.objects.published()).qs.count(), name


def test_the_search_without_its_treatment_checks_insurance_and_price_on_any_offers():
    # Without Spravato the search asks for some offer billing Aetna and some offer at $500 or less:
    # here two offers, neither of them both.
    clinic = make_clinic(treatments={"iv-infusion": (700, 800), "spravato": (400, 450)})
    bill_insurance(clinic, "iv-infusion", "aetna")
    data = QueryDict("treatment=spravato&insurance=aetna&max_price=500")
    without = ClinicFilter(data, queryset=Clinic.objects.published())._count_facets()["without"]
    for name in ("treatment", "insurance", "max_price"):
        smaller = data.copy()
        smaller.pop(name)
        assert without[name] == ClinicFilter(smaller, queryset=Clinic.objects.published()).qs.count(), name
    assert without["treatment"] == 1


def test_the_facet_counts_are_shown_beside_each_choice(client, varied_clinics):
    response = search(client, accepting="on")
    html = response.content.decode()
    expected = ClinicFilter(QueryDict("accepting=on&kap=on"), queryset=Clinic.objects.published()).qs.count()
    kap = re.search(r'name="kap" value="on">\s*Integration therapy \(KAP\) <span class="facet__count">(\d+)', html)
    assert int(kap[1]) == expected


# --- free text ------------------------------------------------------------------------------


def test_free_text_searches_name_city_and_description_with_web_search_syntax(client):
    make_clinic(name="Lantern Infusion", description="Calm rooms and music.")
    make_clinic(name="Harbor Clinic", description="We offer infusions with music therapy.")
    make_clinic(name="Willow Clinic", city="Lantern Falls")
    make_clinic(name="Meadow Clinic", description="Nothing special.")

    assert names(search(client, q="lantern")) == ["Lantern Infusion", "Willow Clinic"]  # the name weighs most
    assert set(names(search(client, q="musical"))) == {"Lantern Infusion", "Harbor Clinic"}  # stemmed
    assert names(search(client, q="music -lantern")) == ["Harbor Clinic"]
    assert names(search(client, q='"music therapy"')) == ["Harbor Clinic"]


def test_free_text_combines_with_filters(client):
    make_clinic(name="Lantern Spravato", treatments={"spravato": (500, 600)})
    make_clinic(name="Lantern IV")
    assert names(search(client, q="lantern", treatment="spravato")) == ["Lantern Spravato"]


# --- sorting --------------------------------------------------------------------------------


@pytest.fixture
def three_clinics(places):
    now = timezone.now()
    make_clinic(name="Bravo", treatments={"iv-infusion": (500, 600)}, facts_confirmed_at=now, **north_of_austin(5))
    make_clinic(
        name="Alpha",
        treatments={"iv-infusion": (300, 600)},
        facts_confirmed_at=now - timedelta(days=90),
        **north_of_austin(15),
    )
    make_clinic(name="Charlie", treatments={"iv-infusion": (400, 600)}, facts_confirmed_at=None, **north_of_austin(1))


@pytest.mark.parametrize(
    "sort, order, rule",
    [
        ("distance", ["Charlie", "Bravo", "Alpha"], "Sorted by distance, nearest first."),
        ("price", ["Alpha", "Charlie", "Bravo"], "Sorted by lowest price per session."),
        (
            "verified",
            ["Bravo", "Alpha", "Charlie"],
            "Sorted by how recently prices, insurance, hours and availability were all confirmed.",
        ),
        ("name", ["Alpha", "Bravo", "Charlie"], "Sorted by name, A to Z."),
    ],
)
def test_every_sort_orders_the_results_and_says_so(client, three_clinics, sort, order, rule):
    response = search(client, where="78701", sort=sort)
    assert names(response) == order
    assert rule.encode() in response.content


def test_without_a_place_the_default_sort_is_by_name_and_distance_is_not_offered(client, three_clinics):
    response = search(client, sort="distance")
    assert names(response) == ["Alpha", "Bravo", "Charlie"]
    assert b'<option value="distance"' not in response.content


def test_with_words_the_default_sort_is_best_match(client):
    make_clinic(name="Zen Clinic", description="Ketamine in calm rooms with calm care.")
    make_clinic(name="Calm Center")
    response = search(client, q="calm")
    assert names(response) == ["Calm Center", "Zen Clinic"]
    assert b"Sorted by how well each clinic matches your words." in response.content


# --- pagination -----------------------------------------------------------------------------


def test_pagination_keeps_every_filter_in_its_links(client):
    for n in range(25):
        make_clinic(name=f"Spravato {n:02d}", treatments={"spravato": (500, 600)})
    make_clinic(name="IV Only")
    response = search(client, treatment="spravato", accepting="on")
    assert len(names(response)) == 20
    next_link = re.search(r'href="([^"]+)" rel="next"', response.content.decode())[1].replace("&amp;", "&")
    assert next_link == "?treatment=spravato&accepting=on&page=2"
    second = client.get(f"/clinics/{next_link}")
    assert names(second) == [f"Spravato {n:02d}" for n in range(20, 25)]


@pytest.mark.parametrize("near", [{"where": "78701", "radius": "100"}, {"q": "juniper"}])
def test_the_pages_of_a_search_near_a_place_or_for_words_come_in_order(client, places, near):
    for n in range(25):
        make_clinic(name=f"Juniper {n:02d}", treatments={"spravato": (500 + n, 600)}, **north_of_austin(25 - n))
    first = search(client, **near, sort="price")
    assert names(first) == [f"Juniper {n:02d}" for n in range(20)]
    second = search(client, **near, sort="price", page="2")
    assert names(second) == [f"Juniper {n:02d}" for n in range(20, 25)]
    if "where" in near:
        assert names(search(client, **near, page="2")) == [f"Juniper {n:02d}" for n in range(4, -1, -1)]
    for page in ["3", "0", "abc", "1.5", "99999999999999999999"]:
        assert client.get("/clinics/", {**near, "page": page}).status_code == 404


@pytest.mark.parametrize("page", ["3", "0", "-1", "abc", "1.5", "99999999999999999999"])
def test_a_page_that_does_not_exist_is_not_found(client, page):
    for _ in range(21):
        make_clinic()
    assert client.get("/clinics/", {"page": page}).status_code == 404


def test_page_numbers_are_capped_and_the_page_says_so(client, monkeypatch):
    monkeypatch.setattr("clinics.views.search.MAX_PAGES", 2)
    for _ in range(41):
        make_clinic()
    response = search(client, page="2")
    assert b"Only the first 2 pages (40 clinics) are shown" in response.content
    assert b'rel="next"' not in response.content
    assert client.get("/clinics/", {"page": "3"}).status_code == 404


# --- bad input ------------------------------------------------------------------------------


def test_unknown_choices_are_reported_beside_their_filter_and_the_known_ones_still_apply(client):
    make_clinic(name="Spravato Clinic", treatments={"spravato": (500, 600)})
    make_clinic(name="IV Clinic")
    response = client.get("/clinics/?treatment=spravato&treatment=no-such-thing&treatment=spravato")
    assert response.status_code == 200
    assert names(response) == ["Spravato Clinic"]
    assert "We do not know “no-such-thing”, so we left it out." in response.content.decode()


@pytest.mark.parametrize(
    "query, problem",
    [
        ("q=" + "x" * 201, b"Ensure this value has at most 200 characters"),
        ("where=" + "y" * 101, b"Ensure this value has at most 100 characters"),
        ("state=ZZ", b"Select a valid choice"),
        ("q=%00", b"Null characters are not allowed"),
    ],
)
def test_unreadable_words_or_places_show_the_problem_and_no_clinics(client, query, problem):
    make_clinic(name="Any Clinic")
    response = client.get(f"/clinics/?{query}")
    assert response.status_code == 200
    assert problem in response.content
    assert names(response) == []


@pytest.mark.parametrize("query", ["radius=7", "max_price=cheap", "sort=random", "accepting=maybe&page=1"])
def test_a_malformed_filter_is_reported_or_ignored_but_the_page_still_works(client, query):
    make_clinic(name="Any Clinic")
    response = client.get(f"/clinics/?{query}")
    assert response.status_code == 200
    assert names(response) == ["Any Clinic"]


PARAMETERS = st.sampled_from(
    ["where", "radius", "q", "state", "city", "treatment", "condition", "insurance", "spravato_insurance"]
    + ["payment", "max_price", "accepting", "telehealth", "kap", "language", "verified", "sort", "page", "x"]
    + ["rems", "physician_monitored"]
)
VALUES = st.one_of(
    st.text(max_size=120),
    st.sampled_from(["78701", "Austin, TX", "spravato", "aetna", "es", "on", "10", "500", "price", "1", "2"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(PARAMETERS, VALUES), max_size=8))
def test_no_query_string_makes_the_search_page_fail(client, places, pairs):
    data = QueryDict(mutable=True)
    for name, value in pairs:
        data.appendlist(name, value)
    response = client.get("/clinics/", data, follow=True)  # the test client raises on any server error
    assert response.status_code in (200, 404)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=200))
def test_no_raw_query_string_makes_the_search_page_fail(client, raw):
    response = client.get("/clinics/?" + raw.replace("#", "%23"), follow=True)
    assert response.status_code in (200, 400, 404)


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("shown", [1, 20])
def test_the_search_page_query_count_does_not_grow_with_results(
    client, places, cache_versions, django_assert_max_num_queries, shown
):
    for n in range(shown):
        clinic = make_clinic(treatments={"iv-infusion": (400, 600), "spravato": (500, 600)}, **north_of_austin(n))
        bill_insurance(clinic, "iv-infusion", "aetna")
        clinic.conditions.add(*Condition.objects.all())
    params = {"where": "78701", "treatment": "iv-infusion", "insurance": "aetna", "accepting": "on"}
    # 4 choice lists, every ZIP code (read once per process), the page's ids, its clinics, their
    # offers, 1 facet query (which also counts the results; near a place the counts are not cached);
    # the cache: the versions read once, 3 entries read (page, choice lists, the cards all at once),
    # then the choice lists and cards stored with one statement each. The page is stored when it is
    # asked for again (directory/caching.py), and the body is not stored apart from it.
    with django_assert_max_num_queries(15):
        response = search(client, **params)
    assert len(names(response)) == shown
    with django_assert_max_num_queries(1):  # the page, cached whole for anonymous visitors
        assert names(search(client, **params)) == names(response)
    # Another page of the same search, the same clinics: the cards come from the cache (the versions,
    # the page, the facet query, the page's ids, the cards).
    with django_assert_max_num_queries(5):
        assert sorted(names(search(client, **params, sort="name"))) == sorted(names(response))


@pytest.mark.parametrize("shown", [1, 20])
def test_a_search_without_a_place_has_a_fixed_query_count_too(
    client, cache_versions, django_assert_max_num_queries, shown
):
    for _ in range(shown):
        make_clinic(treatments={"iv-infusion": (400, 600), "spravato": (500, 600)})
    # As above without the place.
    with django_assert_max_num_queries(17):
        response = search(client, treatment="iv-infusion")
    assert len(names(response)) == shown
    with django_assert_max_num_queries(1):
        search(client, treatment="iv-infusion")


def test_the_radius_menu_shows_the_radius_in_use(client, places):
    assert b'<option value="25" selected>25 miles</option>' in search(client, where="78701").content
    assert b'<option value="50" selected>50 miles</option>' in search(client, where="78701", radius="50").content


def test_the_state_and_sort_menus_show_the_choices_in_use(client, places):
    page = search(client, state="TX", sort="name").content
    assert page.count(b" selected>") == 3  # the radius's default, the state and the sort
    assert b'<option value="TX" selected>Texas</option>' in page
    assert b'<option value="name" selected>Name</option>' in page


def test_a_carrier_added_after_a_search_can_be_chosen_at_once(
    client, places, cache_versions, django_capture_on_commit_callbacks
):
    """The search form is built once per process for the reference data it offers: a new carrier
    makes a new one."""
    clinic = make_clinic(name="Cedar IV Clinic", treatments={"spravato": (500, 650)})
    make_clinic(name="Juniper Spravato Center", treatments={"spravato": (500, 650)})
    assert len(names(search(client, where="78701"))) == 2
    with django_capture_on_commit_callbacks(execute=True):
        InsuranceCarrier.objects.create(slug="prairie-health", name="Prairie Health")
        bill_insurance(clinic, "spravato", "prairie-health")
    page = search(client, where="78701", insurance="prairie-health")
    assert names(page) == ["Cedar IV Clinic"]
    assert "We do not know" not in page.content.decode()


def _state(value):
    """What a form field, widget or filter holds, followed into its widget, for comparing."""
    if isinstance(value, forms.Field | forms.Widget | django_filters.Filter):
        return {name: _state(part) for name, part in vars(value).items()}
    if isinstance(value, list | tuple):
        return [_state(part) for part in value]
    if isinstance(value, dict):
        return {name: _state(part) for name, part in value.items()}
    return value


def test_searches_share_the_filters_and_form_fields_and_leave_them_as_they_were(client, places):
    """ClinicFilter does not copy its filters, nor its form its fields, for each search: every search
    uses the same ones, so none may change them."""
    first = ClinicFilter(QueryDict("where=78701"), queryset=Clinic.objects.published())
    first.form.is_valid()
    fields, filters = first.form.fields, first.filters
    before = _state(fields), _state(filters)
    for query in [
        "where=78701&radius=50&treatment=spravato&insurance=aetna&sort=price&max_price=500",
        "where=nowhere%20at%20all&radius=7&state=ZZ&language=xx&payment=barter",
        "q=ketamine&state=TX&accepting=on&verified=on&kap=maybe",
    ]:
        search(client, **QueryDict(query).dict())
        later = ClinicFilter(QueryDict(query), queryset=Clinic.objects.published())
        later.form.is_valid()
        assert later.form.fields is fields and later.filters is filters
    assert (_state(fields), _state(filters)) == before
