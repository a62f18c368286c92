import pytest

from clinics.models import ChangeRequest, Clinic, Membership
from clinics.staff.changes import clinic_snapshot
from clinics.staff.services import listings
from tests.factories import make_clinic
from tests.staff_factories import listing_post_data, make_editor, make_member

pytestmark = pytest.mark.django_db


def _edit_url(clinic: Clinic) -> str:
    return f"/manage/clinics/{clinic.slug}/edit/"


def _member_pages(clinic: Clinic, change: ChangeRequest) -> list[str]:
    return [
        f"/manage/clinics/{clinic.slug}/",
        _edit_url(clinic),
        f"/manage/clinics/{clinic.slug}/changes/{change.pk}/",
    ]


def _member_actions(clinic: Clinic, change: ChangeRequest) -> list[str]:
    """POST-only URLs: a GET gets 405 from anyone, so only POST is checked for access."""
    return [
        f"/manage/clinics/{clinic.slug}/changes/{change.pk}/withdraw/",
        f"/manage/clinics/{clinic.slug}/members/invite/",
    ]


@pytest.fixture
def pending_change(clinic, owner) -> ChangeRequest:
    snapshot = clinic_snapshot(clinic)
    return listings.change_request_submit(
        clinic=clinic,
        user=owner,
        proposed={**snapshot, "name": "Juniper Ketamine & Wellness"},
        base=snapshot,
        base_version=clinic.updated_at,
    )


def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_member_url(client, clinic, pending_change):
    for url in _member_pages(clinic, pending_change) + _member_actions(clinic, pending_change):
        for response in (client.get(url), client.post(url, listing_post_data(clinic, name="Hacked"))):
            assert response.status_code == 302, url
            assert response.url.startswith("/accounts/login/"), url
    assert ChangeRequest.objects.count() == 1
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.PENDING


def test_a_colleague_of_another_clinic_gets_404_on_get_and_post(colleague_client, clinic, pending_change):
    for url in _member_pages(clinic, pending_change):
        assert colleague_client.get(url).status_code == 404, url
    for url in _member_pages(clinic, pending_change) + _member_actions(clinic, pending_change):
        assert colleague_client.post(url, listing_post_data(clinic, name="Hacked")).status_code == 404, url
    assert ChangeRequest.objects.count() == 1
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.PENDING
    clinic.refresh_from_db()
    assert clinic.name == "Juniper Ketamine Care"


def test_an_editor_who_is_not_a_member_gets_404_on_the_member_pages(client, clinic, pending_change):
    client.force_login(make_editor())
    assert client.get(_edit_url(clinic)).status_code == 404


def test_the_edit_form_shows_the_current_listing(owner_client, clinic):
    response = owner_client.get(_edit_url(clinic))
    assert response.status_code == 200
    assert b'value="Juniper Ketamine Care"' in response.content
    assert b'name="treatments-0-price_min"' in response.content


def test_a_member_edit_becomes_a_pending_change_and_the_public_page_stays(owner_client, client, clinic, mailoutbox):
    data = listing_post_data(
        clinic, name="Juniper Ketamine Clinic", hours="Mon-Fri 9am-5pm", treatments={"iv-infusion": (450, 650)}
    )
    response = owner_client.post(_edit_url(clinic), data, follow=True)
    change = ChangeRequest.objects.get()
    assert response.redirect_chain[-1][0] == change.get_absolute_url()
    assert b"pending review" in response.content.lower()
    assert change.status == ChangeRequest.Status.PENDING
    assert change.proposed["name"] == "Juniper Ketamine Clinic"
    assert change.proposed["treatments"][0]["price_min"] == 450
    assert change.base["name"] == "Juniper Ketamine Care"

    clinic.refresh_from_db()
    assert clinic.name == "Juniper Ketamine Care"
    public = client.get(clinic.get_absolute_url()).content
    assert b"Juniper Ketamine Care" in public and b"Juniper Ketamine Clinic" not in public


def test_fields_the_form_does_not_offer_are_ignored(owner_client, clinic, other_clinic):
    data = listing_post_data(clinic, name="Renamed")
    data.update(
        status="draft", last_verified_at="2001-01-01", slug="stolen", clinic=other_clinic.pk, latitude="0", id="1"
    )
    owner_client.post(_edit_url(clinic), data)
    change = ChangeRequest.objects.get()
    assert change.clinic == clinic
    assert set(change.proposed) == set(clinic_snapshot(clinic))
    assert change.proposed["latitude"] == clinic.latitude
    clinic.refresh_from_db()
    assert (clinic.status, clinic.slug) == (Clinic.Status.PUBLISHED, clinic.slug)


def test_an_unchanged_form_is_not_sent(owner_client, clinic):
    response = owner_client.post(_edit_url(clinic), listing_post_data(clinic))
    assert response.status_code == 200
    assert b"Nothing was changed" in response.content
    assert not ChangeRequest.objects.exists()


def test_a_double_submit_makes_one_pending_change(owner_client, clinic):
    data = listing_post_data(clinic, name="Renamed once")
    owner_client.post(_edit_url(clinic), data)
    second = owner_client.post(_edit_url(clinic), data)
    assert second.status_code == 302  # to the pending change
    assert ChangeRequest.objects.count() == 1


def test_a_forged_base_is_refused_and_the_members_values_are_kept(owner_client, clinic):
    data = listing_post_data(clinic, name="Renamed")
    data["base"] = "forged"
    response = owner_client.post(_edit_url(clinic), data)
    assert response.status_code == 200
    assert b"out of date" in response.content
    assert b'value="Renamed"' in response.content
    assert not ChangeRequest.objects.exists()


def test_an_empty_post_to_the_edit_page_is_out_of_date_and_changes_nothing(owner_client, clinic):
    response = owner_client.post(_edit_url(clinic), {})
    assert response.status_code == 200
    assert b"out of date" in response.content
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"zip_code": "99999"}, b"We do not know this ZIP code"),
        ({"state": "CA"}, b"is in TX, not CA"),
        ({"treatments": {"iv-infusion": (700, 500)}}, b"The highest price cannot be below the lowest"),
        ({"name": ""}, b"This field is required"),
        ({"website": "javascript:alert(1)"}, b"Enter a valid URL"),
    ],
)
def test_bad_values_get_a_form_error_not_a_change(owner_client, clinic, changes, message):
    response = owner_client.post(_edit_url(clinic), listing_post_data(clinic, **changes))
    assert response.status_code == 200
    assert message in response.content
    assert not ChangeRequest.objects.exists()


def test_a_tampered_treatment_formset_gets_an_error(owner_client, clinic):
    data = listing_post_data(clinic, name="Renamed")
    data["treatments-1-treatment_type"] = data["treatments-0-treatment_type"]
    data["treatments-1-offered"] = "on"
    data["treatments-1-price_min"] = data["treatments-1-price_max"] = 100
    response = owner_client.post(_edit_url(clinic), data)
    assert b"Each treatment may appear only once" in response.content
    assert not ChangeRequest.objects.exists()


def test_a_member_who_started_before_another_change_was_published_is_shown_the_conflict(owner_client, clinic, editor):
    stale_form = listing_post_data(clinic, phone="(512) 555-0199")
    colleague = make_member(clinic, role=Membership.Role.STAFF)
    snapshot = clinic_snapshot(clinic)
    first = listings.change_request_submit(
        clinic=clinic,
        user=colleague,
        proposed={**snapshot, "phone": "(512) 555-0111"},
        base=snapshot,
        base_version=clinic.updated_at,
    )
    listings.change_request_approve(change=first, editor=editor)

    response = owner_client.post(_edit_url(clinic), stale_form)
    assert response.status_code == 200
    assert b"changed on the live listing while you were editing" in response.content
    assert b"(512) 555-0111" in response.content
    assert ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING).count() == 0

    clinic.refresh_from_db()
    resubmitted = listing_post_data(clinic, phone="(512) 555-0199")  # now based on the current listing
    assert owner_client.post(_edit_url(clinic), resubmitted).status_code == 302
    assert ChangeRequest.objects.pending().get().proposed["phone"] == "(512) 555-0199"


def test_a_member_withdraws_a_pending_change(owner_client, clinic, pending_change):
    response = owner_client.post(f"/manage/clinics/{clinic.slug}/changes/{pending_change.pk}/withdraw/")
    assert response.status_code == 302
    pending_change.refresh_from_db()
    assert pending_change.status == ChangeRequest.Status.WITHDRAWN
    assert owner_client.get(_edit_url(clinic)).status_code == 200  # free to edit again


def test_withdrawing_needs_a_post(owner_client, clinic, pending_change):
    assert owner_client.get(f"/manage/clinics/{clinic.slug}/changes/{pending_change.pk}/withdraw/").status_code == 405


def test_staff_of_the_clinic_cannot_withdraw_someone_elses_change(client, clinic, pending_change):
    client.force_login(make_member(clinic, role=Membership.Role.STAFF))
    assert client.get(pending_change.get_absolute_url()).status_code == 200  # members see it
    response = client.post(f"/manage/clinics/{clinic.slug}/changes/{pending_change.pk}/withdraw/")
    assert response.status_code == 404
    pending_change.refresh_from_db()
    assert pending_change.status == ChangeRequest.Status.PENDING


def test_a_signed_in_user_submits_a_new_clinic_as_a_draft(client, place, owner):
    client.force_login(owner)
    data = listing_post_data(
        None,
        name="Prairie Sky Ketamine",
        street="12 Elm St",
        city="Austin",
        state="TX",
        zip_code="78701",
        accepting_new_patients=True,
        treatments={"spravato": (500, 700)},
    )
    response = client.post("/manage/new-clinic/", data, follow=True)
    assert b"pending review" in response.content.lower()
    clinic = Clinic.objects.get(name="Prairie Sky Ketamine")
    assert clinic.status == Clinic.Status.DRAFT
    assert clinic.memberships.get().user == owner
    assert clinic.clinic_treatments.get().price_min == 500
    assert ChangeRequest.objects.get(clinic=clinic).kind == ChangeRequest.Kind.NEW_LISTING
    assert client.get(clinic.get_absolute_url()).status_code == 404


def test_a_new_clinic_with_a_similar_name_in_the_same_city_is_warned_about(client, place, owner):
    make_clinic(name="Sunrise Ketamine Center")
    client.force_login(owner)
    data = listing_post_data(
        None, name="Sunrise Ketamine Clinic", street="9 Oak St", city="Austin", state="TX", zip_code="78701"
    )
    response = client.post("/manage/new-clinic/", data)
    assert response.status_code == 200
    assert b"similar name already exists" in response.content
    assert not Clinic.objects.filter(name="Sunrise Ketamine Clinic").exists()

    data["not_a_duplicate"] = "on"
    assert client.post("/manage/new-clinic/", data).status_code == 302
    assert Clinic.objects.filter(name="Sunrise Ketamine Clinic", status=Clinic.Status.DRAFT).exists()


def test_an_anonymous_visitor_cannot_submit_a_clinic(client, place):
    response = client.post("/manage/new-clinic/", listing_post_data(None, name="X", city="Austin", state="TX"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not Clinic.objects.exists()


def test_a_double_submit_of_a_new_clinic_makes_one_draft(client, place, owner):
    client.force_login(owner)
    data = listing_post_data(
        None, name="Prairie Sky Ketamine", street="12 Elm St", city="Austin", state="TX", zip_code="78701"
    )
    client.post("/manage/new-clinic/", data)
    response = client.post("/manage/new-clinic/", data)
    assert response.status_code == 302
    assert Clinic.objects.filter(name="Prairie Sky Ketamine").count() == 1
