"""The admin index's "work waiting" box: what editors have to review, counted, with a link to each queue."""

from dataclasses import dataclass

from django import template
from django.db.models import Count, Q
from django.urls import reverse

from clinics.models import ChangeRequest, Claim, ListingReport

register = template.Library()


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str


@register.simple_tag
def work_waiting(user) -> list[Queue]:
    """Pending listing changes, confirmations, new clinics, claims and open reports the user may review.

    Three queries whatever the numbers: one for the three kinds of change request, one each for
    claims and reports.
    """
    queues = []
    if user.has_perm("clinics.review_changerequest"):
        pending = ChangeRequest.objects.pending().aggregate(
            **{kind: Count("pk", filter=Q(kind=kind)) for kind in ChangeRequest.Kind.values}
        )
        changes = reverse("admin:clinics_changerequest_changelist") + "?status__exact=pending&kind__exact="
        queues += [
            Queue("Listing changes to review", pending[ChangeRequest.Kind.EDIT], changes + ChangeRequest.Kind.EDIT),
            Queue(
                "New clinic submissions",
                pending[ChangeRequest.Kind.NEW_LISTING],
                changes + ChangeRequest.Kind.NEW_LISTING,
            ),
            Queue(
                "Listings confirmed as still right",
                pending[ChangeRequest.Kind.CONFIRMATION],
                changes + ChangeRequest.Kind.CONFIRMATION,
            ),
        ]
    if user.has_perm("clinics.review_claim"):
        queues.append(
            Queue(
                "Claims waiting for an editor",
                Claim.objects.filter(status=Claim.Status.PENDING).count(),
                reverse("admin:clinics_claim_changelist") + "?status__exact=pending",
            )
        )
    if user.has_perm("clinics.change_listingreport"):
        queues.append(
            Queue(
                "Reports of wrong listings",
                ListingReport.objects.filter(resolved_at__isnull=True).count(),
                reverse("admin:clinics_listingreport_changelist") + "?resolved_at__isempty=1",
            )
        )
    return queues
