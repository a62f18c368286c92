import uuid

import pytest

from clinics.models import Inquiry

pytestmark = pytest.mark.django_db


def make_inquiry(clinic, **overrides) -> Inquiry:
    fields = {
        "name": "Pat Example",
        "email": "pat@example.com",
        "message": "Do you take walk-ins?",
        "consent": True,
        "submission_token": uuid.uuid4(),
    }
    fields.update(overrides)
    return Inquiry.objects.create(clinic=clinic, **fields)


def test_a_member_reads_the_inquiries_to_their_clinic_newest_first(owner_client, clinic, other_clinic):
    make_inquiry(clinic, name="First Patient")
    make_inquiry(clinic, name="Second Patient", message="Is parking free?")
    make_inquiry(other_clinic, name="Someone Elsewhere")
    response = owner_client.get("/manage/inquiries/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Second Patient") < html.index("First Patient")
    assert "Is parking free?" in html
    assert "Someone Elsewhere" not in html


def test_a_member_of_another_clinic_sees_none_of_its_inquiries(colleague_client, clinic):
    inquiry = make_inquiry(clinic, message="private to juniper")
    assert b"private to juniper" not in colleague_client.get("/manage/inquiries/").content
    assert colleague_client.post(f"/manage/inquiries/{inquiry.pk}/mark/").status_code == 404
    inquiry.refresh_from_db()
    assert inquiry.read_at is None


def test_an_anonymous_visitor_is_sent_to_sign_in(client, clinic):
    inquiry = make_inquiry(clinic)
    assert client.get("/manage/inquiries/")["Location"].startswith("/accounts/login/")
    assert client.post(f"/manage/inquiries/{inquiry.pk}/mark/")["Location"].startswith("/accounts/login/")


def test_marking_read_needs_a_post(owner_client, clinic):
    inquiry = make_inquiry(clinic)
    assert owner_client.get(f"/manage/inquiries/{inquiry.pk}/mark/").status_code == 405


def test_a_member_marks_an_inquiry_read_and_unread_again(owner_client, clinic):
    inquiry = make_inquiry(clinic)
    assert owner_client.post(f"/manage/inquiries/{inquiry.pk}/mark/").status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.read_at is not None
    owner_client.post(f"/manage/inquiries/{inquiry.pk}/mark/", {"read": "0"})
    inquiry.refresh_from_db()
    assert inquiry.read_at is None


def test_the_dashboard_counts_inquiries_this_month_and_unread_ones(owner_client, clinic):
    make_inquiry(clinic, name="Unread Patient")
    make_inquiry(clinic, name="Read Patient").__class__.objects.filter(name="Read Patient").update(
        read_at="2026-01-01T00:00Z"
    )
    response = owner_client.get("/dashboard/")
    html = response.content.decode()
    assert "2 unread" not in html and "1 unread" in html
    assert ">2</span> inquiries this month" in html
    assert "Unread Patient" in html


def test_the_dashboard_leaves_out_inquiries_held_for_review_as_the_inbox_does(owner_client, clinic):
    make_inquiry(clinic, name="Delivered Patient")
    make_inquiry(clinic, name="Held Patient", delivery=Inquiry.Delivery.HELD)
    html = owner_client.get("/dashboard/").content.decode()

    assert ">1</span> inquiry this month" in html
    assert "Held Patient" not in html


@pytest.mark.parametrize("count", [1, 20])
def test_the_inbox_query_count_does_not_grow_with_inquiries(owner_client, clinic, django_assert_max_num_queries, count):
    for _ in range(count):
        make_inquiry(clinic)
    with django_assert_max_num_queries(5):  # session, user, count, page of inquiries with their clinics
        assert owner_client.get("/manage/inquiries/").status_code == 200


def test_a_page_of_inquiries_beyond_the_end_is_not_found(owner_client, clinic):
    make_inquiry(clinic)
    assert owner_client.get("/manage/inquiries/?page=9").status_code == 404
