"""The medical facts the site states about treatments, conditions and medical directors.

Sources: Spravato prescribing information (Janssen, revised January 2025: monotherapy for
treatment-resistant depression; REMS; observation and driving); PRODUCT.md's domain facts for
pricing and pain protocols.
"""

import json
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from clinics.models import Clinic, ClinicTreatment, Condition, TreatmentType
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db

correction = import_module("clinics.migrations.0013_correct_medical_facts")
PAIN_SLUGS = ["fibromyalgia-neuropathic-pain", "crps", "migraine-chronic-headache", "opioid-resistant-chronic-pain"]


def assert_spravato_facts(spravato: TreatmentType) -> None:
    assert "on its own or with an oral antidepressant" in spravato.summary
    assert "depressive symptoms in adults with major depression with acute suicidal thoughts or behavior" in (
        spravato.summary
    )
    assert "not been shown to prevent suicide or to reduce suicidal thoughts" in spravato.notes
    assert "does not replace hospitalization" in spravato.notes
    assert "REMS-certified" in spravato.how_given
    assert "at least 2 hours" in spravato.how_given
    assert "until the next day, after a restful sleep" in spravato.how_given
    assert spravato.course_schedule.startswith("Twice a week for 4 weeks (8 sessions), then weekly")


def test_spravato_is_approved_on_its_own_or_with_an_antidepressant_and_not_for_preventing_suicide():
    assert_spravato_facts(TreatmentType.objects.get(slug="spravato"))


def test_the_suicidal_ideation_condition_says_what_spravato_is_approved_for_and_what_not():
    summary = Condition.objects.get(slug="major-depression-suicidal-ideation").summary

    assert "approved for it" not in summary
    assert "FDA-approved for the depressive symptoms in adults" in summary
    assert "not been shown to prevent suicide" in summary
    assert "does not replace hospitalization" in summary


def test_im_ketamine_has_no_usual_course_so_no_first_course_estimate():
    im = TreatmentType.objects.get(slug="im-injection")
    offer = ClinicTreatment(treatment_type=im, price_min=300, price_max=400)

    assert im.course_sessions is None
    assert "Set by each clinic" in im.course_schedule
    assert offer.first_course_estimate is None


@pytest.mark.parametrize("slug", ["iv-infusion", "im-injection", "oral-sublingual"])
def test_iv_im_and_oral_ketamine_are_off_label_and_usually_self_pay(slug):
    treatment = TreatmentType.objects.get(slug=slug)

    assert treatment.notes.startswith("Off-label and usually self-pay.")
    assert not treatment.fda_approved and not treatment.usually_insured


def test_oral_ketamine_is_priced_per_prescription_or_month_not_per_session():
    assert (
        "Priced per prescription or per month, not per session."
        in TreatmentType.objects.get(slug="oral-sublingual").notes
    )


@pytest.mark.parametrize("slug", PAIN_SLUGS)
def test_every_pain_condition_says_that_protocols_vary_widely(slug):
    assert "Pain protocols vary widely (longer infusions, sometimes several days in a row)" in (
        Condition.objects.get(slug=slug).summary
    )


def test_the_iv_course_is_called_a_depression_course():
    assert TreatmentType.objects.get(slug="iv-infusion").course_schedule.startswith("For depression, 6 infusions")


@pytest.mark.parametrize("slug", PAIN_SLUGS)
def test_a_pain_condition_page_never_shows_the_depression_course_as_its_own(client, slug):
    page = client.get(reverse("condition_clinics", args=[slug])).content.decode()

    assert "Pain protocols vary widely" in page
    assert "6 infusions over 2 to 3 weeks" not in page
    assert "Twice a week for 4 weeks" not in page


def test_a_mental_health_condition_page_still_shows_the_usual_courses(client):
    page = client.get(reverse("condition_clinics", args=["ptsd"])).content.decode()

    assert "For depression, 6 infusions over 2 to 3 weeks" in page


def test_the_spravato_page_states_the_label_and_the_patients_share(client):
    make_clinic(treatments={"spravato": (600, 900)})

    page = client.get(reverse("treatment_clinics", args=["spravato"])).content.decode()

    assert "on its own or with an oral antidepressant" in page
    assert "REMS-certified" in page
    assert "(copay, coinsurance, deductible, prior authorization)" in page


def test_the_data_migration_corrects_the_texts_of_an_existing_database():
    TreatmentType.objects.filter(slug="spravato").update(
        summary="FDA-approved alongside an oral antidepressant.", how_given="In a certified treatment centre."
    )
    TreatmentType.objects.filter(slug="im-injection").update(course_sessions=6)
    Condition.objects.filter(slug="crps").update(summary="Usually given as longer, lower-dose infusions.")

    correction.correct(apps, None)

    assert_spravato_facts(TreatmentType.objects.get(slug="spravato"))
    assert TreatmentType.objects.get(slug="im-injection").course_sessions is None
    assert "Pain protocols vary widely" in Condition.objects.get(slug="crps").summary


def test_the_reference_data_reloaded_for_committing_tests_is_the_corrected_one(reference_data):
    assert_spravato_facts(TreatmentType.objects.get(slug="spravato"))
    assert TreatmentType.objects.get(slug="im-injection").course_sessions is None


@pytest.mark.parametrize(
    ("name", "credentials", "shown"),
    [
        ("Dr. Sam Poe", "CRNA", "Sam Poe, CRNA"),
        ("dr Sam Poe", "PMHNP-BC, psychiatric nurse practitioner", "Sam Poe, PMHNP-BC, psychiatric nurse practitioner"),
        ("Sam Poe", "DNP, CRNA", "Sam Poe, DNP, CRNA"),
        ("Jane Roe", "MD", "Dr. Jane Roe, MD"),
        ("Dr. Jane Roe", "MD, board-certified psychiatrist", "Dr. Jane Roe, MD, board-certified psychiatrist"),
        ("Jane Roe", "M.D.", "Dr. Jane Roe, M.D."),
        ("Jane Roe", "DO, emergency medicine", "Dr. Jane Roe, DO, emergency medicine"),
        ("Kim Lee", "Ph.D., clinical psychologist", "Dr. Kim Lee, Ph.D., clinical psychologist"),
        ("Kim Lee", "nurses who do infusions", "Kim Lee, nurses who do infusions"),
        ("Dr. Alex Ray", "", "Alex Ray"),
        ("", "MD", ""),
    ],
)
def test_dr_is_shown_only_for_an_md_do_or_phd(name, credentials, shown):
    clinic = Clinic(medical_director=name, medical_director_credentials=credentials)

    assert clinic.medical_director_display == shown


def json_ld_clinic(page: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return next(data for data in map(json.loads, blocks) if data["@type"] == "MedicalClinic")


def test_a_nurse_anesthetist_director_is_never_called_dr_on_the_clinic_page_compare_or_json_ld(client):
    clinic = make_clinic(medical_director="Dr. Sam Poe", medical_director_credentials="CRNA")
    other = make_clinic()

    page = client.get(clinic.get_absolute_url()).content.decode()
    compare = client.get(f"{reverse('clinics:compare')}?id={clinic.pk}&id={other.pk}").content.decode()

    assert "Sam Poe, CRNA" in page and "Sam Poe, CRNA" in compare
    assert "Dr. Sam Poe" not in page and "Dr. Sam Poe" not in compare
    assert json_ld_clinic(page)["employee"] == {
        "@type": "Person",
        "name": "Sam Poe",
        "jobTitle": "Medical director",
        "honorificSuffix": "CRNA",
    }


def test_a_physician_director_is_dr_on_the_clinic_page_and_in_json_ld(client):
    clinic = make_clinic(medical_director="Jane Roe", medical_director_credentials="MD")

    page = client.get(clinic.get_absolute_url()).content.decode()

    assert "Dr. Jane Roe, MD" in page
    assert json_ld_clinic(page)["employee"]["honorificPrefix"] == "Dr."


BRITISH = re.compile(r"centre|authoris|itemis|behaviour|colour|generalis|sensitis|sanitis|organis", re.IGNORECASE)


def test_patient_facing_text_is_in_us_english():
    root = Path(settings.BASE_DIR)
    texts = [*root.glob("templates/**/*.html"), root / "clinics/migrations/0002_reference_data.py"]
    texts += [root / "guides/starter_guides.py", *root.glob("guides/starter_texts/*.md")]
    offenders = {str(path.relative_to(root)): BRITISH.findall(path.read_text()) for path in texts}

    assert {path: words for path, words in offenders.items() if words} == {}
