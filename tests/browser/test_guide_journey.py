"""An editor writes a guide in the admin, previews it, publishes it; a patient can then read it."""

import pytest
from playwright.sync_api import expect

from guides.models import Guide
from tests.factories import make_clinic
from tests.staff_factories import make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def test_an_editor_writes_previews_and_publishes_a_guide_that_a_patient_then_reads(live_server, browser, page):
    make_clinic(name="Lantern IV Clinic", treatments={"iv-infusion": (450, 600)})
    make_editor(email="writer@directory.example", password=PASSWORD)  # the Editors group, as editors really are
    page.goto("/admin/login/")  # sends editors to the site's own sign-in, then back
    page.get_by_label("Email").fill("writer@directory.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/admin/guides/guide/add/")
    page.get_by_label("Title").press_sequentially("Questions to ask a clinic")
    assert page.get_by_label("Slug").input_value() == "questions-to-ask-a-clinic"  # prepopulated as you type
    page.get_by_label("Summary").fill("What to ask before your first session.")
    page.get_by_label("Body").fill(
        "## Who will be with me?\n\nAsk who monitors you.\n\n## What does it cost?\n\nAsk for a total."
    )
    page.locator("#id_treatment_types").get_by_label("IV infusion").check()
    page.get_by_label("Author name").fill("Sam Writer")
    page.get_by_label("Medical reviewer").fill("Dr. Ada Review")
    page.get_by_label("Reviewer credentials").fill("MD")
    page.get_by_role("button", name="Save and continue editing").click()

    preview_url = page.get_by_role("link", name="Preview (only staff can see it)").get_attribute("href")
    page.goto(preview_url)
    assert page.get_by_role("heading", level=1).inner_text() == "Questions to ask a clinic"
    assert "Only staff can see it." in page.get_by_role("status").inner_text()
    patient = browser.new_page(base_url=live_server.url)
    assert patient.goto(preview_url).status == 404

    page.go_back()
    page.get_by_label("Status").select_option(label="Published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Guide.objects.published().filter(slug="questions-to-ask-a-clinic").exists()

    patient.goto("/guides/")
    patient.get_by_role("link", name="Questions to ask a clinic").click()
    assert patient.get_by_role("link", name="Who will be with me?").get_attribute("href") == "#who-will-be-with-me"
    assert patient.get_by_role("heading", name="Who will be with me?").is_visible()

    # A patient reading about IV infusions finds the guide there and follows it to a clinic.
    patient.goto("/")
    patient.get_by_role("link", name="Clinics offering IV infusion").click()
    patient.get_by_role("link", name="Questions to ask a clinic").click()
    patient.get_by_role("link", name="Lantern IV Clinic").click()
    expect(patient.get_by_role("heading", level=1)).to_have_text("Lantern IV Clinic")
