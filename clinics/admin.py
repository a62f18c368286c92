from django.contrib import admin
from django.utils import timezone

from clinics.models import (
    Clinic,
    ClinicTreatment,
    Condition,
    Inquiry,
    InsuranceCarrier,
    Language,
    ListingReport,
    Place,
    TreatmentType,
)


@admin.register(TreatmentType)
class TreatmentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "course_sessions", "course_schedule", "fda_approved", "usually_insured"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["name", "group"]
    list_filter = ["group"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(InsuranceCarrier)
class InsuranceCarrierAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["zip_code", "city", "state", "latitude", "longitude"]
    list_filter = ["state"]
    search_fields = ["=zip_code", "city"]
    show_full_result_count = False  # tens of thousands of rows; skip the extra COUNT


class ClinicTreatmentInline(admin.TabularInline):
    model = ClinicTreatment
    extra = 0
    autocomplete_fields = ["treatment_type"]


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "state", "status", "accepting_new_patients", "last_verified_at", "updated_at"]
    list_filter = ["status", "accepting_new_patients", "offers_telehealth", "offers_integration_therapy", "state"]
    list_select_related = True
    search_fields = ["name", "city", "=zip_code", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    filter_horizontal = ["conditions", "insurance_carriers", "languages"]
    date_hierarchy = "last_verified_at"
    show_full_result_count = False
    inlines = [ClinicTreatmentInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "description"]}),
        ("Address", {"fields": ["street", "city", "state", "zip_code", "latitude", "longitude"]}),
        ("Contact", {"fields": ["phone", "email", "website", "hours"]}),
        (
            "Care",
            {
                "fields": [
                    "medical_director",
                    "medical_director_credentials",
                    "first_visit",
                    "accepting_new_patients",
                    "offers_telehealth",
                    "offers_integration_therapy",
                    "conditions",
                    "languages",
                ]
            },
        ),
        (
            "Payment",
            {
                "fields": [
                    "insurance_carriers",
                    "offers_financing",
                    "offers_sliding_scale",
                    "offers_superbill",
                    "refers_to_clinical_trials",
                ]
            },
        ),
        ("Verification", {"fields": ["last_verified_at", "created_at", "updated_at"]}),
    ]


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    """Delivery status only: the message itself is for the clinic, not for the directory's staff."""

    list_display = ["pk", "clinic", "created_at", "delivery", "delivery_attempts", "delivered_at"]
    list_filter = ["delivery"]
    list_select_related = ["clinic"]
    search_fields = ["clinic__name"]
    fields = ["clinic", "created_at", "delivery", "delivery_attempts", "delivered_at"]
    readonly_fields = fields
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


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
