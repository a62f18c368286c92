"""An editor imports the sample in the admin, previews it, confirms, and the clinic page names the source."""

import pytest
import zipcodes

from clinics.models import Clinic, Place
from tests.clinics.test_import import SAMPLE, sample_zip_codes
from tests.staff_factories import make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and unusual pass phrase 23"


def test_an_editor_imports_the_sample_and_the_public_page_shows_its_source(page):
    for zip_code in sample_zip_codes():
        found = zipcodes.matching(zip_code)[0]
        Place.objects.create(
            zip_code=zip_code,
            city=found["city"].title(),
            state=found["state"],
            latitude=float(found["lat"]),
            longitude=float(found["long"]),
        )
    make_editor(username="editor", email="editor@directory.example", password=PASSWORD)

    page.goto("/admin/login/")
    page.get_by_label("Email").fill("editor@directory.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/admin/clinics/clinic/")
    page.get_by_role("link", name="Import clinics").click()
    page.get_by_label("CSV or JSON Lines file").set_input_files(str(SAMPLE))
    page.get_by_label("Source").fill("Fictional Partner List")
    page.get_by_role("button", name="Check the file").click()

    page.get_by_text("Nothing has been written yet.").wait_for()
    assert page.locator("#import-rows tbody tr").count() == 20
    assert not Clinic.objects.exists()
    page.get_by_role("button", name="Import the rows without errors").click()

    assert "20 created" in page.locator(".messagelist").inner_text()
    assert Clinic.objects.count() == 20
    page.goto(Clinic.objects.get(external_id="FPL-1003").get_absolute_url())
    source = page.locator(".clinic__source").inner_text()
    assert "Imported from Fictional Partner List on" in source
    assert "The clinic has not confirmed it." in source
    assert "The location on this page is approximate" in source
