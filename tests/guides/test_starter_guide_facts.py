"""The medical facts in the starter guides, and their reviewed date.

Sources: Spravato prescribing information (Janssen, revised January 2025): indications, REMS,
observation, driving, dosing schedule, contraindications and warnings; PRODUCT.md's domain facts
for prices and pain protocols.
"""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from guides.models import Guide
from guides.starter_guides import REVIEWED_ON, STARTER_GUIDES, create_starter_guides

pytestmark = pytest.mark.django_db


def body(slug: str) -> str:
    """The guide's text with its line breaks folded, so phrases can be found whole."""
    text = next(guide["body"] for guide in STARTER_GUIDES if guide["slug"] == slug)
    return " ".join(text.split())


def test_the_spravato_guide_states_both_approved_uses_and_the_monotherapy_approval():
    text = body("spravato-esketamine-nasal-spray")

    assert "**treatment-resistant depression**, either on its own or together with an antidepressant" in text
    assert "January 2025" in text
    assert "**depressive symptoms of major depressive disorder with acute suicidal thoughts or behavior**" in text
    assert "in both cases together with an antidepressant" not in text


def test_the_spravato_guide_says_what_it_has_not_been_shown_to_do():
    text = body("spravato-esketamine-nasal-spray")

    assert "**not been shown to prevent suicide or to reduce suicidal thoughts or behavior**" in text
    assert "**does not replace hospitalization**" in text


def test_the_spravato_guide_describes_rems_observation_driving_and_the_schedule():
    text = body("spravato-esketamine-nasal-spray")

    assert "certified under the Spravato REMS" in text
    assert "You spray it yourself while a healthcare provider watches" in text
    assert "**at least 2 hours of observation**" in text
    assert "until the next day, after a restful sleep" in text
    assert "**Weeks 1 to 4:** two sessions a week" in text
    assert "**Weeks 5 to 8:** one session a week" in text
    assert "**From week 9:** weekly or every 2 weeks" in text


@pytest.mark.parametrize(
    "fact",
    [
        "aneurysmal vascular disease, including of the thoracic and abdominal aorta, the arteries inside the "
        "skull and the peripheral arteries, or an arteriovenous malformation",
        "a history of bleeding in the brain (intracerebral hemorrhage)",
        "an allergy (hypersensitivity) to esketamine, ketamine or any other ingredient",
        "**sedation** and **dissociation**",
        "**respiratory depression**",
        "**abuse and misuse**",
        "**increased blood pressure**",
        "**cognitive impairment**",
        "**impaired ability to drive**",
        "**ulcerative or interstitial cystitis** and other bladder problems",
        "**embryo-fetal toxicity**",
        "pregnant or planning a pregnancy",
    ],
)
def test_the_safety_guide_lists_the_spravato_labels_contraindications_and_warnings(fact):
    assert fact in body("ketamine-safety-side-effects")


def test_the_costs_guide_multiplies_only_where_a_course_exists_and_says_pain_protocols_vary():
    text = body("ketamine-costs-and-insurance")

    assert "**IM injections:** each clinic sets its own course" in text
    assert "**Oral and sublingual ketamine** is priced per prescription or per month, not per session" in text
    assert "protocols vary widely (longer infusions, sometimes several days in a row)" in text
    assert "six IV infusions for depression" in text


def test_the_costs_guide_says_insured_patients_pay_what_their_plan_says():
    text = body("ketamine-costs-and-insurance")

    assert "prior authorization. What you pay then depends on your plan: copay, coinsurance and deductible" in text
    assert "**IV, IM and oral ketamine** are used *off-label*" in text


def test_the_oral_guide_prices_per_prescription_or_month():
    assert "priced **per prescription or per month**, not per session" in body("oral-and-sublingual-ketamine")


def test_loading_the_guides_never_sets_the_reviewed_date_to_the_day_of_loading(monkeypatch):
    later = timezone.now() + timedelta(days=40)
    monkeypatch.setattr(timezone, "now", lambda: later)

    create_starter_guides()

    assert set(Guide.objects.values_list("reviewed_on", flat=True)) == {REVIEWED_ON}


def test_reloading_the_guides_keeps_a_reviewers_date(monkeypatch):
    call_command("seed_guides")
    Guide.objects.filter(slug="ketamine-safety-side-effects").update(reviewed_on=date(2027, 3, 4))
    later = timezone.now() + timedelta(days=400)
    monkeypatch.setattr(timezone, "now", lambda: later)

    call_command("seed_guides")

    assert Guide.objects.get(slug="ketamine-safety-side-effects").reviewed_on == date(2027, 3, 4)
    assert Guide.objects.get(slug="iv-ketamine-infusions").reviewed_on == REVIEWED_ON
