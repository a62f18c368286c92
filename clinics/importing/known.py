"""The listings and reference data an import's rows are checked and matched against, and the keys that match them."""

import re
from dataclasses import dataclass

from clinics.models import Clinic, Condition, InsuranceCarrier, Language, Place, TreatmentType
from clinics.models.listings import website_domain
from clinics.vocabulary import build_vocabulary, words_of


@dataclass
class Known:
    """What rows are checked and matched against, read once per import."""

    vocabulary: object
    treatments: dict[str, TreatmentType]
    carriers: dict[str, InsuranceCarrier]
    conditions: dict[str, int]
    languages: dict[str, int]
    places: dict[str, Place]
    by_external_id: dict[tuple[str, str], int]
    by_slug: dict[str, int]
    by_phone: dict[str, int]
    by_domain: dict[str, int]
    by_name_zip: dict[tuple[str, str], int]
    condition_names: dict[int, str]
    language_names: dict[int, str]

    @classmethod
    def load(cls, zip_codes: set[str]) -> "Known":
        by_external_id, by_slug, by_phone, by_domain, by_name_zip = {}, {}, {}, {}, {}
        rows = Clinic.objects.values_list(
            "pk", "slug", "source_name", "external_id", "phone", "website", "name", "zip_code"
        )
        for pk, slug, source_name, external_id, phone, website, name, zip_code in rows.iterator(chunk_size=5000):
            by_slug[slug] = pk
            if external_id:
                by_external_id[(source_name, external_id)] = pk
            if digits := phone_digits(phone):
                by_phone.setdefault(digits, pk)
            if domain := website_domain(website):
                by_domain.setdefault(domain, pk)
            by_name_zip.setdefault((name_key(name), zip_code), pk)
        return cls(
            vocabulary=build_vocabulary(),
            treatments={treatment.slug: treatment for treatment in TreatmentType.objects.all()},
            carriers={carrier.slug: carrier for carrier in InsuranceCarrier.objects.all()},
            conditions=dict(Condition.objects.values_list("slug", "pk")),
            languages={
                key.casefold(): pk
                for pk, name, code in Language.objects.values_list("pk", "name", "code")
                for key in (name, code)
            },
            places=Place.objects.in_bulk(list(zip_codes)),
            by_external_id=by_external_id,
            by_slug=by_slug,
            by_phone=by_phone,
            by_domain=by_domain,
            by_name_zip=by_name_zip,
            condition_names=dict(Condition.objects.values_list("pk", "name")),
            language_names=dict(Language.objects.values_list("pk", "name")),
        )

    def slug_of(self, kind: str, text: str) -> str | None:
        """The treatment, condition or insurance slug a name or everyday word stands for (one, not a group)."""
        meaning = self.vocabulary.phrases.get(words_of(text))
        if meaning and meaning.parameter == kind and len(meaning.values) == 1:
            return meaning.values[0]
        return None


def phone_digits(phone: str) -> str:
    """The ten digits of a US phone number, or "" when it is not one."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return ""
    return digits


def name_key(name: str) -> str:
    return " ".join(words_of(name))
