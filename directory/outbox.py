"""E-mail to staff and account holders: stored first, then sent, retried until it goes through.

Patient inquiries have their own retry path (clinics/inquiries.py), so their health information
is kept only in the Inquiry row, which is purged after the retention period.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils import timezone

from clinics.models import QueuedEmail

logger = logging.getLogger(__name__)


def email_queue(*, message: EmailMessage) -> QueuedEmail:
    """Store a message, then try to send it at once; on failure it waits for `send_queued_mail`."""
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
    queued = QueuedEmail(
        to=list(message.to),
        from_email=message.from_email or "",
        subject=message.subject,
        body=message.body,
        html_body=html,
    )
    queued.full_clean()
    queued.save()
    queued_email_send(queued=queued)
    return queued


def queued_email_send(*, queued: QueuedEmail) -> bool:
    """Send one stored message and delete it; on failure count the attempt and keep it."""
    message = EmailMultiAlternatives(queued.subject, queued.body, queued.from_email or None, queued.to)
    if queued.html_body:
        message.attach_alternative(queued.html_body, "text/html")
    queued.attempts += 1
    queued.last_attempt_at = timezone.now()
    try:
        message.send()
    except Exception:  # any mail failure (SMTP, DNS, refused) leaves the message for a retry
        logger.warning("Queued e-mail %s not sent (attempt %s)", queued.pk, queued.attempts)
        if queued.attempts >= settings.EMAIL_MAX_DELIVERY_ATTEMPTS:
            queued.status = QueuedEmail.Status.FAILED
        queued.save(update_fields=["attempts", "last_attempt_at", "status"])
        return False
    queued.delete()
    return True


def queued_emails_send_pending() -> tuple[int, int]:
    """Retry every stored message still waiting; returns (sent, still waiting)."""
    sent = waiting = 0
    for queued in QueuedEmail.objects.filter(status=QueuedEmail.Status.PENDING).order_by("pk"):
        if queued_email_send(queued=queued):
            sent += 1
        else:
            waiting += 1
    return sent, waiting
