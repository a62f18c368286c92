"""Plain factory helpers: each makes one valid object, with any field overridden by keyword. And how
tests read the clinics a page lists."""

import re
from collections.abc import Iterable
from datetime import timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.utils import timezone

from clinics.models import CLINIC_FACT_GROUPS, Clinic, ClinicTreatment, Condition, InsuranceCarrier, TreatmentType
from guides.models import Guide

_serial = count(1)
_NOW = object()  # "now, when the helper runs"

AUSTIN = (30.2713, -97.7426)  # ZIP 78701


def make_clinic(
    *, treatments: dict[str, tuple[int, int]] | None = None, facts_confirmed_at=_NOW, **overrides
) -> Clinic:
    """A published clinic in Austin, TX; `treatments` maps treatment slugs to (min, max) prices.

    Every decision fact (each offer's prices, accepting, hours, telehealth) is confirmed by an
    editor by phone at `facts_confirmed_at` (now by default; None: never confirmed).
    """
    n = next(_serial)
    confirmed_at = timezone.now() if facts_confirmed_at is _NOW else facts_confirmed_at
    confirmed = {"by": "editor" if confirmed_at else "", "how": "phone" if confirmed_at else ""}
    fields = {
        "name": f"Test Clinic {n}",
        "slug": f"test-clinic-{n}",
        "description": "A fictional clinic made by the tests.",
        "status": Clinic.Status.PUBLISHED,
        "street": f"{n} Example Street",
        "city": "Austin",
        "state": "TX",
        "zip_code": "78701",
        "latitude": AUSTIN[0],
        "longitude": AUSTIN[1],
        "phone": "(512) 555-0100",
        "email": f"front-desk{n}@clinic{n}.example",
        "website": f"https://clinic{n}.example",
        **{
            f"{group}_confirmed_{part}": value
            for group in CLINIC_FACT_GROUPS
            for part, value in [("at", confirmed_at), ("by", confirmed["by"]), ("how", confirmed["how"])]
        },
    }
    fields.update(overrides)
    clinic = Clinic.objects.create(**fields)
    for slug, (price_min, price_max) in (treatments or {"iv-infusion": (400, 600)}).items():
        ClinicTreatment.objects.create(
            clinic=clinic,
            treatment_type=TreatmentType.objects.get(slug=slug),
            price_min=price_min,
            price_max=price_max,
            confirmed_at=confirmed_at,
            confirmed_by=confirmed["by"],
            confirmed_how=confirmed["how"],
        )
    Clinic.objects.filter(pk=clinic.pk).refresh_facts_confirmed_at()
    clinic.refresh_from_db()
    return clinic


def confirm_all_facts(clinic: Clinic, when, *, by: str = "editor", how: str = "phone") -> Clinic:
    """Set every decision fact of the clinic (and its offers) as confirmed at `when`."""
    fields = {
        f"{group}_confirmed_{part}": value
        for group in CLINIC_FACT_GROUPS
        for part, value in [("at", when), ("by", by), ("how", how)]
    }
    Clinic.objects.filter(pk=clinic.pk).update(**fields)
    ClinicTreatment.objects.filter(clinic=clinic).update(confirmed_at=when, confirmed_by=by, confirmed_how=how)
    Clinic.objects.filter(pk=clinic.pk).refresh_facts_confirmed_at()
    clinic.refresh_from_db()
    return clinic


def bill_insurance(clinic: Clinic, treatment: str, *carriers: str) -> ClinicTreatment:
    """Mark the clinic's offer of `treatment` as billed to insurance, to the carriers with these slugs."""
    offer = ClinicTreatment.objects.get(clinic=clinic, treatment_type__slug=treatment)
    offer.bills_insurance = True
    offer.save()
    offer.carriers.add(*InsuranceCarrier.objects.filter(slug__in=carriers))
    return offer


def make_user(**overrides):
    n = next(_serial)
    fields = {"username": f"user{n}", "email": f"user{n}@example.com"}
    fields.update(overrides)
    password = fields.pop("password", "a-long-test-password")
    return get_user_model().objects.create_user(password=password, **fields)


def make_guide(*, treatments: Iterable[str] = (), conditions: Iterable[str] = (), **overrides) -> Guide:
    """A guide published a day ago; `treatments` and `conditions` are slugs of its topics."""
    n = next(_serial)
    fields = {
        "title": f"Test Guide {n}",
        "slug": f"test-guide-{n}",
        "summary": "A fictional guide made by the tests.",
        "body": "## First section\n\nSome text.\n\n## Second section\n\nMore text.",
        "author_name": "Test Author",
        "reviewer_name": "Dr. Test Reviewer",
        "reviewer_credentials": "MD",
        "status": Guide.Status.PUBLISHED,
        "publish_at": timezone.now() - timedelta(days=1),
    }
    fields.update(overrides)
    guide = Guide(**fields)
    guide.full_clean()
    guide.save()
    guide.treatment_types.set(TreatmentType.objects.filter(slug__in=treatments))
    guide.conditions.set(Condition.objects.filter(slug__in=conditions))
    return guide


def result_names(response) -> list[str]:
    """The clinic names of a search or landing page's results, in order; not the nearest clinics
    listed beyond a search that finds nothing."""
    results = re.search(r'<section class="results".*?</section>', response.content.decode(), re.S)
    return re.findall(r'class="card__title"><a href="[^"]+">([^<]+)</a>', results[0]) if results else []
