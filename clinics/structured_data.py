"""schema.org data (JSON-LD) for search engines: clinics and breadcrumbs."""

from django.conf import settings

from clinics.models import Clinic, ClinicTreatment


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def clinic_json_ld(clinic: Clinic) -> dict:
    """A MedicalClinic; reads only the relations the clinic page prefetches."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": clinic.name,
        "url": absolute(clinic.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": clinic.street,
            "addressLocality": clinic.city,
            "addressRegion": clinic.state,
            "postalCode": clinic.zip_code,
            "addressCountry": "US",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": clinic.latitude, "longitude": clinic.longitude},
        "isAcceptingNewPatients": clinic.accepting_new_patients,
        "availableService": [
            {"@type": "MedicalTherapy", "name": offer.treatment_type.name} for offer in clinic.clinic_treatments.all()
        ],
        "makesOffer": [_offer_json_ld(offer) for offer in clinic.clinic_treatments.all()],
    }
    if clinic.medical_director_display:
        data["employee"] = {"@type": "Person", "name": clinic.medical_director_name, "jobTitle": "Medical director"}
        if clinic.medical_director_is_doctor:
            data["employee"]["honorificPrefix"] = "Dr."
        if clinic.medical_director_credentials:
            data["employee"]["honorificSuffix"] = clinic.medical_director_credentials
    if clinic.phone:
        data["telephone"] = clinic.phone
    if clinic.website:
        data["sameAs"] = clinic.website
    if clinic.description:
        data["description"] = clinic.description
    return data


def _offer_json_ld(offer: ClinicTreatment) -> dict:
    """An offer's self-pay price range in its unit; insurance terms vary by plan, so they are left out."""
    return {
        "@type": "Offer",
        "itemOffered": {"@type": "MedicalTherapy", "name": offer.treatment_type.name},
        "priceSpecification": {
            "@type": "UnitPriceSpecification",
            "minPrice": offer.price_min,
            "maxPrice": offer.price_max,
            "priceCurrency": "USD",
            "unitText": offer.get_price_unit_display().removeprefix("per "),
        },
    }


def breadcrumb_json_ld(crumbs: list[tuple[str, str]]) -> dict:
    """A BreadcrumbList from (name, path) pairs, home first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute(path)}
            for position, (name, path) in enumerate(crumbs, start=1)
        ],
    }
