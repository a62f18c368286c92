"""Two requests (or a request and the cron job) doing the same thing at once: no 500, nothing lost or doubled.

These tests commit from several threads, each with its own database connection, so they use
transactional_db through `reference_data`. Where a race needs both sides to reach a point before
either goes on, a barrier holds them there; when the fix makes one side wait for a row lock
instead, the barrier gives up after a moment and the first side carries on alone.
"""

import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import connection
from django.test import Client

from clinics import inquiries
from clinics.images import process_upload
from clinics.models import ChangeRequest, Claim, Clinic, ClinicPhoto, Inquiry, Membership
from clinics.staff.services import claims, listings, members
from directory import outbox
from directory.outbox import email_queue
from tests.clinics.test_images import jpeg_with_gps, upload
from tests.factories import make_clinic
from tests.mail_backends import HeldBackend
from tests.staff_factories import listing_post_data, make_member, make_place, make_verified_user

BARRIER_PATIENCE = 2  # seconds a side waits at a barrier for the other before going on alone


@pytest.fixture
def clinic(reference_data):
    make_place()
    return make_clinic(name="Juniper Ketamine Care", email="desk@junipercare.example")


def run_together(*actions: Callable[[], object]) -> list[BaseException | None]:
    """Run each action in its own thread (and database connection); what each raised, or None."""
    outcomes: list[BaseException | None] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            action()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def wait_at(barrier: threading.Barrier) -> None:
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass  # the other side is waiting for a lock this side holds


def test_two_owners_removing_each_other_at_once_leave_the_clinic_an_owner(clinic, monkeypatch):
    make_member(clinic)
    make_member(clinic)
    first, second = Membership.objects.filter(clinic=clinic)
    both_checked = threading.Barrier(2, timeout=BARRIER_PATIENCE)
    delete = Membership.delete

    def delete_once_both_checked(self, *args, **kwargs):
        wait_at(both_checked)
        return delete(self, *args, **kwargs)

    monkeypatch.setattr(Membership, "delete", delete_once_both_checked)

    outcomes = run_together(
        lambda: members.membership_remove(membership=first),
        lambda: members.membership_remove(membership=second),
    )

    assert Membership.objects.filter(clinic=clinic, role=Membership.Role.OWNER).count() == 1
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["NoneType", "ValidationError"]


def test_two_people_submitting_the_same_new_clinic_at_once_each_get_a_draft(clinic, monkeypatch):
    both_chose = threading.Barrier(2, timeout=BARRIER_PATIENCE)
    unique_slug = listings._unique_slug

    def unique_slug_once_both_chose(*args):
        slug = unique_slug(*args)
        wait_at(both_chose)
        return slug

    monkeypatch.setattr(listings, "_unique_slug", unique_slug_once_both_chose)
    data = listing_post_data(
        None, name="Prairie Sky Ketamine", street="12 Elm St", city="Austin", state="TX", zip_code="78701"
    )
    clients = []
    for email in ("one@prairiesky.example", "two@prairiesky.example"):
        client = Client(raise_request_exception=False)
        client.force_login(make_verified_user(email=email))
        clients.append(client)
    statuses = []

    run_together(
        *(
            lambda client=client: statuses.append(client.post("/manage/new-clinic/", data).status_code)
            for client in clients
        )
    )

    assert statuses == [302, 302]
    slugs = set(Clinic.objects.filter(name="Prairie Sky Ketamine").values_list("slug", flat=True))
    assert slugs == {"prairie-sky-ketamine-austin-tx", "prairie-sky-ketamine-austin-tx-2"}


def test_a_second_confirmation_of_a_claim_that_just_went_through_is_not_an_error(client, clinic, monkeypatch):
    user = make_verified_user(email="drlee@junipercare.example")
    clinic.website = "https://junipercare.example"
    clinic.save()
    # A claim opened before domain addresses claimed at once, still waiting for its e-mailed link.
    claim = Claim.objects.create(clinic=clinic, user=user, status=Claim.Status.AWAITING_EMAIL, email=user.email)
    token = claims.signing.dumps(claim.pk, salt=claims.CLAIM_SALT)
    confirm = claims.claim_confirm

    def confirmed_by_the_first_click_meanwhile(*, claim: Claim):
        confirm(claim=claim)  # the first of two POSTs commits while this one waits for the claim's row
        return confirm(claim=claim)

    monkeypatch.setattr(claims, "claim_confirm", confirmed_by_the_first_click_meanwhile)
    client.raise_request_exception = False
    client.force_login(user)

    response = client.post(f"/manage/claims/confirm/{token}/")

    assert response.status_code == 302
    assert response.url == f"/manage/clinics/{clinic.slug}/"
    assert Membership.objects.get(user=user, clinic=clinic).role == Membership.Role.OWNER


def test_the_retry_job_never_sends_a_message_a_request_is_still_sending(reference_data, settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.HeldBackend"
    HeldBackend.reset()
    message = EmailMessage("Your change was approved", "Body.\n", None, ["owner@junipercare.example"])
    request = threading.Thread(target=lambda: (email_queue(message=message), connection.close()))
    request.start()
    assert HeldBackend.entered.wait(timeout=30)

    outcomes = run_together(outbox.queued_emails_send_pending)
    HeldBackend.release.set()
    request.join(timeout=30)

    assert outcomes == [None]
    assert HeldBackend.sent == ["Your change was approved"]


def test_the_retry_job_never_sends_an_inquiry_a_request_is_still_sending(clinic, settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.HeldBackend"
    HeldBackend.reset()
    inquiry = Inquiry.objects.create(
        clinic=clinic,
        name="Pat Example",
        email="pat@example.com",
        message="Evenings?",
        consent=True,
        submission_token=uuid.uuid4(),
    )
    request = threading.Thread(target=lambda: (inquiries.inquiry_deliver(inquiry=inquiry), connection.close()))
    request.start()
    assert HeldBackend.entered.wait(timeout=30)

    outcomes = run_together(inquiries.inquiries_deliver_pending)
    HeldBackend.release.set()
    request.join(timeout=30)

    assert outcomes == [None]
    assert len(HeldBackend.sent) == 1
    assert Inquiry.objects.get().delivery == Inquiry.Delivery.SENT


def test_images_of_a_change_that_is_rolled_back_leave_no_files_behind(clinic, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    owner = make_member(clinic)
    listings.change_request_submit(
        clinic=clinic,
        user=owner,
        proposed={"name": "Juniper Care"},
        base={"name": clinic.name},
        base_version=clinic.updated_at,
    )
    renditions = process_upload(upload(jpeg_with_gps()))

    with pytest.raises(ValidationError):  # a second pending change by the same member
        listings.change_request_submit(
            clinic=clinic,
            user=owner,
            proposed={"name": "Juniper Ketamine"},
            base={"name": clinic.name},
            base_version=clinic.updated_at,
            uploads=[(ClinicPhoto.Kind.PHOTO, renditions)],
        )

    assert ChangeRequest.objects.count() == 1
    assert not ClinicPhoto.objects.exists()
    assert [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()] == []
