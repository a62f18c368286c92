"""The search columns on each clinic row follow every kind of write to what they summarize.

The database keeps them with triggers (migration 0022); searches read only them. Each test writes
one way and compares the columns with what the tables now say.
"""

import pytest
from django.db import connection

from clinics.models import Clinic, ClinicTreatment, Condition, InsuranceCarrier, Language, TreatmentType
from clinics.search_columns import COLUMNS, TREATMENT_SHIFT
from tests.factories import bill_insurance, make_clinic

pytestmark = pytest.mark.django_db


def columns(clinic: Clinic) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM clinics_clinic WHERE id = %s", [clinic.pk])  # noqa: S608
        return dict(zip(COLUMNS, cursor.fetchone(), strict=True))


def expected(clinic: Clinic) -> dict:
    """The columns computed in Python from the tables."""
    offers = list(ClinicTreatment.objects.filter(clinic=clinic).prefetch_related("carriers"))
    billed = [(offer.treatment_type_id, carrier.pk) for offer in offers for carrier in offer.carriers.all()]
    session = {offer.treatment_type_id: offer.price_min for offer in offers if offer.per_session}
    top = max((offer.treatment_type_id for offer in offers), default=0)
    return {
        "search_treatments": sorted(offer.treatment_type_id for offer in offers),
        "search_billed": sorted(offer.treatment_type_id for offer in offers if offer.bills_insurance),
        "search_carriers": sorted({carrier for _, carrier in billed}),
        "search_offer_carriers": sorted(treatment * TREATMENT_SHIFT + carrier for treatment, carrier in billed),
        "search_session_prices": [session.get(position) for position in range(1, top + 1)],
        "search_lowest_session_price": min(session.values(), default=None),
        "search_conditions": sorted(clinic.conditions.values_list("pk", flat=True)),
        "search_languages": sorted(clinic.languages.values_list("pk", flat=True)),
    }


def assert_current(clinic: Clinic) -> None:
    found = columns(clinic)
    for name in ("search_carriers", "search_offer_carriers"):
        found[name] = sorted(found[name])
    assert found == expected(clinic)


def test_a_new_clinic_with_offers_has_its_treatments_and_session_prices():
    clinic = make_clinic(treatments={"iv-infusion": (400, 600), "spravato": (700, 900)})
    assert_current(clinic)
    assert columns(clinic)["search_lowest_session_price"] == 400


def test_billing_a_carrier_and_stopping_are_both_seen():
    clinic = make_clinic(treatments={"iv-infusion": (400, 600), "spravato": (700, 900)})
    offer = bill_insurance(clinic, "spravato", "aetna", "cigna")
    assert_current(clinic)
    assert columns(clinic)["search_billed"] == [offer.treatment_type_id]
    offer.carriers.remove(InsuranceCarrier.objects.get(slug="aetna"))
    assert_current(clinic)
    offer.carriers.clear()
    offer.bills_insurance = False
    offer.save()
    assert_current(clinic)
    assert columns(clinic)["search_carriers"] == []


def test_a_price_change_or_a_new_unit_is_seen():
    clinic = make_clinic(treatments={"iv-infusion": (400, 600), "oral-sublingual": (150, 300)})
    ClinicTreatment.objects.filter(clinic=clinic, treatment_type__slug="iv-infusion").update(price_min=350)
    assert_current(clinic)
    ClinicTreatment.objects.filter(clinic=clinic, treatment_type__slug="oral-sublingual").update(price_unit="month")
    assert_current(clinic)
    assert columns(clinic)["search_lowest_session_price"] == 350


def test_removing_an_offer_removes_it_from_the_columns():
    clinic = make_clinic(treatments={"iv-infusion": (400, 600), "spravato": (700, 900)})
    bill_insurance(clinic, "spravato", "aetna")
    ClinicTreatment.objects.get(clinic=clinic, treatment_type__slug="spravato").delete()
    assert_current(clinic)
    assert columns(clinic)["search_carriers"] == []


def test_conditions_and_languages_follow_set_add_and_clear():
    clinic = make_clinic()
    clinic.conditions.set(Condition.objects.all()[:3])
    clinic.languages.add(*Language.objects.all()[:2])
    assert_current(clinic)
    clinic.conditions.remove(Condition.objects.all()[0])
    clinic.languages.clear()
    assert_current(clinic)


def test_a_bulk_write_of_many_clinics_keeps_each_one_right():
    clinics = [make_clinic() for _ in range(3)]
    ClinicTreatment.objects.filter(clinic__in=clinics).delete()  # one statement for three clinics
    for clinic in clinics:
        assert columns(clinic)["search_treatments"] == []
    iv, spravato = TreatmentType.objects.get(slug="iv-infusion"), TreatmentType.objects.get(slug="spravato")
    ClinicTreatment.objects.bulk_create(
        [
            ClinicTreatment(clinic=clinic, treatment_type=treatment, price_min=100 * n + 300, price_max=900)
            for n, clinic in enumerate(clinics)
            for treatment in (iv, spravato)
        ]
    )
    for clinic in clinics:
        assert_current(clinic)


def test_editing_the_clinic_row_itself_leaves_the_columns_alone():
    clinic = make_clinic(treatments={"spravato": (700, 900)})
    bill_insurance(clinic, "spravato", "aetna")
    stale = Clinic.objects.get(pk=clinic.pk)  # loaded before nothing changes its offers
    stale.name = "Renamed Clinic"
    stale.save()
    assert_current(clinic)
    assert columns(clinic)["search_carriers"]
