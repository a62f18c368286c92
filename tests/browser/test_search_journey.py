import pytest
from playwright.sync_api import expect

from clinics.models import Place
from tests.factories import AUSTIN, bill_insurance, make_clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_types_a_zip_picks_a_treatment_and_an_insurance_and_opens_a_clinic(page):
    Place.objects.create(zip_code="78701", city="Austin", state="TX", latitude=AUSTIN[0], longitude=AUSTIN[1])
    juniper = make_clinic(name="Juniper Spravato Center", treatments={"spravato": (500, 650)})
    bill_insurance(juniper, "spravato", "aetna")
    bill_insurance(make_clinic(name="Cedar IV Clinic", treatments={"iv-infusion": (400, 500)}), "iv-infusion", "aetna")
    make_clinic(name="Sage Spravato Clinic", treatments={"spravato": (500, 600)})
    make_clinic(name="Far Away Clinic", treatments={"spravato": (500, 600)}, latitude=40.0, longitude=-100.0)

    page.goto("/")
    page.get_by_label("Near").last.fill("78701")
    page.get_by_role("button", name="Find clinics").click()
    page.wait_for_url("**/clinics/?where=78701**")
    assert "Far Away Clinic" not in page.content()

    # Ticking a filter updates the results in place (search.js); the URL carries every choice.
    page.locator("summary", has_text="Filters").click()
    page.get_by_role("checkbox", name="Intranasal esketamine (Spravato)").click()
    page.wait_for_url("**treatment=spravato**")
    page.get_by_role("checkbox", name="Aetna").click()
    page.wait_for_url("**insurance=aetna**")
    assert "treatment=spravato" in page.url

    results = page.locator(".card__title")
    assert results.all_inner_texts() == ["Juniper Spravato Center"]
    results.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Juniper Spravato Center")
    assert "4,000" in page.content()  # 8 Spravato sessions at $500


def test_the_filters_work_with_javascript_off(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    make_clinic(name="Juniper Spravato Center", treatments={"spravato": (500, 650)})
    make_clinic(name="Cedar IV Clinic")
    page.goto("/clinics/")
    page.locator("summary", has_text="Filters").click()
    page.get_by_role("checkbox", name="Intranasal esketamine (Spravato)").click()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".card__title")).to_have_text(["Juniper Spravato Center"])
    context.close()
