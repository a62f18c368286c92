"""E-mail to staff and account holders goes through the outbox: a mail outage delays it, loses nothing."""

import re

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import transaction

from clinics.models import ChangeRequest, Claim
from clinics.staff.services import claims, listings
from directory import outbox
from directory.models import QueuedEmail
from directory.outbox import email_queue, queued_emails_send_pending
from tests.staff_factories import listing_post_data, make_verified_user

pytestmark = pytest.mark.django_db

REFUSING = "tests.mail_backends.RefusingBackend"
WORKING = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = REFUSING


def mail_comes_back(settings) -> None:
    settings.EMAIL_BACKEND = WORKING
    call_command("send_queued_mail", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def change(owner_client, clinic) -> ChangeRequest:
    owner_client.post(f"/manage/clinics/{clinic.slug}/edit/", listing_post_data(clinic, name="Juniper Care"))
    return ChangeRequest.objects.get()


def test_a_sent_message_leaves_nothing_in_the_outbox(editor, change, mailoutbox):
    listings.change_request_approve(change=change, editor=editor)
    assert len(mailoutbox) == 1
    assert not QueuedEmail.objects.exists()


@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_a_change_decision_made_while_mail_is_down_reaches_the_member_later(
    settings, mail_down, editor, change, decide
):
    if decide == "approve":
        listings.change_request_approve(change=change, editor=editor)
    else:
        listings.change_request_reject(change=change, editor=editor, reason="The phone number is wrong.")
    change.refresh_from_db()
    assert change.status != ChangeRequest.Status.PENDING  # the decision stands
    queued = QueuedEmail.objects.get()
    assert (queued.to, queued.attempts) == (["owner@junipercare.example"], 1)

    mail_comes_back(settings)
    assert [message.to for message in mail.outbox] == [["owner@junipercare.example"]]
    assert change.get_absolute_url() in mail.outbox[0].body
    if decide == "reject":
        assert "The phone number is wrong." in mail.outbox[0].body
    assert not QueuedEmail.objects.exists()


@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_a_claim_decision_made_while_mail_is_down_reaches_the_claimant_later(
    settings, mail_down, clinic, editor, decide
):
    user = make_verified_user(email="claimant@example.com")
    claim = claims.claim_start(clinic=clinic, user=user, note="I run it.")
    if decide == "approve":
        claims.claim_approve(claim=claim, editor=editor)
    else:
        claims.claim_reject(claim=claim, editor=editor, reason="We could not confirm you work there.")
    assert QueuedEmail.objects.get().to == ["claimant@example.com"]

    mail_comes_back(settings)
    assert [message.to for message in mail.outbox] == [["claimant@example.com"]]


def test_a_claim_confirmation_link_sent_while_mail_is_down_still_works_once_it_arrives(
    settings, mail_down, client, clinic
):
    user = make_verified_user(email="drlee@junipercare.example")
    client.force_login(user)
    claim = Claim.objects.create(clinic=clinic, user=user, status=Claim.Status.AWAITING_EMAIL, email=user.email)
    claims.claim_resend(claim=claim)
    assert QueuedEmail.objects.count() == 1

    mail_comes_back(settings)
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    client.post(link)
    assert Claim.objects.get().status == Claim.Status.APPROVED


def test_a_sign_up_while_mail_is_down_succeeds_and_its_confirmation_arrives_later(settings, mail_down, client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new.staff@example.com", "password1": "a-long-test-password", "password2": "a-long-test-password"},
    )
    assert response.status_code == 302
    assert QueuedEmail.objects.get().to == ["new.staff@example.com"]

    mail_comes_back(settings)
    assert mail.outbox[0].to == ["new.staff@example.com"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_the_retry_gives_up_after_the_maximum_attempts_and_keeps_the_message(settings, mail_down, editor, change):
    settings.EMAIL_MAX_DELIVERY_ATTEMPTS = 3
    listings.change_request_approve(change=change, editor=editor)
    assert queued_emails_send_pending() == (0, 1)
    assert queued_emails_send_pending() == (0, 1)
    queued = QueuedEmail.objects.get()
    assert (queued.status, queued.attempts) == (QueuedEmail.Status.FAILED, 3)
    assert queued_emails_send_pending() == (0, 0)


def test_an_administrator_can_send_given_up_messages_again(settings, mail_down, admin_client, editor, change):
    settings.EMAIL_MAX_DELIVERY_ATTEMPTS = 1
    listings.change_request_approve(change=change, editor=editor)
    queued = QueuedEmail.objects.get(status=QueuedEmail.Status.FAILED)
    admin_client.post("/admin/directory/queuedemail/", {"action": "try_again", "_selected_action": [queued.pk]})
    mail_comes_back(settings)
    assert len(mail.outbox) == 1
    assert not QueuedEmail.objects.exists()


def test_the_admin_never_shows_a_queued_messages_body(settings, mail_down, admin_client, editor, change):
    listings.change_request_approve(change=change, editor=editor)
    response = admin_client.get(f"/admin/directory/queuedemail/{QueuedEmail.objects.get().pk}/change/")
    assert response.status_code == 200
    assert change.get_absolute_url().encode() not in response.content


def test_a_message_queued_in_a_transaction_rolled_back_is_never_sent(mailoutbox):
    outbox._collect_tasks()  # as when a request starts: tasks wait for its response
    with pytest.raises(RuntimeError), transaction.atomic():
        email_queue(message=EmailMessage("Never", "Not sent.", None, ["member@clinic.example"]))
        raise RuntimeError("the view failed after queueing")
    outbox._run_tasks()  # the response has gone

    assert mailoutbox == []
    assert not QueuedEmail.objects.exists()
