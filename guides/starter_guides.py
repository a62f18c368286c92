"""Starter guides for the demo site, written for it from widely published facts (see PRODUCT.md).

They are demo content: the reviewer is fictional and every guide says so. `create_starter_guides()`
is idempotent, so `manage.py seed_guides` (and the site's `seed_demo`) can run it again.
"""

from datetime import date, timedelta

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

STARTER_GUIDES = [
    {
        "slug": "iv-ketamine-infusions",
        "title": "IV ketamine infusions: what they are and how a course works",
        "summary": "How an intravenous ketamine infusion is given, what a usual first course looks like, "
        "and why it is the most studied way of using ketamine for depression.",
        "treatments": ["iv-infusion"],
        "conditions": ["treatment-resistant-depression"],
        "body": """
## What an infusion is

In an IV infusion, ketamine runs slowly into a vein through a thin tube, usually in the arm. Because the
drug arrives a little at a time, the clinician can raise or lower the dose while the session is under
way, or stop it, depending on how you respond and on your vital signs.

IV infusion is the form of ketamine that researchers have studied most for depression, which is one
reason many clinics treat it as their main offer.

## A usual first course

Most clinics start with **six infusions spread over two to three weeks**. After that, people who
benefit often come back for occasional *maintenance* infusions; how often depends on how long the
effect lasts for them, and is agreed with the clinic.

## During a session

- A session usually lasts between 40 minutes and 2 hours, including time to settle and recover.
- Staff check your blood pressure, heart rate and oxygen level throughout.
- Many people feel detached or dreamlike while the drip runs. This usually fades soon after it stops.

## Who it suits

Clinics most often offer IV ketamine to adults with depression that has not improved after other
treatments. A clinician decides with you whether it fits, after a full consultation.

## Cost

IV ketamine for mental health is prescribed *off-label*, so insurers rarely pay for it and most
people pay themselves. See [costs and insurance](/guides/ketamine-costs-and-insurance/) for what to
expect and how to ask about payment options.
""",
    },
    {
        "slug": "im-ketamine-injections",
        "title": "IM ketamine injections: a fixed dose in a single shot",
        "summary": "How an intramuscular ketamine injection differs from an infusion in cost, control "
        "and how it feels, and what to ask a clinic that offers it.",
        "treatments": ["im-injection"],
        "conditions": [],
        "body": """
## What it is

An intramuscular (IM) injection puts the whole dose into a muscle, usually the upper arm, in one go.
There is no drip and no line to keep in place, which makes each session simpler to run.

## How it compares with an IV infusion

| | IM injection | IV infusion |
|---|---|---|
| How the dose is given | All at once | Slowly, over the session |
| Can the dose be changed midway? | No | Yes |
| How it tends to feel | Comes on faster, often stronger dissociation | Builds gradually |
| Price per session | Often lower | Often higher |

## The course

There is no single standard schedule: each clinic sets its own, and a short series of sessions is
common. Ask the clinic how many sessions it usually recommends, and how it decides on maintenance.

## Questions to ask

- How is the dose chosen, and who is with me while it takes effect?
- How are my vital signs monitored, and for how long afterwards?
- What happens if I feel unwell during the session?

Like IV ketamine, IM ketamine for mental health is off-label and usually self-pay.
""",
    },
    {
        "slug": "spravato-esketamine-nasal-spray",
        "title": "Spravato (esketamine nasal spray): the FDA-approved option",
        "summary": "What Spravato is, who it is FDA-approved for, how the twice-weekly start works in a "
        "REMS-certified center, and why it is the form insurance most often covers.",
        "treatments": ["spravato"],
        "conditions": ["treatment-resistant-depression", "major-depression-suicidal-ideation"],
        "body": """
## What it is

Spravato is a nasal spray containing *esketamine*, a close chemical relative of ketamine. In the United
States the FDA has approved it for adults with:

- **treatment-resistant depression**, either on its own or together with an antidepressant taken by
  mouth (approval to use it on its own came in January 2025); and
- **depressive symptoms of major depressive disorder with acute suicidal thoughts or behavior**,
  together with an antidepressant taken by mouth.

For the second use, the label is careful: Spravato has **not been shown to prevent suicide or to reduce
suicidal thoughts or behavior**, and it **does not replace hospitalization** when a doctor judges that
it is needed. If you are in crisis, call or text **988** now.

## Where and how it is given

Spravato is given only in a healthcare setting certified under the Spravato REMS, a safety program the
FDA requires. You spray it yourself while a healthcare provider watches. Afterwards you stay for
**at least 2 hours of observation**, until the provider judges that you are ready to leave.

Do not drive or use machinery until the next day, after a restful sleep, so arrange a ride home after
every session.

## A usual schedule

For treatment-resistant depression:

- **Weeks 1 to 4:** two sessions a week, eight in all.
- **Weeks 5 to 8:** one session a week.
- **From week 9:** weekly or every 2 weeks, depending on how you respond.

For major depression with acute suicidal thoughts or behavior, the label's course is twice a week for
4 weeks; whether to go on after that is the prescriber's decision.

## Insurance

Because it is FDA-approved for these uses, Spravato is the form of ketamine treatment most likely to be
billed to medical insurance. Insurers commonly ask for *prior authorization*, which the center usually
handles. What you pay then depends on your plan: copay, coinsurance and deductible. A center's list
price is what someone paying for themselves would pay. Ask the center early which plans it bills.

## Things to know

Spravato can cause dissociation, sleepiness, dizziness, nausea and a temporary rise in blood pressure,
which is why observation is required after every dose. Some people must not use it at all, for example
people with certain blood-vessel conditions. Our [safety guide](/guides/ketamine-safety-side-effects/)
lists the label's contraindications and warnings.
""",
    },
    {
        "slug": "oral-and-sublingual-ketamine",
        "title": "Oral and sublingual ketamine: lozenges and troches",
        "summary": "What lozenges and troches are, why they are less predictable than an infusion, "
        "and how clinics use them for maintenance or milder cases.",
        "treatments": ["oral-sublingual"],
        "conditions": ["anxiety-disorders"],
        "body": """
## What it is

Sublingual ketamine comes as a lozenge or *troche* that you hold under your tongue or against your cheek
until it dissolves. Some prescribers allow it at home after a supervised first dose.

## Why the effect varies

Only part of a dose swallowed or absorbed through the mouth reaches the bloodstream, and how much varies
from person to person and day to day. That makes it **less potent and less predictable** than an
infusion or injection.

## How it is used

- As *maintenance* between IV or IM sessions, to help an improvement last.
- For milder cases, where a clinician judges a lower-intensity option reasonable.

There is no fixed course: the plan is set by the prescriber.

## Cost

Oral and sublingual ketamine are off-label and usually self-pay. Because you take them at home, they
are priced **per prescription or per month**, not per session.

## Safety at home

If you take ketamine at home, follow the prescriber's instructions exactly, have another adult nearby,
sit or lie somewhere safe, do not drive for the rest of the day, and keep the medicine locked away from
others.
""",
    },
    {
        "slug": "ketamine-costs-and-insurance",
        "title": "What ketamine therapy costs, and what insurance covers",
        "summary": "Typical prices per session, how to estimate a first course, which form insurance is "
        "most likely to pay for, and the payment options clinics offer.",
        "treatments": ["iv-infusion", "im-injection", "spravato", "oral-sublingual"],
        "conditions": [],
        "body": """
## The price of a session

A single session typically costs **between $300 and $800**, depending on how ketamine is given and on
the clinic. The first consultation may be charged separately.

## Estimating a first course

Where a treatment has a usual first course, multiply the price per session by the number of sessions.
For example, six IV infusions for depression at $400 to $600 each come to **$2,400 to $3,600**. Clinic
pages in this directory show this estimate where a clinic lists a price per session and a course length.

Some treatments have no usual course to multiply by:

- **IM injections:** each clinic sets its own course, so ask how many sessions it recommends.
- **Oral and sublingual ketamine** is priced per prescription or per month, not per session.
- **Chronic pain:** protocols vary widely (longer infusions, sometimes several days in a row), so the
  depression course above says nothing about a pain course. Ask the clinic for its own plan and price.

## What insurance usually does

- **Spravato** is FDA-approved for specific kinds of depression, so it is the form most likely to be
  billed to insurance, often after prior authorization. What you pay then depends on your plan:
  copay, coinsurance and deductible.
- **IV, IM and oral ketamine** are used *off-label*. Insurers rarely cover them, so most people pay
  themselves.

Coverage differs between plans: ask both the clinic and your insurer before you start.

## Ways clinics help with cost

- **Financing or payment plans** spread the cost over months.
- **Sliding-scale fees** lower the price for people on smaller incomes.
- **Superbills** are itemized receipts you can send to your insurer to claim out-of-network
  reimbursement. There is no guarantee it will pay, but some plans do.
- **Clinical trials** sometimes offer treatment at no cost; a clinic may be able to point you to one.

You can filter the directory by each of these options.
""",
    },
    {
        "slug": "what-to-expect-at-a-ketamine-session",
        "title": "What to expect at your first ketamine session",
        "summary": "From the first consultation to the ride home: fasting, how long a session lasts, "
        "how you are monitored, and how to plan the rest of the day.",
        "treatments": ["iv-infusion", "im-injection", "spravato"],
        "conditions": [],
        "body": """
## Before the first session: a consultation

Every reputable clinic starts with a consultation. Expect questions about your medical and mental-health
history, the medicines you take, and what you hope treatment will change. This is also your chance to
ask about the plan, the costs and who will be with you during sessions.

## On the day

1. **Fast** for the few hours before, as the clinic tells you; ketamine can cause nausea.
2. **Arrange a ride home.** You must not drive for the rest of the day; after Spravato, not until the
   next day, after a restful sleep.
3. Wear comfortable clothes. Many people bring headphones and an eye mask.

## During the session

A session lasts **40 minutes to 2 hours**, depending on the treatment. Staff check your blood pressure,
heart rate and oxygen level throughout. Many people feel floaty, detached or dreamlike; colors and
sounds may seem different. These effects usually ease within an hour or so after the dose ends.

## Afterwards

Plan to **rest for the rest of the day**. Avoid alcohol, driving and big decisions until the next day.
Some people notice a change in mood within hours or days; for others it builds over the course.

Keeping notes after each session helps you and your clinician see what is changing. Our guide to
[integration](/guides/integration-after-ketamine/) has ideas.
""",
    },
    {
        "slug": "ketamine-safety-side-effects",
        "title": "Ketamine safety: side effects and who should avoid it",
        "summary": "The common short-lived effects of ketamine treatment, the conditions that usually rule "
        "it out, and questions to raise with a clinician before you start.",
        "treatments": ["iv-infusion", "im-injection", "spravato", "oral-sublingual"],
        "conditions": [],
        "body": """
## Common effects

Most effects are short-lived and fade within hours of a session:

- **Dissociation**: feeling detached from your body or surroundings, or as if in a dream.
- **Dizziness or nausea.** Fasting beforehand helps with nausea.
- **A mild rise in blood pressure** during the session, which is why it is monitored.

Tell staff at once if anything feels wrong; they can slow or stop an infusion.

## Who usually should not have it

Clinicians usually advise against ketamine treatment for people with:

- high blood pressure that is not under control;
- severe heart disease;
- untreated psychosis or schizophrenia.

Pregnancy, a history of substance use, liver problems and some medicines also need a careful
conversation. This list is not complete: a clinician decides what is safe for you.

## Spravato: what its label adds

Spravato (esketamine nasal spray) has an FDA label with its own rules. It must **not** be used by
people with:

- aneurysmal vascular disease, including of the thoracic and abdominal aorta, the arteries inside the
  skull and the peripheral arteries, or an arteriovenous malformation;
- a history of bleeding in the brain (intracerebral hemorrhage);
- an allergy (hypersensitivity) to esketamine, ketamine or any other ingredient of the spray.

The label also warns about:

- **sedation** and **dissociation**, which is why you are observed for at least 2 hours after each dose;
- **respiratory depression** (slowed or shallow breathing);
- **abuse and misuse**;
- **increased blood pressure**;
- **cognitive impairment**: attention, judgment and thinking may be affected for a while;
- **impaired ability to drive** or use machinery: not until the next day, after a restful sleep;
- **ulcerative or interstitial cystitis** and other bladder problems;
- **embryo-fetal toxicity**: it may harm an unborn baby, so tell the prescriber if you are pregnant or
  planning a pregnancy.

Like antidepressants, it also carries a warning about suicidal thoughts and behaviors in younger people.

## Questions to ask a clinic

- Who is medically responsible for my treatment, and what are their credentials?
- How will you monitor me during and after the session?
- What happens in an emergency?

## In a crisis

If you are thinking about suicide, call or text **988** (US) or your local emergency number now.
Ketamine treatment is not an emergency service.
""",
    },
    {
        "slug": "integration-after-ketamine",
        "title": "Integration: making the most of ketamine treatment",
        "summary": "What integration means, and the practices people use between sessions: journaling, "
        "mindfulness, therapy including ketamine-assisted psychotherapy, and everyday changes.",
        "treatments": [],
        "conditions": ["treatment-resistant-depression", "ptsd"],
        "body": """
## What integration means

*Integration* is the work of turning what you noticed during treatment into lasting change in daily
life. Many clinicians think it helps the benefit of ketamine go further and last longer.

## Practices people use

- **Journaling.** Write down thoughts, images or feelings from a session the same day, and how your
  mood changes in the days after.
- **Mindfulness.** Short, regular practices such as breathing exercises or a body scan.
- **Therapy.** Talking therapies such as cognitive behavioral therapy (CBT), or
  *ketamine-assisted psychotherapy* (KAP), where a therapist works with you before, during or after
  sessions.
- **Lifestyle.** Sleep, movement, time outdoors and time with supportive people all count.

## Finding support

Some clinics offer integration therapy themselves; in this directory you can filter for clinics that
offer KAP or other integration support. If yours does not, ask whether it works with therapists
nearby.
""",
    },
]


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
