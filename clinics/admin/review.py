"""The editors' review work in one place: members' changes and claims (approve or reject with a reason),
the verification queue and the reminders that keep facts fresh, possible duplicates from imports, and
visitors' reports of wrong listings.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from clinics.admin_forms import FactConfirmForm, ReviewReasonForm
from clinics.freshness import facts_confirm
from clinics.models import (
    CLINIC_FACT_GROUPS,
    FACT_GROUPS,
    ChangeRequest,
    Claim,
    Clinic,
    ClinicPhoto,
    ConfirmedBy,
    FreshnessReminder,
    ListingReport,
    ListingToCheck,
    PossibleDuplicate,
    offers_with_details,
)
from clinics.staff.changes import clinic_snapshot, describe_changes, new_photo_ids
from clinics.staff.services import claims, listings
from directory.admin import ReadOnlyAdmin


class ReviewMixin:
    """A review page per object (approve / reject with a reason) for staff with the review permission."""

    review_permission: str
    review_template: str

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm(self.review_permission)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # decisions go through the review page, never by editing fields

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name=f"{opts.app_label}_{opts.model_name}_review",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Review")
    def review_link(self, obj):
        opts = self.model._meta
        return format_html(
            '<a href="{}">Review</a>', reverse(f"admin:{opts.app_label}_{opts.model_name}_review", args=[obj.pk])
        )

    def review_view(self, request, pk: int):
        if not self.has_review_permission(request):
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        reject_form = ReviewReasonForm(request.POST if request.POST.get("decision") == "reject" else None)
        if request.method == "POST":
            try:
                if request.POST.get("decision") == "approve":
                    self.approve(request, obj)
                    return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")
                if request.POST.get("decision") == "reject" and reject_form.is_valid():
                    self.reject(request, obj, reject_form.cleaned_data["reason"])
                    self.message_user(request, f"Rejected {obj}; the reason was e-mailed.", messages.SUCCESS)
                    return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.ERROR)
            except listings.ChangeConflict as conflict:
                self.message_user(
                    request,
                    f"Not approved: the listing changed since this was proposed ({', '.join(conflict.fields)}). "
                    "Reject it with a reason so the clinic can edit again from the current listing.",
                    messages.ERROR,
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Review {obj}",
            "object": obj,
            "reject_form": reject_form,
            **self.review_context(obj),
        }
        return TemplateResponse(request, self.review_template, context)


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReviewMixin, admin.ModelAdmin):
    review_permission = "clinics.review_changerequest"
    review_template = "admin/clinics/changerequest_review.html"
    list_display = ["__str__", "clinic", "kind", "status", "proposed_by", "created_at", "reviewed_by", "review_link"]
    list_filter = ["status", "kind"]
    list_select_related = ["clinic", "proposed_by", "reviewed_by"]
    search_fields = ["clinic__name", "proposed_by__email"]
    readonly_fields = [
        "clinic",
        "kind",
        "status",
        "proposed_by",
        "created_at",
        "base_version",
        "reviewed_by",
        "reviewed_at",
        "reason",
    ]
    exclude = ["proposed", "base"]
    actions = ["approve_without_conflicts"]
    show_full_result_count = False

    def review_context(self, change: ChangeRequest) -> dict:
        is_new = change.kind == ChangeRequest.Kind.NEW_LISTING
        current = None if is_new or change.status != ChangeRequest.Status.PENDING else clinic_snapshot(change.clinic)
        rows = describe_changes({} if is_new else change.base, change.proposed, current)
        return {
            "rows": rows,
            "new_photos": ClinicPhoto.objects.filter(
                clinic=change.clinic_id, pk__in=new_photo_ids(change.base, change.proposed)
            ),
            "has_conflicts": any(row.conflict for row in rows),
            "listing_moved": current is not None and change.clinic.updated_at != change.base_version,
        }

    def approve(self, request, change: ChangeRequest) -> None:
        listings.change_request_approve(change=change, editor=request.user)
        self.message_user(request, f"Approved {change}: the listing is updated and verified.", messages.SUCCESS)

    def reject(self, request, change: ChangeRequest, reason: str) -> None:
        listings.change_request_reject(change=change, editor=request.user, reason=reason)

    @admin.action(description="Approve selected pending changes that have no conflicts", permissions=["review"])
    def approve_without_conflicts(self, request, queryset):
        approved, skipped = 0, 0
        for change in queryset.filter(status=ChangeRequest.Status.PENDING).select_related("clinic"):
            try:
                listings.change_request_approve(change=change, editor=request.user)
            except (listings.ChangeConflict, ValidationError):
                skipped += 1
            else:
                approved += 1
        self.message_user(request, f"Approved {approved}; skipped {skipped} with conflicts or already decided.")


@admin.register(Claim)
class ClaimAdmin(ReviewMixin, admin.ModelAdmin):
    review_permission = "clinics.review_claim"
    review_template = "admin/clinics/claim_review.html"
    list_display = ["__str__", "clinic", "user", "status", "created_at", "decided_by", "review_link"]
    list_filter = ["status"]
    list_select_related = ["clinic", "user", "decided_by"]
    search_fields = ["clinic__name", "user__email"]
    readonly_fields = ["clinic", "user", "status", "note", "email", "created_at", "decided_at", "decided_by", "reason"]

    def review_context(self, claim: Claim) -> dict:
        return {
            "domain": claim.clinic.website_domain,
            "members": claim.clinic.memberships.select_related("user"),
        }

    def approve(self, request, claim: Claim) -> None:
        claims.claim_approve(claim=claim, editor=request.user)
        self.message_user(request, f"Approved {claim}; the claimant now manages the clinic.", messages.SUCCESS)

    def reject(self, request, claim: Claim, reason: str) -> None:
        claims.claim_reject(claim=claim, editor=request.user, reason=reason)


class NeedsCheckingFilter(admin.SimpleListFilter):
    """The listings with a fact never confirmed or past its limit: what the admin index counts."""

    title = "needs checking"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("yes", "Needs checking")]

    def queryset(self, request, queryset):
        return queryset.with_facts_due() if self.value() == "yes" else queryset


@admin.register(ListingToCheck)
class VerificationQueueAdmin(admin.ModelAdmin):
    """Published listings, stalest fact first; each fact group can be confirmed unchanged in one step.

    Uses the clinic permissions: whoever may change clinics may confirm their facts.
    """

    list_display = ["name", "city", "state", "stalest_fact", "due_facts", "confirm_link"]
    list_filter = [NeedsCheckingFilter]
    list_display_links = None
    list_per_page = 50
    ordering = [models.F("facts_confirmed_at").asc(nulls_first=True), "name", "pk"]
    search_fields = ["name", "city", "=zip_code"]
    show_full_result_count = False

    def get_queryset(self, request):
        return ListingToCheck.objects.published().prefetch_related("clinic_treatments__treatment_type")

    def has_module_permission(self, request) -> bool:
        return request.user.has_perm("clinics.change_clinic")

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("clinics.change_clinic")

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("clinics.change_clinic")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="clinics_listingtocheck_confirm",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Stalest fact")
    def stalest_fact(self, clinic: Clinic) -> str:
        stalest = clinic.stalest_confirmation
        when = f"{stalest.at:%b %-d, %Y}" if stalest.at else "never confirmed"
        return f"{stalest.group.label}: {when}"

    @admin.display(description="Out of date")
    def due_facts(self, clinic: Clinic) -> str:
        labels = dict.fromkeys(c.group.label for c in clinic.confirmations() if c.stale)
        return ", ".join(labels) or "-"

    @admin.display(description="Check")
    def confirm_link(self, clinic: Clinic):
        url = reverse("admin:clinics_listingtocheck_confirm", args=[clinic.pk])
        return format_html('<a href="{}">Check {}</a>', url, clinic.name)

    def confirm_view(self, request, pk: int):
        if not self.has_change_permission(request):
            raise PermissionDenied
        clinic = get_object_or_404(Clinic.objects.prefetch_related(offers_with_details()), pk=pk)
        form = FactConfirmForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            group = form.cleaned_data["group"]
            facts_confirm(
                clinic=clinic,
                groups=[group],
                by=ConfirmedBy.EDITOR,
                how=form.cleaned_data["how"],
                user=request.user,
                note=form.cleaned_data["note"],
            )
            self.message_user(request, f"{FACT_GROUPS[group].label} of {clinic} confirmed unchanged.", messages.SUCCESS)
            return redirect("admin:clinics_listingtocheck_confirm", pk=clinic.pk)
        offers = list(clinic.clinic_treatments.all())
        groups = [{"key": "prices", "label": FACT_GROUPS["prices"].label, "offers": offers}] + [
            {"key": key, "label": FACT_GROUPS[key].label, "confirmation": clinic.confirmation(key)}
            for key in CLINIC_FACT_GROUPS
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Check {clinic}",
            "clinic": clinic,
            "groups": groups,
            "form": form,
            "history": clinic.history.select_related("history_user")[:10],
        }
        return TemplateResponse(request, "admin/clinics/listing_confirm.html", context)


@admin.register(FreshnessReminder)
class FreshnessReminderAdmin(ReadOnlyAdmin):
    list_display = ["clinic", "sent_at", "used_at"]
    list_select_related = ["clinic"]
    search_fields = ["clinic__name"]
    fields = ["clinic", "sent_at", "used_at", "used_by"]
    readonly_fields = fields


@admin.register(PossibleDuplicate)
class PossibleDuplicateAdmin(admin.ModelAdmin):
    """Imported rows that look like a listing already here; an editor compares them and marks them handled."""

    list_display = ["__str__", "clinic", "reason", "source_name", "line", "handled", "created_at"]
    list_filter = ["handled", "reason"]
    list_select_related = ["clinic"]
    readonly_fields = ["clinic", "source_name", "line", "reason", "row", "created_at"]
    fields = ["clinic", "reason", "source_name", "line", "row", "handled", "created_at"]
    actions = ["mark_handled"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Mark as handled", permissions=["change"])
    def mark_handled(self, request, queryset):
        count = queryset.update(handled=True)
        self.message_user(request, f"{count} possible duplicate(s) marked handled.", messages.SUCCESS)


@admin.register(ListingReport)
class ListingReportAdmin(admin.ModelAdmin):
    list_display = ["clinic", "part", "short_note", "created_at", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "part"]
    list_select_related = ["clinic"]
    search_fields = ["clinic__name", "note"]
    readonly_fields = ["clinic", "part", "note", "reporter_email", "created_at"]
    fields = ["clinic", "part", "note", "reporter_email", "created_at", "resolved_at"]
    actions = ["mark_resolved"]

    @admin.display(description="Note")
    def short_note(self, report: ListingReport) -> str:
        return report.note if len(report.note) <= 80 else report.note[:79] + "…"

    @admin.action(description="Mark selected reports as resolved")
    def mark_resolved(self, request, queryset) -> None:
        updated = queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        self.message_user(request, f"{updated} reports marked resolved.")
