"""Listings in the admin: clinics with their offers and members, and the reference data they use."""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from clinics.admin.imports import ClinicImportExportMixin
from clinics.admin_forms import OfferAdminForm
from clinics.models import (
    CLINIC_FACT_GROUPS,
    Clinic,
    ClinicTreatment,
    Condition,
    InsuranceCarrier,
    Language,
    Membership,
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


class ClinicTreatmentInline(admin.StackedInline):
    model = ClinicTreatment
    form = OfferAdminForm
    extra = 0
    autocomplete_fields = ["treatment_type"]
    fields = [
        "treatment_type",
        ("price_min", "price_max", "price_unit", "course_sessions"),
        "bills_insurance",
        "carriers",
        "notes",
        ("confirmed_at", "confirmed_by", "confirmed_how"),
    ]
    readonly_fields = ["confirmed_at", "confirmed_by", "confirmed_how"]
    filter_horizontal = ["carriers"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Clinic)
class ClinicAdmin(ClinicImportExportMixin, SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # a bare "clinic.example" means https
    list_display = ["name", "city", "state", "status", "accepting_new_patients", "facts_confirmed_at", "updated_at"]
    list_filter = [
        "status",
        "accepting_new_patients",
        "offers_telehealth",
        "offers_integration_therapy",
        "spravato_rems_certified",
        "session_monitored_by",
        "state",
    ]
    list_select_related = True
    search_fields = ["name", "city", "=zip_code", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    confirmation_fields = [f"{group}_confirmed_{part}" for group in CLINIC_FACT_GROUPS for part in ("at", "by", "how")]
    readonly_fields = ["created_at", "updated_at", "facts_confirmed_at", *confirmation_fields]
    filter_horizontal = ["conditions", "languages"]
    show_full_result_count = False
    inlines = [ClinicTreatmentInline, MembershipInline]
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
                    "offers_financing",
                    "offers_sliding_scale",
                    "offers_superbill",
                    "refers_to_clinical_trials",
                ]
            },
        ),
        ("Safety", {"fields": ["spravato_rems_certified", "session_monitored_by", "observation_minutes"]}),
        (
            "Confirmed (record a confirmation from the verification queue)",
            {
                "fields": [
                    ("accepting_confirmed_at", "accepting_confirmed_by", "accepting_confirmed_how"),
                    ("hours_confirmed_at", "hours_confirmed_by", "hours_confirmed_how"),
                    ("telehealth_confirmed_at", "telehealth_confirmed_by", "telehealth_confirmed_how"),
                    "facts_confirmed_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        ("Source", {"fields": ["source", "source_name", "source_date", "external_id", "location_precision"]}),
    ]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        Clinic.objects.filter(pk=form.instance.pk).refresh_facts_confirmed_at()  # an offer added here is unconfirmed
