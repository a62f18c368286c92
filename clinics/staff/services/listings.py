"""Writes that span several models or send mail: claims, memberships, pending changes, reviews.

Each function takes keyword-only arguments, validates before saving and runs in one transaction.
E-mail goes out after the transaction commits its data, through the outbox (directory/outbox.py):
a message that cannot be sent now is kept and retried by `send_queued_mail`, never raised, so
nothing a user submitted or was told is lost because the mail server was down.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from clinics.changes import apply_snapshot, changed_fields, clinic_snapshot, conflicting_fields, new_photo_ids
from clinics.freshness import clinic_facts_confirmed_by_change, offers_confirmed_by_change
from clinics.images import Renditions
from clinics.models import ChangeRequest, Claim, Clinic, ClinicPhoto, Invitation, Membership
from directory.context_processors import SITE_NAME
from directory.outbox import email_queue

CLAIMS_PER_DAY = 5
CLAIM_LINK_MAX_AGE = timedelta(days=3)
CLAIM_SALT = "clinics.claim-confirm"


class ChangeConflict(Exception):
    """The listing changed underneath a proposal in fields the proposal also changes."""

    def __init__(self, fields: list[str]):
        super().__init__(f"Conflicting fields: {', '.join(fields)}")
        self.fields = fields


def _mail(*, to: str, template: str, context: dict) -> None:
    """Queue and send a plain-text e-mail whose first line is the subject."""
    site = {"SITE_NAME": SITE_NAME, "SITE_URL": settings.SITE_URL}
    subject, _, body = render_to_string(template, {**site, **context}).partition("\n")
    email_queue(message=EmailMessage(subject.strip(), body.strip() + "\n", None, [to]))


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def website_domain(clinic: Clinic) -> str:
    """The host of the clinic's website without a leading www., lower case; '' without a website."""
    host = (urlsplit(clinic.website).hostname or "").lower()
    return host.removeprefix("www.")


def claim_domain_address(*, clinic: Clinic, user) -> str:
    """The user's verified e-mail address at the clinic website's domain, or ''."""
    domain = website_domain(clinic)
    if not domain:
        return ""
    for address in EmailAddress.objects.filter(user=user, verified=True).order_by("-primary", "pk"):
        if address.email.lower().rpartition("@")[2] == domain:
            return address.email
    return ""


def claim_start(*, clinic: Clinic, user, note: str) -> Claim:
    """Claim a listing: granted at once to a verified address at the clinic's domain, or sent to an editor.

    The address was proven when allauth verified it, so a second link to it would prove nothing
    more. (Claims opened before this was so wait for their e-mailed link: see claim_confirm.)
    """
    if Claim.objects.filter(user=user, created_at__gte=timezone.now() - timedelta(days=1)).count() >= CLAIMS_PER_DAY:
        raise ValidationError("You have made too many claims today. Please try again tomorrow.")
    if Claim.objects.filter(clinic=clinic, user=user, status__in=Claim.OPEN).exists():
        raise ValidationError("You already have an open claim for this clinic.")
    address = claim_domain_address(clinic=clinic, user=user)
    claim = Claim(clinic=clinic, user=user, note=note, email=address, status=Claim.Status.PENDING)
    if address:
        claim.status, claim.decided_at = Claim.Status.APPROVED, timezone.now()
    claim.full_clean()
    try:
        with transaction.atomic():
            claim.save()
            if address:
                _grant_membership(clinic=clinic, user=user)
    except IntegrityError:  # a double submit raced past the check above
        raise ValidationError("You already have an open claim for this clinic.") from None
    return claim


def claim_resend(*, claim: Claim) -> None:
    """E-mail the confirmation link again to the claim's address; the new link works for three days."""
    if claim.status != Claim.Status.AWAITING_EMAIL:
        raise ValidationError("This claim is no longer waiting for confirmation.")
    _claim_link_send(claim)


def _claim_link_send(claim: Claim) -> None:
    token = signing.dumps(claim.pk, salt=CLAIM_SALT)
    _mail(
        to=claim.email,
        template="clinics/owner/email/claim_confirm.txt",
        context={"claim": claim, "url": _site_url(reverse("owner:claim_confirm", args=[token]))},
    )


def claim_from_token(token: str) -> int | None:
    try:
        return signing.loads(token, salt=CLAIM_SALT, max_age=CLAIM_LINK_MAX_AGE)
    except signing.BadSignature:
        return None


def _grant_membership(*, clinic: Clinic, user) -> Membership:
    """Make the user a member: owner when the clinic has none yet, otherwise staff."""
    has_owner = Membership.objects.filter(clinic=clinic, role=Membership.Role.OWNER).exists()
    membership, _ = Membership.objects.get_or_create(
        clinic=clinic,
        user=user,
        defaults={"role": Membership.Role.STAFF if has_owner else Membership.Role.OWNER},
    )
    return membership


@transaction.atomic
def claim_confirm(*, claim: Claim) -> Membership:
    """The claimant followed the link sent to their address at the clinic's domain."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != Claim.Status.AWAITING_EMAIL:
        raise ValidationError("This claim is no longer waiting for confirmation.")
    claim.status = Claim.Status.APPROVED
    claim.decided_at = timezone.now()
    claim.full_clean()
    claim.save()
    return _grant_membership(clinic=claim.clinic, user=claim.user)


def claim_approve(*, claim: Claim, editor) -> Membership:
    with transaction.atomic():
        claim = Claim.objects.select_for_update().select_related("clinic", "user").get(pk=claim.pk)
        if not claim.is_open:
            raise ValidationError("This claim has already been decided.")
        claim.status = Claim.Status.APPROVED
        claim.decided_at = timezone.now()
        claim.decided_by = editor
        claim.full_clean()
        claim.save()
        membership = _grant_membership(clinic=claim.clinic, user=claim.user)
    _mail(
        to=claim.user.email,
        template="clinics/owner/email/claim_decided.txt",
        context={"claim": claim, "url": _site_url(reverse("owner:dashboard"))},
    )
    return membership


def claim_reject(*, claim: Claim, editor, reason: str) -> Claim:
    with transaction.atomic():
        claim = Claim.objects.select_for_update().select_related("clinic", "user").get(pk=claim.pk)
        if not claim.is_open:
            raise ValidationError("This claim has already been decided.")
        claim.status = Claim.Status.REJECTED
        claim.decided_at = timezone.now()
        claim.decided_by = editor
        claim.reason = reason.strip()
        claim.full_clean()
        claim.save()
    _mail(
        to=claim.user.email,
        template="clinics/owner/email/claim_decided.txt",
        context={"claim": claim, "url": _site_url(reverse("owner:dashboard"))},
    )
    return claim


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


@transaction.atomic
def clinic_submit(*, user, proposed: dict) -> ChangeRequest:
    """A new clinic from a signed-in user: a draft listing they own, waiting for an editor."""
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
        _mail(
            to=change.proposed_by.email,
            template="clinics/owner/email/change_decided.txt",
            context={"change": change, "url": _site_url(change.get_absolute_url())},
        )


def membership_invite(*, clinic: Clinic, inviter, email: str) -> Invitation:
    """E-mail a colleague a link that makes them staff of the clinic once they sign in.

    An address that already has an invitation waiting gets the same link again, working for
    seven days from now, rather than a second invitation.
    """
    email = email.strip().lower()
    with transaction.atomic():
        Clinic.objects.select_for_update().only("pk").get(pk=clinic.pk)  # one invitation at a time per clinic
        invitation = clinic.invitations.pending().filter(email=email).first()
        if invitation is None:
            invitation = Invitation(clinic=clinic, email=email, invited_by=inviter)
        invitation.sent_at = timezone.now()
        invitation.full_clean()
        invitation.save()
    _mail(
        to=email,
        template="clinics/owner/email/invitation.txt",
        context={
            "clinic": clinic,
            "inviter": inviter,
            "url": _site_url(reverse("owner:invitation", args=[invitation.token])),
        },
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Withdraw an invitation that has not been used, so its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(f"{invitation.email} has already accepted this invitation.")
    if invitation.revoked_at:
        raise ValidationError(f"The invitation to {invitation.email} was already withdrawn.")
    invitation.revoked_at = timezone.now()
    invitation.full_clean()
    invitation.save()
    return invitation


@transaction.atomic
def membership_accept(*, invitation: Invitation, user) -> Membership:
    """Join a clinic as staff; the invitation must still work and be for one of the user's verified addresses."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.closed_reason:
        raise ValidationError(invitation.closed_reason)
    if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
        raise ValidationError("This invitation was sent to an address you have not verified in your account.")
    membership, _ = Membership.objects.get_or_create(
        clinic_id=invitation.clinic_id, user=user, defaults={"role": Membership.Role.STAFF}
    )
    invitation.accepted_at = timezone.now()
    invitation.full_clean()
    invitation.save()
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Remove a member; a clinic always keeps at least one owner."""
    # One change of members at a time per clinic: two owners removing each other at once must not
    # both see the other still there.
    Clinic.objects.select_for_update().only("pk").get(pk=membership.clinic_id)
    if (
        membership.role == Membership.Role.OWNER
        and not Membership.objects.filter(clinic=membership.clinic_id, role=Membership.Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError("A clinic needs at least one owner.")
    membership.delete()
