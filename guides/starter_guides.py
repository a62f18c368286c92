"""Starter guides for the demo site, written for it from widely published facts (see PRODUCT.md).

They are demo content: the reviewer is fictional and every guide says so. `create_starter_guides()`
is idempotent, so `manage.py seed_guides` (and the site's `seed_demo`) can run it again.
"""

from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from clinics.models import Condition, TreatmentType
from guides.models import Guide

AUTHOR = ("Directory editorial team", "Health writers")
REVIEWER = ("Dr. Avery Sample (fictional reviewer)", "MD")
# When these texts were last checked against their sources (for Spravato, its 2025 prescribing
# information). Whoever checks them again moves it; loading the guides never does.
REVIEWED_ON = date(2026, 12, 1)

DEMO_NOTE = """

---

*Demo content: this guide was written for a demonstration site. The medical reviewer named on this
page is fictional. It is general information, not medical advice.*
"""

_GUIDES = [
    {
        "slug": "iv-ketamine-infusions",
        "title": "IV ketamine infusions: what they are and how a course works",
        "summary": "How an intravenous ketamine infusion is given, what a usual first course looks like, "
        "and why it is the most studied way of using ketamine for depression.",
        "treatments": ["iv-infusion"],
        "conditions": ["treatment-resistant-depression"],
    },
    {
        "slug": "im-ketamine-injections",
        "title": "IM ketamine injections: a fixed dose in a single shot",
        "summary": "How an intramuscular ketamine injection differs from an infusion in cost, control "
        "and how it feels, and what to ask a clinic that offers it.",
        "treatments": ["im-injection"],
        "conditions": [],
    },
    {
        "slug": "spravato-esketamine-nasal-spray",
        "title": "Spravato (esketamine nasal spray): the FDA-approved option",
        "summary": "What Spravato is, who it is FDA-approved for, how the twice-weekly start works in a "
        "REMS-certified center, and why it is the form insurance most often covers.",
        "treatments": ["spravato"],
        "conditions": ["treatment-resistant-depression", "major-depression-suicidal-ideation"],
    },
    {
        "slug": "oral-and-sublingual-ketamine",
        "title": "Oral and sublingual ketamine: lozenges and troches",
        "summary": "What lozenges and troches are, why they are less predictable than an infusion, "
        "and how clinics use them for maintenance or milder cases.",
        "treatments": ["oral-sublingual"],
        "conditions": ["anxiety-disorders"],
    },
    {
        "slug": "ketamine-costs-and-insurance",
        "title": "What ketamine therapy costs, and what insurance covers",
        "summary": "Typical prices per session, how to estimate a first course, which form insurance is "
        "most likely to pay for, and the payment options clinics offer.",
        "treatments": ["iv-infusion", "im-injection", "spravato", "oral-sublingual"],
        "conditions": [],
    },
    {
        "slug": "what-to-expect-at-a-ketamine-session",
        "title": "What to expect at your first ketamine session",
        "summary": "From the first consultation to the ride home: fasting, how long a session lasts, "
        "how you are monitored, and how to plan the rest of the day.",
        "treatments": ["iv-infusion", "im-injection", "spravato"],
        "conditions": [],
    },
    {
        "slug": "ketamine-safety-side-effects",
        "title": "Ketamine safety: side effects and who should avoid it",
        "summary": "The common short-lived effects of ketamine treatment, the conditions that usually rule "
        "it out, and questions to raise with a clinician before you start.",
        "treatments": ["iv-infusion", "im-injection", "spravato", "oral-sublingual"],
        "conditions": [],
    },
    {
        "slug": "integration-after-ketamine",
        "title": "Integration: making the most of ketamine treatment",
        "summary": "What integration means, and the practices people use between sessions: journaling, "
        "mindfulness, therapy including ketamine-assisted psychotherapy, and everyday changes.",
        "treatments": [],
        "conditions": ["treatment-resistant-depression", "ptsd"],
    },
]
# Each guide's text is Markdown in starter_texts/<slug>.md; this file holds the rest.
TEXTS = Path(__file__).resolve().parent / "starter_texts"
STARTER_GUIDES = [{**guide, "body": (TEXTS / f"{guide['slug']}.md").read_text()} for guide in _GUIDES]


@transaction.atomic
def create_starter_guides() -> int:
    """Create or refresh the starter guides as published demo content; return how many."""
    now = timezone.now()
    treatments = {t.slug: t for t in TreatmentType.objects.all()}
    conditions = {c.slug: c for c in Condition.objects.all()}
    for position, data in enumerate(STARTER_GUIDES):
        guide = Guide.objects.filter(slug=data["slug"]).first() or Guide(slug=data["slug"])
        guide.title = data["title"]
        guide.summary = data["summary"]
        guide.body = data["body"].strip() + DEMO_NOTE
        guide.author_name, guide.author_credentials = AUTHOR
        guide.reviewer_name, guide.reviewer_credentials = REVIEWER
        if guide.pk is None or guide.reviewed_on is None:
            guide.reviewed_on = REVIEWED_ON  # an editor's later review in the admin is kept
        guide.status = Guide.Status.PUBLISHED
        guide.publish_at = guide.publish_at or now - timedelta(minutes=position)  # list order as above
        guide.full_clean()
        guide.save()
        guide.treatment_types.set([treatments[slug] for slug in data["treatments"]])
        guide.conditions.set([conditions[slug] for slug in data["conditions"]])
    return len(STARTER_GUIDES)
