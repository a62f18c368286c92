"""Insurance and price are facts of a treatment offer, not of a clinic."""

import re
from importlib import import_module

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from clinics.admin.listings import ClinicTreatmentInline
from clinics.models import ChangeRequest, Clinic, ClinicTreatment, Condition, InsuranceCarrier, TreatmentType
from clinics.staff.forms import SELF_PAY_WITH_CARRIERS, TreatmentOfferForm
from clinics.staff.services import listings
from tests.factories import bill_insurance, make_clinic
from tests.factories import result_names as names
from tests.staff_factories import listing_post_data

pytestmark = pytest.mark.django_db


def card_of(response, name: str) -> str:
    html = response.content.decode()
    start = html.index(f">{name}</a>")
    return html[start : html.index("</article>", start)]


@pytest.fixture
def spravato_billed_iv_self_pay() -> Clinic:
    clinic = make_clinic(name="Split Billing", treatments={"spravato": (600, 700), "iv-infusion": (450, 650)})
    bill_insurance(clinic, "spravato", "aetna", "cigna")
    return clinic


# --- the insurance filter -----------------------------------------------------------------


def test_a_carrier_billed_for_one_treatment_is_found_without_a_treatment_chosen(client, spravato_billed_iv_self_pay):
    make_clinic(name="Self Pay Only", treatments={"iv-infusion": (400, 500)})
    assert names(client.get("/clinics/?insurance=aetna")) == ["Split Billing"]


def test_with_a_treatment_chosen_the_same_offer_must_bill_the_carrier(client, spravato_billed_iv_self_pay):
    assert names(client.get("/clinics/?insurance=aetna&treatment=spravato")) == ["Split Billing"]
    assert names(client.get("/clinics/?insurance=aetna&treatment=iv-infusion")) == []


def test_a_clinic_whose_every_treatment_is_self_pay_matches_no_carrier_and_has_no_insurance_badge(client):
    make_clinic(name="Self Pay Only", treatments={"iv-infusion": (400, 500), "im-injection": (300, 350)})
    assert names(client.get("/clinics/?insurance=unitedhealthcare")) == []
    page = client.get("/clinics/")
    assert "Insurance accepted" not in page.content.decode()
    assert "self-pay" in card_of(page, "Self Pay Only")


def test_the_card_names_the_treatment_each_carrier_is_billed_for(client, spravato_billed_iv_self_pay):
    card = card_of(client.get("/clinics/"), "Split Billing")
    text = " ".join(re.sub(r"<[^>]+>", " ", card).split())
    assert "Spravato: $600–$700 per session · bills Aetna, Cigna" in text
    assert "IV: $450–$650 per session · self-pay" in text


# --- prices in their unit -----------------------------------------------------------------


def test_a_price_per_month_does_not_meet_a_price_per_session_filter(client):
    clinic = make_clinic(name="Oral Monthly", treatments={"iv-infusion": (450, 650), "oral-sublingual": (250, 300)})
    ClinicTreatment.objects.filter(clinic=clinic, treatment_type__slug="oral-sublingual").update(price_unit="month")
    assert names(client.get("/clinics/?max_price=300")) == []
    assert "$250–$300 per month" in card_of(client.get("/clinics/"), "Oral Monthly")


def test_the_card_says_which_offer_met_the_price(client):
    make_clinic(name="Cheap IM", treatments={"iv-infusion": (450, 650), "im-injection": (300, 300)})
    card = card_of(client.get("/clinics/?max_price=300"), "Cheap IM")
    matched = re.findall(r'<li class="card__match">\s*<span class="card__treatment">(\w+):', card)
    assert matched == ["IM"]
    assert "matches your filters" in card
    assert "matches your filters" not in card_of(client.get("/clinics/"), "Cheap IM")


def test_price_sort_reads_per_session_prices_only(client):
    monthly = make_clinic(name="Monthly Oral", treatments={"oral-sublingual": (150, 200), "iv-infusion": (700, 800)})
    ClinicTreatment.objects.filter(clinic=monthly, treatment_type__slug="oral-sublingual").update(price_unit="month")
    make_clinic(name="Middle IV", treatments={"iv-infusion": (500, 600)})
    assert names(client.get("/clinics/?sort=price")) == ["Middle IV", "Monthly Oral"]


@pytest.mark.parametrize(
    "treatment, unit, own_course, expected",
    [
        ("iv-infusion", "session", None, "$2,400–$3,000 for 6 sessions (estimate)"),
        ("im-injection", "session", None, "This treatment has no usual course length."),
        ("im-injection", "session", 4, "$1,600–$2,000 for 4 sessions (estimate)"),
        ("oral-sublingual", "month", None, "Priced per month, not per session."),
        ("iv-infusion", "course", None, "Priced per course, not per session."),
    ],
)
def test_the_first_course_estimate_needs_a_per_session_price_and_a_course_length(
    client, treatment, unit, own_course, expected
):
    clinic = make_clinic(treatments={treatment: (400, 500)})
    ClinicTreatment.objects.filter(clinic=clinic).update(price_unit=unit, course_sessions=own_course)
    assert expected in client.get(clinic.get_absolute_url()).content.decode()


def test_im_has_no_usual_course_so_the_site_never_multiplies_it_by_six():
    assert TreatmentType.objects.get(slug="im-injection").course_sessions is None
    offer = make_clinic(treatments={"im-injection": (300, 400)}).clinic_treatments.get()
    assert offer.first_course_estimate is None


def test_a_billed_offer_shows_its_price_as_if_paying_yourself_and_what_sets_the_patients_share(
    client, spravato_billed_iv_self_pay
):
    html = client.get(spravato_billed_iv_self_pay.get_absolute_url()).content.decode()
    spravato = html[html.index('id="offer-spravato"') : html.index("</article>", html.index('id="offer-spravato"'))]
    assert "Price if paying yourself" in spravato
    assert "(estimate, if paying yourself)" in spravato
    for term in ["copay", "coinsurance", "deductible", "prior authorization"]:
        assert term in spravato
    iv = html[html.index('id="offer-iv-infusion"') : html.index("</article>", html.index('id="offer-iv-infusion"'))]
    assert "if paying yourself" not in iv and "Self-pay" in iv


def test_the_pain_course_is_not_passed_off_as_the_depression_course(client):
    depression = make_clinic(treatments={"iv-infusion": (400, 500)})
    depression.conditions.add(Condition.objects.get(slug="treatment-resistant-depression"))
    pain = make_clinic(treatments={"iv-infusion": (400, 500)})
    pain.conditions.add(Condition.objects.get(slug="crps"))
    assert "protocols vary widely" not in client.get(depression.get_absolute_url()).content.decode()
    assert "protocols vary widely" in client.get(pain.get_absolute_url()).content.decode()


def test_compare_and_json_ld_carry_the_offer_terms(client, spravato_billed_iv_self_pay):
    html = client.get(f"/clinics/compare/?id={spravato_billed_iv_self_pay.pk}").content.decode()
    assert "Bills insurance: Aetna, Cigna" in html and "Self-pay" in html
    page = client.get(spravato_billed_iv_self_pay.get_absolute_url()).content.decode()
    assert '"unitText": "session"' in page and '"minPrice": 600' in page


# --- refusing carriers on a self-pay offer -----------------------------------------------------


def test_the_staff_form_refuses_carriers_on_a_self_pay_offer():
    spravato = TreatmentType.objects.get(slug="spravato")
    aetna = InsuranceCarrier.objects.get(slug="aetna")
    data = {"treatment_type": spravato.pk, "offered": "on", "price_min": 500, "price_max": 600, "carriers": [aetna.pk]}
    form = TreatmentOfferForm(data)
    assert not form.is_valid()
    assert form.errors["carriers"] == [SELF_PAY_WITH_CARRIERS]
    assert TreatmentOfferForm({**data, "bills_insurance": "on"}).is_valid()


def test_the_admin_refuses_carriers_on_a_self_pay_offer(admin_user):
    clinic = make_clinic(treatments={"spravato": (500, 600)})
    offer = clinic.clinic_treatments.get()
    request = RequestFactory().get("/")
    request.user = admin_user
    form_class = ClinicTreatmentInline(Clinic, site).get_formset(request, clinic).form
    data = {
        "clinic": clinic.pk,
        "treatment_type": offer.treatment_type_id,
        "price_min": 500,
        "price_max": 600,
        "price_unit": "session",
        "carriers": [InsuranceCarrier.objects.get(slug="aetna").pk],
    }
    form = form_class(data, instance=offer)
    assert not form.is_valid()
    assert SELF_PAY_WITH_CARRIERS in form.errors["carriers"]
    assert form_class({**data, "bills_insurance": "on"}, instance=offer).is_valid()


def test_a_staff_edit_keeps_carriers_per_offer_through_moderation(owner_client, clinic, editor):
    spravato = TreatmentType.objects.get(slug="spravato")
    aetna = InsuranceCarrier.objects.get(slug="aetna")
    data = listing_post_data(clinic, treatments={"iv-infusion": (450, 650), "spravato": (600, 700)})
    index = list(TreatmentType.objects.all()).index(spravato)
    data[f"treatments-{index}-bills_insurance"] = "on"
    data[f"treatments-{index}-carriers"] = [aetna.pk]
    owner_client.post(f"/manage/clinics/{clinic.slug}/edit/", data)
    change = ChangeRequest.objects.get()
    offered = {offer["treatment_type"]: offer for offer in change.proposed["treatments"]}
    assert offered[spravato.pk]["carriers"] == [aetna.pk]
    listings.change_request_approve(change=change, editor=editor)
    offer = ClinicTreatment.objects.get(clinic=clinic, treatment_type=spravato)
    assert offer.bills_insurance and list(offer.carriers.values_list("slug", flat=True)) == ["aetna"]


def test_pending_changes_from_before_are_rewritten_in_the_new_shape():
    migration = import_module("clinics.migrations.0012_remove_clinic_insurance_carriers")
    old = {
        "insurance_carriers": [3, 1],
        "treatments": [
            {"treatment_type": 1, "price_min": 400, "price_max": 500, "bills_insurance": False, "notes": ""},
            {"treatment_type": 3, "price_min": 600, "price_max": 700, "bills_insurance": True, "notes": ""},
        ],
    }
    new = migration.snapshot_in_new_shape(old)
    assert "insurance_carriers" not in new
    assert [offer["carriers"] for offer in new["treatments"]] == [[], [1, 3]]
    assert {offer["price_unit"] for offer in new["treatments"]} == {"session"}
