"""The pages a new clinic staff member meets, checked with axe at a phone's and a laptop's width."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import DESKTOP, PHONE, assert_no_violations, sign_in
from tests.factories import make_clinic
from tests.staff_factories import make_place, make_verified_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTRANCE_PAGES = [
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/confirm-email/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-set-password/",
]


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def viewport(request) -> dict:
    return request.param


def test_the_account_pages_have_no_violations(page, viewport):
    page.set_viewport_size(viewport)
    for path in ENTRANCE_PAGES:
        assert page.goto(path).ok
        assert_no_violations(page)


def test_a_newcomer_finds_their_clinic_from_the_empty_dashboard(page, viewport):
    page.set_viewport_size(viewport)
    make_place()
    clinic = make_clinic(name="Cedar Ridge Ketamine")
    make_clinic(name="Cedar Valley Infusions")
    page.goto("/")
    sign_in(page, make_verified_user(email="manager@gmail.example"))
    page.goto("/dashboard/")
    assert_no_violations(page)
    page.get_by_label("Clinic name").fill("cedar")
    page.get_by_role("button", name="Find clinic").click()
    expect(page.get_by_role("heading", name="2 clinics found")).to_be_visible()  # waits for the new page
    assert_no_violations(page)
    page.get_by_role("link", name=re.compile(r"^This is my clinic \(Cedar Ridge Ketamine")).click()
    expect(page).to_have_url(re.compile(f"/manage/clinics/{clinic.slug}/claim/$"))
    assert_no_violations(page)
    page.goto("/manage/find-clinic/?name=&city=")  # nothing given: the form says what to give
    assert page.locator(".errorlist").first.is_visible()
    assert_no_violations(page)
