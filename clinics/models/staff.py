"""Clinic staff: memberships, invitations to join, claims on a listing, and the changes they propose."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from clinics.models.listings import Clinic


def reason_when_rejected(name: str, message: str) -> models.CheckConstraint:
    """A rejected request (a claim, a change) keeps the reason it was rejected for, which is sent to its sender."""
    return models.CheckConstraint(
        condition=~Q(status="rejected") | ~Q(reason=""), name=name, violation_error_message=message
    )


class Membership(models.Model):
    """A user who may propose changes to a clinic's listing."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        STAFF = "staff", "Staff"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STAFF)
    freshness_reminders = models.BooleanField(
        default=True, help_text="E-mail me when the listing's prices, hours or availability need confirming."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["clinic", "role", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "user"],
                name="membership_once_per_clinic",
                violation_error_message="This person already helps manage this clinic.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.clinic}"


INVITATION_MAX_AGE = timedelta(days=7)


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        """Neither accepted nor revoked; the link may have expired."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def open(self) -> "InvitationQuerySet":
        """Pending and sent within INVITATION_MAX_AGE: the link still works."""
        return self.pending().filter(sent_at__gte=timezone.now() - INVITATION_MAX_AGE)


class Invitation(models.Model):
    """An owner's e-mailed invitation for a colleague to join a clinic as staff.

    The link carries a random token stored here rather than a signed one: the row has to exist
    anyway so owners can list and revoke invitations, and then one look-up by token finds it with
    its state, with no signing salt or second expiry clock to keep in step. The token alone grants
    nothing: the invited address must also be one of the signed-in user's verified addresses.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="The address the invitation was sent to, in lower case.")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        default=timezone.now, help_text="When it was last e-mailed; the link works for seven days from then."
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "clinic",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending",
                violation_error_message="This address already has an invitation waiting.",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_both_closed",
                violation_error_message="An invitation is either used or withdrawn, not both.",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.clinic}"

    @property
    def expires_at(self) -> datetime:
        return self.sent_at + INVITATION_MAX_AGE

    @property
    def closed_reason(self) -> str:
        """Why the link can no longer be used, in words for the invitee; '' while it still works."""
        if self.revoked_at:
            return (
                "This invitation was withdrawn by the clinic, so it can no longer be used. If you think that "
                "is a mistake, ask the person who invited you."
            )
        if self.accepted_at:
            return "This invitation has already been used."
        if self.expires_at < timezone.now():
            return "This invitation has expired. Ask the person who invited you to send it again."
        return ""


class Claim(models.Model):
    """A user's request to manage an existing listing."""

    class Status(models.TextChoices):
        AWAITING_EMAIL = "awaiting_email", "Waiting for e-mail confirmation"
        PENDING = "pending", "Waiting for an editor"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    OPEN = [Status.AWAITING_EMAIL, Status.PENDING]

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_claims")
    status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(blank=True, max_length=1000, help_text="Who you are at the clinic, for the editor.")
    email = models.EmailField(blank=True, help_text="The address at the clinic's domain the link was sent to.")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why it was rejected; sent to the claimant.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "user"],
                condition=Q(status__in=["awaiting_email", "pending"]),
                name="claim_one_open",
                violation_error_message="You already have an open claim for this clinic.",
            ),
            reason_when_rejected(
                "claim_rejection_reason", "Give the reason for rejecting the claim; it is sent to the claimant."
            ),
        ]
        permissions = [("review_claim", "Can approve or reject claims")]

    def __str__(self) -> str:
        return f"Claim of {self.clinic} by {self.user}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ChangeRequestQuerySet(models.QuerySet):
    def pending(self) -> "ChangeRequestQuerySet":
        return self.filter(status=ChangeRequest.Status.PENDING)

    def visible_to(self, user) -> "ChangeRequestQuerySet":
        """Changes to the clinics the user is a member of."""
        return self.filter(clinic__in=Clinic.objects.editable_by(user))

    def new_listings_sent(self, user, *, name: str, city: str) -> "ChangeRequestQuerySet":
        """New clinics this user sent with this name in this city (case aside): the same clinic sent twice."""
        return self.filter(
            kind=ChangeRequest.Kind.NEW_LISTING, proposed_by=user, clinic__name__iexact=name, clinic__city__iexact=city
        )


class ChangeRequest(models.Model):
    """Proposed listing values from a member, waiting for an editor; the public page keeps the old ones.

    `base` is the listing as the member saw it and `base_version` its `updated_at` then, so an
    editor (and the member) can see, field by field, what changed underneath the proposal.
    """

    class Kind(models.TextChoices):
        EDIT = "edit", "Edit"
        NEW_LISTING = "new", "New listing"
        CONFIRMATION = "confirm", "Details confirmed"  # nothing changes; approving re-verifies

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EDIT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed = models.JSONField(help_text="The listing's values as proposed.")
    base = models.JSONField(help_text="The listing's values when the member started editing.")
    base_version = models.DateTimeField(help_text="The listing's 'updated' time when the member started editing.")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="proposed_changes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviewed_changes"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was rejected; sent to the member.")

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "proposed_by"],
                condition=Q(status="pending"),
                name="changerequest_one_pending",
                violation_error_message="You already have changes to this clinic waiting for review.",
            ),
            reason_when_rejected(
                "changerequest_reason", "Give the reason for rejecting the change; it is sent to the clinic."
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="changerequest_queue")]
        permissions = [("review_changerequest", "Can approve or reject listing changes")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.clinic} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("owner:change_detail", args=[self.clinic.slug, self.pk])
