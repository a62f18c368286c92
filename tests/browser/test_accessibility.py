"""WCAG 2.1 A and AA, checked by axe-core in the real browser on each kind of page, and a keyboard-only journey."""

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from clinics.inquiries import inquiry_create
from clinics.models import Condition, InsuranceCarrier, Language
from tests.factories import AUSTIN, bill_insurance, make_clinic, make_guide
from tests.staff_factories import make_member, make_place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# WCAG 2.1 A and AA, plus axe's best practices: heading order, landmarks present and distinct.
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# axe-core from the npm registry, pinned in tests/browser/package.json and installed by `make test`.
AXE_SOURCE = Path(__file__).with_name("node_modules").joinpath("axe-core", "axe.min.js")


def assert_no_violations(page, *, open_details: bool = True) -> None:
    """Run axe on the page as it is, with every <details> opened first unless told otherwise.

    Also check the page fits its width: content wider than a phone's screen means scrolling sideways
    to read it (WCAG's reflow criterion), which axe does not test.
    """
    if open_details:
        page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the window"
    # Playwright evaluates scripts outside the page's Content-Security-Policy, which would refuse them inline.
    page.evaluate(AXE_SOURCE.read_text())
    violations = page.evaluate("options => axe.run(document, options).then(results => results.violations)", RULES)
    assert violations == [], f"{page.url}\n" + "\n".join(
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in violations
    )


def sign_in(page, user) -> None:
    """Give the browser, which has opened the site, the session of a user signed in through the test client."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.url}])


@pytest.fixture
def listings():
    """Two clinics with every part of a listing filled in, and a guide about what they offer."""
    make_place()
    aetna = InsuranceCarrier.objects.get(slug="aetna")
    clinics = [
        make_clinic(
            name="Juniper Ketamine Care",
            treatments={"iv-infusion": (400, 600), "spravato": (500, 650)},
            medical_director="Dr. Rowan Vale",
            medical_director_credentials="MD, board-certified anesthesiologist",
            hours="Mon-Fri 8am-5pm",
            first_visit="A one-hour consultation with the medical director.",
            offers_financing=True,
            offers_integration_therapy=True,
            spravato_rems_certified=True,
            session_monitored_by="physician",
            observation_minutes=120,
        ),
        make_clinic(
            name="Cedar IV Clinic",
            latitude=AUSTIN[0] + 0.05,
            accepting_new_patients=False,
            facts_confirmed_at=timezone.now() - timedelta(days=400),  # every fact marked "may be out of date"
        ),
    ]
    for clinic in clinics:
        bill_insurance(clinic, clinic.clinic_treatments.first().treatment_type.slug, aetna.slug)
        clinic.conditions.add(*Condition.objects.all()[:4])
        clinic.languages.add(Language.objects.first())
    make_guide(
        title="What an IV infusion is like",
        slug="what-an-iv-infusion-is-like",
        treatments=["iv-infusion"],
        conditions=["ptsd"],
    )
    return clinics


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def viewport(request) -> dict:
    return request.param


PUBLIC_PAGES = {
    "home": lambda clinics: "/",
    "search results": lambda clinics: "/clinics/?where=78701&treatment=iv-infusion&sort=price",
    "empty search with a problem": lambda clinics: "/clinics/?where=99999&max_price=cheap",
    "keywords that find nothing, with chips and closest searches": lambda clinics: "/clinics/?q=oral+aetna+78701",
    "clinic": lambda clinics: clinics[0].get_absolute_url(),
    "compare": lambda clinics: f"/clinics/compare/?id={clinics[0].pk}&id={clinics[1].pk}",
    "state landing page": lambda clinics: "/clinics/tx/",
    "treatment landing page": lambda clinics: "/treatments/iv-infusion/",
    "city landing page": lambda clinics: "/clinics/tx/austin/",
    "condition landing page": lambda clinics: "/conditions/ptsd/",
    "guide list": lambda clinics: "/guides/",
    "guide topic": lambda clinics: "/guides/topic/iv-infusion/",
    "guide": lambda clinics: "/guides/what-an-iv-infusion-is-like/",
    "Spravato self-check": lambda clinics: "/guides/self-check/spravato/",
    "sign-in": lambda clinics: "/accounts/login/",
    "sign-up": lambda clinics: "/accounts/signup/",
    "password reset": lambda clinics: "/accounts/password/reset/",
    "inquiry": lambda clinics: clinics[0].get_absolute_url() + "inquiry/",
    "report": lambda clinics: clinics[0].get_absolute_url() + "report/",
    "about": lambda clinics: "/about/",
    "how we verify listings": lambda clinics: "/how-we-verify/",
    "editorial policy": lambda clinics: "/editorial-policy/",
    "privacy policy": lambda clinics: "/privacy/",
    "terms of use": lambda clinics: "/terms/",
    "contact": lambda clinics: "/contact/",
}


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_each_public_page_has_no_wcag_21_aa_violations(page, viewport, listings, name):
    page.set_viewport_size(viewport)
    assert page.goto(PUBLIC_PAGES[name](listings)).ok
    assert_no_violations(page)


def test_the_search_page_with_its_filters_open_and_closed_has_no_violations(page, viewport, listings):
    page.set_viewport_size(viewport)
    page.goto("/clinics/?where=78701&insurance=aetna")
    filters = page.locator("details.filters")
    if filters.evaluate("details => details.open"):  # search.js opens them on a wide screen
        page.locator("summary", has_text="Filters").click()
    assert_no_violations(page, open_details=False)
    page.locator("summary", has_text="Filters").click()
    assert filters.evaluate("details => details.open")
    assert_no_violations(page, open_details=False)


def test_the_inquiry_form_showing_an_error_has_no_violations(browser, live_server, viewport, listings):
    # Its own page: the 400 answer to the invalid form is a console error the `page` fixture would fail on.
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.goto(listings[0].get_absolute_url() + "inquiry/")
    page.get_by_label("Your name").fill("Sam")
    page.get_by_label("Your message").fill("Do you have openings next week?")
    page.get_by_role("checkbox", name="I agree").check()
    page.get_by_role("button", name="Send").click()  # neither an e-mail address nor a phone number
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_no_violations(page)
    context.close()


def test_the_pages_of_a_signed_in_owner_have_no_violations(page, viewport, listings):
    page.set_viewport_size(viewport)
    clinic = listings[0]
    owner = make_member(clinic, email="owner@junipercare.example")
    inquiry_create(
        clinic=clinic,
        name="Sam Patient",
        email="sam@example.com",
        phone="",
        message="Do you have openings next week?",
        submission_token=uuid.uuid4(),
    )
    page.goto("/")
    sign_in(page, owner)
    manage = f"/manage/clinics/{clinic.slug}/"
    for path in [manage + "edit/", "/dashboard/", "/manage/inquiries/", manage]:
        assert page.goto(path).ok
        assert page.url.endswith(path), "the owner should not be sent to sign in"
        assert_no_violations(page)
        if path.endswith("edit/"):
            page.locator("#id_treatments-0-price_min").fill("350")
            page.get_by_role("button", name="Send changes for review").click()
            expect(page.locator("body")).to_contain_text("Pending review")
            assert_no_violations(page)  # the pending change, with its field-by-field summary

    # Two-step sign-in: the overview, the password asked again, and the page with the QR code.
    assert page.goto("/accounts/2fa/").ok
    assert_no_violations(page)
    page.goto("/accounts/2fa/totp/activate/")
    assert "/accounts/reauthenticate/" in page.url
    assert_no_violations(page)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile("/accounts/2fa/totp/activate/$"))
    assert_no_violations(page)


def test_the_check_finds_a_violation_when_there_is_one(page):
    page.set_content("<!doctype html><html><body><main><input type='text'></main></body></html>")
    with pytest.raises(AssertionError, match="html-has-lang"):
        assert_no_violations(page)


# --- keyboard -------------------------------------------------------------------------------------


def focused(page) -> dict:
    """What has the keyboard focus: its tag, text, name and whether a visible outline marks it."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(),
                id: el.id,
                text: (el.innerText || el.value || "").trim(),
                href: el.getAttribute("href"),
                outlined: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
            };
        }"""
    )


def tab_to(page, matches, limit: int = 60) -> dict:
    """Press Tab until the focused element satisfies `matches`, checking each stop shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        assert element["tag"] == "body" or element["outlined"], f"no visible focus on {element}"
        if matches(element):
            return element
    raise AssertionError("the keyboard never reached the element")


def test_the_skip_link_comes_first_and_moves_the_focus_to_the_main_content(page, listings):
    page.goto("/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Skip to main content" and first["outlined"]
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_a_patient_searches_by_zip_and_opens_a_clinic_with_the_keyboard_alone(page, listings):
    page.goto("/")
    tab_to(page, lambda element: element["id"] == "hero-where")
    page.keyboard.type("78701")
    tab_to(page, lambda element: element["tag"] == "button" and element["text"] == "Find clinics")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "where=78701" in page.url

    tab_to(page, lambda element: element["text"] == "Juniper Ketamine Care")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Juniper Ketamine Care"


def test_a_filter_can_be_opened_and_ticked_with_the_keyboard(page, listings):
    page.goto("/clinics/?where=78701")
    tab_to(page, lambda element: element["tag"] == "summary")
    page.keyboard.press("Enter")
    assert page.locator("details.filters").evaluate("details => details.open")
    tab_to(page, lambda element: element["tag"] == "input" and element["text"] == "aetna")
    page.keyboard.press("Space")  # search.js updates the results in place; nothing reloads
    page.wait_for_url("**insurance=aetna**")
    assert focused(page)["text"] == "aetna"  # the focus stays on the box just ticked


def test_the_spravato_self_check_with_errors_and_with_a_result_has_no_violations(page, viewport, listings):
    page.set_viewport_size(viewport)
    page.goto("/guides/self-check/spravato/")
    page.get_by_role("button", name="See what to ask").click()  # nothing answered
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_no_violations(page)

    for group, answer in [
        ("Are you 18 or older?", "Yes"),
        ("Has a doctor diagnosed you", "Yes"),
        ("How many antidepressants", "One"),
        ("Are you pregnant", "No"),
        ("Could someone drive you home", "No"),
    ]:
        page.get_by_role("group", name=group).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="See what to ask").click()
    expect(page.get_by_role("heading", name="These points need a doctor's view first")).to_be_visible()
    assert_no_violations(page)
