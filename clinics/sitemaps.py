"""sitemap.xml: every published clinic and every landing page that has clinics to show."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import slugify

from clinics.models import Clinic, Condition, TreatmentType


class SiteUrlSitemap(Sitemap):
    """Absolute URLs on SITE_URL, the same address the canonical links use."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class ClinicSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    limit = 10_000

    def items(self) -> QuerySet:
        return Clinic.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, clinic: Clinic):
        return clinic.updated_at


class LandingSitemap(SiteUrlSitemap):
    changefreq = "daily"
    limit = 10_000

    def items(self) -> list[str]:
        published = Clinic.objects.published().order_by()
        states = published.values_list("state", flat=True).distinct().order_by("state")
        cities = published.values_list("state", "city").distinct().order_by("state", "city")
        paths = [
            *(
                reverse("treatment_clinics", args=[slug])
                for slug in TreatmentType.objects.values_list("slug", flat=True)
            ),
            *(reverse("condition_clinics", args=[slug]) for slug in Condition.objects.values_list("slug", flat=True)),
            *(reverse("clinics:state", args=[state.lower()]) for state in states),
            *(reverse("clinics:city", args=[state.lower(), slugify(city)]) for state, city in cities if slugify(city)),
        ]
        return list(dict.fromkeys(paths))  # "St. Louis" and "St Louis" share one page

    def location(self, path: str) -> str:
        return path


SITEMAPS = {"clinics": ClinicSitemap, "places": LandingSitemap}
