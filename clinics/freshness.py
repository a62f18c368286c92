"""Keeping the facts patients decide on fresh: confirming them, and reminding clinic staff to.

Confirmations are recorded per fact group (clinics/models/freshness.py) and kept in the listing's
history: each one saves the clinic with who did it and a change reason that says what and how.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from clinics.models import (
    CLINIC_FACT_GROUPS,
    FACT_GROUPS,
    ChangeRequest,
    Clinic,
    ClinicTreatment,
    ConfirmedBy,
    ConfirmedHow,
    FreshnessReminder,
    Membership,
)
from clinics.models.freshness import REMIND_BEFORE, REMINDER_INTERVAL, REMINDER_LINK_MAX_AGE
from directory.context_processors import SITE_NAME
from directory.outbox import email_queue

REMINDER_SALT = "clinics.freshness-reminder"
# Clinic fields whose change, approved, counts as the clinic confirming that fact group.
GROUP_OF_FIELD = {"accepting_new_patients": "accepting", "hours": "hours", "offers_telehealth": "telehealth"}


def facts_confirm(*, clinic: Clinic, groups: list[str], by: str, how: str, user=None, note: str = "") -> Clinic:
    """Record that these fact groups were confirmed unchanged just now; one history record on the listing."""
    unknown = set(groups) - set(FACT_GROUPS)
    if unknown or not groups:
        raise ValidationError(f"Unknown fact group: {', '.join(sorted(unknown)) or '(none)'}.")
    now = timezone.now()
    labels = "All facts" if set(groups) == set(FACT_GROUPS) else ", ".join(FACT_GROUPS[g].label for g in groups)
    reason = f"{labels} confirmed unchanged by {ConfirmedBy(by).label}"
    if how != by:  # "by the clinic's staff, with the clinic" says nothing more
        reason += f", {ConfirmedHow(how).label}"
    if note.strip():
        reason += f": {note.strip()}"
    with transaction.atomic():
        clinic = Clinic.objects.select_for_update().get(pk=clinic.pk)
        if "prices" in groups:
            for offer in ClinicTreatment.objects.filter(clinic=clinic):
                offer.set_confirmed(at=now, by=by, how=how)
                offer._history_user = user
                offer._change_reason = Truncator(reason).chars(100)
                offer.save(update_fields=["confirmed_at", "confirmed_by", "confirmed_how"])
        for group in groups:
            if group in CLINIC_FACT_GROUPS:
                clinic.set_confirmed(group, at=now, by=by, how=how)
        clinic._history_user = user
        clinic._change_reason = Truncator(reason).chars(100)
        clinic.save()
        Clinic.objects.filter(pk=clinic.pk).refresh_facts_confirmed_at()
    clinic.refresh_from_db()
    return clinic


def clinic_facts_confirmed_by_change(*, clinic: Clinic, change: ChangeRequest, fields: list[str]) -> None:
    """Mark the clinic's own facts an approved change touched as confirmed by the clinic (saved by the caller).

    A confirmation ("these details are still right") or a new listing confirms them all.
    """
    everything = change.kind != ChangeRequest.Kind.EDIT
    for field, group in GROUP_OF_FIELD.items():
        if everything or field in fields:
            clinic.set_confirmed(group, at=timezone.now(), by=ConfirmedBy.CLINIC, how=ConfirmedHow.CLINIC)


def offers_confirmed_by_change(*, clinic: Clinic, change: ChangeRequest) -> None:
    """Once an approved change is applied: stamp the offers it added or altered (all, unless an edit)."""
    offers = ClinicTreatment.objects.filter(clinic=clinic)
    if change.kind == ChangeRequest.Kind.EDIT:
        offers = offers.filter(treatment_type_id__in=_offers_changed(change))
    offers.update(confirmed_at=timezone.now(), confirmed_by=ConfirmedBy.CLINIC, confirmed_how=ConfirmedHow.CLINIC)
    Clinic.objects.filter(pk=clinic.pk).refresh_facts_confirmed_at()


def _offers_changed(change: ChangeRequest) -> list[int]:
    """Treatment type ids whose offer the change adds or alters."""
    before = {offer["treatment_type"]: offer for offer in (change.base or {}).get("treatments") or []}
    after = {offer["treatment_type"]: offer for offer in change.proposed.get("treatments") or []}
    return [type_id for type_id, offer in after.items() if before.get(type_id) != offer]


# --- reminders --------------------------------------------------------------------------------


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
    reminder = FreshnessReminder.objects.select_related("clinic").filter(pk=pk).first()
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
        .prefetch_related("clinic_treatments__treatment_type")
        .order_by("pk")
    )


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
    due = [c for c in clinic.confirmations() if c.due_at is None or c.due_at <= timezone.now() + REMIND_BEFORE]
    context = {
        "SITE_NAME": SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "clinic": clinic,
        "due": due,
        "confirm_url": settings.SITE_URL + reverse("owner:reminder_confirm", args=[reminder_link_token(reminder)]),
        "edit_url": settings.SITE_URL + reverse("owner:clinic_edit", args=[clinic.slug]),
        "settings_url": settings.SITE_URL + reverse("owner:dashboard"),
    }
    subject, _, body = render_to_string("clinics/owner/email/freshness_reminder.txt", context).partition("\n")
    for member in members:  # queued once the reminder is stored, so a failed send is retried, never lost
        email_queue(message=EmailMessage(subject.strip(), body.strip() + "\n", None, [member.user.email]))
    return reminder
