import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics.models import Condition, Place
from guides.forms import NEAR_MAX_LENGTH
from guides.views import GUIDES_PER_PAGE, RELATED_CLINICS
from tests.factories import AUSTIN, make_clinic, make_guide

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DALLAS = (32.787, -96.799)  # ZIP 75201
AUSTIN_MN = (43.6666, -92.9746)  # ZIP 55912


@pytest.fixture
def places():
    """Just the places these tests sort clinics around; `load_places` fills the real table."""
    Place.objects.bulk_create(
        [
            Place(zip_code="78701", city="Austin", state="TX", latitude=AUSTIN[0], longitude=AUSTIN[1]),
            Place(zip_code="55912", city="Austin", state="MN", latitude=AUSTIN_MN[0], longitude=AUSTIN_MN[1]),
            Place(zip_code="75201", city="Dallas", state="TX", latitude=DALLAS[0], longitude=DALLAS[1]),
        ]
    )


def related_names(response) -> list[str]:
    return [clinic.name for clinic in response.context["related_clinics"]]


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def test_the_list_shows_guides_newest_first(client):
    older = make_guide(title="Older guide", publish_at=days_ago(5))
    newer = make_guide(title="Newer guide", publish_at=days_ago(1))

    page = client.get(reverse("guides:list")).context["page"]

    assert list(page.object_list) == [newer, older]


def test_the_list_is_paginated_and_keeps_the_page_in_the_canonical_url(client, settings):
    for n in range(GUIDES_PER_PAGE + 1):
        make_guide(publish_at=days_ago(n + 1))

    first = client.get(reverse("guides:list"))
    second = client.get(reverse("guides:list"), {"page": 2})

    assert len(first.context["page"].object_list) == GUIDES_PER_PAGE
    assert b'href="?page=2" rel="next"' in first.content
    assert len(second.context["page"].object_list) == 1
    assert f'<link rel="canonical" href="{settings.SITE_URL}/guides/?page=2">'.encode() in second.content


@pytest.mark.parametrize("page", ["0", "3", "abc", "1' OR 1=1"])
def test_a_page_that_does_not_exist_is_a_404(client, page):
    make_guide()

    assert client.get(reverse("guides:list"), {"page": page}).status_code == 404


def test_a_topic_page_lists_only_guides_about_that_topic(client):
    about_ptsd = make_guide(title="About PTSD", conditions=["ptsd"])
    make_guide(title="About IV", treatments=["iv-infusion"])

    response = client.get(reverse("guides:topic", args=["ptsd"]))

    assert list(response.context["page"].object_list) == [about_ptsd]
    assert b"<h1>Guides about PTSD</h1>" in response.content


def test_an_unknown_topic_is_a_404(client):
    assert client.get(reverse("guides:topic", args=["no-such-topic"])).status_code == 404


def test_the_topic_menu_counts_only_published_guides_in_the_usual_order(client):
    make_guide(treatments=["oral-sublingual"])
    make_guide(treatments=["spravato"])
    make_guide(treatments=["spravato"])
    make_guide(treatments=["spravato", "iv-infusion"], status="draft", publish_at=None)

    response = client.get(reverse("guides:list"))

    assert [(t.slug, t.guide_count) for t in response.context["treatment_types"]] == [
        ("spravato", 2),
        ("oral-sublingual", 1),
    ]
    assert response.context["conditions"] == []


def test_the_list_page_makes_a_fixed_number_of_queries(
    client, cache_versions, django_assert_max_num_queries, django_assert_num_queries
):
    for n in range(GUIDES_PER_PAGE + 3):
        make_guide(treatments=["iv-infusion", "spravato"], conditions=["ptsd"], publish_at=days_ago(n + 1))

    # count, page of guides, treatment-type menu, condition menu; reading the versions, reading and
    # storing the page (1 + 1 + 5)
    with django_assert_max_num_queries(11):
        page = client.get(reverse("guides:list"))
    assert page.status_code == 200
    with django_assert_num_queries(1):  # the page, cached whole for anonymous visitors
        assert client.get(reverse("guides:list")).content == page.content


@pytest.mark.parametrize(
    ("query", "place_lookups"),
    [
        ({}, 0),
        ({"near": "78701"}, 1),
        ({"near": "Austin, TX"}, 1),
        ({"near": "Austn, TX"}, 2),  # the city, then names spelled like it to suggest
    ],
)
def test_the_detail_page_makes_a_fixed_number_of_queries(
    client, places, cache_versions, django_assert_max_num_queries, django_assert_num_queries, query, place_lookups
):
    guide = make_guide(treatments=["iv-infusion", "spravato"], conditions=["ptsd", "ocd"])
    for _ in range(RELATED_CLINICS + 2):
        clinic = make_clinic(treatments={"iv-infusion": (400, 600), "spravato": (600, 900)})
        clinic.conditions.set(Condition.objects.all())
    for _ in range(4):
        make_guide(treatments=["iv-infusion"])

    # the cache reads (versions, page), guide, its 2 topic lists, finding the place, the cache reads,
    # choosing the related clinics and fetching them with 3 card prefetches, storing them (5), related
    # guides, storing the page (5)
    with django_assert_max_num_queries(23 + place_lookups):
        response = client.get(guide.get_absolute_url(), query)
    assert len(response.context["related_clinics"]) == RELATED_CLINICS
    with django_assert_num_queries(1):  # the page, cached whole for anonymous visitors
        page = client.get(guide.get_absolute_url(), query).content
    assert page.count(b'class="card clinic-card"') == RELATED_CLINICS


def test_the_detail_page_shows_the_people_dates_and_reading_time(client):
    guide = make_guide(
        author_name="Sam Writer",
        author_credentials="MPH",
        reviewer_name="Dr. Ada Review",
        reviewer_credentials="MD, psychiatrist",
        body="word " * 450,
    )

    page = client.get(guide.get_absolute_url()).content.decode()

    assert "Sam Writer, MPH" in page
    assert "Dr. Ada Review, MD, psychiatrist" in page
    assert (
        f'<time datetime="{guide.first_published_at.astimezone(timezone.get_current_timezone()).isoformat()}">' in page
    )
    assert "3 min" in page
    assert "not medical advice" in page


def test_the_detail_page_links_its_table_of_contents_to_the_headings(client):
    guide = make_guide(body="## What it is\n\ntext\n\n## What it costs\n\ntext")

    page = client.get(guide.get_absolute_url()).content.decode()

    assert '<a href="#what-it-is">What it is</a>' in page
    assert '<h2 id="what-it-is">What it is</h2>' in page
    assert '<a href="#what-it-costs">What it costs</a>' in page


def test_the_detail_page_has_canonical_opengraph_and_structured_data(client, settings):
    guide = make_guide(title="Costs and insurance", summary="What it costs.", reviewer_name="Dr. R", conditions=["ocd"])
    url = f"{settings.SITE_URL}/guides/{guide.slug}/"

    response = client.get(guide.get_absolute_url())
    page = response.content.decode()

    assert f'<link rel="canonical" href="{url}">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert '<meta property="og:title" content="Costs and insurance">' in page
    assert '<meta name="robots"' not in page
    data = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["@type"] == "MedicalWebPage"
    assert data["url"] == url
    assert data["reviewedBy"]["name"] == "Dr. R"
    assert data["about"] == [{"@type": "Thing", "name": "OCD"}]
    assert data["datePublished"] and data["dateModified"]


def test_a_guide_without_topics_has_no_related_clinics(client):
    make_clinic()
    guide = make_guide()

    assert list(client.get(guide.get_absolute_url()).context["related_clinics"]) == []


@pytest.mark.parametrize(
    ("near", "found"),
    [
        ("75201", "75201 (Dallas, TX)"),
        ("75201-1234", "75201 (Dallas, TX)"),
        ("Dallas, TX", "Dallas, TX"),
        ("dallas tx", "Dallas, TX"),
        ("  Dallas ,  tx ", "Dallas, TX"),
        ("Dallas", "Dallas, TX"),
    ],
)
def test_related_clinics_come_nearest_first_to_a_zip_code_or_a_city(client, places, near, found):
    guide = make_guide(treatments=["iv-infusion"])
    make_clinic(name="In Austin")
    make_clinic(name="In Dallas", city="Dallas", zip_code="75201", latitude=32.78, longitude=-96.80)

    response = client.get(guide.get_absolute_url(), {"near": near})

    assert related_names(response) == ["In Dallas", "In Austin"]
    assert f"Nearest first to {found}." in response.content.decode()
    assert b'role="alert"' not in response.content


def test_each_place_gets_its_own_nearest_clinics(client, places, cache_versions):
    guide = make_guide(treatments=["iv-infusion"])
    make_clinic(name="In Austin, Texas")
    make_clinic(name="In Austin, Minnesota", state="MN", zip_code="55912", latitude=43.67, longitude=-92.97)

    in_minnesota = client.get(guide.get_absolute_url(), {"near": "Austin, MN"})
    in_texas = client.get(guide.get_absolute_url(), {"near": "Austin, TX"})

    assert related_names(in_minnesota) == ["In Austin, Minnesota", "In Austin, Texas"]
    assert related_names(in_texas) == ["In Austin, Texas", "In Austin, Minnesota"]


def test_spellings_of_one_place_share_the_cached_related_clinics(
    client, places, cache_versions, django_assert_max_num_queries
):
    guide = make_guide(treatments=["iv-infusion"])
    for _ in range(3):
        make_clinic()
    client.get(guide.get_absolute_url(), {"near": "Austin, TX"})

    # the cache reads (versions, page), guide, its 2 topic lists, finding the place, the related
    # clinics' versions, related guides, storing the page (5): nothing chooses or fetches clinics again
    with django_assert_max_num_queries(13):
        response = client.get(guide.get_absolute_url(), {"near": "austin tx"})
    assert len(related_names(response)) == 3


def test_the_place_field_takes_a_city_and_its_label_names_both_kinds(client):
    guide = make_guide(treatments=["iv-infusion"])

    page = client.get(guide.get_absolute_url()).content.decode()
    field = re.search(r'<input id="near" [^>]*>', page)[0]

    assert '<label for="near">Nearest to a ZIP code or city</label>' in page
    assert f'maxlength="{NEAR_MAX_LENGTH}"' in field
    assert "pattern=" not in field and "inputmode=" not in field and "aria-invalid" not in field


@pytest.mark.parametrize(
    ("near", "problem"),
    [
        ("99999", "We do not know the ZIP code 99999."),
        ("Austn, TX", "We could not find a place called “Austn, TX”."),
        ("Nowhere At All", "We could not find a place called “Nowhere At All”."),
    ],
)
def test_an_unknown_place_keeps_the_page_and_the_text_and_says_so(client, places, near, problem):
    guide = make_guide(treatments=["iv-infusion"])
    make_clinic(name="Downtown")

    response = client.get(guide.get_absolute_url(), {"near": near})
    page = response.content.decode()

    assert response.status_code == 200
    assert f"{problem} Try" in page or f"{problem} Check" in page
    assert "Showing recently confirmed clinics instead." in page
    assert f'value="{near}" aria-invalid="true" aria-describedby="near-problem"' in page
    assert '<div class="guide-related__error" id="near-problem" role="alert">' in page
    assert related_names(response) == ["Downtown"]


def test_a_misspelt_city_is_offered_the_real_one(client, places):
    guide = make_guide(treatments=["iv-infusion"])

    page = client.get(guide.get_absolute_url(), {"near": "Austn, TX"}).content.decode()

    assert '<a href="?near=Austin%2C+TX#related-clinics-heading">Austin, TX</a>' in page


def test_a_city_in_several_states_asks_which_one(client, places):
    guide = make_guide(treatments=["iv-infusion"])

    response = client.get(guide.get_absolute_url(), {"near": "austin"})
    page = response.content.decode()

    assert response.status_code == 200
    assert "is the name of places in several states. Which one do you mean?" in page
    assert 'value="austin"' in page
    assert '<a href="?near=Austin%2C+MN#related-clinics-heading">Austin, MN</a>' in page
    assert '<a href="?near=Austin%2C+TX#related-clinics-heading">Austin, TX</a>' in page


@pytest.mark.parametrize(
    "near", ["7" * 500, "Austin, TX " * 20, "<script>", "a\x00b", "١٢٣٤٥", "%", ",", "'; DROP TABLE x; --"]
)
def test_odd_or_over_long_text_is_no_place_and_never_an_error(client, places, near):
    guide = make_guide(treatments=["iv-infusion"])

    response = client.get(guide.get_absolute_url(), {"near": near})
    page = response.content.decode()

    assert response.status_code == 200
    assert 'role="alert"' in page
    assert "<script>" not in page.split("</head>")[1]
    echoed = re.search(r'<input id="near" [^>]*value="([^"]*)"', page)[1]
    assert len(echoed) <= NEAR_MAX_LENGTH


@pytest.mark.parametrize("near", ["", "   "])
def test_a_blank_place_is_no_place_and_no_problem(client, places, near):
    guide = make_guide(treatments=["iv-infusion"])

    response = client.get(guide.get_absolute_url(), {"near": near})

    assert response.status_code == 200
    assert b'role="alert"' not in response.content
    assert b"Nearest first to" not in response.content


def test_related_guides_share_a_topic_and_are_published(client):
    guide = make_guide(treatments=["iv-infusion"])
    sibling = make_guide(title="Sibling", treatments=["iv-infusion"])
    make_guide(title="Draft sibling", treatments=["iv-infusion"], status="draft", publish_at=None)
    make_guide(title="Other topic", treatments=["spravato"])

    assert list(client.get(guide.get_absolute_url()).context["related_guides"]) == [sibling]


def test_the_feed_is_atom_xml_with_the_published_guides_newest_first(client, settings):
    older = make_guide(title="Older", publish_at=days_ago(3))
    newer = make_guide(title="Newer", publish_at=days_ago(1))
    make_guide(title="Draft", status="draft", publish_at=None)
    make_guide(title="Scheduled", publish_at=timezone.now() + timedelta(days=1))

    response = client.get(reverse("guides:feed"))
    feed = ET.fromstring(response.content)  # noqa: S314 - the XML is our own response

    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Newer", "Older"]
    assert [entry.find(f"{ATOM}link").get("href") for entry in entries] == [
        f"{settings.SITE_URL}{newer.get_absolute_url()}",
        f"{settings.SITE_URL}{older.get_absolute_url()}",
    ]
