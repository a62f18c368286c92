"""The finish patients see first: one search form on the home page, photos and logos at the top, a picture to share."""

import re

import pytest

from clinics.models import ClinicPhoto
from tests.directory.test_media import make_photo
from tests.factories import make_clinic, make_guide
from tests.staff_factories import make_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic():
    make_place()
    return make_clinic(name="Juniper Ketamine Care")


def test_the_home_page_has_one_search_form(client):
    html = client.get("/").content.decode()
    assert html.count('role="search"') == 1


def test_other_pages_keep_the_search_in_the_header(client, clinic):
    assert client.get(clinic.get_absolute_url()).content.decode().count('role="search"') == 1


def test_the_photos_and_logo_are_at_the_top_of_the_clinic_page(client, clinic):
    photo = make_photo(clinic, ClinicPhoto.Status.PUBLIC)
    logo = make_photo(clinic, ClinicPhoto.Status.PUBLIC)
    logo.kind = ClinicPhoto.Kind.LOGO
    logo.save()
    html = client.get(clinic.get_absolute_url()).content.decode()
    header = html[: html.index("</header>", html.index('class="clinic__header"'))]
    assert logo.thumbnail.url in header
    assert photo.thumbnail.url in header
    assert html.count(photo.thumbnail.url) == 1
    assert header.index(logo.thumbnail.url) < header.index("<h1>")


def test_a_card_shows_the_clinics_logo_when_it_has_one(client, clinic):
    logo = make_photo(clinic, ClinicPhoto.Status.PUBLIC)
    logo.kind = ClinicPhoto.Kind.LOGO
    logo.save()
    make_clinic(name="Cedar IV Clinic")
    html = client.get("/clinics/?where=78701").content.decode()
    cards = re.findall(r'<article class="card clinic-card".*?</article>', html, re.S)
    title = r'card__title"><a href="[^"]+">([^<]+)<'
    has_logo = {re.search(title, card)[1]: logo.thumbnail.url in card for card in cards}
    assert has_logo == {"Juniper Ketamine Care": True, "Cedar IV Clinic": False}


@pytest.mark.parametrize("path", ["/", "/clinics/", "/clinics/tx/", "/guides/"])
def test_every_page_has_a_favicon_and_a_picture_for_shared_links(client, clinic, path):
    html = client.get(path).content.decode()
    assert re.search(r'<link rel="icon" href="/static/img/favicon\.[^"]*svg" type="image/svg\+xml">', html)
    assert re.search(r'<meta property="og:image" content="http[^"]+/static/img/og-image\.[^"]*png">', html)


def test_a_clinic_with_a_logo_shares_its_logo_and_no_second_picture(client, clinic):
    logo = make_photo(clinic, ClinicPhoto.Status.PUBLIC)
    logo.kind = ClinicPhoto.Kind.LOGO
    logo.save()
    html = client.get(clinic.get_absolute_url()).content.decode()
    assert html.count('property="og:image"') == 1
    assert f'{logo.image.url}">' in html


def test_the_guide_pages_show_nearest_button_is_styled_and_its_clinics_sit_in_a_grid(client, clinic):
    guide = make_guide(treatments=["iv-infusion"])
    html = client.get(guide.get_absolute_url()).content.decode()
    assert '<button type="submit" class="button">Show nearest</button>' in html
    assert re.search(r'<div class="card-grid[^"]*">\s*<article class="card clinic-card"', html)
