"""Plainly fictional demo clinics over real US places (`DemoData`), and the made-up pieces they are
drawn from: cities, names, streets, hours, prices and billing. `manage.py seed_demo` uses it."""

import random
from datetime import timedelta

import zipcodes
from django.utils import timezone
from django.utils.text import slugify

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

# Metros where most demo clinics cluster, so a search near a big city finds several.
METROS = [
    ("Austin", "TX"),
    ("Houston", "TX"),
    ("Dallas", "TX"),
    ("San Antonio", "TX"),
    ("Phoenix", "AZ"),
    ("Los Angeles", "CA"),
    ("San Diego", "CA"),
    ("San Francisco", "CA"),
    ("Sacramento", "CA"),
    ("Denver", "CO"),
    ("Seattle", "WA"),
    ("Portland", "OR"),
    ("Chicago", "IL"),
    ("Minneapolis", "MN"),
    ("New York", "NY"),
    ("Brooklyn", "NY"),
    ("Boston", "MA"),
    ("Philadelphia", "PA"),
    ("Pittsburgh", "PA"),
    ("Miami", "FL"),
    ("Tampa", "FL"),
    ("Orlando", "FL"),
    ("Atlanta", "GA"),
    ("Nashville", "TN"),
    ("Charlotte", "NC"),
    ("Raleigh", "NC"),
    ("Washington", "DC"),
    ("Baltimore", "MD"),
    ("Columbus", "OH"),
    ("Detroit", "MI"),
    ("Salt Lake City", "UT"),
    ("Las Vegas", "NV"),
    ("Kansas City", "MO"),
    ("New Orleans", "LA"),
    ("Albuquerque", "NM"),
    ("Boise", "ID"),
    ("Richmond", "VA"),
    ("Louisville", "KY"),
]
METRO_SHARE = 0.7

NAME_FIRST = [
    "Bluebird",
    "Cedar",
    "Lantern",
    "Harbor",
    "Willow",
    "Summit",
    "Meadow",
    "Riverstone",
    "Clearwater",
    "Northstar",
    "Juniper",
    "Evergreen",
    "Sunrise",
    "Quiet Oak",
    "Stillwater",
    "Aspen",
    "Silver Pine",
    "Kestrel",
    "Magnolia",
    "Brightpath",
    "Foxglove",
    "Tidewater",
    "Copper Hill",
    "Lighthouse",
    "Sage",
]
NAME_LAST = [
    "Ketamine Clinic",
    "Ketamine Center",
    "Infusion Center",
    "Wellness Clinic",
    "Mental Health Partners",
    "Ketamine & Pain Clinic",
    "Infusion Therapy",
    "Psychiatry & Ketamine",
    "Ketamine Institute",
]
PEOPLE_FIRST = [
    "Avery",
    "Jordan",
    "Morgan",
    "Riley",
    "Casey",
    "Quinn",
    "Harper",
    "Rowan",
    "Emerson",
    "Sasha",
    "Devin",
    "Kai",
    "Reese",
    "Noel",
    "Parker",
    "Sydney",
    "Taylor",
    "Jamie",
    "Robin",
    "Lee",
]
PEOPLE_LAST = [
    "Okafor",
    "Lindqvist",
    "Moreno",
    "Nakamura",
    "Delacroix",
    "Brennan",
    "Castillo",
    "Haddad",
    "Whitfield",
    "Osei",
    "Kowalski",
    "Abernathy",
    "Ferreira",
    "Tran",
    "Gallagher",
    "Iyer",
]
CREDENTIALS = [
    "MD, board-certified anesthesiologist",
    "MD, board-certified psychiatrist",
    "DO, emergency medicine",
    "MD, pain medicine",
    "CRNA, certified registered nurse anesthetist",
    "PMHNP-BC, psychiatric nurse practitioner",
]
STREETS = [
    "Main St",
    "Oak Ave",
    "Congress Ave",
    "Market St",
    "Elm St",
    "Park Blvd",
    "Lakeview Dr",
    "Medical Pkwy",
    "Commerce Way",
    "2nd St",
    "Cedar Ln",
    "Riverside Dr",
]
HOURS = [
    "Mon-Fri 8am-5pm\nSat 9am-1pm",
    "Mon-Thu 7am-6pm\nFri 7am-3pm",
    "Tue-Sat 9am-6pm",
    "Mon-Fri 9am-7pm",
]
FIRST_VISITS = [
    "Your first appointment is a consultation of about an hour with our medical director: health history, "
    "current medicines, and what you hope to change. If ketamine suits you, we book the first session.",
    "We start with a screening call, then an in-person assessment with vital signs and questionnaires. "
    "Bring a list of your medicines and plan for someone to drive you home after each session.",
    "A nurse reviews your records before you arrive. On the day: no food for four hours beforehand, "
    "a comfortable chair, an eye mask and music, and a staff member with you throughout.",
]

# Self-pay price bands per treatment in whole dollars: (lowest min, highest min, widest spread, unit).
# Oral ketamine is a take-home prescription, so it is priced per month, not per session.
PRICES = {
    "iv-infusion": (400, 650, 200, ClinicTreatment.PriceUnit.SESSION),
    "im-injection": (300, 450, 150, ClinicTreatment.PriceUnit.SESSION),
    "spravato": (550, 700, 100, ClinicTreatment.PriceUnit.SESSION),
    "oral-sublingual": (150, 300, 100, ClinicTreatment.PriceUnit.MONTH),
}
PRICE_CEILING = 800
# How often each treatment is billed to insurance: Spravato usually, off-label ketamine almost never.
BILLED_SHARE = {"iv-infusion": 0.02, "im-injection": 0.03, "spravato": 0.85, "oral-sublingual": 0.0}
# Carriers that sell plans only in some states; the rest are offered everywhere.
CARRIER_STATES = {
    "kaiser-permanente": {"CA", "CO", "GA", "HI", "MD", "OR", "VA", "WA", "DC"},
    "anthem": {"CA", "CO", "CT", "GA", "IN", "KY", "ME", "MO", "NV", "NH", "NY", "OH", "VA", "WI"},
}


class DemoData:
    """Demo clinics with their offers, conditions and languages, the same for the same seed."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
        self.today = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
        self.treatments = {t.slug: t for t in TreatmentType.objects.all()}
        conditions = list(Condition.objects.order_by("slug"))
        self.mental_health = [c for c in conditions if c.group == Condition.Group.MENTAL_HEALTH]
        self.chronic_pain = [c for c in conditions if c.group == Condition.Group.CHRONIC_PAIN]
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
        conditions = rng.sample(self.mental_health, rng.randint(1, len(self.mental_health)))
        if rng.random() < 0.4:
            conditions += rng.sample(self.chronic_pain, rng.randint(1, len(self.chronic_pain)))
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
