import uuid

from django.db import DatabaseError, connection
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from clinics.forms import InquiryForm, ListingReportForm
from clinics.models import Clinic, ClinicPhoto, Condition, Membership, TreatmentType, offers_with_details
from clinics.pageviews import count_view
from clinics.places import US_STATES
from clinics.structured_data import breadcrumb_json_ld, clinic_json_ld
from directory.caching import GUIDES, LISTINGS, cached, page_for_everyone


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        page_for_everyone(
            request,
            "clinics/home.html",
            lambda: cached("home-page", _home_data, depends_on=(LISTINGS, GUIDES)),
            depends_on=(LISTINGS, GUIDES),
        )
    )


def _home_data() -> dict:
    """Treatments, conditions and clinics per state (one GROUP BY over every listing, so cached)."""
    states = Clinic.objects.published().values("state").annotate(count=Count("pk")).order_by()
    return {
        "treatment_types": list(TreatmentType.objects.all()),
        "conditions": list(Condition.objects.order_by("-group", "name")),  # mental health first
        "clinic_count": sum(row["count"] for row in states),
        "states": sorted(
            (
                {"code": row["state"], "name": US_STATES.get(row["state"], row["state"]), "count": row["count"]}
                for row in states
            ),
            key=lambda state: state["name"],
        ),
    }


# Stands in for the inquiry form's per-visitor submission token in a page cached for everyone.
SUBMISSION_SLOT = "submission-token-slot"


def clinic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One page for every anonymous visitor, cached whole; the form tokens are made per request."""

    def context() -> dict:
        return {
            **_clinic_listing(request, slug),
            "inquiry_form": InquiryForm(initial={"submission_token": SUBMISSION_SLOT}),
            "report_form": ListingReportForm(),
        }

    html = page_for_everyone(request, "clinics/clinic_detail.html", context, depends_on=(LISTINGS, GUIDES))
    count_view(slug)
    return HttpResponse(html.replace(SUBMISSION_SLOT, str(uuid.uuid4())))


def _clinic_listing(request: HttpRequest, slug: str) -> dict:
    return cached(f"clinic-page:{slug}", lambda: _clinic_profile(request, slug), depends_on=(LISTINGS, GUIDES))


def _clinic_profile(request: HttpRequest, slug: str) -> dict:
    clinic = get_object_or_404(
        Clinic.objects.published()
        .annotate(claimed=Exists(Membership.objects.filter(clinic=OuterRef("pk"))))
        .prefetch_related(
            offers_with_details(),
            "conditions",
            "languages",
            Prefetch("photos", queryset=ClinicPhoto.objects.public(), to_attr="public_photos"),
        ),
        slug=slug,
    )
    topics = [offer.treatment_type for offer in clinic.clinic_treatments.all()] + list(clinic.conditions.all())
    logo = next((photo for photo in clinic.public_photos if photo.kind == ClinicPhoto.Kind.LOGO), None)
    state_path = reverse("clinics:state", args=[clinic.state.lower()])
    crumbs = [
        ("Home", reverse("home")),
        ("Clinics", reverse("clinics:list")),
        (US_STATES.get(clinic.state, clinic.state), state_path),
        (clinic.city, reverse("clinics:city", args=[clinic.state.lower(), slugify(clinic.city)])),
        (clinic.name, clinic.get_absolute_url()),
    ]
    context = {
        "clinic": clinic,
        "crumbs": crumbs,
        "breadcrumb_json_ld": breadcrumb_json_ld(crumbs),
        "logo": logo,
        "treats_pain": any(c.group == Condition.Group.CHRONIC_PAIN for c in clinic.conditions.all()),
        "photos": [photo for photo in clinic.public_photos if photo.kind == ClinicPhoto.Kind.PHOTO],
        "guide_topics": topics,
    }
    profile = {
        part: render_to_string(f"clinics/includes/clinic_{part}.html", context, request=request)
        for part in ("header", "sections", "contact", "guides")
    }
    profile["logo_url"] = logo.image.url if logo else ""
    # An unbound form's fields are the same for everyone; its CSRF and submission tokens are not cached.
    profile["inquiry_fields"] = render_to_string("includes/inquiry_fields.html", {"form": InquiryForm()})
    profile["report_fields"] = render_to_string("includes/report_fields.html", {"form": ListingReportForm()})
    profile["treatment_names"] = [offer.treatment_type.name for offer in clinic.clinic_treatments.all()]
    profile["json_ld"] = clinic_json_ld(clinic)
    # The forms need only the plain fields; the cached copy leaves the relations behind.
    clinic._prefetched_objects_cache = {}
    return {"clinic": clinic, "profile": profile}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not; for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
