"""The admin index's "work waiting" box: what editors have to review, counted, with a link to each queue."""

from dataclasses import dataclass

from django import template
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from clinics.models import ChangeRequest, Claim, Clinic, ListingReport, PossibleDuplicate

register = template.Library()


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str


def _queue(label: str, rows: QuerySet, model: str, query: str) -> Queue:
    """`rows` counted, linked to the admin's list of `model` (clinics app) filtered by `query`."""
    return Queue(label, rows.count(), f"{reverse(f'admin:clinics_{model}_changelist')}?{query}")


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
            Queue(label, pending[kind], changes + kind)
            for label, kind in [
                ("Listing changes to review", ChangeRequest.Kind.EDIT),
                ("New clinic submissions", ChangeRequest.Kind.NEW_LISTING),
                ("Listings confirmed as still right", ChangeRequest.Kind.CONFIRMATION),
            ]
        ]
    # Querysets are lazy: only the queues the user may review are counted.
    others = [
        ("clinics.review_claim", "Claims waiting for an editor",
         Claim.objects.filter(status=Claim.Status.PENDING), "claim", "status__exact=pending"),
        ("clinics.change_listingreport", "Reports of wrong listings",
         ListingReport.objects.filter(resolved_at__isnull=True), "listingreport", "resolved_at__isempty=1"),
        ("clinics.change_clinic", "Listings that need checking",
         Clinic.objects.published().with_facts_due(), "listingtocheck", "due=yes"),
        ("clinics.change_possibleduplicate", "Possible duplicates from imports",
         PossibleDuplicate.objects.filter(handled=False), "possibleduplicate", "handled__exact=0"),
    ]  # fmt: skip
    queues += [_queue(label, rows, model, query) for perm, label, rows, model, query in others if user.has_perm(perm)]
    return queues
