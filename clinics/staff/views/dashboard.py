"""The member's dashboard and one clinic's page for its members."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from clinics.models import ChangeRequest, Claim, Clinic, ClinicPageViews, Inquiry, Membership
from clinics.staff.changes import Describer, describe_changes
from clinics.staff.forms import FindClinicForm, ReminderSettingsForm


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The member's clinics with their status, pending changes, open claims and simple counts."""
    month_start = timezone.localdate().replace(day=1)
    last_month_start = (month_start - timedelta(days=1)).replace(day=1)
    delivered = ~Q(inquiries__delivery=Inquiry.Delivery.HELD)  # held ones are an editor's, as in the inbox
    clinics = (
        Clinic.objects.editable_by(request.user)
        .annotate(
            facts_due=Exists(Clinic.objects.with_facts_due().filter(pk=OuterRef("pk"))),
            pending_changes=Count(
                "change_requests", filter=Q(change_requests__status=ChangeRequest.Status.PENDING), distinct=True
            ),
            inquiries_this_month=Count(
                "inquiries", filter=delivered & Q(inquiries__created_at__date__gte=month_start), distinct=True
            ),
            inquiries_last_month=Count(
                "inquiries",
                filter=delivered
                & Q(inquiries__created_at__date__gte=last_month_start, inquiries__created_at__date__lt=month_start),
                distinct=True,
            ),
        )
        .order_by("name")
    )
    monthly_views = {
        (row["clinic"], row["month"]): row["total"]
        for row in ClinicPageViews.objects.filter(
            clinic__in=Clinic.objects.editable_by(request.user).values("pk"), day__gte=last_month_start
        )
        .annotate(month=TruncMonth("day"))
        .values("clinic", "month")
        .annotate(total=Sum("views"))
    }
    memberships = {m.clinic_id: m for m in Membership.objects.filter(user=request.user)}
    clinics = list(clinics)
    for clinic in clinics:
        clinic.views_this_month = monthly_views.get((clinic.pk, month_start), 0)
        clinic.views_last_month = monthly_views.get((clinic.pk, last_month_start), 0)
        clinic.role = memberships[clinic.pk].get_role_display()
        clinic.reminder_form = ReminderSettingsForm(
            initial={"freshness_reminders": memberships[clinic.pk].freshness_reminders}
        )
    changes = (
        ChangeRequest.objects.visible_to(request.user)
        .select_related("clinic", "proposed_by")
        .filter(Q(status=ChangeRequest.Status.PENDING) | Q(reviewed_at__gte=timezone.now() - timedelta(days=30)))
        .order_by("-created_at")[:20]
    )
    claims = Claim.objects.filter(user=request.user).select_related("clinic").order_by("-created_at")[:10]
    inquiries = Inquiry.objects.visible_to(request.user).select_related("clinic").order_by("-created_at")
    return render(
        request,
        "clinics/owner/dashboard.html",
        {
            "clinics": clinics,
            "find_form": FindClinicForm(),
            "changes": changes,
            "claims": claims,
            "inquiries": inquiries[:5],
            "unread_inquiries": inquiries.filter(read_at__isnull=True).count(),
        },
    )


@login_required
def clinic_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """One clinic for its members: pending changes, members and the history of published changes.

    Owners also see the invitations still waiting, which they may revoke.
    """
    clinic = get_object_or_404(Clinic.objects.editable_by(request.user), slug=slug)
    changes = list(clinic.change_requests.select_related("proposed_by", "reviewed_by").order_by("-created_at")[:50])
    approved = [change for change in changes if change.status == ChangeRequest.Status.APPROVED]
    describe = Describer(*[snapshot for change in approved for snapshot in (change.base, change.proposed)])
    history = [(change, describe_changes(change.base, change.proposed, describe=describe)) for change in approved]
    members = clinic.memberships.select_related("user").order_by("role", "created_at")
    is_owner = any(m.user_id == request.user.pk and m.role == Membership.Role.OWNER for m in members)
    return render(
        request,
        "clinics/owner/clinic_manage.html",
        {
            "clinic": clinic,
            "pending": [change for change in changes if change.status == ChangeRequest.Status.PENDING],
            "history": history,
            "members": members,
            "is_owner": is_owner,
            "invitations": clinic.invitations.open().select_related("invited_by") if is_owner else [],
        },
    )
