from django.db import DatabaseError, connection
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from clinics.forms import InquiryForm, ListingReportForm
from clinics.models import Clinic, ClinicPageViews, ClinicPhoto, ClinicTreatment, Condition, TreatmentType
from clinics.places import US_STATES
from clinics.structured_data import breadcrumb_json_ld, clinic_json_ld
from guides.models import Guide


def home(request: HttpRequest) -> HttpResponse:
    states = Clinic.objects.published().values("state").annotate(count=Count("pk")).order_by()
    return render(
        request,
        "clinics/home.html",
        {
            "treatment_types": TreatmentType.objects.all(),
            "conditions": Condition.objects.order_by("-group", "name"),  # mental health first
            "clinic_count": sum(row["count"] for row in states),
            "states": sorted(
                (
                    {"code": row["state"], "name": US_STATES.get(row["state"], row["state"]), "count": row["count"]}
                    for row in states
                ),
                key=lambda state: state["name"],
            ),
        },
    )


def clinic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = get_object_or_404(
        Clinic.objects.published().prefetch_related(
            Prefetch("clinic_treatments", queryset=ClinicTreatment.objects.select_related("treatment_type")),
            "conditions",
            "insurance_carriers",
            "languages",
            Prefetch("photos", queryset=ClinicPhoto.objects.public(), to_attr="public_photos"),
        ),
        slug=slug,
    )
    ClinicPageViews.record(clinic.pk)
    topics = [offer.treatment_type for offer in clinic.clinic_treatments.all()] + list(clinic.conditions.all())
    state_path = reverse("clinics:state", args=[clinic.state.lower()])
    crumbs = [
        ("Home", reverse("home")),
        ("Clinics", reverse("clinics:list")),
        (US_STATES.get(clinic.state, clinic.state), state_path),
        (clinic.city, reverse("clinics:city", args=[clinic.state.lower(), slugify(clinic.city)])),
        (clinic.name, clinic.get_absolute_url()),
    ]
    return render(
        request,
        "clinics/clinic_detail.html",
        {
            "clinic": clinic,
            "crumbs": crumbs,
            "breadcrumb_json_ld": breadcrumb_json_ld(crumbs),
            "clinic_json_ld": clinic_json_ld(clinic),
            "inquiry_form": InquiryForm(),
            "report_form": ListingReportForm(),
            "logo": next((p for p in clinic.public_photos if p.kind == ClinicPhoto.Kind.LOGO), None),
            "photos": [p for p in clinic.public_photos if p.kind == ClinicPhoto.Kind.PHOTO],
            "guides": Guide.objects.published().about(*topics)[:3],
        },
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not; for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
