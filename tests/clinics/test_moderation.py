import pytest
from django.contrib.auth.models import Permission

from clinics.models import ChangeRequest, Claim, Clinic, ClinicTreatment, Condition, Membership, TreatmentType
from clinics.staff.changes import clinic_snapshot
from clinics.staff.services import claims, listings
from tests.factories import confirm_all_facts, make_user
from tests.staff_factories import make_member, make_verified_user

pytestmark = pytest.mark.django_db


def _propose(clinic: Clinic, user, **changes) -> ChangeRequest:
    clinic.refresh_from_db()
    snapshot = clinic_snapshot(clinic)
    return listings.change_request_submit(
        clinic=clinic, user=user, proposed={**snapshot, **changes}, base=snapshot, base_version=clinic.updated_at
    )


def _review_url(change: ChangeRequest) -> str:
    return f"/admin/clinics/changerequest/{change.pk}/review/"


@pytest.fixture
def change(clinic, owner) -> ChangeRequest:
    iv = clinic.clinic_treatments.get()
    return _propose(
        clinic,
        owner,
        name="Juniper Ketamine Clinic",
        offers_sliding_scale=True,
        conditions=[Condition.objects.get(slug="ptsd").pk],
        treatments=[
            {
                "treatment_type": iv.treatment_type_id,
                "price_min": 450,
                "price_max": 650,
                "price_unit": "session",
                "course_sessions": None,
                "bills_insurance": False,
                "carriers": [],
                "notes": "Includes monitoring",
            }
        ],
    )


def test_the_review_page_shows_the_change_field_by_field(editor_client, change):
    response = editor_client.get(_review_url(change))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Juniper Ketamine Care" in content and "Juniper Ketamine Clinic" in content
    assert "Post-traumatic stress disorder" in content or "PTSD" in content
    assert "$450-$650" in content and "$400-$600" in content
    assert "Medical director" not in content  # unchanged fields are not listed


def test_approving_applies_exactly_the_proposed_values_and_records_them_confirmed_by_the_clinic(
    editor_client, client, change, clinic
):
    confirm_all_facts(clinic, None, by="", how="")
    response = editor_client.post(_review_url(change), {"decision": "approve"})
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.name == "Juniper Ketamine Clinic"
    assert clinic.offers_sliding_scale is True
    assert list(clinic.conditions.values_list("slug", flat=True)) == ["ptsd"]
    offer = clinic.clinic_treatments.get()
    assert (offer.price_min, offer.price_max, offer.notes) == (450, 650, "Includes monitoring")
    assert (offer.confirmed_by, offer.confirmed_how) == ("clinic", "clinic") and offer.confirmed_at is not None
    assert clinic.hours_confirmed_at is None  # the change did not touch the hours, so they are not confirmed
    assert clinic_snapshot(clinic) == change.proposed
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED
    assert b"$450" in client.get(clinic.get_absolute_url()).content


def test_approval_e_mails_the_member(editor_client, change, mailoutbox):
    editor_client.post(_review_url(change), {"decision": "approve"})
    assert mailoutbox[-1].to == ["owner@junipercare.example"]
    assert "published" in mailoutbox[-1].subject


def test_rejecting_needs_a_reason_keeps_the_listing_and_tells_the_member(editor_client, change, clinic, mailoutbox):
    response = editor_client.post(_review_url(change), {"decision": "reject", "reason": ""})
    assert response.status_code == 200
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.PENDING

    editor_client.post(_review_url(change), {"decision": "reject", "reason": "Prices need a source."})
    change.refresh_from_db()
    assert (change.status, change.reason) == (ChangeRequest.Status.REJECTED, "Prices need a source.")
    clinic.refresh_from_db()
    assert clinic.name == "Juniper Ketamine Care"
    assert ClinicTreatment.objects.get(clinic=clinic).price_min == 400
    assert "Prices need a source." in mailoutbox[-1].body


def test_a_decided_change_cannot_be_approved_again(editor, change):
    listings.change_request_approve(change=change, editor=editor)
    with pytest.raises(claims.ValidationError):
        listings.change_request_approve(change=change, editor=editor)
    with pytest.raises(claims.ValidationError):
        listings.change_request_reject(change=change, editor=editor, reason="late")


def test_two_changes_from_the_same_version_conflict_and_nothing_is_overwritten(editor_client, editor, clinic, owner):
    colleague = make_member(clinic, role=Membership.Role.STAFF)
    first = _propose(clinic, owner, phone="(512) 555-0111")
    second = _propose(clinic, colleague, phone="(512) 555-0222", hours="Mon-Sat 8am-6pm")
    listings.change_request_approve(change=first, editor=editor)

    assert listings.change_request_conflicts(change=second) == ["phone"]
    response = editor_client.get(_review_url(second))
    assert b"Conflict" in response.content and b"(512) 555-0111" in response.content
    editor_client.post(_review_url(second), {"decision": "approve"})
    second.refresh_from_db()
    assert second.status == ChangeRequest.Status.PENDING
    clinic.refresh_from_db()
    assert (clinic.phone, clinic.hours) == ("(512) 555-0111", "")

    member_view = editor_client  # the member is told too
    member_view.force_login(colleague)
    assert b"conflict" in member_view.get(second.get_absolute_url()).content


def test_a_change_to_other_fields_after_the_base_is_applied_without_undoing_them(editor, clinic, owner):
    colleague = make_member(clinic, role=Membership.Role.STAFF)
    first = _propose(clinic, owner, phone="(512) 555-0111")
    second = _propose(clinic, colleague, hours="Mon-Sat 8am-6pm")
    listings.change_request_approve(change=first, editor=editor)
    listings.change_request_approve(change=second, editor=editor)
    clinic.refresh_from_db()
    assert (clinic.phone, clinic.hours) == ("(512) 555-0111", "Mon-Sat 8am-6pm")


def test_history_records_both_changes_with_who_proposed_and_who_approved(client, editor, clinic, owner):
    colleague = make_member(clinic, role=Membership.Role.STAFF, email="nurse@junipercare.example")
    listings.change_request_approve(change=_propose(clinic, owner, phone="(512) 555-0111"), editor=editor)
    listings.change_request_approve(change=_propose(clinic, colleague, hours="Mon-Sat 8am-6pm"), editor=editor)

    records = list(clinic.history.order_by("history_date"))
    assert [record.history_user for record in records[-2:]] == [editor, editor]
    assert "owner@junipercare.example" in records[-2].history_change_reason
    assert "nurse@junipercare.example" in records[-1].history_change_reason
    assert records[-1].phone == "(512) 555-0111" and records[-2].hours == ""

    client.force_login(owner)
    page = client.get(f"/manage/clinics/{clinic.slug}/").content.decode()
    assert "owner@junipercare.example" in page and "nurse@junipercare.example" in page
    assert "(512) 555-0111" in page and "Mon-Sat 8am-6pm" in page


def test_editors_see_the_listing_history_in_the_admin(editor_client, editor, clinic, owner):
    listings.change_request_approve(change=_propose(clinic, owner, phone="(512) 555-0111"), editor=editor)
    response = editor_client.get(f"/admin/clinics/clinic/{clinic.pk}/history/")
    assert response.status_code == 200
    assert b"owner@junipercare.example" in response.content


def test_approving_a_new_listing_publishes_it(editor, place, owner):
    proposal = {**clinic_snapshot(Clinic.objects.get(memberships__user=owner)), "name": "Prairie Sky Ketamine"}
    change = listings.clinic_submit(user=owner, proposed=proposal)
    assert change.clinic.status == Clinic.Status.DRAFT
    listings.change_request_approve(change=change, editor=editor)
    change.clinic.refresh_from_db()
    assert change.clinic.status == Clinic.Status.PUBLISHED
    assert change.clinic.facts_confirmed_at is not None
    assert change.clinic.accepting_confirmed_by == "clinic"


def test_a_staff_user_without_the_review_permission_gets_403(client, change, clinic):
    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_changerequest"))
    client.force_login(staff)
    assert client.get(_review_url(change)).status_code == 403
    assert client.post(_review_url(change), {"decision": "approve"}).status_code == 403
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.PENDING


def test_a_clinic_member_cannot_reach_the_review_page(owner_client, change):
    response = owner_client.post(_review_url(change), {"decision": "approve"})
    assert response.status_code == 302
    assert "/admin/login/" in response.url
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.PENDING


def test_the_bulk_action_approves_only_changes_without_conflicts(editor_client, editor, clinic, owner):
    colleague = make_member(clinic, role=Membership.Role.STAFF)
    first = _propose(clinic, owner, phone="(512) 555-0111")
    second = _propose(clinic, colleague, phone="(512) 555-0222")
    editor_client.post(
        "/admin/clinics/changerequest/",
        {"action": "approve_without_conflicts", "_selected_action": [first.pk, second.pk]},
    )
    statuses = sorted(ChangeRequest.objects.values_list("status", flat=True))
    assert statuses == ["approved", "pending"]


def test_editors_approve_a_claim_in_the_admin(editor_client, clinic):
    claimant = make_verified_user()
    claim = claims.claim_start(clinic=clinic, user=claimant, note="Practice manager.")
    response = editor_client.get(f"/admin/clinics/claim/{claim.pk}/review/")
    assert b"Practice manager." in response.content
    editor_client.post(f"/admin/clinics/claim/{claim.pk}/review/", {"decision": "approve"})
    assert Membership.objects.filter(clinic=clinic, user=claimant).exists()


def test_editors_reject_a_claim_with_a_reason(editor_client, clinic):
    claim = claims.claim_start(clinic=clinic, user=make_verified_user(), note="")
    editor_client.post(f"/admin/clinics/claim/{claim.pk}/review/", {"decision": "reject", "reason": "Unknown."})
    claim.refresh_from_db()
    assert (claim.status, claim.reason) == (Claim.Status.REJECTED, "Unknown.")


def test_the_review_queue_has_a_fixed_query_count(editor_client, clinic, owner, django_assert_max_num_queries):
    for _ in range(5):
        make_member(clinic, role=Membership.Role.STAFF)
    for membership in clinic.memberships.all():
        _propose(clinic, membership.user, hours=f"Open {membership.pk}")
    with django_assert_max_num_queries(6):
        assert editor_client.get("/admin/clinics/changerequest/").status_code == 200


def test_staff_without_the_review_permission_cannot_use_the_bulk_approve_action(client, change):
    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_changerequest"))
    client.force_login(staff)
    client.post(
        "/admin/clinics/changerequest/", {"action": "approve_without_conflicts", "_selected_action": [change.pk]}
    )
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.PENDING


def test_an_anonymous_visitor_is_sent_to_the_admin_sign_in_from_review_pages(client, change, clinic):
    claim = claims.claim_start(clinic=clinic, user=make_verified_user(), note="")
    for url in (_review_url(change), f"/admin/clinics/claim/{claim.pk}/review/"):
        response = client.post(url, {"decision": "approve"})
        assert response.status_code == 302
        assert "/admin/login/" in response.url
    change.refresh_from_db()
    claim.refresh_from_db()
    assert (change.status, claim.status) == (ChangeRequest.Status.PENDING, Claim.Status.PENDING)


def test_a_staff_user_without_the_claim_permission_gets_403_on_claim_review(client, clinic):
    claim = claims.claim_start(clinic=clinic, user=make_verified_user(), note="")
    client.force_login(make_user(is_staff=True))
    assert client.post(f"/admin/clinics/claim/{claim.pk}/review/", {"decision": "approve"}).status_code == 403
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING


def test_a_price_change_reads_as_one_line_for_that_treatment(editor_client, clinic, owner):
    spravato = TreatmentType.objects.get(slug="spravato")
    iv = clinic.clinic_treatments.get()
    change = _propose(
        clinic,
        owner,
        treatments=[
            {
                "treatment_type": iv.treatment_type_id,
                "price_min": 400,
                "price_max": 600,
                "price_unit": "session",
                "course_sessions": None,
                "bills_insurance": False,
                "carriers": [],
                "notes": "",
            },
            {
                "treatment_type": spravato.pk,
                "price_min": 500,
                "price_max": 700,
                "price_unit": "session",
                "course_sessions": None,
                "bills_insurance": True,
                "carriers": [],
                "notes": "",
            },
        ],
    )
    content = editor_client.get(_review_url(change)).content.decode()
    assert "Intranasal esketamine (Spravato)" in content
    assert "Not offered" in content and "$500-$700 per session, bills insurance" in content
    assert "IV infusion" not in content  # unchanged offers are not listed


def test_a_member_confirms_the_details_and_an_approval_re_verifies_them(owner_client, editor, clinic, mailoutbox):
    confirm_all_facts(clinic, None, by="", how="")
    before = clinic_snapshot(clinic)
    response = owner_client.post(f"/manage/clinics/{clinic.slug}/confirm/")
    change = ChangeRequest.objects.get()
    assert response.url == change.get_absolute_url()
    assert change.kind == ChangeRequest.Kind.CONFIRMATION
    listings.change_request_approve(change=change, editor=editor)
    clinic.refresh_from_db()
    assert clinic.facts_confirmed_at is not None
    assert {c.by for c in clinic.confirmations()} == {"clinic"}
    assert clinic_snapshot(clinic) == before
    assert "is verified" in mailoutbox[-1].subject


def test_a_colleague_of_another_clinic_cannot_confirm_it(colleague_client, clinic):
    assert colleague_client.post(f"/manage/clinics/{clinic.slug}/confirm/").status_code == 404
    assert not ChangeRequest.objects.exists()
