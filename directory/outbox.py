"""E-mail to staff and account holders: stored first, then sent, retried until it goes through.

A message is sent once the response has gone to the visitor (`after_response`), so a slow or
silent mail server never holds up a page; one that cannot be sent waits for `send_queued_mail`.
Patient inquiries have their own retry path (clinics/inquiries.py), so their health information
is kept only in the Inquiry row, which is purged after the retention period.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from directory.models import QueuedEmail

logger = logging.getLogger(__name__)

# Backends that send nothing anywhere: the console one would print messages (patients' health
# information, sign-in links) to the log. Without DEBUG, mail waits in the outbox instead.
BACKENDS_THAT_SEND_NOTHING = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}

_this_request = threading.local()


def mail_can_be_sent() -> bool:
    """False without DEBUG when no mail server is configured; `check --deploy` then fails too."""
    return settings.DEBUG or settings.EMAIL_BACKEND not in BACKENDS_THAT_SEND_NOTHING


def after_response(task: Callable[[], object]) -> None:
    """Run `task` once the response has gone to the visitor (WSGI servers close it then); outside a
    request, such as in a management command, run it now."""
    tasks = getattr(_this_request, "tasks", None)
    if tasks is None:
        task()
    else:
        tasks.append(task)


def _collect_tasks(**kwargs) -> None:
    _this_request.tasks = []


def _run_tasks(**kwargs) -> None:
    tasks, _this_request.tasks = getattr(_this_request, "tasks", None) or [], None
    for task in tasks:
        try:
            task()
        except Exception:  # the visitor already has their answer; what failed waits for the retry command
            logger.exception("A task after the response failed")


request_started.connect(_collect_tasks, dispatch_uid="directory.outbox.collect_tasks")
request_finished.connect(_run_tasks, dispatch_uid="directory.outbox.run_tasks")


def email_queue(*, message: EmailMessage) -> QueuedEmail:
    """Store a message, then send it after the response; on failure it waits for `send_queued_mail`."""
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
    # A message whose transaction was rolled back is not found by the send, and so not sent.
    after_response(lambda: queued_email_send(queued=queued))
    return queued


def queued_email_send(*, queued: QueuedEmail) -> bool:
    """Send one stored message and delete it; on failure count the attempt and keep it."""
    pending = QueuedEmail.objects.filter(status=QueuedEmail.Status.PENDING)
    return send_once(pending, queued.pk, _send_locked, label="Queued e-mail")


def send_once(pending: QuerySet, pk: int, send: Callable[[Any], bool], *, label: str) -> bool:
    """Lock the row `pk` among `pending` ones and `send` it, so it goes out once however many try.

    The row stays locked while it is sent; one another process is sending (the retry job and a
    request at the same moment), or has just sent, is skipped. Without a mail server it waits.
    """
    if not mail_can_be_sent():
        logger.warning("%s %s waits: no mail server is configured", label, pk)
        return False
    with transaction.atomic():
        row = pending.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk).first()
        return send(row) if row is not None else False


def _send_locked(queued: QueuedEmail) -> bool:
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


def send_each(pending: QuerySet, send: Callable[[Any], bool]) -> tuple[int, int]:
    """Try every row of `pending`, oldest first; returns (sent, still waiting).

    `send` gets each row with only its id loaded: send_once reads it whole once it holds the lock.
    """
    sent = waiting = 0
    for row in pending.only("pk").order_by("pk"):
        if send(row):
            sent += 1
        else:
            waiting += 1
    return sent, waiting


def queued_emails_send_pending() -> tuple[int, int]:
    """Retry every stored message still waiting; returns (sent, still waiting)."""
    pending = QueuedEmail.objects.filter(status=QueuedEmail.Status.PENDING)
    return send_each(pending, lambda queued: queued_email_send(queued=queued))
