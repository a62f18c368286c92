"""Pages search engines can reach: clinics by state, city, treatment and condition.

Each is an explanation from the reference data plus the same search as /clinics/, with one filter
fixed, sorted by how recently the listing's facts were all confirmed.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.db.models import Count, Max, Min
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from clinics.filters import ClinicFilter
from clinics.models import Clinic, ClinicTreatment, Condition, TreatmentType
from clinics.places import US_STATES
from clinics.structured_data import breadcrumb_json_ld
from clinics.views import compare
from clinics.views.search import results_page
from directory.caching import GUIDES, LISTINGS, cached, page_for_everyone, reading_only, url_key

# The query parameters a landing page reads; any other makes it render for that request alone.
PARAMETERS = ("page",)
HOME = ("Home", "/")
ALL_CLINICS = ("Clinics", "/clinics/")


def _landing_search(**fixed: str) -> ClinicFilter:
    data = QueryDict(mutable=True)
    data.update({"sort": "verified", **fixed})
    return ClinicFilter(data, queryset=Clinic.objects.published())


def _render(request: HttpRequest, template: str, context: Callable[[], dict]) -> HttpResponse:
    """The landing page, cached whole for anonymous visitors; `context` is called only to render it."""
    html = page_for_everyone(request, template, context, depends_on=(LISTINGS, GUIDES), parameters=PARAMETERS)
    return HttpResponse(compare.with_tray(request, html))


def _landing(request: HttpRequest, *, fixed: dict, crumbs: list, refine: dict, **context) -> dict:
    """The page's context with its results; `refine` holds the parameters that open the same search on /clinics/."""
    reading = reading_only(request, PARAMETERS)
    return {
        **cached(url_key("landing-results", reading), lambda: _results(reading, _landing_search(**fixed))),
        "crumbs": crumbs,
        "breadcrumb_json_ld": breadcrumb_json_ld(crumbs),
        "refine_url": f"{reverse('clinics:list')}?{urlencode(refine)}",
        **context,
    }


def _results(request: HttpRequest, search: ClinicFilter) -> dict:
    """The page of clinic cards, rendered: the same for every visitor until a listing changes."""
    page = results_page(request, search)
    return {
        "page_number": page.number,
        "result_count": page.paginator.count,
        "results": render_to_string("includes/clinic_results.html", {"page": page, "search": search}, request=request),
    }


def _state_code(state: str) -> str:
    code = state.upper()
    if code not in US_STATES:
        raise Http404("No such state.")
    return code


def state_clinics(request: HttpRequest, state: str) -> HttpResponse:
    code = _state_code(state)
    if state != code.lower():
        return redirect("clinics:state", state=code.lower(), permanent=True)
    return _render(
        request,
        "clinics/landing_state.html",
        lambda: _landing(
            request,
            fixed={"state": code},
            crumbs=[HOME, ALL_CLINICS, (US_STATES[code], request.path)],
            refine={"state": code},
            state_code=code,
            state_name=US_STATES[code],
            cities=cached(f"state-cities:{code}", lambda: _cities(code)),
            treatment_types=TreatmentType.objects.all(),
        ),
    )


def _cities(code: str) -> list[dict]:
    """The state's cities with the most clinics."""
    rows = Clinic.objects.published().filter(state=code).values("city").annotate(count=Count("pk"))
    return [
        {"name": row["city"], "slug": slugify(row["city"]), "count": row["count"]}
        for row in rows.order_by("-count", "city")[:48]
    ]


def city_clinics(request: HttpRequest, state: str, city: str) -> HttpResponse:
    code = _state_code(state)
    if state != code.lower():
        return redirect("clinics:city", state=code.lower(), city=city, permanent=True)

    def context() -> dict:
        names = cached(
            f"state-city-names:{code}",
            lambda: list(
                Clinic.objects.published().filter(state=code).order_by().values_list("city", flat=True).distinct()
            ),
        )
        name = next((name for name in names if slugify(name) == city), None)
        if name is None:
            raise Http404("No clinics listed in that city.")
        state_path = reverse("clinics:state", args=[code.lower()])
        return _landing(
            request,
            fixed={"state": code, "city": name},
            crumbs=[HOME, ALL_CLINICS, (US_STATES[code], state_path), (name, request.path)],
            refine={"where": f"{name}, {code}"},
            state_code=code,
            state_name=US_STATES[code],
            city=name,
            treatment_types=TreatmentType.objects.all(),
        )

    return _render(request, "clinics/landing_city.html", context)


def treatment_clinics(request: HttpRequest, slug: str) -> HttpResponse:
    def context() -> dict:
        treatment = get_object_or_404(TreatmentType, slug=slug)
        prices = cached(
            f"treatment-prices:{treatment.pk}",
            lambda: ClinicTreatment.objects.filter(
                treatment_type=treatment, clinic__status=Clinic.Status.PUBLISHED
            ).aggregate(low=Min("price_min"), high=Max("price_max"), clinics=Count("pk")),
        )
        return _landing(
            request,
            fixed={"treatment": slug},
            crumbs=[HOME, ALL_CLINICS, (treatment.name, request.path)],
            refine={"treatment": slug},
            treatment=treatment,
            prices=prices,
            treatment_types=TreatmentType.objects.exclude(pk=treatment.pk),
            conditions=Condition.objects.order_by("-group", "name"),
        )

    return _render(request, "clinics/landing_treatment.html", context)


def condition_clinics(request: HttpRequest, slug: str) -> HttpResponse:
    def context() -> dict:
        condition = get_object_or_404(Condition, slug=slug)
        return _landing(
            request,
            fixed={"condition": slug},
            crumbs=[HOME, ALL_CLINICS, (condition.name, request.path)],
            refine={"condition": slug},
            condition=condition,
            treatment_types=TreatmentType.objects.all(),
            conditions=Condition.objects.filter(group=condition.group).exclude(pk=condition.pk),
        )

    return _render(request, "clinics/landing_condition.html", context)
