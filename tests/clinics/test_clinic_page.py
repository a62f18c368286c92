import json
import re

import pytest

from clinics.models import Condition, InsuranceCarrier, Language, TreatmentType
from tests.factories import bill_insurance, make_clinic, make_guide

pytestmark = pytest.mark.django_db


def json_ld_blocks(response) -> list[dict]:
    html = response.content.decode()
    return [
        json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


@pytest.mark.parametrize(
    "slug, prices, estimate",
    [
        ("iv-infusion", (450, 650), (2700, 3900, 6)),  # 6 infusions
        ("spravato", (500, 600), (4000, 4800, 8)),  # 8 sessions
        ("im-injection", (300, 350), None),  # each clinic sets its own course
    ],
)
def test_the_first_course_estimate_is_the_price_times_the_usual_sessions(slug, prices, estimate):
    clinic = make_clinic(treatments={slug: prices})
    assert clinic.clinic_treatments.get().first_course_estimate == estimate


def test_the_clinic_page_shows_the_estimate_and_how_each_treatment_is_paid(client):
    clinic = make_clinic(
        treatments={"iv-infusion": (450, 650), "spravato": (500, 600)}, offers_superbill=True, offers_financing=True
    )
    bill_insurance(clinic, "spravato", "aetna", "cigna")
    html = client.get(clinic.get_absolute_url()).content.decode()
    assert "$2,700–$3,900 for 6 sessions (estimate)" in html
    assert "$4,000–$4,800 for 8 sessions (estimate, if paying yourself)" in html
    assert "Billed to insurance: Aetna, Cigna." in html
    assert "Self-pay: the clinic does not bill insurance for it. It gives superbills" in html


def test_the_clinic_page_has_contact_links_and_a_way_to_report_a_mistake(client):
    clinic = make_clinic(
        phone="(512) 555-0199", hours="Mon-Fri 9am-5pm", medical_director="Ada Quinn", medical_director_credentials="MD"
    )
    html = client.get(clinic.get_absolute_url()).content.decode()
    assert 'href="tel:5125550199"' in html
    assert "https://www.google.com/maps/search/?api=1&amp;query=" in html
    assert clinic.website in html and "Mon-Fri 9am-5pm" in html and "Dr. Ada Quinn" in html
    assert f'<a href="/clinics/{clinic.slug}/report/" data-opens="report-form">Report something wrong</a>' in html


def test_the_clinic_json_ld_is_a_medical_clinic_with_address_geo_phone_and_new_patients(client):
    clinic = make_clinic(
        name='Quote " and </script> Clinic', accepting_new_patients=False, treatments={"spravato": (500, 600)}
    )
    response = client.get(clinic.get_absolute_url())
    blocks = {block["@type"]: block for block in json_ld_blocks(response)}
    data = blocks["MedicalClinic"]
    assert data["name"] == 'Quote " and </script> Clinic'
    assert data["address"]["streetAddress"] == clinic.street
    assert data["address"]["postalCode"] == "78701" and data["address"]["addressRegion"] == "TX"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": clinic.latitude, "longitude": clinic.longitude}
    assert data["telephone"] == clinic.phone
    assert data["isAcceptingNewPatients"] is False
    assert data["url"].endswith(clinic.get_absolute_url())
    assert [service["name"] for service in data["availableService"]] == ["Intranasal esketamine (Spravato)"]
    assert b"</script> Clinic" not in response.content  # escaped in the data block as in the HTML
    crumbs = blocks["BreadcrumbList"]["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == ["Home", "Clinics", "Texas", "Austin", clinic.name]


def test_the_clinic_page_has_a_canonical_url_a_description_and_open_graph_tags(client, settings):
    settings.SITE_URL = "https://clinics.example.org"
    clinic = make_clinic(name="Cedar Ketamine")
    html = client.get(clinic.get_absolute_url()).content.decode()
    url = f"https://clinics.example.org{clinic.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="Cedar Ketamine, Austin, TX">' in html
    assert re.search(r'<meta name="description" content="Cedar Ketamine in Austin, TX offers ketamine therapy', html)
    assert "<title>Cedar Ketamine, Austin, TX |" in html


def test_the_clinic_page_links_back_to_its_city_and_state(client):
    clinic = make_clinic()
    html = client.get(clinic.get_absolute_url()).content.decode()
    assert 'href="/clinics/tx/"' in html and 'href="/clinics/tx/austin/"' in html


@pytest.mark.parametrize("many", [False, True])
def test_the_clinic_page_query_count_does_not_grow_with_what_it_lists(
    client, cache_versions, django_assert_max_num_queries, many
):
    treatments = {slug: (300, 400) for slug in TreatmentType.objects.values_list("slug", flat=True)}
    clinic = make_clinic(treatments=treatments if many else None)
    if many:
        clinic.conditions.add(*Condition.objects.all())
        for offer in clinic.clinic_treatments.all():
            bill_insurance(clinic, offer.treatment_type.slug, *InsuranceCarrier.objects.values_list("slug", flat=True))
        clinic.languages.add(*Language.objects.all())
        for _ in range(4):
            make_guide(treatments=["iv-infusion"], conditions=["ptsd"])
    # The cache reads (versions once, then the entries for the page and the profile); the clinic, its
    # offers with their carriers, its conditions, languages and public photos; its guides; storing
    # the profile; then storing the whole page for anonymous visitors; the day's view count.
    with django_assert_max_num_queries(12):
        assert client.get(clinic.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(2):  # the cached page and the day's view count
        assert client.get(clinic.get_absolute_url()).status_code == 200


def test_the_clinic_page_counts_views_and_links_guides_and_the_claim(client):
    from clinics.models import ClinicPageViews

    clinic = make_clinic(treatments={"spravato": (500, 600)})
    make_guide(title="What a Spravato session is like", treatments=["spravato"])
    make_guide(title="A draft nobody should see", treatments=["spravato"], status="draft")
    client.get(clinic.get_absolute_url())
    response = client.get(clinic.get_absolute_url())
    assert ClinicPageViews.objects.get(clinic=clinic).views == 2
    assert b"What a Spravato session is like" in response.content
    assert b"A draft nobody should see" not in response.content
    assert f"/manage/clinics/{clinic.slug}/claim/".encode() in response.content


def test_the_page_cached_for_anonymous_visitors_keeps_nothing_personal(client, django_user_model):
    clinic = make_clinic()
    first = client.get(clinic.get_absolute_url(), {"q": "typed-by-the-first-visitor"})
    assert b"typed-by-the-first-visitor" in first.content
    second = client.get(clinic.get_absolute_url())
    again = client.get(clinic.get_absolute_url())
    assert b"typed-by-the-first-visitor" not in second.content
    token = b'name="submission_token" value="'
    assert second.content.split(token)[1][:36] != again.content.split(token)[1][:36]
    assert b"slot" not in again.content

    member = django_user_model.objects.create_user("member", "member@example.com", "a-long-test-password")
    client.force_login(member)
    assert b"Dashboard" in client.get(clinic.get_absolute_url()).content


def test_the_inquiry_form_on_a_cached_page_posts_with_its_own_csrf_token():
    import re

    from django.test import Client

    from clinics.models import Inquiry

    clinic = make_clinic()
    Client().get(clinic.get_absolute_url())  # another visitor fills the cache
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(clinic.get_absolute_url()).content.decode()
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|submission_token)" value="([^"]+)"', html))
    response = visitor.post(
        f"/clinics/{clinic.slug}/inquiry/",
        {**fields, "name": "Pat", "email": "pat@example.com", "message": "Hello?", "consent": "on"},
    )
    assert response.status_code == 302
    assert Inquiry.objects.get().submission_token.hex == fields["submission_token"].replace("-", "")
