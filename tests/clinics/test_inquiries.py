import logging
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from clinics.models import Clinic, Inquiry
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db

MARKER = "MARKER-7f3a-private-health-detail"


@pytest.fixture
def clinic():
    return make_clinic(name="Harbor Ketamine Center", email="desk@harbor.example")


def inquiry_data(**overrides) -> dict:
    data = {
        "name": "Pat Example",
        "email": "pat@example.com",
        "phone": "",
        "message": "Do you offer evening appointments?",
        "consent": "on",
        "company": "",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def post(client, clinic, **overrides):
    return client.post(f"/clinics/{clinic.slug}/inquiry/", inquiry_data(**overrides))


def test_an_inquiry_is_stored_then_emailed_to_the_clinic(client, clinic, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, clinic)
    assert response.status_code == 302
    assert response["Location"] == f"/clinics/{clinic.slug}/inquiry/sent/"
    inquiry = Inquiry.objects.get()
    assert inquiry.delivery == Inquiry.Delivery.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["desk@harbor.example"]
    assert mail.outbox[0].reply_to == ["pat@example.com"]
    assert "evening appointments" in mail.outbox[0].body


def test_the_confirmation_page_says_the_message_is_on_its_way(client, clinic):
    response = client.get(f"/clinics/{clinic.slug}/inquiry/sent/")
    assert response.status_code == 200
    assert b"on its way" in response.content


def test_an_inquiry_is_kept_when_the_mail_server_is_down_and_sent_by_the_retry_later(
    client, clinic, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, clinic)
    assert response.status_code == 302  # the patient is told it is on its way: it is stored
    inquiry = Inquiry.objects.get()
    assert (inquiry.delivery, inquiry.delivery_attempts) == (Inquiry.Delivery.PENDING, 1)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_queued_mail", stdout=open("/dev/null", "w"))  # noqa: SIM115
    inquiry.refresh_from_db()
    assert (inquiry.delivery, inquiry.delivery_attempts) == (Inquiry.Delivery.SENT, 2)
    assert len(mail.outbox) == 1


def test_the_retry_gives_up_after_the_maximum_attempts(clinic, settings):
    from clinics.inquiries import inquiries_deliver_pending

    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    settings.INQUIRY_MAX_DELIVERY_ATTEMPTS = 2
    inquiry = Inquiry.objects.create(
        clinic=clinic, name="A", email="a@example.com", message="Hi", consent=True, submission_token=uuid.uuid4()
    )
    assert inquiries_deliver_pending() == (0, 1)
    assert inquiries_deliver_pending() == (0, 1)
    inquiry.refresh_from_db()
    assert inquiry.delivery == Inquiry.Delivery.FAILED
    assert inquiries_deliver_pending() == (0, 0)


def test_an_inquiry_to_a_clinic_without_email_waits_in_its_dashboard(client, django_capture_on_commit_callbacks):
    clinic = make_clinic(email="")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, clinic)
    assert Inquiry.objects.get().delivery == Inquiry.Delivery.NO_ADDRESS
    assert mail.outbox == []


def test_the_message_text_never_reaches_the_logs(client, clinic, settings, caplog, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        post(client, clinic, message=f"My details: {MARKER}", name=MARKER)
        post(client, clinic, message=f"{MARKER} " * 500)  # invalid: too long
        post(client, clinic, message=MARKER, consent="")  # invalid: no consent
    assert Inquiry.objects.count() == 1
    assert "not delivered" in caplog.text
    assert MARKER not in caplog.text


def test_a_double_submit_stores_one_inquiry(client, clinic, django_capture_on_commit_callbacks):
    data = inquiry_data()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/clinics/{clinic.slug}/inquiry/", data)
        second = client.post(f"/clinics/{clinic.slug}/inquiry/", data)
    assert first.status_code == second.status_code == 302
    assert Inquiry.objects.count() == 1
    assert len(mail.outbox) == 1


def test_consent_is_required_and_what_was_typed_is_kept(client, clinic):
    response = post(client, clinic, consent="", message="Can I bring my partner?")
    assert response.status_code == 400
    assert b"Please tick the box" in response.content
    assert b"Can I bring my partner?" in response.content
    assert not Inquiry.objects.exists()


def test_an_email_or_a_phone_is_required(client, clinic):
    response = post(client, clinic, email="", phone="")
    assert response.status_code == 400
    assert b"e-mail address or a phone number" in response.content
    assert post(client, clinic, email="", phone="512 555 0199").status_code == 302


def test_a_message_over_the_length_limit_is_refused(client, clinic):
    response = post(client, clinic, message="x" * (Inquiry.MESSAGE_MAX_LENGTH + 1))
    assert response.status_code == 400
    assert b"at most 2000 characters" in response.content
    assert post(client, clinic, message="x" * Inquiry.MESSAGE_MAX_LENGTH).status_code == 302


def test_a_filled_honeypot_looks_sent_but_stores_nothing(client, clinic):
    response = post(client, clinic, company="Cheap Pills Inc")
    assert response.status_code == 302
    assert not Inquiry.objects.exists()


def test_inquiries_are_rate_limited_per_visitor(client, clinic, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "inquiry-ip": (2, 3600)}
    assert post(client, clinic).status_code == 302
    assert post(client, clinic).status_code == 302
    response = post(client, clinic, message="Third try, kept for you")
    assert response.status_code == 429
    assert b"Third try, kept for you" in response.content
    assert Inquiry.objects.count() == 2
    assert client.post(f"/clinics/{clinic.slug}/inquiry/", inquiry_data(), REMOTE_ADDR="203.0.113.9").status_code == 302


def test_a_flood_to_one_clinic_holds_new_inquiries_for_review_instead_of_turning_patients_away(
    client, clinic, settings, django_capture_on_commit_callbacks
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "inquiry-clinic": (1, 3600)}
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, clinic).status_code == 302
        response = client.post(f"/clinics/{clinic.slug}/inquiry/", inquiry_data(), REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 302
    assert response["Location"] == f"/clinics/{clinic.slug}/inquiry/sent/"
    assert [inquiry.delivery for inquiry in Inquiry.objects.order_by("pk")] == [
        Inquiry.Delivery.SENT,
        Inquiry.Delivery.HELD,
    ]
    assert len(mail.outbox) == 1
    assert post(client, make_clinic(email="desk@other.example")).status_code == 302


def test_a_held_inquiry_waits_out_of_the_clinics_inbox_and_the_retries(clinic):
    from clinics.inquiries import inquiries_deliver_pending, inquiry_create
    from tests.staff_factories import make_member

    held = inquiry_create(
        clinic=clinic, name="A", email="a@example.com", phone="", message="Hi", submission_token=uuid.uuid4(), held=True
    )

    assert held.delivery == Inquiry.Delivery.HELD
    assert inquiries_deliver_pending() == (0, 0)
    assert not Inquiry.objects.visible_to(make_member(clinic, email="owner@harbor.example")).exists()


def test_an_editor_sees_held_inquiries_in_the_admin_and_releases_them(client, clinic):
    from clinics.inquiries import inquiries_deliver_pending, inquiry_create
    from tests.staff_factories import make_editor

    held = inquiry_create(
        clinic=clinic, name="A", email="a@example.com", phone="", message="Hi", submission_token=uuid.uuid4(), held=True
    )
    client.force_login(make_editor(email="editor@directory.example"))

    listing = client.get("/admin/clinics/inquiry/?delivery__exact=held")
    assert listing.status_code == 200
    assert b"Harbor Ketamine Center" in listing.content
    assert b"Held for review" in listing.content

    response = client.post("/admin/clinics/inquiry/", {"action": "release", "_selected_action": [held.pk]})

    assert response.status_code == 302
    assert inquiries_deliver_pending() == (1, 0)
    held.refresh_from_db()
    assert held.delivery == Inquiry.Delivery.SENT
    assert mail.outbox[0].to == ["desk@harbor.example"]


def test_a_draft_clinic_cannot_be_contacted(client):
    draft = make_clinic(status=Clinic.Status.DRAFT)
    assert post(client, draft).status_code == 404
    assert client.get(f"/clinics/{draft.slug}/inquiry/").status_code == 404


def test_purge_removes_only_inquiries_older_than_the_retention(clinic, settings):
    def make(days_old: int) -> Inquiry:
        inquiry = Inquiry.objects.create(
            clinic=clinic, name="A", phone="1", message="Hi", consent=True, submission_token=uuid.uuid4()
        )
        Inquiry.objects.filter(pk=inquiry.pk).update(created_at=timezone.now() - timedelta(days=days_old))
        return inquiry

    make(181)
    recent = make(179)
    call_command("purge_inquiries", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(Inquiry.objects.all()) == [recent]
    call_command("purge_inquiries", days=30, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Inquiry.objects.exists()
