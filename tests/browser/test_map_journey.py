"""The maps: search results beside the list on a laptop and behind a "Map" button on a phone, one
clinic on its page. Tiles never load: their requests are aborted, as the `page` fixture does for
every browser test; the markers and their links to the cards are the site's own work."""

import pytest
from playwright.sync_api import expect

from clinics.models import ClinicTreatment, TreatmentType
from tests.browser.conftest import map_tiles_origin
from tests.browser.test_accessibility import DESKTOP, PHONE, assert_no_violations
from tests.factories import AUSTIN, make_clinic
from tests.staff_factories import make_place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
SEARCH = "/clinics/?where=78701&radius=25"


@pytest.fixture
def clinics():
    make_place()
    return [
        make_clinic(name="Juniper Ketamine Care"),
        make_clinic(name="Cedar IV Clinic", latitude=AUSTIN[0] + 0.05),
        make_clinic(name="Sage Spravato Clinic", latitude=AUSTIN[0] - 0.04, longitude=AUSTIN[1] + 0.06),
    ]


@pytest.fixture
def tile_requests(page) -> list[str]:
    """The tile URLs the page asked for, each aborted before it left the machine."""
    requested: list[str] = []

    def abort(route):
        requested.append(route.request.url)
        route.abort()

    page.route(f"{map_tiles_origin()}/**", abort)
    return requested


def markers(page):
    return page.locator(".results-map .leaflet-marker-icon")


def marker(page, name: str):
    return page.locator(f'.results-map .leaflet-marker-icon[title="{name}"]')


def card(page, name: str):
    return page.locator(".clinic-card", has=page.get_by_role("link", name=name, exact=True))


def test_a_laptop_shows_one_marker_per_result_beside_the_list(page, clinics, tile_requests):
    page.set_viewport_size(LAPTOP)
    page.goto(SEARCH)
    assert page.locator(".clinic-card").count() == 3
    expect(markers(page)).to_have_count(3)
    names = sorted(markers(page).evaluate_all("icons => icons.map(icon => icon.title)"))
    assert names == ["Cedar IV Clinic", "Juniper Ketamine Care", "Sage Spravato Clinic"]

    the_map = page.get_by_role("region", name="Map of the clinics on this page").bounding_box()
    the_list = page.locator(".card-grid").bounding_box()
    assert the_map["x"] >= the_list["x"] + the_list["width"], "the map should stand beside the list"
    assert page.get_by_role("button", name="Map").is_hidden(), "no toggle where the map is always shown"
    assert "leaflet-grab" in page.get_by_role("region", name="Map of the clinics on this page").get_attribute("class")
    assert tile_requests, "the map should ask the configured tile host for its tiles"
    assert page.get_by_role("link", name="OpenStreetMap").is_visible()  # the tiles' attribution


def test_ticking_a_filter_redraws_the_markers_of_the_new_results(page, clinics, tile_requests):
    ClinicTreatment.objects.create(
        clinic=clinics[2], treatment_type=TreatmentType.objects.get(slug="spravato"), price_min=600, price_max=800
    )
    page.set_viewport_size(LAPTOP)
    page.goto(SEARCH)
    expect(markers(page)).to_have_count(3)

    page.get_by_role("checkbox", name="Intranasal esketamine (Spravato)").check()  # the results swap in place
    expect(page.locator(".clinic-card")).to_have_count(1)
    expect(markers(page)).to_have_count(1)
    assert markers(page).get_attribute("title") == "Sage Spravato Clinic"


def test_a_marker_leads_to_its_card_and_a_card_lights_up_its_marker(page, clinics, tile_requests):
    page.set_viewport_size(LAPTOP)
    page.goto(SEARCH)
    expect(markers(page)).to_have_count(3)
    sage = card(page, "Sage Spravato Clinic")

    marker(page, "Sage Spravato Clinic").click()
    assert "is-selected" in sage.get_attribute("class")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Sage Spravato Clinic"
    assert sage.is_visible()

    cedar_marker = marker(page, "Cedar IV Clinic")
    card(page, "Cedar IV Clinic").hover()
    assert "is-highlighted" in cedar_marker.get_attribute("class")
    page.mouse.move(0, 0)
    assert "is-highlighted" not in cedar_marker.get_attribute("class")

    page.get_by_role("link", name="Cedar IV Clinic", exact=True).focus()  # as by Tab
    assert "is-highlighted" in cedar_marker.get_attribute("class")
    assert cedar_marker.get_attribute("tabindex") is None, "markers stay out of the tab order"


def test_a_phone_shows_the_map_behind_its_button(page, clinics, tile_requests):
    page.set_viewport_size(PHONE)
    scripts: list[str] = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    page.goto(SEARCH)
    toggle = page.get_by_role("button", name="Map")
    the_map = page.get_by_role("region", name="Map of the clinics on this page")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert the_map.is_hidden()
    assert tile_requests == [], "a map nobody opened should load no tiles"
    assert not any("leaflet" in url for url in scripts), "nor Leaflet"

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert the_map.is_visible()
    expect(markers(page)).to_have_count(3)
    assert page.locator(".clinic-card").count() == 3
    assert the_map.bounding_box()["width"] <= PHONE["width"]

    toggle.click()
    assert the_map.is_hidden()


def test_on_a_touch_screen_one_finger_scrolls_the_page_not_the_map(browser, live_server, clinics):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True)
    context.route(f"{map_tiles_origin()}/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(SEARCH)
    page.get_by_role("button", name="Map").tap()
    expect(markers(page)).to_have_count(3)
    box = page.get_by_role("region", name="Map of the clinics on this page")
    assert "leaflet-grab" not in box.get_attribute("class"), "dragging the map is off"
    assert "leaflet-touch-zoom" in box.get_attribute("class"), "two fingers still zoom and move it"
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_search_page_with_its_map_shown_has_no_violations(page, clinics, tile_requests, viewport):
    page.set_viewport_size(viewport)
    page.goto(SEARCH)
    if viewport is PHONE:
        page.get_by_role("button", name="Map").click()
    expect(markers(page)).to_have_count(3)
    assert_no_violations(page)


def test_without_javascript_the_search_page_is_the_list(browser, live_server, clinics):
    context = browser.new_context(base_url=live_server.url, viewport=LAPTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(SEARCH)
    assert page.locator(".clinic-card").count() == 3
    assert page.locator(".results-map").is_hidden()
    page.goto(clinics[0].get_absolute_url())
    assert page.locator(".clinic-map").is_hidden()
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_clinic_page_shows_the_clinic_on_a_small_map(page, clinics, tile_requests, viewport):
    page.set_viewport_size(viewport)
    page.goto(clinics[0].get_absolute_url())
    the_map = page.get_by_role("region", name="Map showing where Juniper Ketamine Care is")
    the_map.scroll_into_view_if_needed()
    pin = the_map.locator(".leaflet-marker-icon")
    pin.wait_for()
    assert pin.count() == 1
    assert pin.get_attribute("title") == "Juniper Ketamine Care"
    assert_no_violations(page)
