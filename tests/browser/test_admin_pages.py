"""The admin pages editors use load under the Content-Security-Policy without a console error."""

import pytest

from tests.factories import make_clinic, make_guide
from tests.staff_factories import make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and unusual pass phrase 19"


def test_an_editor_moves_through_the_admin_with_no_policy_violations(page):
    clinic = make_clinic(name="Cedar Ridge Ketamine")
    guide = make_guide()
    make_editor(username="editor", email="editor@directory.example", password=PASSWORD, is_superuser=True)

    page.goto("/admin/login/")  # sends editors to the site's own sign-in, then back
    page.get_by_label("Email").fill("editor@directory.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/admin/")
    for path in [
        "/admin/",
        "/admin/clinics/clinic/",
        f"/admin/clinics/clinic/{clinic.pk}/change/",
        f"/admin/clinics/clinic/{clinic.pk}/history/",
        "/admin/clinics/listingtocheck/",
        f"/admin/clinics/listingtocheck/{clinic.pk}/confirm/",
        "/admin/clinics/queuedemail/",
        "/admin/guides/guide/",
        f"/admin/guides/guide/{guide.pk}/change/",
    ]:
        page.goto(path)
        assert page.locator("#content").count() == 1, path
