"""Treatment types, conditions, insurance carriers and languages that the site starts with.

The text is the site's own plain-language summary of widely published facts; editors can
refine it in the admin afterwards.
"""

from django.db import migrations

TREATMENT_TYPES = [
    {
        "position": 1,
        "name": "IV infusion",
        "slug": "iv-infusion",
        "short_name": "IV",
        "how_given": "A slow intravenous drip, with the dose adjusted during the session while staff watch your vital signs.",
        "summary": "The most studied way of giving ketamine for depression. Each infusion is closely monitored, and the dose can be changed as it runs.",
        "course_sessions": 6,
        "course_schedule": "For depression, 6 infusions over 2 to 3 weeks, then maintenance as needed; pain protocols vary widely (longer infusions, sometimes several days in a row)",
        "session_minutes_min": 40,
        "session_minutes_max": 120,
        "notes": "Off-label and usually self-pay. For chronic pain, clinics use their own, often longer protocols: ask each one what course it recommends.",
        "fda_approved": False,
        "usually_insured": False,
    },
    {
        "position": 2,
        "name": "IM injection",
        "slug": "im-injection",
        "short_name": "IM",
        "how_given": "A single injection into a muscle, usually the shoulder, at a fixed dose.",
        "summary": "Often cheaper than an infusion. The dose cannot be adjusted once given, and the dissociative effect tends to come on faster and feel stronger.",
        "course_sessions": None,
        "course_schedule": "Set by each clinic; ask how many sessions it recommends",
        "session_minutes_min": 40,
        "session_minutes_max": 90,
        "notes": "Off-label and usually self-pay.",
        "fda_approved": False,
        "usually_insured": False,
    },
    {
        "position": 3,
        "name": "Intranasal esketamine (Spravato)",
        "slug": "spravato",
        "short_name": "Spravato",
        "how_given": "A nasal spray you give yourself under supervision in a REMS-certified healthcare setting, then stay at least 2 hours under observation. No driving until the next day, after a restful sleep.",
        "summary": "FDA-approved for adults with treatment-resistant depression, on its own or with an oral antidepressant; and, with an oral antidepressant, for depressive symptoms in adults with major depression with acute suicidal thoughts or behavior. The form most often covered by insurance.",
        "course_sessions": 8,
        "course_schedule": "Twice a week for 4 weeks (8 sessions), then weekly for 4 weeks, then weekly or every 2 weeks",
        "session_minutes_min": 120,
        "session_minutes_max": 150,
        "notes": "Only REMS-certified centers may give it; many bill medical insurance, often after prior authorization. It has not been shown to prevent suicide or to reduce suicidal thoughts, and it does not replace hospitalization when that is needed.",
        "fda_approved": True,
        "usually_insured": True,
    },
    {
        "position": 4,
        "name": "Oral / sublingual (lozenges, troches)",
        "slug": "oral-sublingual",
        "short_name": "Oral",
        "how_given": "A lozenge or troche that dissolves under the tongue, sometimes taken at home after a supervised first dose.",
        "summary": "Less potent and less predictable than an infusion, because absorption varies. Used between IV or IM sessions to maintain benefit, or for milder cases.",
        "course_sessions": None,
        "course_schedule": "No fixed course; used for maintenance between sessions or at home, as prescribed",
        "session_minutes_min": 30,
        "session_minutes_max": 90,
        "notes": "Off-label and usually self-pay. Priced per prescription or per month, not per session.",
        "fda_approved": False,
        "usually_insured": False,
    },
]

CONDITIONS = [
    (
        "Treatment-resistant depression",
        "treatment-resistant-depression",
        "mental_health",
        "Depression that has not lifted after at least two antidepressants taken at a proper dose for long enough. The condition ketamine has been studied in most; Spravato is FDA-approved for it in adults.",
    ),
    (
        "Major depression with suicidal thoughts",
        "major-depression-suicidal-ideation",
        "mental_health",
        "Major depressive disorder with acute suicidal thoughts or behavior. With an oral antidepressant, Spravato (esketamine) is FDA-approved for the depressive symptoms in adults; it has not been shown to prevent suicide or to reduce suicidal thoughts, and it does not replace hospitalization when that is needed.",
    ),
    (
        "PTSD",
        "ptsd",
        "mental_health",
        "Post-traumatic stress disorder. Ketamine is used off-label, often alongside trauma-focused therapy.",
    ),
    (
        "Anxiety disorders",
        "anxiety-disorders",
        "mental_health",
        "Generalized and social anxiety among others. Evidence is earlier than for depression; used off-label.",
    ),
    (
        "OCD",
        "ocd",
        "mental_health",
        "Obsessive-compulsive disorder. Small studies show short-term relief; used off-label.",
    ),
    (
        "Bipolar depression",
        "bipolar-depression",
        "mental_health",
        "The depressive phase of bipolar disorder. Needs careful screening and coordination with your psychiatrist.",
    ),
    (
        "Fibromyalgia and neuropathic pain",
        "fibromyalgia-neuropathic-pain",
        "chronic_pain",
        "Widespread or nerve pain. Ketamine may calm an over-sensitized nervous system. Pain protocols vary widely (longer infusions, sometimes several days in a row); ask each clinic what course it recommends.",
    ),
    (
        "Complex regional pain syndrome (CRPS)",
        "crps",
        "chronic_pain",
        "Severe, lasting pain, usually in a limb after an injury. One of the better-studied pain uses of ketamine infusions. Pain protocols vary widely (longer infusions, sometimes several days in a row); ask each clinic what course it recommends.",
    ),
    (
        "Migraine and chronic headache",
        "migraine-chronic-headache",
        "chronic_pain",
        "Frequent or hard-to-treat headaches. Used off-label when standard treatments have failed. Pain protocols vary widely (longer infusions, sometimes several days in a row); ask each clinic what course it recommends.",
    ),
    (
        "Opioid-resistant chronic pain",
        "opioid-resistant-chronic-pain",
        "chronic_pain",
        "Long-lasting pain that opioids no longer control well. Ketamine acts on a different pathway. Pain protocols vary widely (longer infusions, sometimes several days in a row); ask each clinic what course it recommends.",
    ),
]

INSURANCE_CARRIERS = [
    "Aetna",
    "Anthem",
    "Blue Cross Blue Shield",
    "Cigna",
    "Humana",
    "Kaiser Permanente",
    "Medicaid",
    "Medicare",
    "Optum",
    "Tricare",
    "UnitedHealthcare",
]

LANGUAGES = [
    ("Arabic", "ar"),
    ("Chinese", "zh"),
    ("English", "en"),
    ("French", "fr"),
    ("Hindi", "hi"),
    ("Korean", "ko"),
    ("Portuguese", "pt"),
    ("Russian", "ru"),
    ("Spanish", "es"),
    ("Tagalog", "tl"),
    ("Vietnamese", "vi"),
]


def load(apps, schema_editor):
    from django.utils.text import slugify

    TreatmentType = apps.get_model("clinics", "TreatmentType")
    Condition = apps.get_model("clinics", "Condition")
    InsuranceCarrier = apps.get_model("clinics", "InsuranceCarrier")
    Language = apps.get_model("clinics", "Language")

    for fields in TREATMENT_TYPES:
        TreatmentType.objects.update_or_create(slug=fields["slug"], defaults=fields)
    for name, slug, group, summary in CONDITIONS:
        Condition.objects.update_or_create(slug=slug, defaults={"name": name, "group": group, "summary": summary})
    for name in INSURANCE_CARRIERS:
        InsuranceCarrier.objects.update_or_create(slug=slugify(name), defaults={"name": name})
    for name, code in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("clinics", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
