"""The admin index's "work waiting" box: what editors have to review, counted, with a link to each queue."""

from dataclasses import dataclass

from django import template
from django.db.models import Count, Q
from django.urls import reverse

from clinics.models import ChangeRequest, Claim, Clinic, ListingReport, PossibleDuplicate

register = template.Library()


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str


@register.simple_tag
def work_waiting(user) -> list[Queue]:
    """Pending listing changes, confirmations, new clinics, claims, open reports, listings with facts to
    check and possible duplicates from imports, those the user may review.

    Five queries whatever the numbers: one for the three kinds of change request, one each for the rest.
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
    if user.has_perm("clinics.change_clinic"):
        queues.append(
            Queue(
                "Listings that need checking",
                Clinic.objects.published().with_facts_due().count(),
                reverse("admin:clinics_listingtocheck_changelist") + "?due=yes",
            )
        )
    if user.has_perm("clinics.change_possibleduplicate"):
        queues.append(
            Queue(
                "Possible duplicates from imports",
                PossibleDuplicate.objects.filter(handled=False).count(),
                reverse("admin:clinics_possibleduplicate_changelist") + "?handled__exact=0",
            )
        )
    return queues
