import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics.models import Clinic, Condition, Place
from guides.views import GUIDES_PER_PAGE, RELATED_CLINICS
from tests.factories import make_clinic, make_guide

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


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

    # count, page of guides, treatment-type menu, condition menu; reading and storing the page (1 + 5)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("guides:list"))
    assert page.status_code == 200
    with django_assert_num_queries(1):  # the page, cached whole for anonymous visitors
        assert client.get(reverse("guides:list")).content == page.content


def test_the_detail_page_makes_a_fixed_number_of_queries(
    client, cache_versions, django_assert_max_num_queries, django_assert_num_queries
):
    guide = make_guide(treatments=["iv-infusion", "spravato"], conditions=["ptsd", "ocd"])
    for _ in range(RELATED_CLINICS + 2):
        clinic = make_clinic(treatments={"iv-infusion": (400, 600), "spravato": (600, 900)})
        clinic.conditions.set(Condition.objects.all())
    for _ in range(4):
        make_guide(treatments=["iv-infusion"])

    # the cache read, guide, its 2 topic lists, the cache read, choosing the related clinics and
    # fetching them with 3 card prefetches, storing them (5), related guides, storing the page (5)
    with django_assert_max_num_queries(21):
        response = client.get(guide.get_absolute_url())
    assert len(response.context["related_clinics"]) == RELATED_CLINICS
    with django_assert_num_queries(1):  # the page, cached whole for anonymous visitors
        assert client.get(guide.get_absolute_url()).content.count(b'class="card clinic-card"') == RELATED_CLINICS


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


def test_related_clinics_share_a_topic_with_the_guide_and_are_published(client):
    guide = make_guide(treatments=["spravato"], conditions=["ptsd"])
    offers_spravato = make_clinic(name="Offers Spravato", treatments={"spravato": (500, 800)})
    treats_ptsd = make_clinic(name="Treats PTSD", treatments={"iv-infusion": (400, 500)})
    treats_ptsd.conditions.add(Condition.objects.get(slug="ptsd"))
    make_clinic(name="Unrelated", treatments={"im-injection": (300, 400)})
    make_clinic(name="Unpublished", status=Clinic.Status.DRAFT, treatments={"spravato": (500, 800)})

    related = client.get(guide.get_absolute_url()).context["related_clinics"]

    assert {clinic.name for clinic in related} == {offers_spravato.name, treats_ptsd.name}


def test_a_guide_without_topics_has_no_related_clinics(client):
    make_clinic()
    guide = make_guide()

    assert list(client.get(guide.get_absolute_url()).context["related_clinics"]) == []


def test_related_clinics_can_be_ordered_nearest_to_a_zip_code(client):
    Place.objects.create(zip_code="75201", city="Dallas", state="TX", latitude=32.787, longitude=-96.799)
    guide = make_guide(treatments=["iv-infusion"])
    make_clinic(name="In Austin")
    make_clinic(name="In Dallas", city="Dallas", zip_code="75201", latitude=32.78, longitude=-96.80)

    response = client.get(guide.get_absolute_url(), {"near": "75201"})

    assert [clinic.name for clinic in response.context["related_clinics"]] == ["In Dallas", "In Austin"]


@pytest.mark.parametrize("near", ["99999", "abcde", "7" * 500, "<script>"])
def test_an_unknown_zip_code_keeps_the_page_and_says_so(client, near):
    guide = make_guide(treatments=["iv-infusion"])

    response = client.get(guide.get_absolute_url(), {"near": near})

    assert response.status_code == 200
    assert b"We could not find the ZIP code" in response.content
    assert b"<script>" not in response.content.split(b"</head>")[1]


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
