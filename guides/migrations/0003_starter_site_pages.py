"""The starter text of the site's fixed pages, written from what the code does; editors keep it current in the admin."""

import re

from django.db import migrations

PAGES = [
    {
        "slug": "about",
        "title": "About this directory",
        "description": (
            "Who we are, what the directory lists, how clinics get listed and how results are ordered. "
            "Clinics do not pay to be listed."
        ),
        "body": """\
This directory helps people in the United States find clinics that offer ketamine therapy, and
compare them on the facts that matter before a first call: which forms of ketamine a clinic
gives, what a session costs, whether it works with insurance, and what a first visit is like.

## What you can do here

- **Search by place.** Type a ZIP code or a city and state, choose how far you can travel, and
  narrow the list by treatment, condition, insurance, price and more.
- **Compare clinics** side by side, and read each clinic's page: prices per session, an estimate of
  what a first course may cost, who the medical director is, and when the details were last checked.
- **Ask a clinic a question** through the form on its page. Your message goes to that clinic only.
- **Read our guides** about each form of ketamine treatment, costs and insurance, what to expect,
  and safety.

## How listings get here, and how they stay right

Listings come from our editors' own research and from clinic staff, who can claim their clinic's
listing and keep it up to date. Every change a clinic makes is checked by an editor before it
appears, and every clinic page shows when its details were last verified. Read
[how we verify listings](/how-we-verify/) for the whole process.

## Clinics do not pay to be listed

Listing a clinic is free, and no clinic can pay to appear higher. Search results are ordered by
what you choose: distance, lowest price, most recently verified, or name. A listing is not a
recommendation: we do not inspect clinics or rate the care they give.

## Information, not medical advice

Nothing on this site is medical advice. Ketamine therapy is not right for everyone, and only a
clinician who knows your health history can tell you whether it may be right for you. Our guides
are written in plain words and checked by a medical reviewer; see our
[editorial policy](/editorial-policy/).

**In a crisis?** Call or text [988](tel:988) (the Suicide & Crisis Lifeline), or call [911](tel:911) in an emergency.
This site cannot respond to emergencies.

## Reach us

Questions, corrections and privacy requests: see the [contact page](/contact/).
""",
    },
    {
        "slug": "how-we-verify",
        "title": "How we verify listings",
        "description": (
            "Where listings come from, how clinic staff prove they work at a clinic, how editors review every "
            "change, and what the \u201clast verified\u201d date on each clinic page means."
        ),
        "body": """\
Every clinic page says when its details were last verified. This page explains what that means,
step by step, and what it does not mean.

## Where listings come from

- **Our editors' research.** Editors add clinics they find, with the details the clinic publishes.
- **Clinic staff.** Someone who works at a clinic can submit a new listing. It stays hidden until an
  editor has reviewed it and published it.

## Who may change a listing

Only people who work at a clinic can propose changes to its listing, and they have to show it first:

- **A work e-mail address at the clinic's own website.** If you have confirmed an address at the
  same domain as the clinic's website (for example, an address ending in @yourclinic.com for
  yourclinic.com), we e-mail a confirmation link to that address. The link works for three days.
- **Otherwise, an editor decides.** The claim goes to an editor, who approves it or turns it down
  with a reason. Tell the editor who you are at the clinic when you claim it.

Once a person manages a listing, they can invite colleagues. An invitation only works for someone
who has confirmed the invited e-mail address.

## Every change is reviewed by an editor

When clinic staff edit their listing, nothing changes on the public page yet. The edit waits for
an editor, who sees each changed detail next to its old value, and is warned if the listing was
changed by someone else in the meantime, so that nobody's work is silently overwritten. The
editor then approves the change, or rejects it with a reason that is e-mailed to the clinic.
New photos and logos are reviewed the same way.

Every published change is kept in the listing's history: who made it, when, and what changed.

## What the "last verified" date means

A listing is marked verified on the day:

- an editor approves a change sent by the clinic's staff,
- the clinic's staff tell us their listing is still correct and an editor accepts that, or
- an editor checks the listing's details and marks it verified.

About 11 months after the last verification, clinic staff see a reminder on their dashboard to
check their listing. A listing not verified for more than a year carries a warning on its page,
and the "verified listings only" filter in the search leaves it out.

## What verification does not mean

Verification means the details on the page are the ones the clinic has given or confirmed to us.
It does not mean we have visited the clinic, checked its licenses or rated the quality of its care,
and a listing is not a recommendation. Prices and insurance arrangements change: always confirm
them with the clinic before you book. Before treatment, it is reasonable to ask a clinic who its
medical director is, who watches you during a session, how long you are observed afterwards, and,
for Spravato, whether it is a certified treatment center.

## Tell us when something is wrong

Every clinic page has a "Report something wrong" link. Editors read every report and correct the
listing when the report is right.
""",
    },
    {
        "slug": "editorial-policy",
        "title": "Editorial policy",
        "description": (
            "Who writes our patient guides, how each one is medically reviewed before it is published, "
            "and how we keep guides independent of the clinics we list."
        ),
        "body": """\
Our guides explain ketamine therapy in plain words: the forms of treatment, what they cost, what a
visit is like, safety, and the work that follows a session. This page explains how they are made.

## Who writes and reviews each guide

- **A named author** writes each guide. The author's name and background are shown at the top of it.
- **A named medical reviewer** checks each guide before it is published: a licensed clinician whose
  name, credentials and date of review appear on the guide. The reviewer checks that what the guide
  says about treatments, risks and costs is accurate and not overstated.
- A guide goes from draft to review to publication. Only then can patients read it.

## Sources

We rely on the prescribing information approved by the US Food and Drug Administration (for
example, the label of esketamine nasal spray, Spravato), research published in peer-reviewed
journals, and the guidance of professional medical societies. We say when the evidence is limited,
and we say plainly that ketamine other than Spravato is prescribed "off-label", outside the uses
the FDA has approved.

## How we write

- Plain words, short sentences, and no promises of results.
- Professional titles exactly as earned: "Dr." only for an MD, DO or PhD; other clinicians by their
  credentials, such as "Name, CRNA" for a nurse anesthetist.
- Each guide shows when it was published and, when it has changed since, when it was updated.

## Independence

Clinics cannot pay for a guide, write one, or review one, and no clinic can pay to be shown next
to a guide. The clinics listed beside a guide are the ones that offer its treatments or treat its
conditions, the most recently verified first, or the nearest first when you give a place.

## Corrections

If you think a guide is wrong or out of date, write to {contact_email}. A medical reviewer checks
every correction we make, and the guide then shows the date it was updated.

## Not medical advice

Guides give general information. They cannot tell you whether a treatment is right for you: talk
with a qualified clinician who knows your health history.
""",
    },
    {
        "slug": "privacy",
        "title": "Privacy policy",
        "description": (
            "What the directory stores when you search, send a clinic a message or report a listing, who can "
            "see it, how long it is kept and how to ask us to delete it."
        ),
        "body": """\
We keep as little about you as the site needs to work, and we never sell it or use it for
advertising.

## When you search or read

You do not need an account to search, compare clinics or read guides, and we do not ask who you
are. The site uses no advertising or analytics cookies and loads no tracking scripts. Its only
cookies protect its forms against forgery, keep clinic staff signed in, carry a short notice
to the next page you open (such as "your message was sent"), and remember up to four clinics you
chose to compare, for 30 days (the "compare" cookie; "Clear all" in the compare tray removes them).

We count how many times each clinic page is viewed each month, as a number for the clinic. The
count does not record who viewed it.

Pages that show a map load the map's images from a map provider (OpenStreetMap, unless we say
otherwise). The provider receives your device's internet address and the area the map shows,
as with any website that shows a map.

## When you send a message to a clinic

A message sent through the "Ask this clinic a question" form on a clinic's page is health information, and we treat it
that way.

- **What we store:** your name, the e-mail address or phone number you give, your message, your
  consent, when you sent it, and whether it reached the clinic.
- **Who sees it:** the clinic you wrote to. We e-mail it to the clinic's address and show it to the
  clinic's staff when they sign in. Our editors' tools show only whether a message was delivered,
  not what it says or who sent it. Messages are never written to the site's logs.
- **How long we keep it:** we delete every message {inquiry_retention_days} days after it was sent.
  The copy e-mailed to the clinic is then the clinic's own record, kept under its own privacy
  practices; ask the clinic if you want it deleted there too.

Please do not use the form in an emergency: call or text 988, or call 911.

## When you report a mistake in a listing

We store what you reported, your note, and your e-mail address if you chose to give one so that an
editor can ask you a question. Editors see reports; clinics do not see who reported.

## Clinic staff accounts

For people who manage a listing we store their e-mail addresses and whether they are confirmed,
their password (only in a scrambled form that cannot be turned back into the password), their
two-step sign-in settings if they turn it on, the clinics they manage, their claims, and the
changes they propose. A listing's history records who made each published change.

## Asking us to delete your information

Write to {contact_email} from the e-mail address you used, and say what you would like deleted:
a message you sent a clinic (before its {inquiry_retention_days} days are up), the e-mail address
on a report, or your staff account. We will confirm when it is done. For the copy of a message
that a clinic received, ask the clinic.

## Changes to this policy

When we change this policy, we update this page; the date it was last updated is shown below.
""",
    },
    {
        "slug": "terms",
        "title": "Terms of use",
        "description": (
            "The rules for using the directory: information, not medical advice; listings to confirm with the "
            "clinic; and what we ask of clinic staff who manage a listing."
        ),
        "body": """\
By using this site you agree to these terms. They are written to be read; please do.

## Information, not medical advice

The site gives general information about ketamine therapy and about clinics. It is not medical
advice, and using it does not make anyone your clinician. Decide about treatment with a qualified
clinician who knows your health history. In a crisis, call or text 988; in an emergency, call 911.

## Listings

Listings come from clinics and from our editors' research, and editors review every change (see
[how we verify listings](/how-we-verify/)). Even so, details such as prices, insurance and opening
hours change, and a listing can be wrong. Always confirm what matters to you with the clinic. A
listing is not a recommendation or an endorsement of a clinic or its care.

## Messages to clinics

A message you send through a clinic's page goes to that clinic, which decides how to answer. We do
not take part in your care and are not responsible for a clinic's reply or its services.

## What we ask of everyone

- Send true information: no false reports, and no messages sent in someone else's name.
- Do not try to break the site, get around its limits, or collect its pages in bulk by automated means.
- Do not send anything unlawful, abusive or misleading through its forms.

## What we ask of clinic staff

- Claim or edit a listing only for a clinic you work for and are allowed to speak for.
- Keep your listing accurate: prices per session, insurance, hours and who provides care.
- Editors may reject a change (with a reason), correct a listing, or remove someone's access to it
  when these terms are not kept.

## Guides and other content

The guides and pages of this site are ours. You may link to them and quote short passages with a
link back; please do not republish them whole.

## No guarantee

We work to keep the site accurate and available, but we provide it as it is, without a guarantee
that it is complete, current or free of errors, and we are not liable for decisions made on the
basis of it.

## Changes to these terms

When we change these terms, we update this page; the date it was last updated is shown below.
Questions: write to {contact_email}.
""",
    },
    {
        "slug": "contact",
        "title": "Contact us",
        "description": (
            "How to reach the directory's editors, a clinic, or help in a crisis, and where to report a "
            "mistake in a listing."
        ),
        "body": """\
## In a crisis

Call or text **[988](tel:988)** (the Suicide & Crisis Lifeline) at any hour, or call **[911](tel:911)** in an
emergency. We cannot respond to emergencies.

## Questions about treatment, prices or appointments

Ask the clinic directly: each clinic page has its phone number, its website and a form to ask
the clinic a question. We cannot answer questions about your care or book appointments.

## Something wrong on a clinic's page

Use the "Report something wrong" link on that clinic's page. It goes straight to our editors, with
the listing it is about.

## Clinic staff

- To update your clinic's listing, [sign in or create an account](/accounts/login/), then find your
  clinic's page and choose "Claim or update this listing" under "Is this your clinic?".
- To add a clinic that is not listed yet, sign in and [submit a new clinic](/manage/new-clinic/).

## Everything else

For privacy requests, corrections to a guide, and anything else, write to our editors at
[{contact_email}](mailto:{contact_email}). Please do not send health details by e-mail.
""",
    },
]


def unwrapped(markdown: str) -> str:
    """One line per paragraph or list item, as editors type it in the admin (the text above is wrapped to read)."""
    lines: list[str] = []
    for line in markdown.splitlines():
        continues = line.startswith("  ") or not re.match(r"(#|- |\d+\. |> |$)", line)
        if continues and lines and lines[-1]:
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def create_site_pages(apps, schema_editor):
    SitePage = apps.get_model("guides", "SitePage")
    for page in PAGES:
        SitePage.objects.get_or_create(slug=page["slug"], defaults={**page, "body": unwrapped(page["body"])})


class Migration(migrations.Migration):
    dependencies = [("guides", "0002_site_pages")]

    operations = [migrations.RunPython(create_site_pages, migrations.RunPython.noop)]
