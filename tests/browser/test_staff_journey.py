import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import make_clinic
from tests.staff_factories import make_editor, make_place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and unusual pass phrase 19"


def _last_link(path_part: str) -> str:
    for message in reversed(mail.outbox):
        for path in re.findall(r"https?://[^/\s]+(/\S+)", message.body):
            if path.startswith(path_part):
                return path
    raise AssertionError(f"no e-mail with a {path_part} link in {[m.subject for m in mail.outbox]}")


def test_clinic_staff_sign_up_claim_their_clinic_edit_a_price_and_an_editor_publishes_it(page):
    make_place()
    clinic = make_clinic(
        name="Cedar Ridge Ketamine", website="https://cedarridge.example", treatments={"iv-infusion": (400, 600)}
    )
    make_editor(username="editor", email="editor@directory.example", password=PASSWORD)

    page.goto("/")
    page.get_by_role("link", name="Clinic sign-in").click()
    page.get_by_role("link", name="Create a clinic staff account").click()
    page.get_by_label("Email").fill("director@cedarridge.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")

    page.goto(_last_link("/accounts/confirm-email/"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your dashboard")

    # Find the clinic from the empty dashboard; an address at its domain claims it with no second e-mail.
    page.get_by_label("Clinic name").fill("cedar ridge")
    page.get_by_role("button", name="Find clinic").click()
    page.get_by_role("link", name="This is my clinic").click()
    sent_before = len(mail.outbox)
    page.get_by_role("button", name="Claim this clinic").click()
    expect(page.locator("body")).to_contain_text("you now manage Cedar Ridge Ketamine")
    assert len(mail.outbox) == sent_before

    page.get_by_role("link", name="Edit listing").click()
    page.locator("#id_treatments-0-price_min").fill("350")
    page.get_by_role("button", name="Send changes for review").click()
    expect(page.locator("body")).to_contain_text("Pending review")
    assert "$350-$600" in page.content()
    page.goto(clinic.get_absolute_url())
    assert "$400" in page.content() and "$350" not in page.content()

    page.goto("/dashboard/")
    page.get_by_role("button", name="Sign out").click()
    page.goto("/admin/")  # to the admin's sign-in, which sends editors to the site's own
    page.get_by_label("Email").fill("editor@directory.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
    page.goto("/admin/clinics/changerequest/")
    page.get_by_role("link", name="Review", exact=True).first.click()
    page.get_by_text("$350-$600").first.wait_for()
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url("**/admin/clinics/changerequest/")
    assert "the listing is updated and verified" in page.content()

    page.goto(clinic.get_absolute_url())
    assert "$350" in page.content()
