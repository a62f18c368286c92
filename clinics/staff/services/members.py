"""A clinic's members: owners invite colleagues by e-mail, withdraw invitations and remove members."""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clinics.models import Clinic, Invitation, Membership
from clinics.staff.mail import site_url, staff_mail_send


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
    staff_mail_send(
        to=email,
        template="clinics/owner/email/invitation.txt",
        context={
            "clinic": clinic,
            "inviter": inviter,
            "url": site_url(reverse("owner:invitation", args=[invitation.token])),
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
