from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from clinics.models import Clinic, ClinicTreatment, Condition, TreatmentType

CLINICS_PER_PAGE = 20


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "clinics/home.html",
        {
            "treatment_types": TreatmentType.objects.all(),
            "conditions": Condition.objects.order_by("-group", "name"),  # mental health first
            "clinic_count": Clinic.objects.published().count(),
        },
    )


def _card_queryset():
    """Published clinics with what a results card shows, in a fixed number of queries."""
    return Clinic.objects.published().prefetch_related(
        Prefetch("clinic_treatments", queryset=ClinicTreatment.objects.select_related("treatment_type")),
        "conditions",
        "insurance_carriers",
    )


def clinic_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(_card_queryset().order_by("name", "pk"), CLINICS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        raise Http404("No such page of clinics.") from None
    return render(request, "clinics/clinic_list.html", {"page": page})


def clinic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = get_object_or_404(
        Clinic.objects.published().prefetch_related(
            Prefetch("clinic_treatments", queryset=ClinicTreatment.objects.select_related("treatment_type")),
            "conditions",
            "insurance_carriers",
            "languages",
        ),
        slug=slug,
    )
    return render(request, "clinics/clinic_detail.html", {"clinic": clinic})


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that declare no icon, such as the admin's."""
    return redirect(static("img/favicon.svg"), permanent=True)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not; for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
