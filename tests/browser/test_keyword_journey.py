import re

import pytest

from clinics.models import Place
from tests.factories import AUSTIN, make_clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_types_nasal_spray_austin_tx_in_the_header_box_and_sees_spravato_clinics_near_austin(page):
    Place.objects.create(zip_code="78701", city="Austin", state="TX", latitude=AUSTIN[0], longitude=AUSTIN[1])
    Place.objects.create(zip_code="78702", city="Austin", state="TX", latitude=AUSTIN[0], longitude=AUSTIN[1] + 0.02)
    make_clinic(name="Juniper Spravato Center", treatments={"spravato": (500, 650)})
    make_clinic(name="Sage Nasal Spray Clinic", treatments={"spravato": (500, 600)}, latitude=AUSTIN[0] + 0.1)
    make_clinic(name="Cedar IV Clinic", treatments={"iv-infusion": (400, 500)})
    make_clinic(name="Far Spravato Clinic", treatments={"spravato": (500, 600)}, latitude=40.0, longitude=-100.0)

    page.goto("/guides/")
    page.get_by_label("Treatment, condition, insurer or place").fill("nasal spray austin tx")
    page.get_by_label("Treatment, condition, insurer or place").press("Enter")
    page.wait_for_url(re.compile(r"/clinics/\?"))
    assert "treatment=spravato" in page.url and "where=Austin%2C+TX" in page.url

    assert page.get_by_role("heading", level=1).inner_text() == "Ketamine clinics near Austin, TX"
    assert page.locator(".card__title").all_inner_texts() == ["Juniper Spravato Center", "Sage Nasal Spray Clinic"]
    chips = page.locator(".chip")
    assert [text.replace("\n", " ") for text in chips.all_inner_texts()] == [
        "Near: Austin, TX ×",
        "Treatment: Intranasal esketamine (Spravato) ×",
    ]

    # Removing the treatment keeps the place.
    page.get_by_role("link", name="Remove Treatment: Intranasal esketamine (Spravato)").click()
    page.wait_for_url(re.compile(r"where=Austin"))
    assert "treatment=" not in page.url
    assert set(page.locator(".card__title").all_inner_texts()) == {
        "Juniper Spravato Center",
        "Sage Nasal Spray Clinic",
        "Cedar IV Clinic",
    }
