"""Up to four clinics side by side, and the compare tray that keeps the visitor's choice across pages."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clinics.models import Clinic, ClinicTreatment, TreatmentType, offers_with_details

MAX_COMPARED = 4
# The clinics in the tray, as "12.34": a cookie, so the choice survives filters, sorts and pages
# without JavaScript, while the pages themselves stay cached for everyone.
TRAY_COOKIE = "compare"
TRAY_MAX_AGE = 60 * 60 * 24 * 30
TRAY_SLOT = "<!--compare-tray-->"


def _plain_ids(values: Iterable[str], limit: int = 100) -> list[int]:
    """The clinic ids given, in order, without repeats; anything not a plain number is ignored."""
    ids: list[int] = []
    for value in list(values)[:limit]:
        # isdigit() alone lets through "²", which int() refuses.
        if value.isascii() and value.isdigit() and len(value) < 19 and int(value) not in ids:
            ids.append(int(value))
    return ids


def tray_ids(request: HttpRequest) -> list[int]:
    """The clinics this visitor has put in the compare tray."""
    return _plain_ids(request.COOKIES.get(TRAY_COOKIE, "").split("."), limit=MAX_COMPARED)


def with_tray(request: HttpRequest, html: str) -> str:
    """The page with this visitor's compare tray in its slot (a page cached for everyone has it empty)."""
    if TRAY_SLOT not in html:
        return html
    ids = tray_ids(request)
    tray = ""
    if ids:
        by_id = Clinic.objects.published().only("pk", "name").in_bulk(ids)
        clinics = [by_id[pk] for pk in ids if pk in by_id]
        tray = render_to_string("includes/compare_tray.html", {"tray": clinics}, request=request)
    return html.replace(TRAY_SLOT, tray)


@require_POST
def compare_tray(request: HttpRequest) -> HttpResponse:
    """Add a clinic to the tray, remove one or empty it, then go back to the page the visitor was on."""
    chosen = tray_ids(request)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("clinics:list")
    added = _plain_ids([request.POST.get("add", "")])
    removed = _plain_ids([request.POST.get("remove", "")])
    if added and added[0] not in chosen:
        clinic = Clinic.objects.published().filter(pk=added[0]).only("name").first()
        if clinic and len(chosen) >= MAX_COMPARED:
            messages.warning(
                request,
                f"You can compare up to {MAX_COMPARED} clinics at a time. "
                f"Remove one from “Compare” first to add {clinic.name}.",
            )
        elif clinic:
            chosen.append(clinic.pk)
            back += f"#clinic-{clinic.pk}"
    elif removed:
        chosen = [pk for pk in chosen if pk != removed[0]]
    elif "clear" in request.POST:
        chosen = []
    response = redirect(back)
    response.set_cookie(
        TRAY_COOKIE,
        ".".join(map(str, chosen)),
        max_age=TRAY_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def compare(request: HttpRequest) -> HttpResponse:
    """The clinics named by `id` in the address (a shared link), or else those in the visitor's tray."""
    ids = _plain_ids(request.GET.getlist("id")) if "id" in request.GET else tray_ids(request)
    clinics_by_id = (
        Clinic.objects.published()
        .prefetch_related(
            offers_with_details(),
            "conditions",
            "languages",
        )
        .in_bulk(ids)
    )
    clinics = [clinics_by_id[pk] for pk in ids if pk in clinics_by_id]  # unknown or unpublished ids drop out
    too_many = len(clinics) > MAX_COMPARED
    treatment_types = TreatmentType.objects.all()
    rows = [
        (treatment_type, [_offer(clinic, treatment_type) for clinic in clinics]) for treatment_type in treatment_types
    ]
    return render(
        request,
        "clinics/compare.html",
        {
            "clinics": clinics,
            "too_many": too_many,
            "max_compared": MAX_COMPARED,
            "first_ids": [clinic.pk for clinic in clinics[:MAX_COMPARED]],
            "treatment_rows": [] if too_many else [row for row in rows if any(row[1])],
        },
        status=400 if too_many else 200,
    )


def _offer(clinic: Clinic, treatment_type: TreatmentType) -> ClinicTreatment | None:
    for offer in clinic.clinic_treatments.all():
        if offer.treatment_type_id == treatment_type.pk:
            return offer
    return None
