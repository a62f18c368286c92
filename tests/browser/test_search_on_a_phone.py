"""Search on a phone and by keyboard, empty results that lead somewhere, and compare across pages, in a real browser."""

import pytest
from playwright.sync_api import expect

from clinics.models import Clinic, Place
from tests.browser.test_accessibility import DESKTOP, PHONE, assert_no_violations, focused
from tests.factories import AUSTIN, bill_insurance, make_clinic, make_guide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MILES_PER_DEGREE = 69.09


@pytest.fixture
def austin():
    Place.objects.create(zip_code="78701", city="Austin", state="TX", latitude=AUSTIN[0], longitude=AUSTIN[1])
    juniper = make_clinic(name="Juniper Spravato Center", treatments={"spravato": (500, 650)})
    bill_insurance(juniper, "spravato", "aetna")
    make_clinic(name="Cedar IV Clinic", latitude=AUSTIN[0] + 0.02)
    make_clinic(name="Sage Spravato Clinic", treatments={"spravato": (500, 600)}, latitude=AUSTIN[0] + 0.04)


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def viewport(request) -> dict:
    return request.param


def mark_the_page(page) -> None:
    """Leave a mark in the page's window; a reload would wipe it."""
    page.evaluate("window.notReloaded = true")


def still_the_same_page(page) -> bool:
    return page.evaluate("window.notReloaded === true")


def test_the_first_result_shows_on_the_first_screen_of_a_phone(page, austin):
    page.goto("/")
    page.get_by_role("textbox", name="Near").fill("78701")
    page.get_by_role("button", name="Find clinics").click()
    page.wait_for_url("**/clinics/?where=78701**")
    first = page.locator(".card__title").first.bounding_box()
    assert first["y"] + first["height"] <= PHONE["height"], first


def test_ticking_filters_on_a_phone_updates_the_results_in_place_and_keeps_the_focus(page, austin):
    page.goto("/clinics/?where=78701")
    mark_the_page(page)
    page.locator("summary", has_text="Filters").click()
    page.get_by_role("checkbox", name="Intranasal esketamine (Spravato)").check()
    page.wait_for_url("**treatment=spravato**")
    page.wait_for_function("document.querySelector('[data-announce]').textContent.includes('2 clinics')")
    assert page.locator(".card__title").all_inner_texts() == ["Juniper Spravato Center", "Sage Spravato Clinic"]
    assert page.locator("details.filters").evaluate("details => details.open")  # the panel stays open
    assert focused(page)["tag"] == "input"
    page.get_by_role("checkbox", name="Aetna").check()
    page.wait_for_url("**insurance=aetna**")
    page.wait_for_function("document.querySelector('[data-announce]').textContent.includes('1 clinic')")
    assert page.locator(".card__title").all_inner_texts() == ["Juniper Spravato Center"]
    assert page.locator(".filters__count").inner_text() == "1 clinic match"
    assert still_the_same_page(page)
    assert_no_violations(page, open_details=False)


def test_arrow_keys_on_sort_by_never_reload_the_page(page, austin):
    page.goto("/clinics/?where=78701")
    mark_the_page(page)
    page.get_by_label("Sort by").focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)  # time for a reload to start, were there one
    assert still_the_same_page(page)
    assert focused(page)["id"] == "sort"
    assert not page.locator("[data-sort-button]").is_visible()  # with JavaScript, sorting needs no button


def test_nothing_within_100_miles_shows_the_nearest_clinic_and_telehealth_in_the_state(page, viewport):
    page.set_viewport_size(viewport)
    Place.objects.create(zip_code="59001", city="Absarokee", state="MT", latitude=45.52, longitude=-109.44)
    far = {"city": "Glasgow", "state": "MT", "zip_code": "59230", "longitude": -109.44}
    spravato = {"spravato": (500, 600)}
    make_clinic(name="Prairie Ketamine", latitude=45.52 + 150 / MILES_PER_DEGREE, treatments=spravato, **far)
    make_clinic(name="Big Sky Telehealth", latitude=45.52 + 160 / MILES_PER_DEGREE, offers_telehealth=True, **far)
    page.goto("/clinics/?where=59001&radius=100&treatment=spravato")
    main = page.locator("main").inner_text()
    assert "wider distance" not in main
    assert "The nearest clinic beyond 100 miles" in main and "150.0 mi" in main
    assert "Telehealth or at-home options in Montana" in main
    assert_no_violations(page)


def test_a_misspelt_place_leads_with_the_suggestion(page, viewport, austin):
    page.set_viewport_size(viewport)
    page.goto("/clinics/?where=Austn%2C+TX")
    assert page.locator(".facet__count").count() == 0
    page.get_by_role("link", name="Austin, TX").click()
    page.wait_for_url("**where=Austin**")
    assert page.locator(".card__title").count() == 3
    assert_no_violations(page)


def test_the_compare_tray_keeps_its_clinics_across_filters_sorts_and_pages(page, viewport, austin):
    page.set_viewport_size(viewport)
    page.goto("/clinics/?where=78701")
    page.get_by_role("button", name="Add to compare Cedar IV Clinic").click()
    page.wait_for_url("**#clinic-*")
    page.get_by_role("button", name="Add to compare Juniper Spravato Center").click()
    page.wait_for_url("**#clinic-*")
    page.goto("/clinics/?where=78701&sort=name&treatment=spravato")
    tray = page.get_by_role("complementary", name="Clinics to compare")
    tray.locator("summary").click()
    assert "Cedar IV Clinic" in tray.inner_text() and "Juniper Spravato Center" in tray.inner_text()
    assert_no_violations(page)
    tray.get_by_role("link", name="Compare (2)").click()
    expect(page.locator("thead th")).to_have_count(2)  # waits for the compare page: count() would not
    assert_no_violations(page)


def test_the_header_is_one_line_at_1366_px(page, austin):
    page.set_viewport_size({"width": 1366, "height": 768})
    for path in ["/", "/clinics/tx/", "/guides/"]:
        page.goto(path)
        name = page.locator(".site-name").bounding_box()
        header = page.locator(".site-header__inner").bounding_box()
        assert header["height"] < 2 * name["height"] + 8, (path, header, name)
        assert page.locator(".site-name").evaluate("el => el.getClientRects().length") == 1


def test_the_clinic_page_and_compare_fit_a_phone(page, austin):
    clinics = list(Clinic.objects.order_by("pk"))  # the three of the austin fixture
    page.goto(clinics[0].get_absolute_url())
    assert_no_violations(page)  # no content wider than the screen
    page.goto("/clinics/compare/?" + "&".join(f"id={clinic.pk}" for clinic in clinics))
    label = page.locator("tbody th").first.bounding_box()
    columns = page.locator("thead th").evaluate_all("cells => cells.map(cell => cell.getBoundingClientRect().left)")
    assert columns[1] < PHONE["width"]  # more than one clinic shows beside the labels
    page.locator(".table-scroll").evaluate("box => { box.scrollLeft = 400; }")
    assert page.locator("tbody th").first.bounding_box()["x"] == label["x"]  # the labels stay put


def test_the_related_guides_line_up_with_the_clinic_page_and_landing_pages(page, austin):
    make_guide(title="What an IV infusion is like", slug="what-an-iv-infusion-is-like", treatments=["iv-infusion"])
    clinic = Clinic.objects.get(name="Cedar IV Clinic")
    page.set_viewport_size({"width": 1366, "height": 768})
    for path, column in [(clinic.get_absolute_url(), ".clinic__main > .section"), ("/treatments/iv-infusion/", "h1")]:
        page.goto(path)
        guides = page.locator(".related-guides").bounding_box()
        assert guides["x"] == page.locator(column).first.bounding_box()["x"], path
