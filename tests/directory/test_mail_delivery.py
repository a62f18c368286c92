"""E-mail leaves after the visitor has their answer, gives up on a silent mail server, and without a
mail server in production waits in the outbox instead of reaching the log."""

import logging
import socket
import uuid

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.core.mail import get_connection
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from clinics.models import Inquiry
from directory.models import QueuedEmail
from tests.factories import make_clinic

MARKER = "MARKER-2c9e-private-health-detail"
PASSWORD = "correct horse battery staple 42"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
DUMMY = "django.core.mail.backends.dummy.EmailBackend"

responses_finished: list[int] = []
sends_after_responses: list[int] = []


class ResponseFinished:
    """Outermost middleware: counts responses the moment the site has finished them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        responses_finished.append(response.status_code)
        return response


class RecordingBackend(LocmemBackend):
    """Delivers to mail.outbox and notes how many responses were finished by then."""

    def send_messages(self, messages):
        sends_after_responses.append(len(responses_finished))
        return super().send_messages(messages)


@pytest.fixture
def watched_responses(settings):
    responses_finished.clear()
    sends_after_responses.clear()
    settings.MIDDLEWARE = ["tests.directory.test_mail_delivery.ResponseFinished", *settings.MIDDLEWARE]
    settings.EMAIL_BACKEND = "tests.directory.test_mail_delivery.RecordingBackend"


@pytest.fixture
def silent_mail_server(settings):
    """An SMTP address that takes connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT = listener.getsockname()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 1
    yield
    listener.close()


def inquire(client, clinic, message: str = "Do you offer evening appointments?"):
    return client.post(
        f"/clinics/{clinic.slug}/inquiry/",
        {
            "name": "Pat Example",
            "email": "pat@example.com",
            "message": message,
            "consent": "on",
            "company": "",
            "submission_token": str(uuid.uuid4()),
        },
    )


def sign_up(client):
    return client.post(
        "/accounts/signup/", {"email": "new.staff@clinic.example", "password1": PASSWORD, "password2": PASSWORD}
    )


def test_the_smtp_backend_gives_up_on_a_silent_server_after_a_timeout(settings):
    assert settings.EMAIL_TIMEOUT > 0
    assert get_connection(SMTP).timeout == settings.EMAIL_TIMEOUT


def test_an_inquiry_is_sent_after_the_patient_has_the_answer(reference_data, client, watched_responses):
    response = inquire(client, make_clinic(email="desk@example.com"))

    assert response.status_code == 302
    assert sends_after_responses == [1]
    assert Inquiry.objects.get().delivery == Inquiry.Delivery.SENT


@pytest.mark.django_db
def test_a_sign_up_e_mail_is_sent_after_the_visitor_has_the_answer(client, watched_responses):
    assert sign_up(client).status_code == 302

    assert sends_after_responses == [1]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_a_silent_mail_server_leaves_the_inquiry_stored_and_the_patient_answered(
    reference_data, client, silent_mail_server
):
    response = inquire(client, make_clinic(email="desk@example.com"))

    assert response.status_code == 302
    assert response["Location"].endswith("/inquiry/sent/")
    inquiry = Inquiry.objects.get()
    assert (inquiry.delivery, inquiry.delivery_attempts) == (Inquiry.Delivery.PENDING, 1)


@pytest.mark.django_db
def test_a_silent_mail_server_leaves_the_sign_up_e_mail_queued(client, silent_mail_server):
    assert sign_up(client).status_code == 302

    queued = QueuedEmail.objects.get()
    assert (queued.to, queued.attempts) == (["new.staff@clinic.example"], 1)


@pytest.mark.parametrize("backend", [CONSOLE, DUMMY])
def test_check_deploy_fails_in_production_without_a_mail_server(settings, backend):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = backend

    errors = run_checks(include_deployment_checks=True)

    assert "directory.E001" in [error.id for error in errors]


def test_check_deploy_accepts_a_mail_server(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = SMTP

    assert "directory.E001" not in [error.id for error in run_checks(include_deployment_checks=True)]


def test_the_check_is_only_for_deployment(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = CONSOLE

    assert "directory.E001" not in [error.id for error in run_checks()]


def test_without_a_mail_server_in_production_inquiries_wait_and_never_reach_the_log(
    reference_data, client, settings, caplog, capsys
):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = CONSOLE

    with caplog.at_level(logging.DEBUG):
        assert inquire(client, make_clinic(email="desk@example.com"), message=MARKER).status_code == 302

    inquiry = Inquiry.objects.get()
    assert (inquiry.delivery, inquiry.delivery_attempts) == (Inquiry.Delivery.PENDING, 0)
    printed = capsys.readouterr()
    assert MARKER not in printed.out + printed.err + caplog.text
    assert "no mail server is configured" in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from clinics.inquiries import inquiries_deliver_pending

    assert inquiries_deliver_pending() == (1, 0)
    assert MARKER in mail.outbox[0].body


@pytest.mark.django_db
def test_without_a_mail_server_in_production_account_e_mails_wait_too(client, settings, capsys):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = CONSOLE

    sign_up(client)

    assert QueuedEmail.objects.get().attempts == 0
    assert "confirm-email" not in capsys.readouterr().out
