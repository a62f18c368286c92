import re

import pytest

from clinics.models import ListingReport
from tests.factories import make_clinic, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic():
    return make_clinic(name="Willow Infusion Therapy")


def test_a_visitor_reports_a_wrong_price_and_is_thanked_on_the_clinic_page(client, clinic):
    response = client.post(
        f"/clinics/{clinic.slug}/report/", {"part": "price", "note": "IV is $550 now, not $400."}, follow=True
    )
    assert response.redirect_chain == [(clinic.get_absolute_url(), 302)]
    assert b"An editor will check this listing" in response.content
    report = ListingReport.objects.get()
    assert (report.clinic, report.part, report.resolved_at) == (clinic, "price", None)


def test_a_report_needs_a_part_and_a_note_and_keeps_what_was_typed(client, clinic):
    response = client.post(f"/clinics/{clinic.slug}/report/", {"part": "", "note": "Moved to Main St"})
    assert response.status_code == 400
    assert b"Moved to Main St" in response.content
    assert client.post(f"/clinics/{clinic.slug}/report/", {"part": "closed"}).status_code == 400
    assert not ListingReport.objects.exists()


def test_an_unknown_part_is_refused_cleanly(client, clinic):
    response = client.post(f"/clinics/{clinic.slug}/report/", {"part": "<script>", "note": "x"})
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content


def test_reports_are_rate_limited_per_visitor(client, clinic, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report-ip": (1, 3600)}
    assert client.post(f"/clinics/{clinic.slug}/report/", {"part": "other", "note": "One"}).status_code == 302
    assert client.post(f"/clinics/{clinic.slug}/report/", {"part": "other", "note": "Two"}).status_code == 429
    assert ListingReport.objects.count() == 1


def test_editors_see_open_reports_in_the_admin_and_can_resolve_them(client, clinic):
    ListingReport.objects.create(clinic=clinic, part="insurance", note="No longer takes Aetna.")
    editor = make_user(is_staff=True, is_superuser=True)
    client.force_login(editor)
    response = client.get("/admin/clinics/listingreport/?resolved_at__isempty=1")
    assert response.status_code == 200
    assert b"No longer takes Aetna." in response.content
    report = ListingReport.objects.get()
    client.post(
        "/admin/clinics/listingreport/", {"action": "mark_resolved", "_selected_action": [report.pk]}, follow=True
    )
    report.refresh_from_db()
    assert report.resolved_at is not None


def test_the_inquiry_admin_shows_delivery_but_never_the_message(client, clinic):
    import uuid

    from clinics.models import Inquiry

    inquiry = Inquiry.objects.create(
        clinic=clinic,
        name="Pat",
        email="p@example.com",
        message="private words",
        consent=True,
        submission_token=uuid.uuid4(),
    )
    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert b"private words" not in client.get("/admin/clinics/inquiry/").content
    assert b"private words" not in client.get(f"/admin/clinics/inquiry/{inquiry.pk}/change/").content


def test_the_report_form_has_no_blank_choice_and_nothing_chosen_for_the_visitor(client, clinic):
    for path in (clinic.get_absolute_url(), f"/clinics/{clinic.slug}/report/"):
        page = client.get(path).content.decode()
        assert "---------" not in page
        assert 'name="part" value=""' not in page
        assert not re.search(r'<input[^>]*name="part"[^>]*checked', page)


def test_each_report_choice_has_its_label_right_beside_it(client, clinic):
    page = client.get(f"/clinics/{clinic.slug}/report/").content.decode()
    for value, label in ListingReport.Part.choices:
        assert re.search(
            rf'<div class="choice"><input type="radio" name="part" value="{value}"[^>]*id="(\w+)"[^>]*> '
            rf'<label for="\1">{re.escape(label)}</label></div>',
            page,
        ), value


def test_the_report_link_at_the_top_of_a_clinic_page_leads_to_the_form_without_javascript(client, clinic):
    page = client.get(clinic.get_absolute_url()).content.decode()
    report_url = f"/clinics/{clinic.slug}/report/"
    assert f'<a href="{report_url}" data-opens="report-form">Report something wrong</a>' in page
    assert '<details class="report" id="report-form">' in page
    assert client.get(report_url).status_code == 200
