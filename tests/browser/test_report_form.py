"""The report form on a clinic page: its link opens it, and it reads like the site's other forms."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import DESKTOP, PHONE, assert_no_violations
from tests.factories import make_clinic
from tests.staff_factories import make_place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinic():
    make_place()
    return make_clinic(name="Juniper Ketamine Care")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_report_link_at_the_top_opens_the_form_in_place(page, clinic, viewport):
    page.set_viewport_size(viewport)
    page.goto(clinic.get_absolute_url())
    form = page.locator("details#report-form")
    assert not form.evaluate("details => details.open")
    page.locator(".clinic__header").get_by_role("link", name="Report something wrong").click()
    assert form.evaluate("details => details.open")
    assert page.url.endswith("#report-form")
    assert page.get_by_role("radio", name="A price is wrong").is_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert_no_violations(page, open_details=False)


def test_a_link_to_the_report_section_arrives_with_the_form_open(page, clinic):
    page.goto(clinic.get_absolute_url() + "#report")
    assert page.locator("details#report-form").evaluate("details => details.open")


def test_without_javascript_the_report_link_leads_to_the_form_page(browser, live_server, clinic):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(clinic.get_absolute_url())
    page.locator(".clinic__header").get_by_role("link", name="Report something wrong").click()
    expect(page).to_have_url(re.compile(f"/clinics/{clinic.slug}/report/$"))
    expect(page.get_by_role("radio", name="The clinic has closed or moved")).to_be_visible()
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_each_radio_label_sits_on_the_same_line_as_its_radio(page, clinic, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"/clinics/{clinic.slug}/report/")
    for radio in page.get_by_role("radio").all():
        label = page.locator(f"label[for='{radio.get_attribute('id')}']")
        radio_box, label_box = radio.bounding_box(), label.bounding_box()
        assert label_box["x"] > radio_box["x"] + radio_box["width"] - 1
        assert label_box["y"] < radio_box["y"] + radio_box["height"]
    border = page.locator(".form fieldset").evaluate("fieldset => getComputedStyle(fieldset).borderTopStyle")
    assert border == "none"
