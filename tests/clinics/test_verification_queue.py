"""The editors' verification queue: stalest first, counted on the admin index, confirmed in one step into history."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinics.models import Clinic, ClinicTreatment, PossibleDuplicate
from clinics.staff.changes import clinic_snapshot
from clinics.staff.services import listings
from tests.factories import make_clinic
from tests.staff_factories import make_verified_user

pytestmark = pytest.mark.django_db
QUEUE = "/admin/clinics/listingtocheck/"


def confirm_url(clinic: Clinic) -> str:
    return f"{QUEUE}{clinic.pk}/confirm/"


def set_dates(clinic: Clinic, **dates) -> None:
    Clinic.objects.filter(pk=clinic.pk).update(**dates)
    Clinic.objects.filter(pk=clinic.pk).refresh_facts_confirmed_at()


def queue_names(response) -> list[str]:
    return re.findall(r'/confirm/">Check ([^<]+)</a>', response.content.decode())


def test_the_queue_lists_listings_by_their_stalest_fact_never_confirmed_first(editor_client, clinic, other_clinic):
    now = timezone.now()
    set_dates(clinic, hours_confirmed_at=now - timedelta(days=300))
    set_dates(other_clinic, accepting_confirmed_at=now - timedelta(days=30))
    never = make_clinic(name="Never Checked", facts_confirmed_at=None)
    fresh = make_clinic(name="Fresh Listing")
    assert queue_names(editor_client.get(QUEUE)) == [never.name, clinic.name, other_clinic.name, fresh.name]


def waiting(html: str, label: str) -> int:
    """The count in the admin index's "work waiting" row with this label."""
    row = re.search(rf">{re.escape(label)}</a></th>\s*<td[^>]*>(\d+)</td>", html)
    assert row, f"no row {label!r} in the work waiting"
    return int(row[1])


def test_the_admin_index_counts_the_listings_that_need_checking(editor_client, clinic, other_clinic):
    make_clinic(name="Fresh Listing")
    set_dates(clinic, accepting_confirmed_at=timezone.now() - timedelta(days=100))  # past 3 months
    ClinicTreatment.objects.filter(clinic=other_clinic).update(confirmed_at=timezone.now() - timedelta(days=190))
    html = editor_client.get("/admin/").content.decode()
    assert waiting(html, "Listings that need checking") == 2
    assert '<a href="/admin/clinics/listingtocheck/?due=yes">Listings that need checking</a>' in html
    set_dates(clinic, accepting_confirmed_at=timezone.now())
    assert waiting(editor_client.get("/admin/").content.decode(), "Listings that need checking") == 1


def test_the_admin_index_counts_the_possible_duplicates_still_to_handle(editor_client, clinic):
    for line, handled in [(2, False), (3, False), (4, True)]:
        PossibleDuplicate.objects.create(
            clinic=clinic, source_name="Test List", line=line, reason="same phone", row={}, fingerprint=str(line),
            handled=handled,
        )
    assert waiting(editor_client.get("/admin/").content.decode(), "Possible duplicates from imports") == 2


def test_confirming_prices_unchanged_records_the_editor_the_method_and_the_note_in_history(
    editor_client, editor, clinic
):
    old = timezone.now() - timedelta(days=250)
    ClinicTreatment.objects.filter(clinic=clinic).update(confirmed_at=old)
    set_dates(clinic, hours_confirmed_at=old)
    before = clinic_snapshot(clinic)
    response = editor_client.post(
        confirm_url(clinic), {"group": "prices", "how": "phone", "note": "Front desk read the price list"}
    )
    assert response.status_code == 302
    offer = ClinicTreatment.objects.get(clinic=clinic)
    assert (offer.confirmed_by, offer.confirmed_how) == ("editor", "phone")
    assert timezone.now() - offer.confirmed_at < timedelta(minutes=1)
    clinic.refresh_from_db()
    assert clinic.hours_confirmed_at == old  # only the group confirmed
    assert clinic.facts_confirmed_at == old
    record = clinic.history.first()
    assert record.history_user == editor
    assert record.history_change_reason == (
        "Prices and insurance confirmed unchanged by our editors, by phone: Front desk read the price list"
    )
    assert clinic_snapshot(clinic) == before  # nothing else changed
    assert (
        "Front desk read the price list"
        in editor_client.get(f"/admin/clinics/clinic/{clinic.pk}/history/").content.decode()
    )


def test_confirming_a_clinic_fact_records_when_by_whom_and_how(editor_client, clinic):
    editor_client.post(confirm_url(clinic), {"group": "hours", "how": "website", "note": ""})
    clinic.refresh_from_db()
    assert (clinic.hours_confirmed_by, clinic.hours_confirmed_how) == ("editor", "website")
    assert (
        clinic.history.first().history_change_reason
        == "Hours confirmed unchanged by our editors, on the clinic's website"
    )


def test_a_bad_group_or_method_records_nothing(editor_client, clinic):
    before = clinic.history.count()
    response = editor_client.post(confirm_url(clinic), {"group": "price_list", "how": "phone"})
    assert response.status_code == 200
    response = editor_client.post(confirm_url(clinic), {"group": "hours", "how": "guess"})
    assert response.status_code == 200
    assert clinic.history.count() == before


def test_the_queue_is_for_editors_only(client, owner_client, clinic):
    assert client.get(QUEUE).status_code == 302  # to the admin sign-in
    assert owner_client.get(QUEUE).status_code == 302
    assert owner_client.post(confirm_url(clinic), {"group": "hours", "how": "phone"}).status_code == 302
    staff_without_rights = make_verified_user(is_staff=True)
    client.force_login(staff_without_rights)
    assert client.get(QUEUE).status_code == 403
    assert client.post(confirm_url(clinic), {"group": "hours", "how": "phone"}).status_code == 403
    clinic.refresh_from_db()
    assert clinic.hours_confirmed_by == "editor"  # as the factory left it


def test_approving_an_owner_edit_records_what_it_changed_as_confirmed_by_the_clinic(editor, owner, clinic):
    old = timezone.now() - timedelta(days=200)
    set_dates(clinic, hours_confirmed_at=old, accepting_confirmed_at=old)
    snapshot = clinic_snapshot(clinic)
    change = listings.change_request_submit(
        clinic=clinic,
        user=owner,
        proposed={**snapshot, "hours": "Mon-Sat 8am-6pm"},
        base=snapshot,
        base_version=clinic.updated_at,
    )
    listings.change_request_approve(change=change, editor=editor)
    clinic.refresh_from_db()
    assert (clinic.hours_confirmed_by, clinic.hours_confirmed_how) == ("clinic", "clinic")
    assert timezone.now() - clinic.hours_confirmed_at < timedelta(minutes=1)
    assert clinic.accepting_confirmed_at == old  # not part of the edit
    assert ClinicTreatment.objects.get(clinic=clinic).confirmed_by == "editor"  # prices untouched
    assert clinic.history.first().history_user == editor  # the editor approved; the clinic confirmed


def test_the_queue_query_count_does_not_grow_with_the_listings_shown(editor_client, clinic):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert editor_client.get(QUEUE).status_code == 200
        return len(context)

    few = queries()
    for _ in range(6):
        make_clinic(treatments={"iv-infusion": (400, 600), "spravato": (500, 700)})
    assert queries() == few
