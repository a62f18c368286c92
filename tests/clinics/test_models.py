import pytest
from django.db import IntegrityError, transaction

from clinics.models import ClinicTreatment, TreatmentType
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db


def test_the_reference_data_holds_the_four_treatment_types_and_ten_conditions():
    from clinics.models import Condition

    assert list(TreatmentType.objects.values_list("slug", flat=True)) == [
        "iv-infusion",
        "im-injection",
        "spravato",
        "oral-sublingual",
    ]
    assert TreatmentType.objects.get(slug="spravato").course_sessions == 8
    assert Condition.objects.filter(group="mental_health").count() == 6
    assert Condition.objects.filter(group="chronic_pain").count() == 4


def test_the_database_refuses_a_minimum_price_above_the_maximum():
    clinic = make_clinic(treatments={})
    with pytest.raises(IntegrityError), transaction.atomic():
        ClinicTreatment.objects.create(
            clinic=clinic, treatment_type=TreatmentType.objects.get(slug="iv-infusion"), price_min=700, price_max=500
        )


def test_the_database_refuses_a_zero_price():
    clinic = make_clinic(treatments={})
    with pytest.raises(IntegrityError), transaction.atomic():
        ClinicTreatment.objects.create(
            clinic=clinic, treatment_type=TreatmentType.objects.get(slug="iv-infusion"), price_min=0, price_max=500
        )


def test_the_database_refuses_the_same_treatment_twice_for_one_clinic():
    clinic = make_clinic(treatments={"iv-infusion": (400, 500)})
    with pytest.raises(IntegrityError), transaction.atomic():
        ClinicTreatment.objects.create(
            clinic=clinic, treatment_type=TreatmentType.objects.get(slug="iv-infusion"), price_min=450, price_max=500
        )


@pytest.mark.parametrize("field, value", [("state", "tx"), ("zip_code", "7870"), ("latitude", 91.0)])
def test_the_database_refuses_a_malformed_address(field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_clinic(**{field: value})


def test_the_search_vector_is_kept_current_by_the_database():
    from django.contrib.postgres.search import SearchQuery

    clinic = make_clinic(name="Lantern Ketamine Center", description="Calm rooms and kind nurses.")
    matches = lambda words: clinic.__class__.objects.filter(  # noqa: E731
        search_vector=SearchQuery(words, search_type="websearch", config="english")
    )
    assert list(matches("lantern")) == [clinic]
    clinic.description = "Now with integration therapy."
    clinic.save()
    assert list(matches("integration")) == [clinic]
    assert not matches("nurses").exists()


def test_the_first_course_estimate_multiplies_prices_by_the_usual_sessions():
    clinic = make_clinic(treatments={"spravato": (500, 650), "oral-sublingual": (300, 300)})
    offers = {o.treatment_type.slug: o for o in clinic.clinic_treatments.select_related("treatment_type")}
    assert offers["spravato"].first_course_estimate == (4000, 5200, 8)
    assert offers["oral-sublingual"].first_course_estimate is None
