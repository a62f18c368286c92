"""The pages a health site owes its readers: about, how we verify, editorial policy, privacy, terms, contact."""

import re

import pytest
from django.urls import reverse

from guides.models import SitePage
from tests.factories import make_clinic, make_guide, make_user
from tests.staff_factories import make_editor

pytestmark = pytest.mark.django_db

FOOTER_PAGES = {
    "about": "About",
    "how-we-verify": "How we verify listings",
    "editorial-policy": "Editorial policy",
    "privacy": "Privacy policy",
    "terms": "Terms of use",
    "contact": "Contact",
}


def footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') :]


def header(html: str) -> str:
    return html[html.index('<header class="site-header">') : html.index("</header>")]


@pytest.mark.parametrize("slug", FOOTER_PAGES)
def test_each_site_page_is_linked_from_every_page_footer_and_shows_its_starter_text(client, slug):
    home = client.get("/").content.decode()
    assert f'<a href="/{slug}/">{FOOTER_PAGES[slug]}</a>' in footer(home)
    response = client.get(f"/{slug}/")
    assert response.status_code == 200
    page = SitePage.objects.get(slug=slug)
    html = response.content.decode()
    assert f"<h1>{page.title}</h1>" in html
    assert f'<link rel="canonical" href="http://localhost:8000/{slug}/">' in html
    assert len(re.findall(r"<h2 id=", html)) >= 2, "starter text with sections, not a placeholder"


def test_a_site_page_costs_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/privacy/").status_code == 200


def test_the_privacy_policy_states_the_inquiry_retention_period_from_the_settings(client, settings):
    assert settings.INQUIRY_RETENTION_DAYS == 180
    assert "we delete every message 180 days after it was sent" in client.get("/privacy/").content.decode()
    settings.INQUIRY_RETENTION_DAYS = 90
    html = client.get("/privacy/").content.decode()
    assert "we delete every message 90 days after it was sent" in html
    assert "{inquiry_retention_days}" not in html and "180" not in html


def test_the_privacy_policy_says_who_sees_an_inquiry_and_how_to_ask_for_deletion(client, settings):
    settings.CONTACT_EMAIL = "privacy@clinics.example"
    html = client.get("/privacy/").content.decode()
    assert "the clinic you wrote to" in html
    assert "Our editors' tools show only whether a message was delivered" in html
    assert "Asking us to delete your information" in html
    assert "privacy@clinics.example" in html


def test_the_contact_page_links_the_contact_address_from_the_settings(client, settings):
    settings.CONTACT_EMAIL = "help@clinics.example"
    html = client.get("/contact/").content.decode()
    assert '<a href="mailto:help@clinics.example" rel="noopener">help@clinics.example</a>' in html
    assert "{contact_email}" not in html


def test_the_contact_address_defaults_to_the_site_host():
    from directory import settings as project_settings

    assert project_settings.CONTACT_EMAIL == "help@localhost"


def test_an_editor_changes_a_page_text_in_the_admin_and_the_page_shows_it(client):
    client.force_login(make_editor())
    page = SitePage.objects.get(slug="about")
    url = reverse("admin:guides_sitepage_change", args=[page.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "About us", "description": "Who we are.", "body": "## Who we are\n\nA **small** team."}
    )
    assert response.status_code == 302
    html = client.get("/about/").content.decode()
    assert "<h1>About us</h1>" in html
    assert "A <strong>small</strong> team." in html


def test_editors_can_neither_add_nor_delete_a_site_page(client):
    client.force_login(make_editor())
    page = SitePage.objects.get(slug="terms")
    assert client.get(reverse("admin:guides_sitepage_add")).status_code == 403
    assert client.get(reverse("admin:guides_sitepage_delete", args=[page.pk])).status_code == 403
    assert client.get(reverse("admin:guides_sitepage_changelist")).status_code == 200


def test_a_member_who_is_not_an_editor_cannot_edit_a_site_page(client):
    client.force_login(make_user(is_staff=True))
    page = SitePage.objects.get(slug="about")
    assert client.get(reverse("admin:guides_sitepage_change", args=[page.pk])).status_code == 403


def test_a_script_in_a_page_body_never_reaches_the_page(client):
    SitePage.objects.filter(slug="terms").update(
        body='## Terms\n\n<script>alert(1)</script><a href="javascript:alert(2)">x</a> <img src=x onerror=alert(3)>'
    )
    html = client.get("/terms/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert "<script" not in main and "javascript:" not in main and "onerror" not in main


def test_guides_are_linked_from_the_header_the_footer_and_the_home_page(client):
    make_guide(title="What an IV infusion is like", slug="what-an-iv-infusion-is-like")
    for path in ["/", "/about/", "/clinics/"]:
        html = client.get(path).content.decode()
        assert '<a href="/guides/">Guides</a>' in header(html), path
        assert '<a href="/guides/">Guides for patients</a>' in footer(html), path
    home = client.get("/").content.decode()
    main = home[home.index("<main") : home.index("</main>")]
    assert 'href="/guides/what-an-iv-infusion-is-like/"' in main
    assert '<a href="/guides/">Read all guides</a>' in main


def test_the_home_page_shows_a_newly_published_guide_at_once(client, django_capture_on_commit_callbacks):
    assert "Guides for patients" in client.get("/").content.decode()  # now cached for everyone
    with django_capture_on_commit_callbacks(execute=True):
        make_guide(title="Paying for Spravato", slug="paying-for-spravato")
    assert 'href="/guides/paying-for-spravato/"' in client.get("/").content.decode()


def test_the_sitemap_lists_every_site_page(client):
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-pages.xml" in index
    pages = client.get("/sitemap-pages.xml").content.decode()
    for slug in FOOTER_PAGES:
        assert f"<loc>http://localhost:8000/{slug}/</loc>" in pages


def test_a_guide_links_the_editorial_policy_and_a_clinic_page_how_listings_are_verified(client):
    guide = make_guide(title="What an IV infusion is like", slug="what-an-iv-infusion-is-like")
    assert '<a href="/editorial-policy/">How our guides are written and medically reviewed</a>' in (
        client.get(guide.get_absolute_url()).content.decode()
    )
    clinic = make_clinic(name="Cedar Ridge Ketamine")
    assert '<a href="/how-we-verify/">How we verify listings</a>' in (
        client.get(clinic.get_absolute_url()).content.decode()
    )


def test_the_privacy_policy_names_the_compare_cookie(client):
    html = client.get("/privacy/").content.decode()
    assert "the &quot;compare&quot; cookie" in html or 'the "compare" cookie' in html
