from io import StringIO

import pytest
import zipcodes
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from clinics.models import Clinic, ClinicTreatment, Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    call_command("load_places", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_load_places_loads_every_zip_with_coordinates_and_can_run_twice(places):
    first_count = Place.objects.count()
    call_command("load_places", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Place.objects.count() == first_count > 40_000
    austin = Place.objects.get(zip_code="78701")
    assert (austin.city, austin.state) == ("Austin", "TX")
    assert austin.latitude == pytest.approx(30.2713, abs=1e-3)
    assert austin.longitude == pytest.approx(-97.7426, abs=1e-3)


def _snapshot():
    clinics = list(Clinic.objects.order_by("slug").values_list("slug", "city", "state", "latitude", "status"))
    prices = list(
        ClinicTreatment.objects.order_by("clinic__slug", "treatment_type__slug").values_list(
            "clinic__slug", "treatment_type__slug", "price_min", "price_max", "price_unit", "bills_insurance"
        )
    )
    carriers = list(
        ClinicTreatment.carriers.through.objects.order_by("clinictreatment__clinic__slug", "insurancecarrier__slug")
        .values_list("clinictreatment__clinic__slug", "insurancecarrier__slug")
    )
    phones = list(Clinic.objects.order_by("slug").values_list("phone", flat=True))
    return clinics, prices, carriers, phones


def test_seed_demo_makes_the_requested_number_of_fictional_clinics_in_the_price_band(places, capsys):
    call_command("seed_demo", clinics=120, seed=7)
    assert Clinic.objects.count() == 120
    assert not Clinic.objects.exclude(description__startswith="Fictional demo listing.").exists()
    assert not Clinic.objects.exclude(website__endswith=".example").exists()
    per_session = ClinicTreatment.objects.filter(price_unit="session")
    assert per_session.filter(price_min__lt=300).count() == 0
    assert ClinicTreatment.objects.filter(price_max__gt=800).count() == 0
    assert Clinic.objects.filter(clinic_treatments__isnull=True).count() == 0
    assert Clinic.objects.exclude(medical_director="").filter(medical_director__startswith="Dr.").count() == 0
    assert "Demo editor account" in capsys.readouterr().out


def test_demo_clinics_could_be_real_places_prices_and_billing(places):
    call_command("seed_demo", clinics=400, seed=11, stdout=StringIO())
    rows = {row["zip_code"]: row for row in zipcodes.list_all()}
    for zip_code, phone in Clinic.objects.values_list("zip_code", "phone"):
        assert rows[zip_code]["zip_code_type"] == "STANDARD"  # never a PO box, single-organization or military ZIP
        assert phone[1:4] in rows[zip_code]["area_codes"], (zip_code, phone)
    kaiser_states = set(
        ClinicTreatment.objects.filter(carriers__slug="kaiser-permanente").values_list("clinic__state", flat=True)
    )
    assert kaiser_states <= {"CA", "CO", "GA", "HI", "MD", "OR", "VA", "WA", "DC"}
    offers = ClinicTreatment.objects
    assert set(offers.filter(treatment_type__slug="oral-sublingual").values_list("price_unit", flat=True)) == {"month"}
    assert not offers.filter(carriers__isnull=False, bills_insurance=False).exists()
    assert not offers.filter(bills_insurance=True, carriers__isnull=True).exists()
    spravato = offers.filter(treatment_type__slug="spravato")
    assert spravato.filter(bills_insurance=True).count() > 0.7 * spravato.count()
    iv = offers.filter(treatment_type__slug="iv-infusion")
    assert iv.filter(bills_insurance=True).count() < 0.1 * iv.count()
    assert not offers.filter(treatment_type__slug="oral-sublingual", bills_insurance=True).exists()


def test_seed_demo_is_deterministic_for_a_seed(places):
    call_command("seed_demo", clinics=40, seed=3)
    first = _snapshot()
    call_command("seed_demo", clinics=40, seed=3, replace=True)
    assert _snapshot() == first
    call_command("seed_demo", clinics=40, seed=4, replace=True)
    assert _snapshot() != first


def test_seed_demo_leaves_existing_clinics_alone_without_replace(places):
    call_command("seed_demo", clinics=5)
    call_command("seed_demo", clinics=50)
    assert Clinic.objects.count() == 5


def test_seed_demo_gives_the_editor_a_random_password_not_a_fixed_one(places, capsys):
    call_command("seed_demo", clinics=1)
    output = capsys.readouterr().out
    editor = get_user_model().objects.get(username="editor")
    password = output.split("password '")[1].split("'")[0]
    assert len(password) >= 12 and editor.check_password(password)


def test_the_demo_editor_signs_in_by_e_mail_and_reaches_the_admin(places, client):
    call_command("seed_demo", clinics=1, stdout=StringIO())
    editor = get_user_model().objects.get(username="editor")
    editor.set_password("a new demo pass phrase 7")
    editor.save()
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": "editor@example.com", "password": "a new demo pass phrase 7"}
    )
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_demo_editor_is_in_the_editors_group_not_a_superuser(places, client):
    call_command("seed_demo", clinics=1, stdout=StringIO())
    editor = get_user_model().objects.get(username="editor")
    assert editor.is_staff and not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    client.force_login(editor)
    for name in [
        "clinics_changerequest_changelist",
        "clinics_claim_changelist",
        "clinics_listingreport_changelist",
        "clinics_clinic_changelist",
        "guides_guide_add",
        "guides_sitepage_changelist",
    ]:
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_seed_demo_asks_for_places_first():
    with pytest.raises(CommandError, match="load_places"):
        call_command("seed_demo", clinics=1)


def test_seed_demo_also_publishes_the_starter_guides(places):
    from guides.models import Guide

    call_command("seed_demo", clinics=1)
    assert 6 <= Guide.objects.published().count() <= 8
