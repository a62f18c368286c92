"""Claims: a signed-in user asks to manage a published listing, and becomes its member.

A verified address at the clinic website's domain grants the claim at once; otherwise an editor
decides it in the admin. Each function takes keyword-only arguments, validates before saving and
runs in one transaction; e-mail goes out through the outbox (clinics/staff/mail.py).
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clinics.models import Claim, Clinic, Membership
from clinics.staff.mail import site_url, staff_mail_send

CLAIMS_PER_DAY = 5
CLAIM_LINK_MAX_AGE = timedelta(days=3)
CLAIM_SALT = "clinics.claim-confirm"


def claim_domain_address(*, clinic: Clinic, user) -> str:
    """The user's verified e-mail address at the clinic website's domain, or ''."""
    domain = clinic.website_domain
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
    token = signing.dumps(claim.pk, salt=CLAIM_SALT)
    staff_mail_send(
        to=claim.email,
        template="clinics/owner/email/claim_confirm.txt",
        context={"claim": claim, "url": site_url(reverse("owner:claim_confirm", args=[token]))},
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
        claim = _claim_decide(claim=claim, editor=editor, status=Claim.Status.APPROVED)
        membership = _grant_membership(clinic=claim.clinic, user=claim.user)
    _claim_decided_mail(claim)
    return membership


def claim_reject(*, claim: Claim, editor, reason: str) -> Claim:
    with transaction.atomic():
        claim = _claim_decide(claim=claim, editor=editor, status=Claim.Status.REJECTED, reason=reason.strip())
    _claim_decided_mail(claim)
    return claim


def _claim_decide(*, claim: Claim, editor, status: str, reason: str = "") -> Claim:
    """An editor's decision on an open claim, saved with the row locked (inside the caller's transaction)."""
    claim = Claim.objects.select_for_update().select_related("clinic", "user").get(pk=claim.pk)
    if not claim.is_open:
        raise ValidationError("This claim has already been decided.")
    claim.status = status
    claim.decided_at = timezone.now()
    claim.decided_by = editor
    claim.reason = reason
    claim.full_clean()
    claim.save()
    return claim


def _claim_decided_mail(claim: Claim) -> None:
    staff_mail_send(
        to=claim.user.email,
        template="clinics/owner/email/claim_decided.txt",
        context={"claim": claim, "url": site_url(reverse("owner:dashboard"))},
    )
