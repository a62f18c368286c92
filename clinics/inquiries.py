"""Patient inquiries: stored first, then delivered by e-mail, retried until they go through."""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from clinics.models import Clinic, Inquiry
from directory.outbox import after_response, send_each, send_once

logger = logging.getLogger(__name__)


def inquiry_create(
    *,
    clinic: Clinic,
    name: str,
    email: str,
    phone: str,
    message: str,
    submission_token: uuid.UUID,
    held: bool = False,
) -> Inquiry:
    """Store an inquiry (once per form token), then e-mail it once it is committed and the patient
    has their answer: a slow mail server never holds up the page. A `held` one waits for an editor."""
    if held:
        delivery = Inquiry.Delivery.HELD
    elif clinic.email:
        delivery = Inquiry.Delivery.PENDING
    else:
        delivery = Inquiry.Delivery.NO_ADDRESS
    inquiry = Inquiry(
        clinic=clinic,
        name=name,
        email=email,
        phone=phone,
        message=message,
        consent=True,
        submission_token=submission_token,
        delivery=delivery,
    )
    inquiry.full_clean(exclude=["submission_token"])
    try:
        with transaction.atomic():
            inquiry.save()
    except IntegrityError:
        # The same form was submitted twice: the first submission is the inquiry.
        return Inquiry.objects.get(submission_token=submission_token, clinic=clinic)
    if inquiry.delivery == Inquiry.Delivery.PENDING:
        transaction.on_commit(lambda: after_response(lambda: inquiry_deliver(inquiry=inquiry)))
    return inquiry


def inquiry_deliver(*, inquiry: Inquiry) -> bool:
    """E-mail one inquiry to its clinic, once; on failure it stays pending for the retry command."""
    pending = Inquiry.objects.filter(delivery=Inquiry.Delivery.PENDING).select_related("clinic")
    return send_once(pending, inquiry.pk, _deliver_locked, label="Inquiry")


def _deliver_locked(inquiry: Inquiry) -> bool:
    inquiry.delivery_attempts += 1
    try:
        EmailMessage(
            subject=f"New inquiry from the directory for {inquiry.clinic.name}",
            body=render_to_string("clinics/email/inquiry.txt", {"inquiry": inquiry}),
            to=[inquiry.clinic.email],
            reply_to=[inquiry.email] if inquiry.email else None,
        ).send()
    except Exception:  # any mail failure (SMTP, DNS, refused) leaves the inquiry for a retry
        # Only the id: the message, name and contact details must never reach the logs.
        logger.warning("Inquiry %s not delivered (attempt %s)", inquiry.pk, inquiry.delivery_attempts)
        if inquiry.delivery_attempts >= settings.INQUIRY_MAX_DELIVERY_ATTEMPTS:
            inquiry.delivery = Inquiry.Delivery.FAILED
        inquiry.save(update_fields=["delivery_attempts", "delivery"])
        return False
    inquiry.delivery = Inquiry.Delivery.SENT
    inquiry.delivered_at = timezone.now()
    inquiry.save(update_fields=["delivery_attempts", "delivery", "delivered_at"])
    return True


def inquiries_release(*, inquiries: QuerySet) -> int:
    """Let inquiries held for review go on to their clinics with the next retry run; returns how many."""
    held = inquiries.filter(delivery=Inquiry.Delivery.HELD)
    to_inbox_only = held.filter(clinic__email="").update(delivery=Inquiry.Delivery.NO_ADDRESS)
    return to_inbox_only + held.update(delivery=Inquiry.Delivery.PENDING)


def inquiries_deliver_pending() -> tuple[int, int]:
    """Retry every inquiry still waiting to be sent; returns (sent, still waiting)."""
    pending = Inquiry.objects.filter(delivery=Inquiry.Delivery.PENDING)
    return send_each(pending, lambda inquiry: inquiry_deliver(inquiry=inquiry))


def inquiries_purge(*, older_than_days: int) -> int:
    """Delete inquiries older than the retention period; returns how many."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = Inquiry.objects.filter(created_at__lt=cutoff).delete()
    return deleted
