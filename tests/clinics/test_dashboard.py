from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from clinics.models import Clinic, ClinicPageViews, Membership
from clinics.staff.changes import clinic_snapshot
from clinics.staff.services import listings
from tests.factories import make_clinic
from tests.staff_factories import make_member, make_verified_user

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_dashboard_lists_only_the_members_clinics(owner_client, clinic, other_clinic):
    content = owner_client.get("/dashboard/").content.decode()
    assert clinic.name in content
    assert other_clinic.name not in content


def test_the_dashboard_shows_pending_changes_with_their_status(owner_client, clinic, owner):
    snapshot = clinic_snapshot(clinic)
    listings.change_request_submit(
        clinic=clinic, user=owner, proposed={**snapshot, "phone": "1"}, base=snapshot, base_version=clinic.updated_at
    )
    content = owner_client.get("/dashboard/").content.decode()
    assert "Pending review" in content
    assert "1</span> pending change" in content


def test_the_dashboard_counts_this_months_page_views(owner_client, clinic):
    today = timezone.localdate()
    ClinicPageViews.objects.create(clinic=clinic, day=today, views=7)
    ClinicPageViews.objects.create(clinic=clinic, day=today.replace(day=1) - timedelta(days=1), views=100)
    content = owner_client.get("/dashboard/").content.decode()
    assert "7</span> page views this month" in content
    assert "100</span> page views last month" in content


def test_the_dashboard_nudges_when_a_fact_of_a_listing_is_out_of_date(owner_client, clinic):
    assert b"have not been confirmed recently" not in owner_client.get("/dashboard/").content
    Clinic.objects.filter(pk=clinic.pk).update(accepting_confirmed_at=timezone.now() - timedelta(days=100))
    content = owner_client.get("/dashboard/").content
    assert b"have not been confirmed recently" in content
    assert f'action="/manage/clinics/{clinic.slug}/confirm/"'.encode() in content


def test_the_dashboard_leaves_room_for_inquiries(owner_client):
    assert b"Inquiries from patients" in owner_client.get("/dashboard/").content


def test_a_new_user_is_shown_how_to_start(client):
    client.force_login(make_verified_user())
    assert b"You do not manage any clinic yet" in client.get("/dashboard/").content


@pytest.mark.parametrize("clinics", [1, 8])
def test_the_dashboard_query_count_does_not_grow_with_clinics(client, place, clinics, django_assert_max_num_queries):
    user = make_member(make_clinic())
    for _ in range(clinics - 1):
        clinic = make_clinic()
        Membership.objects.create(clinic=clinic, user=user, role=Membership.Role.STAFF)
        snapshot = clinic_snapshot(clinic)
        listings.change_request_submit(
            clinic=clinic, user=user, proposed={**snapshot, "hours": "x"}, base=snapshot, base_version=clinic.updated_at
        )
    client.force_login(user)
    with django_assert_max_num_queries(9):  # 7, plus the newest inquiries and the unread count
        assert client.get("/dashboard/").status_code == 200


@pytest.mark.parametrize("changes", [1, 6])
def test_the_clinic_page_for_members_has_a_fixed_query_count(
    client, clinic, editor, changes, django_assert_max_num_queries
):
    for _ in range(changes):
        member = make_member(clinic, role=Membership.Role.STAFF)
        clinic.refresh_from_db()
        snapshot = clinic_snapshot(clinic)
        change = listings.change_request_submit(
            clinic=clinic,
            user=member,
            proposed={**snapshot, "hours": f"Open {member.pk}"},
            base=snapshot,
            base_version=clinic.updated_at,
        )
        listings.change_request_approve(change=change, editor=editor)
    client.force_login(member)
    with django_assert_max_num_queries(6):
        assert client.get(f"/manage/clinics/{clinic.slug}/").status_code == 200


def test_the_claim_link_include_points_to_the_claim_page(clinic):
    html = render_to_string("includes/claim_link.html", {"clinic": clinic})
    assert "Is this your clinic?" in html
    assert f'href="/manage/clinics/{clinic.slug}/claim/"' in html
