"""A listing's changes: members propose edits and new clinics, editors approve or reject them.

Each function takes keyword-only arguments, validates before saving and runs in one transaction;
the member hears of a decision by e-mail through the outbox (clinics/staff/mail.py).
"""

import re
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from clinics.freshness import clinic_facts_confirmed_by_change, offers_confirmed_by_change
from clinics.images import Renditions
from clinics.models import ChangeRequest, Clinic, ClinicPhoto, Membership
from clinics.staff.changes import apply_snapshot, changed_fields, clinic_snapshot, conflicting_fields, new_photo_ids
from clinics.staff.mail import site_url, staff_mail_send

# Words too common in clinic names to tell two clinics apart.
GENERIC_WORDS = {"ketamine", "clinic", "clinics", "center", "centre", "wellness", "the", "of", "and", "llc", "inc"}


class ChangeConflict(Exception):
    """The listing changed underneath a proposal in fields the proposal also changes."""

    def __init__(self, fields: list[str]):
        super().__init__(f"Conflicting fields: {', '.join(fields)}")
        self.fields = fields


class SimilarClinics(Exception):
    """A new clinic's name looks like a published one's in the same city: the member must say it is another."""

    def __init__(self, clinics: list[Clinic]):
        super().__init__(f"Similar clinics: {', '.join(clinic.slug for clinic in clinics)}")
        self.clinics = clinics


def change_request_submit(
    *,
    clinic: Clinic,
    user,
    proposed: dict,
    base: dict,
    base_version,
    uploads: list[tuple[str, Renditions]] = (),
    kind: str = ChangeRequest.Kind.EDIT,
) -> ChangeRequest:
    """Store a member's proposal, with any new images (not public yet), for review.

    A confirmation proposes no change: the member says the listing is still right, and an
    editor's approval stamps it verified.
    """
    if kind == ChangeRequest.Kind.EDIT and not uploads and not changed_fields(base, proposed):
        raise ValidationError("Nothing was changed.", code="unchanged")
    proposed = {**proposed}
    written: list[str] = []  # files in storage, which a rollback does not take back
    try:
        with transaction.atomic():
            for photo_kind, renditions in uploads:
                photo = ClinicPhoto(clinic=clinic, kind=photo_kind, uploaded_by=user)
                photo.image.save("upload.webp", renditions.large, save=False)
                written.append(photo.image.name)
                photo.thumbnail.save("thumbnail.webp", renditions.thumbnail, save=False)
                written.append(photo.thumbnail.name)
                photo.full_clean()
                photo.save()
                if photo_kind == ClinicPhoto.Kind.LOGO:
                    proposed["logo"] = photo.pk
                else:
                    proposed["photos"] = sorted([*proposed.get("photos", []), photo.pk])
            change = ChangeRequest(
                clinic=clinic, kind=kind, proposed=proposed, base=base, base_version=base_version, proposed_by=user
            )
            change.full_clean()
            change.save()
    except BaseException as error:
        for name in written:
            default_storage.delete(name)
        if isinstance(error, IntegrityError):  # a second pending change by the same member: a double submit
            raise ValidationError("You already have a change waiting for review for this clinic.") from None
        raise
    return change


def _discard_new_photos(change: ChangeRequest) -> None:
    """Images uploaded with a change that will not be published never become public."""
    ClinicPhoto.objects.filter(
        clinic=change.clinic_id, pk__in=new_photo_ids(change.base, change.proposed), status=ClinicPhoto.Status.PENDING
    ).update(status=ClinicPhoto.Status.REMOVED)


def _unique_slug(name: str, city: str, state: str) -> str:
    """A free slug for a new clinic, reserved until the transaction ends.

    Two clinics submitted at once with the same name and place would otherwise both pick the same
    free slug; a transaction-level advisory lock on it makes the second wait and pick the next one.
    """
    base = slugify(f"{name} {city} {state}")[:150] or "clinic"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"clinic-slug:{base}"])
    slug, n = base, 2
    while Clinic.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _normalised_name(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", name.lower())
    return " ".join(word for word in words if word not in GENERIC_WORDS)


def similar_clinics(*, name: str, city: str, state: str) -> list[Clinic]:
    """Published clinics in the same city whose names look like this one."""
    wanted = _normalised_name(name)
    candidates = Clinic.objects.published().filter(state=state, city__iexact=city).only("name", "slug")[:500]
    return [
        clinic for clinic in candidates if SequenceMatcher(None, wanted, _normalised_name(clinic.name)).ratio() >= 0.8
    ]


@transaction.atomic
def clinic_submit(*, user, proposed: dict, not_a_duplicate: bool = False) -> ChangeRequest:
    """A new clinic from a signed-in user: a draft listing they own, waiting for an editor.

    Raises SimilarClinics when a published clinic in the same city has a name like it, unless
    the member said it is `not_a_duplicate`.
    """
    if not not_a_duplicate:
        similar = similar_clinics(name=proposed["name"], city=proposed["city"], state=proposed["state"])
        if similar:
            raise SimilarClinics(similar)
    clinic = Clinic(
        slug=_unique_slug(proposed["name"], proposed["city"], proposed["state"]),
        status=Clinic.Status.DRAFT,
        source=Clinic.Source.CLINIC,
        latitude=proposed["latitude"],
        longitude=proposed["longitude"],
    )
    clinic._change_reason = "Submitted as a new listing"
    clinic._history_user = user
    apply_snapshot(clinic, proposed, changed_fields({}, proposed) + ["zip_code"])
    Membership.objects.create(clinic=clinic, user=user, role=Membership.Role.OWNER)
    change = ChangeRequest(
        clinic=clinic,
        kind=ChangeRequest.Kind.NEW_LISTING,
        proposed=proposed,
        base=proposed,
        base_version=clinic.updated_at,
        proposed_by=user,
    )
    change.full_clean()
    change.save()
    return change


@transaction.atomic
def change_request_withdraw(*, change: ChangeRequest) -> ChangeRequest:
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.status != ChangeRequest.Status.PENDING:
        raise ValidationError("Only a change waiting for review can be withdrawn.")
    change.status = ChangeRequest.Status.WITHDRAWN
    change.full_clean()
    change.save()
    _discard_new_photos(change)
    return change


def change_request_conflicts(*, change: ChangeRequest) -> list[str]:
    """Fields where the live listing moved on differently since the member started (empty: none)."""
    if change.kind == ChangeRequest.Kind.NEW_LISTING:
        return []
    current = clinic_snapshot(Clinic.objects.get(pk=change.clinic_id))  # as stored now, not as held in memory
    return conflicting_fields(change.base, change.proposed, current)


def change_request_approve(*, change: ChangeRequest, editor) -> ChangeRequest:
    """Apply exactly the fields the member changed, record those facts as the clinic's, keep a history record."""
    with transaction.atomic():
        change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
        clinic = Clinic.objects.select_for_update().get(pk=change.clinic_id)
        if change.status != ChangeRequest.Status.PENDING:
            raise ValidationError("This change has already been decided.")
        change.clinic = clinic
        conflicts = change_request_conflicts(change=change)
        if conflicts:
            raise ChangeConflict(conflicts)
        if change.kind == ChangeRequest.Kind.NEW_LISTING:
            clinic.status = Clinic.Status.PUBLISHED
        proposer = change.proposed_by.email if change.proposed_by else "a former member"
        clinic._change_reason = f"Change #{change.pk} proposed by {proposer}"
        clinic._history_user = editor
        fields = changed_fields(change.base, change.proposed)
        # What the clinic changed (or confirmed) counts as confirmed by the clinic, not by the editor.
        clinic_facts_confirmed_by_change(clinic=clinic, change=change, fields=fields)
        apply_snapshot(clinic, change.proposed, fields)
        offers_confirmed_by_change(clinic=clinic, change=change)
        change.status = ChangeRequest.Status.APPROVED
        change.reviewed_by = editor
        change.reviewed_at = timezone.now()
        change.full_clean()
        change.save()
    _notify_decision(change)
    return change


def change_request_reject(*, change: ChangeRequest, editor, reason: str) -> ChangeRequest:
    with transaction.atomic():
        change = ChangeRequest.objects.select_for_update().select_related("clinic").get(pk=change.pk)
        if change.status != ChangeRequest.Status.PENDING:
            raise ValidationError("This change has already been decided.")
        change.status = ChangeRequest.Status.REJECTED
        change.reviewed_by = editor
        change.reviewed_at = timezone.now()
        change.reason = reason.strip()
        change.full_clean()
        change.save()
        _discard_new_photos(change)
    _notify_decision(change)
    return change


def _notify_decision(change: ChangeRequest) -> None:
    if change.proposed_by and change.proposed_by.email:
        staff_mail_send(
            to=change.proposed_by.email,
            template="clinics/owner/email/change_decided.txt",
            context={"change": change, "url": site_url(change.get_absolute_url())},
        )
