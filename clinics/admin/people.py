"""Clinic staff and what patients send clinics: memberships, invitations, inquiries."""

from django.contrib import admin, messages

from clinics.inquiries import inquiries_release
from clinics.models import Inquiry, Invitation, Membership
from directory.admin import ReadOnlyAdmin


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["clinic", "user", "role", "freshness_reminders", "created_at"]
    list_filter = ["role", "freshness_reminders"]
    list_select_related = ["clinic", "user"]
    raw_id_fields = ["clinic", "user"]
    search_fields = ["clinic__name", "user__email"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """What editors need to help a clinic whose colleague never got the e-mail: who, when, and what became of it.

    Read-only: owners send and revoke invitations from their clinic's page. The token is left out,
    so the admin never shows a working link.
    """

    list_display = ["email", "clinic", "invited_by", "sent_at", "accepted_at", "revoked_at"]
    list_select_related = ["clinic", "invited_by"]
    search_fields = ["email", "clinic__name"]
    fields = ["clinic", "email", "invited_by", "created_at", "sent_at", "accepted_at", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyAdmin):
    """Delivery status only: the message itself is for the clinic, not for the directory's staff.

    Inquiries past a clinic's hourly limit are held here; an editor releases them to the clinic
    or, for a flood of junk, deletes them.
    """

    list_display = ["pk", "clinic", "created_at", "delivery", "delivery_attempts", "delivered_at"]
    list_filter = ["delivery"]
    list_select_related = ["clinic"]
    search_fields = ["clinic__name"]
    fields = ["clinic", "created_at", "delivery", "delivery_attempts", "delivered_at"]
    readonly_fields = fields
    show_full_result_count = False
    actions = ["release"]

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("clinics.review_inquiry")

    @admin.action(description="Release the selected held inquiries to their clinics", permissions=["review"])
    def release(self, request, queryset) -> None:
        count = inquiries_release(inquiries=queryset)
        self.message_user(
            request,
            f"{count} held inquiries released; they go out with the next send_queued_mail run.",
            messages.SUCCESS,
        )
