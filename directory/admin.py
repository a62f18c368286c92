"""The outbox in the admin: what is waiting, what was given up on, and a way to try again."""

from django.contrib import admin, messages

from directory.models import QueuedEmail


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the site writes itself: staff read them and act through the list's actions, never add or edit one."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(QueuedEmail)
class QueuedEmailAdmin(ReadOnlyAdmin):
    """E-mails waiting in the outbox. Bodies stay hidden: they can hold sign-in and reset links."""

    list_display = ["subject", "created_at", "status", "attempts", "last_attempt_at"]
    list_filter = ["status"]
    fields = ["to", "subject", "created_at", "status", "attempts", "last_attempt_at"]
    readonly_fields = fields
    actions = ["try_again"]

    @admin.action(description="Try the selected e-mails again at the next send_queued_mail run")
    def try_again(self, request, queryset) -> None:
        count = queryset.update(status=QueuedEmail.Status.PENDING, attempts=0)
        self.message_user(request, f"{count} e-mails will be tried again.", messages.SUCCESS)
