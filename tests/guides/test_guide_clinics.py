"""A guide shows only clinics that fit its topics and says why."""

import pytest

from clinics.models import Clinic, Condition, Place
from tests.factories import AUSTIN, make_clinic, make_guide

pytestmark = pytest.mark.django_db

DALLAS = (32.787, -96.799)  # ZIP 75201


def related_names(response) -> set[str]:
    return {clinic.name for clinic in response.context["related_clinics"]}


def treating(clinic: Clinic, *slugs: str) -> Clinic:
    clinic.conditions.add(*Condition.objects.filter(slug__in=slugs))
    return clinic


def test_a_treatment_guide_shows_only_clinics_offering_that_treatment(client):
    guide = make_guide(treatments=["spravato"])
    make_clinic(name="Offers Spravato", treatments={"spravato": (500, 800)})
    treating(make_clinic(name="IV for depression", treatments={"iv-infusion": (400, 600)}), "ptsd")
    make_clinic(name="Unpublished", status=Clinic.Status.DRAFT, treatments={"spravato": (500, 800)})

    assert related_names(client.get(guide.get_absolute_url())) == {"Offers Spravato"}


def test_a_guide_about_a_treatment_and_a_condition_shows_clinics_offering_the_one_and_treating_the_other(client):
    guide = make_guide(treatments=["spravato"], conditions=["ptsd"])
    treating(make_clinic(name="Spravato for PTSD", treatments={"spravato": (500, 800)}), "ptsd")
    treating(make_clinic(name="Spravato, no PTSD", treatments={"spravato": (500, 800)}), "ocd")
    treating(make_clinic(name="PTSD, no Spravato", treatments={"iv-infusion": (400, 600)}), "ptsd")

    assert related_names(client.get(guide.get_absolute_url())) == {"Spravato for PTSD"}


def test_a_guide_about_several_treatments_shows_clinics_offering_any_of_them(client):
    guide = make_guide(treatments=["iv-infusion", "im-injection"])
    make_clinic(name="IV", treatments={"iv-infusion": (400, 600)})
    make_clinic(name="IM", treatments={"im-injection": (300, 400)})
    make_clinic(name="Oral", treatments={"oral-sublingual": (150, 300)})

    assert related_names(client.get(guide.get_absolute_url())) == {"IV", "IM"}


def test_a_guide_about_conditions_only_shows_clinics_treating_one_of_them(client):
    guide = make_guide(conditions=["ptsd", "ocd"])
    treating(make_clinic(name="PTSD"), "ptsd")
    treating(make_clinic(name="OCD"), "ocd")
    treating(make_clinic(name="CRPS"), "crps")

    assert related_names(client.get(guide.get_absolute_url())) == {"PTSD", "OCD"}


def test_the_page_says_why_these_clinics_are_shown_and_in_what_order(client):
    Place.objects.create(zip_code="78701", city="Austin", state="TX", latitude=AUSTIN[0], longitude=AUSTIN[1])
    guide = make_guide(treatments=["spravato"], conditions=["treatment-resistant-depression", "ptsd"])

    page = client.get(guide.get_absolute_url()).content.decode()
    near = client.get(guide.get_absolute_url(), {"near": "78701"}).content.decode()

    why = "These clinics offer Spravato and treat PTSD or treatment-resistant depression."
    assert f"{why} Most recently confirmed first" in page
    assert f"{why} Nearest first to 78701 (Austin, TX)." in near


def test_near_a_place_the_nearest_fitting_clinics_come_first_and_others_never(client):
    Place.objects.create(zip_code="75201", city="Dallas", state="TX", latitude=DALLAS[0], longitude=DALLAS[1])
    guide = make_guide(treatments=["spravato"])
    make_clinic(name="Spravato in Austin", treatments={"spravato": (500, 800)})
    make_clinic(name="Spravato in Dallas", latitude=DALLAS[0], longitude=DALLAS[1], treatments={"spravato": (1, 2)})
    make_clinic(name="IV in Dallas", latitude=DALLAS[0], longitude=DALLAS[1], treatments={"iv-infusion": (1, 2)})

    response = client.get(guide.get_absolute_url(), {"near": "Dallas, TX"})

    shown = [clinic.name for clinic in response.context["related_clinics"]]
    assert shown == ["Spravato in Dallas", "Spravato in Austin"]
