"""Make plainly fictional demo clinics over real US places, the starter guides, and a demo editor account.

It lives in the guides app because it seeds guides too: guides may use clinics, never the other way.
"""

import random
import secrets
from datetime import timedelta

import zipcodes
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from clinics.management.demo_data import (
    BILLED_SHARE,
    CARRIER_STATES,
    CREDENTIALS,
    FIRST_VISITS,
    HOURS,
    METRO_SHARE,
    METROS,
    NAME_FIRST,
    NAME_LAST,
    PEOPLE_FIRST,
    PEOPLE_LAST,
    PRICE_CEILING,
    PRICES,
    STREETS,
)
from clinics.models import (
    Clinic,
    ClinicTreatment,
    Condition,
    ConfirmedBy,
    ConfirmedHow,
    InsuranceCarrier,
    Language,
    MonitoredBy,
    Place,
    TreatmentType,
)
from directory.caching import listings_changed, one_version_for_many_changes
from guides.starter_guides import create_starter_guides

DEMO_EDITOR_EMAIL = "editor@example.com"


class Command(BaseCommand):
    help = "Create fictional demo clinics (deterministic for a given --seed) and a demo editor account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinics", type=int, default=60, help="How many clinics to make (default 60).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed makes the same data.")
        parser.add_argument("--replace", action="store_true", help="Delete every existing clinic first.")

    def handle(self, *args, clinics: int, seed: int, replace: bool, **options) -> None:
        if not 1 <= clinics <= 200_000:
            raise CommandError("--clinics must be between 1 and 200000.")
        if not Place.objects.exists():
            raise CommandError("No places loaded yet: run `manage.py load_places` first.")
        if Clinic.objects.exists() and not replace:
            self.stdout.write("Clinics already exist; nothing made (use --replace to start over).")
        else:
            with one_version_for_many_changes(), transaction.atomic():
                if replace:
                    Clinic.objects.all().delete()
                made = DemoData(seed).create(clinics)
                listings_changed()  # bulk_create sends no signals
            self.stdout.write(f"{made} demo clinics created.")
        self.stdout.write(f"{create_starter_guides()} starter guides published.")
        self._ensure_editor()

    def _ensure_editor(self) -> None:
        """A staff member in the Editors group (not a superuser, so the demo shows an editor's real
        permissions), with a fresh random password - never a fixed one.

        Editors sign in at /accounts/login/ by e-mail like everyone, so the address is verified.
        """
        user_model = get_user_model()
        editor = user_model.objects.filter(username="editor").first()
        if editor:
            message = f"Demo editor account {editor.email} exists (manage.py changepassword editor to reset)."
        else:
            password = secrets.token_urlsafe(12)
            editor = user_model.objects.create_user("editor", DEMO_EDITOR_EMAIL, password, is_staff=True)
            message = f"Demo editor account: {DEMO_EDITOR_EMAIL}, password '{password}' (sign in at /admin/)."
        editor.groups.add(Group.objects.get(name="Editors"))
        EmailAddress.objects.get_or_create(
            user=editor, email=editor.email, defaults={"verified": True, "primary": True}
        )
        self.stdout.write(message)


class DemoData:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
        self.today = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
        self.treatments = {t.slug: t for t in TreatmentType.objects.all()}
        self.conditions = list(Condition.objects.order_by("slug"))
        self.carriers = list(InsuranceCarrier.objects.order_by("slug"))
        self.languages = {language.code: language for language in Language.objects.all()}
        # Street addresses only: PO box, single-organization and military ZIPs have no clinics.
        area_codes = {
            row["zip_code"]: row["area_codes"]
            for row in zipcodes.list_all()
            if row["zip_code_type"] == "STANDARD" and row["area_codes"]
        }
        self.area_codes = area_codes
        places = [
            place
            for place in Place.objects.order_by("zip_code").values_list(
                "zip_code", "city", "state", "latitude", "longitude"
            )
            if place[0] in area_codes
        ]
        metros = set(METROS)
        self.metro_places = [p for p in places if (p[1], p[2]) in metros]
        self.all_places = places

    def create(self, count: int) -> int:
        made = 0
        for start in range(0, count, 2000):
            made += self._create_batch(start, min(count, start + 2000))
        return made

    def _create_batch(self, start: int, stop: int) -> int:
        rng = self.random
        clinics, extras = [], []
        for number in range(start + 1, stop + 1):
            clinic, extra = self._clinic(number)
            clinics.append(clinic)
            extras.append(extra)
        Clinic.objects.bulk_create(clinics)

        offers, offer_carriers, condition_links, language_links = [], [], [], []
        for clinic, (treatment_slugs, conditions, language_codes) in zip(clinics, extras, strict=True):
            sold_here = [c for c in self.carriers if clinic.state in CARRIER_STATES.get(c.slug, {clinic.state})]
            for slug in treatment_slugs:
                low, high, spread, unit = PRICES[slug]
                price_min = rng.randrange(low, high + 1, 25)
                billed = rng.random() < BILLED_SHARE[slug]
                offers.append(
                    ClinicTreatment(
                        clinic=clinic,
                        treatment_type=self.treatments[slug],
                        price_min=price_min,
                        price_max=min(PRICE_CEILING, price_min + rng.randrange(0, spread + 1, 25)),
                        price_unit=unit,
                        course_sessions=self._own_course(slug),
                        bills_insurance=billed,
                        **self._confirmed(),
                    )
                )
                offer_carriers.append(rng.sample(sold_here, rng.randint(2, min(6, len(sold_here)))) if billed else [])
            condition_links += [Clinic.conditions.through(clinic=clinic, condition=c) for c in conditions]
            language_links += [
                Clinic.languages.through(clinic=clinic, language=self.languages[code]) for code in language_codes
            ]
        ClinicTreatment.objects.bulk_create(offers)
        ClinicTreatment.carriers.through.objects.bulk_create(
            ClinicTreatment.carriers.through(clinictreatment=offer, insurancecarrier=carrier)
            for offer, carriers in zip(offers, offer_carriers, strict=True)
            for carrier in carriers
        )
        Clinic.conditions.through.objects.bulk_create(condition_links)
        Clinic.languages.through.objects.bulk_create(language_links)
        Clinic.objects.filter(pk__in=[clinic.pk for clinic in clinics]).refresh_facts_confirmed_at()
        return len(clinics)

    def _confirmed(self, prefix: str = "") -> dict:
        """A made-up last confirmation: mostly recent, some overdue, a few never."""
        days_ago = self.random.randint(0, 450)
        if days_ago > 420:
            return {}
        by = self.random.choice([ConfirmedBy.EDITOR, ConfirmedBy.CLINIC])
        how = self.random.choice([ConfirmedHow.PHONE, ConfirmedHow.WEBSITE]) if by == ConfirmedBy.EDITOR else by
        return {
            f"{prefix}confirmed_at": self.today - timedelta(days=days_ago),
            f"{prefix}confirmed_by": by,
            f"{prefix}confirmed_how": how,
        }

    def _own_course(self, slug: str) -> int | None:
        """An IM course is each clinic's own; some clinics say how long theirs is."""
        if slug == "im-injection" and self.random.random() < 0.4:
            return self.random.choice([4, 6, 8])
        return None

    def _clinic(self, number: int) -> tuple[Clinic, tuple]:
        rng = self.random
        pool = self.metro_places if self.metro_places and rng.random() < METRO_SHARE else self.all_places
        zip_code, city, state, latitude, longitude = rng.choice(pool)
        name = f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_LAST)}"
        domain = f"{slugify(name)}-{number}.example"

        treatment_slugs = rng.sample(["iv-infusion", "im-injection", "spravato", "oral-sublingual"], rng.randint(1, 3))
        if "iv-infusion" not in treatment_slugs and rng.random() < 0.6:
            treatment_slugs.insert(0, "iv-infusion")
        mental_health = [c for c in self.conditions if c.group == Condition.Group.MENTAL_HEALTH]
        chronic_pain = [c for c in self.conditions if c.group == Condition.Group.CHRONIC_PAIN]
        conditions = rng.sample(mental_health, rng.randint(1, len(mental_health)))
        if rng.random() < 0.4:
            conditions += rng.sample(chronic_pain, rng.randint(1, len(chronic_pain)))
        language_codes = ["en"]
        if rng.random() < 0.35:
            language_codes.append("es")
        if rng.random() < 0.1:
            language_codes.append(rng.choice(["zh", "vi", "ko", "ru", "ar", "fr", "pt", "hi", "tl"]))

        clinic = Clinic(
            name=name,
            slug=f"{slugify(name)}-{slugify(city)}-{state.lower()}-{number}",
            description=(
                f"Fictional demo listing. {name} is an invented clinic in {city}, {state}, made up to show "
                "how the directory works. "
                + rng.choice(
                    [
                        "We focus on depression that has not responded to other treatment.",
                        "Our team pairs every course of ketamine with integration sessions.",
                        "A calm, private setting with a nurse beside you for every session.",
                        "We work with your own psychiatrist or doctor and keep them informed.",
                    ]
                )
            ),
            status=Clinic.Status.DRAFT if rng.random() < 0.03 else Clinic.Status.PUBLISHED,
            street=f"{rng.randint(100, 9899)} {rng.choice(STREETS)}",
            city=city,
            state=state,
            zip_code=zip_code,
            # Within about two miles of the ZIP's centre, so clinics in one ZIP do not stack.
            latitude=round(latitude + rng.uniform(-0.03, 0.03), 6),
            longitude=round(longitude + rng.uniform(-0.03, 0.03), 6),
            # 555-0100 to 555-0199 are reserved for fiction; the area code is the ZIP's own.
            phone=f"({rng.choice(self.area_codes[zip_code])}) 555-01{rng.randint(0, 99):02d}",
            email=f"hello@{domain}",
            website=f"https://{domain}",
            hours=rng.choice(HOURS),
            medical_director=f"{rng.choice(PEOPLE_FIRST)} {rng.choice(PEOPLE_LAST)}",
            medical_director_credentials=rng.choice(CREDENTIALS),
            first_visit=rng.choice(FIRST_VISITS),
            accepting_new_patients=rng.random() < 0.85,
            offers_telehealth=rng.random() < 0.3,
            offers_integration_therapy=rng.random() < 0.45,
            offers_financing=rng.random() < 0.5,
            offers_sliding_scale=rng.random() < 0.2,
            offers_superbill=rng.random() < 0.55,
            refers_to_clinical_trials=rng.random() < 0.1,
            spravato_rems_certified="spravato" in treatment_slugs and rng.random() < 0.9,
            session_monitored_by=rng.choice(list(MonitoredBy) + [""]),
            observation_minutes=120 if "spravato" in treatment_slugs else rng.choice([None, 30, 45, 60]),
            **self._confirmed("accepting_"),
            **self._confirmed("hours_"),
            **self._confirmed("telehealth_"),
        )
        return clinic, (treatment_slugs, conditions, language_codes)
