"""Reminders: e-mails asking a clinic's members to confirm the facts patients decide on, at most monthly.

The e-mail's "nothing has changed" link confirms every fact group as the clinic's, once per
reminder; its signature keeps it working for 14 days.
"""

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from clinics.freshness import facts_confirm
from clinics.models import (
    CLINIC_FACT_GROUPS,
    FACT_GROUPS,
    Clinic,
    Confirmation,
    ConfirmedBy,
    ConfirmedHow,
    FreshnessReminder,
    Membership,
)
from clinics.models.freshness import REMIND_BEFORE, REMINDER_INTERVAL, REMINDER_LINK_MAX_AGE
from clinics.staff.mail import site_url, staff_mail_send

REMINDER_SALT = "clinics.freshness-reminder"


def reminder_link_token(reminder: FreshnessReminder) -> str:
    return signing.dumps(reminder.pk, salt=REMINDER_SALT)


def reminder_from_token(token: str) -> FreshnessReminder:
    """The reminder a link names, if its signature is good and it is at most 14 days old; else ValidationError."""
    try:
        pk = signing.loads(token, salt=REMINDER_SALT, max_age=REMINDER_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError("This link has expired. Sign in to confirm your listing from your dashboard.") from error
    except signing.BadSignature as error:
        raise ValidationError("This link is not valid. Please use the link from your e-mail.") from error
    reminder = (
        FreshnessReminder.objects.select_related("clinic")
        .prefetch_related("clinic__clinic_treatments__treatment_type")  # the confirm page lists the offers
        .filter(pk=pk)
        .first()
    )
    if reminder is None:
        raise ValidationError("This link is not valid. Please use the link from your e-mail.")
    return reminder


def reminder_confirm(*, reminder: FreshnessReminder, user=None) -> Clinic:
    """'Nothing has changed': confirms every fact group as the clinic's, once per reminder."""
    with transaction.atomic():
        reminder = FreshnessReminder.objects.select_for_update().get(pk=reminder.pk)
        if reminder.closed_reason:
            raise ValidationError(reminder.closed_reason)
        reminder.used_at = timezone.now()
        reminder.used_by = user if user is not None and user.is_authenticated else None
        reminder.save(update_fields=["used_at", "used_by"])
        return facts_confirm(
            clinic=reminder.clinic,
            groups=list(FACT_GROUPS),
            by=ConfirmedBy.CLINIC,
            how=ConfirmedHow.CLINIC,
            user=reminder.used_by,
            note="from the reminder e-mail",
        )


def clinics_to_remind():
    """Claimed, published clinics with a fact near its limit, not reminded in the last month, with someone to tell."""
    recently = FreshnessReminder.objects.filter(clinic=OuterRef("pk"), sent_at__gte=timezone.now() - REMINDER_INTERVAL)
    listening = Membership.objects.filter(clinic=OuterRef("pk"), freshness_reminders=True)
    return (
        Clinic.objects.published()
        .with_facts_due(within=REMIND_BEFORE)
        .filter(Exists(listening))
        .exclude(Exists(recently))
        .prefetch_related("clinic_treatments__treatment_type")  # their price confirmations, for the e-mail
        .order_by("pk")
    )


def _facts_due(clinic: Clinic) -> list[tuple[str, Confirmation]]:
    """The facts near their limit, each named as staff know it: an offer's prices by its treatment."""
    due = [(confirmation.group.label, confirmation) for confirmation in map(clinic.confirmation, CLINIC_FACT_GROUPS)]
    due += [
        (f"{offer.confirmation.group.label} for {offer.treatment_type.name}", offer.confirmation)
        for offer in clinic.clinic_treatments.all()
    ]
    return [(name, confirmation) for name, confirmation in due if confirmation.due_within(REMIND_BEFORE)]


def reminder_send(*, clinic: Clinic) -> FreshnessReminder | None:
    """E-mail the clinic's members who want reminders; at most one reminder a clinic a month."""
    with transaction.atomic():
        Clinic.objects.select_for_update().only("pk").get(pk=clinic.pk)  # two runs at once send one reminder
        if clinic.freshness_reminders.filter(sent_at__gte=timezone.now() - REMINDER_INTERVAL).exists():
            return None
        members = list(
            Membership.objects.filter(clinic=clinic, freshness_reminders=True)
            .exclude(user__email="")
            .select_related("user")
        )
        if not members:
            return None
        reminder = FreshnessReminder.objects.create(clinic=clinic)
    context = {
        "clinic": clinic,
        "due": _facts_due(clinic),
        "confirm_url": site_url(reverse("owner:reminder_confirm", args=[reminder_link_token(reminder)])),
        "edit_url": site_url(reverse("owner:clinic_edit", args=[clinic.slug])),
        "settings_url": site_url(reverse("owner:dashboard")),
    }
    for member in members:  # queued once the reminder is stored, so a failed send is retried, never lost
        staff_mail_send(to=member.user.email, template="clinics/owner/email/freshness_reminder.txt", context=context)
    return reminder
