"""E-mail to clinic staff: plain-text templates whose first line is the subject, sent through the outbox.

A message that cannot be sent now is kept and retried by `send_queued_mail` (directory/outbox.py),
never raised, so nothing a member submitted or was told is lost because the mail server was down.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from directory.context_processors import SITE_NAME
from directory.outbox import email_queue


def staff_mail_send(*, to: str, template: str, context: dict) -> None:
    """Queue and send a plain-text e-mail whose first line is the subject."""
    site = {"SITE_NAME": SITE_NAME, "SITE_URL": settings.SITE_URL}
    subject, _, body = render_to_string(template, {**site, **context}).partition("\n")
    email_queue(message=EmailMessage(subject.strip(), body.strip() + "\n", None, [to]))


def site_url(path: str) -> str:
    """An absolute link for an e-mail: the path on SITE_URL."""
    return f"{settings.SITE_URL}{path}"
