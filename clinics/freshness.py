"""Keeping the facts patients decide on fresh: recording who confirmed them, when and how.

Confirmations are recorded per fact group (clinics/models/freshness.py) and kept in the listing's
history: each one saves the clinic with who did it and a change reason that says what and how.
The e-mails reminding clinic staff to confirm them are in clinics/staff/services/reminders.py.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
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
)

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
