"""An editor finds a listing in the verification queue, confirms its prices, and the public page shows the date."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clinics.models import Clinic, ClinicTreatment
from tests.factories import make_clinic
from tests.staff_factories import make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and unusual pass phrase 23"


def test_an_editor_confirms_a_listings_prices_from_the_queue(page):
    old = timezone.now() - timedelta(days=250)
    clinic = make_clinic(name="Cedar Ridge Ketamine", facts_confirmed_at=old)
    make_clinic(name="Fresh Clinic")
    make_editor(username="editor", email="editor@directory.example", password=PASSWORD)

    page.goto(clinic.get_absolute_url())
    offer = page.locator("#offer-iv-infusion").locator("..")
    assert "May be out of date" in offer.inner_text()

    page.goto("/admin/login/")
    page.get_by_label("Email").fill("editor@directory.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    row = page.locator(".work-waiting").get_by_role("row", name="Listings that need checking")
    assert row.inner_text().split()[-1] == "1"
    row.get_by_role("link").click()
    rows = page.locator("#result_list tbody tr")
    assert "Cedar Ridge Ketamine" in rows.first.inner_text()  # the stalest listing comes first
    page.get_by_role("link", name="Check Cedar Ridge Ketamine").click()

    page.get_by_label("How").first.select_option("phone")
    page.get_by_label("Note (optional)").first.fill("Front desk read the price list")
    page.get_by_role("button", name="Confirmed unchanged: prices and insurance").click()
    assert (
        "Prices and insurance of Cedar Ridge Ketamine confirmed unchanged" in page.locator(".messagelist").inner_text()
    )
    assert "Front desk read the price list" in page.locator("#content").inner_text()

    offer_row = ClinicTreatment.objects.get(clinic=clinic)
    assert (offer_row.confirmed_by, offer_row.confirmed_how) == ("editor", "phone")
    assert Clinic.objects.get(pk=clinic.pk).hours_confirmed_at == old

    page.context.clear_cookies()  # as a patient
    page.goto(clinic.get_absolute_url())
    today = timezone.localdate()  # the page's date is the site's, which is not UTC's near midnight
    offer_text = page.locator("#offer-iv-infusion").locator("..").inner_text()
    assert f"Confirmed {today:%b} {today.day}, {today.year} by our editors by phone." in offer_text
    assert "May be out of date" not in offer_text
