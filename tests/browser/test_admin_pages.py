"""The admin pages editors use: under the Content-Security-Policy without a console error, accessible, and
run as an editor of the Editors group (never a superuser), in the editor's own time zone."""

import pytest

from clinics.models import ChangeRequest, Claim, ListingReport
from tests.browser.test_accessibility import DESKTOP, PHONE, assert_no_violations
from tests.factories import make_clinic, make_guide, make_user
from tests.staff_factories import make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and unusual pass phrase 19"


def sign_in_as_editor(page) -> None:
    make_editor(username="editor", email="editor@directory.example", password=PASSWORD)
    page.goto("/admin/login/")  # sends editors to the site's own sign-in, then back
    page.get_by_label("Email").fill("editor@directory.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")


def test_an_editor_moves_through_the_admin_with_no_policy_violations(page):
    clinic = make_clinic(name="Cedar Ridge Ketamine")
    guide = make_guide()
    sign_in_as_editor(page)
    for path in [
        "/admin/",
        "/admin/clinics/clinic/",
        f"/admin/clinics/clinic/{clinic.pk}/change/",
        f"/admin/clinics/clinic/{clinic.pk}/history/",
        "/admin/clinics/changerequest/",
        "/admin/clinics/claim/",
        "/admin/clinics/listingreport/",
        "/admin/clinics/listingtocheck/",
        f"/admin/clinics/listingtocheck/{clinic.pk}/confirm/",
        "/admin/guides/guide/",
        "/admin/guides/guide/add/",
        f"/admin/guides/guide/{guide.pk}/change/",
        "/admin/guides/sitepage/",
    ]:
        assert page.goto(path).ok, path
        assert page.locator("#content").count() == 1, path


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_editors_dashboard_counts_the_work_waiting_and_leads_to_it(page, viewport):
    page.set_viewport_size(viewport)
    clinic = make_clinic(name="Cedar Ridge Ketamine")
    ChangeRequest.objects.create(
        clinic=clinic, proposed={}, base={}, base_version=clinic.updated_at, proposed_by=make_user()
    )
    Claim.objects.create(clinic=clinic, user=make_user(), status=Claim.Status.PENDING)
    for note in ["The price went up.", "They moved."]:
        ListingReport.objects.create(clinic=clinic, part="price", note=note)
    sign_in_as_editor(page)

    work = page.locator(".work-waiting")
    assert work.locator("caption").text_content() == "Work waiting"
    assert work.get_by_role("row", name="Listing changes to review").inner_text().split()[-1] == "1"
    assert work.get_by_role("row", name="Claims waiting for an editor").inner_text().split()[-1] == "1"
    assert work.get_by_role("row", name="Reports of wrong listings").inner_text().split()[-1] == "2"
    assert_no_violations(page)

    work.get_by_role("link", name="Reports of wrong listings").click()
    page.locator("#result_list").wait_for()
    assert page.locator("#result_list tbody tr").count() == 2
    page.goto("/admin/")
    work.get_by_role("link", name="Listing changes to review").click()
    page.locator("#result_list").wait_for()
    assert page.get_by_role("link", name="Review", exact=True).count() == 1


def test_an_editor_ahead_of_the_server_schedules_a_guide_in_their_own_time_with_no_warning(browser, live_server):
    context = browser.new_context(base_url=live_server.url, timezone_id="Asia/Tokyo", viewport=DESKTOP)
    page = context.new_page()
    sign_in_as_editor(page)  # the admin's first page tells the site the browser's time zone
    page.goto("/admin/guides/guide/add/")
    page.locator("#id_publish_at_0").wait_for()
    assert page.locator(".timezonewarning").count() == 0, page.locator(".timezonewarning").inner_text()
    page.get_by_role("link", name="Today").last.click()  # the admin's shortcuts fill in the browser's date
    today_in_tokyo = page.evaluate("new Date().toLocaleDateString('en-CA', {timeZone: 'Asia/Tokyo'})")
    assert page.locator("#id_publish_at_0").input_value() == today_in_tokyo
    assert_no_violations(page)
    context.close()


def test_an_editor_whose_first_admin_page_asks_for_a_time_sees_it_in_their_own_zone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, timezone_id="Asia/Tokyo", viewport=DESKTOP)
    page = context.new_page()
    make_editor(username="editor", email="editor@directory.example", password=PASSWORD)
    page.goto("/accounts/login/?next=/admin/guides/guide/add/")
    page.get_by_label("Email").fill("editor@directory.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/guides/guide/add/")
    # The script stores the zone and shows the page again in it, so Django finds nothing to warn about.
    page.wait_for_function("document.body.dataset.adminUtcOffset === '32400'")
    page.locator("#id_publish_at_0").wait_for()
    assert page.locator(".timezonewarning").count() == 0
    context.close()
