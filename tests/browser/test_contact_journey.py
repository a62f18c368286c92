import pytest
from django.core import mail

from clinics.models import Inquiry, ListingReport
from tests.factories import make_clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_compares_three_clinics_then_sends_one_a_question_and_reports_a_wrong_price(page):
    for name, price in [
        ("Aspen Ketamine", 400),
        ("Birch Infusions", 450),
        ("Cedar Clinic", 500),
        ("Dogwood Care", 550),
    ]:
        make_clinic(
            name=name, email=f"desk@{name.split()[0].lower()}.example", treatments={"iv-infusion": (price, 700)}
        )

    page.goto("/clinics/?sort=name")
    for name in ["Aspen Ketamine", "Birch Infusions", "Dogwood Care"]:
        page.get_by_role("button", name=f"Add to compare {name}").click()
        page.wait_for_load_state()
    assert "sort=name" in page.url  # adding a clinic comes back to the same search
    page.get_by_role("link", name="Compare (3)").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Compare clinics"
    headers = page.locator("thead th").all_inner_texts()
    assert [h.splitlines()[0] for h in headers] == ["Aspen Ketamine", "Birch Infusions", "Dogwood Care"]
    assert "$2,400–$4,200 for 6 sessions" in page.content()

    page.get_by_role("link", name="Birch Infusions").click()
    page.get_by_role("link", name="Send a question").click()
    inquiry_form = page.locator("#inquiry")
    inquiry_form.get_by_label("Your name").fill("Pat Example")
    inquiry_form.get_by_label("E-mail").fill("pat@example.com")
    inquiry_form.get_by_label("Your message").fill("Do you have evening appointments?")
    inquiry_form.get_by_label("I agree").check()
    inquiry_form.get_by_role("button", name="Send to Birch Infusions").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Your message is on its way"
    inquiry = Inquiry.objects.get()
    assert (inquiry.clinic.name, inquiry.delivery) == ("Birch Infusions", Inquiry.Delivery.SENT)
    assert mail.outbox[0].to == ["desk@birch.example"]

    page.get_by_role("link", name="Back to Birch Infusions").click()
    page.locator("summary", has_text="Report something wrong").click()
    page.get_by_label("A price is wrong").check()
    page.get_by_label("What should it say?").fill("IV is $480 a session now.")
    page.get_by_role("button", name="Send to the editors").click()

    assert "An editor will check this listing" in page.get_by_role("status").first.inner_text()
    assert ListingReport.objects.get().note == "IV is $480 a session now."
