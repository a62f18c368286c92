from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from guides.forms import GuideAdminForm, PublishTimeWidget
from guides.models import Guide, SitePage

MARKDOWN_HELP = (
    "Markdown: ## Section heading (### for a sub-section; these make the table of contents), "
    "**bold**, *italic*, - list item, 1. numbered item, [link text](https://...), > quotation, "
    "| tables | like | this |. Scripts, styles and javascript: links are removed when the page is shown."
)

# "Dec 2, 2026, 9:00 AM CST": in the editor's time zone (directory/middleware.py), which it names.
SCHEDULE_FORMAT = "M j, Y, g:i A T"


class VisibilityFilter(admin.SimpleListFilter):
    title = "visibility"
    parameter_name = "visibility"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("live", "Live"), ("scheduled", "Scheduled"), ("hidden", "Not published")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Guide]) -> QuerySet[Guide]:
        published = queryset.filter(status=Guide.Status.PUBLISHED)
        if self.value() == "live":
            return published.filter(publish_at__lte=timezone.now())
        if self.value() == "scheduled":
            return published.filter(publish_at__gt=timezone.now())
        if self.value() == "hidden":
            return queryset.exclude(status=Guide.Status.PUBLISHED)
        return queryset


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    form = GuideAdminForm
    list_display = ["title", "state", "publish_at", "is_live", "updated_at", "preview_link"]
    list_filter = ["status", VisibilityFilter, "treatment_types", "conditions"]
    search_fields = ["title", "summary", "body", "author_name", "reviewer_name"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview_link", "first_published_at", "updated_at", "rendered_body"]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    actions = ["publish_now", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "preview_link"]}),
        ("Hero image", {"fields": ["hero_image", "hero_image_alt"]}),
        ("Topics", {"fields": ["treatment_types", "conditions"]}),
        (
            "People",
            {"fields": ["author_name", "author_credentials", "reviewer_name", "reviewer_credentials", "reviewed_on"]},
        ),
        ("Publishing", {"fields": ["status", "publish_at", "first_published_at", "updated_at"]}),
        ("As rendered at the last save", {"classes": ["collapse"], "fields": ["rendered_body"]}),
    ]

    def get_form(self, request: HttpRequest, obj: Guide | None = None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["body"].help_text = MARKDOWN_HELP
        if "publish_at" in form.base_fields:  # not for a view-only editor
            form.base_fields["publish_at"].widget = PublishTimeWidget()
        return form

    @admin.display(description="status", ordering="status")
    def state(self, guide: Guide) -> str:
        """A published guide whose time has not come is "Scheduled for <its time>", not "Published"."""
        if guide.status == Guide.Status.PUBLISHED and not guide.is_live:
            return f"Scheduled for {date_format(timezone.localtime(guide.publish_at), SCHEDULE_FORMAT)}"
        return guide.get_status_display()

    @admin.display(boolean=True, description="live")
    def is_live(self, guide: Guide) -> bool:
        return guide.is_live

    @admin.display(description="preview")
    def preview_link(self, guide: Guide) -> str:
        if not guide.pk:
            return "Save the guide to preview it."
        label = "View on the site" if guide.is_live else "Preview (only staff can see it)"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', guide.get_absolute_url(), label)

    @admin.display(description="body")
    def rendered_body(self, guide: Guide) -> str:
        return mark_safe(guide.body_html)  # noqa: S308 - nh3 sanitized it when the guide was saved

    @admin.action(description="Publish the selected guides now", permissions=["change"])
    def publish_now(self, request: HttpRequest, queryset: QuerySet[Guide]) -> None:
        for guide in queryset:
            guide.publish_now()
        self.message_user(request, f"Published {len(queryset)} guide(s).", messages.SUCCESS)

    @admin.action(description="Unpublish the selected guides (back to draft)", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Guide]) -> None:
        for guide in queryset:
            guide.unpublish()
        self.message_user(request, f"Moved {len(queryset)} guide(s) back to draft.", messages.SUCCESS)


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    """The fixed pages linked from every page's footer: editors change their text, never the set of pages."""

    list_display = ["title", "view_link", "updated_at"]
    fields = ["title", "description", "body", "updated_at"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 30, "class": "vLargeTextField"})}}
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SitePage | None = None) -> bool:
        return False

    def get_form(self, request: HttpRequest, obj: SitePage | None = None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "body" in form.base_fields:
            form.base_fields["body"].help_text = f"{MARKDOWN_HELP} {SitePage._meta.get_field('body').help_text}"
        return form

    @admin.display(description="on the site")
    def view_link(self, page: SitePage) -> str:
        url = page.get_absolute_url()
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)
