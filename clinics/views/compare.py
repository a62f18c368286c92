"""Up to four clinics side by side."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clinics.models import Clinic, ClinicTreatment, TreatmentType, offers_with_details

MAX_COMPARED = 4


def _selected_ids(request: HttpRequest) -> list[int]:
    """The clinic ids asked for, in order, without repeats; anything not a plain number is ignored."""
    ids: list[int] = []
    for value in request.GET.getlist("id")[:100]:
        # isdigit() alone lets through "²", which int() refuses.
        if value.isascii() and value.isdigit() and len(value) < 19 and int(value) not in ids:
            ids.append(int(value))
    return ids


def compare(request: HttpRequest) -> HttpResponse:
    ids = _selected_ids(request)
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
